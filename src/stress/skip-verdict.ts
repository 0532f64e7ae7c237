// This file decides whether a run did what it was asked. An operation whose
// process never came to exist is skipped: races make that common (a fork
// racing its forker's death fails, and so does everything planned on the
// child), typically 10-20% of a run. Past half of the operations the run has
// tested much less than its shape says - most often because forks failed
// wholesale (EAGAIN: no free PID below pid_max) - so it is `incomplete`, not
// passed, unless --allow-skips accepts it.

import { count } from './progress-display.js';
import type { RunCounters } from './run-stats.js';

/** More than this share of the operations skipped makes a run incomplete. */
export const MOST_SKIPPED = 0.5;

export interface SkipVerdict {
  /** Operations issued: run, or skipped because a process they name does not exist. */
  readonly issued: number;
  readonly skipped: number;
  /** skipped / issued (0 when nothing was issued). */
  readonly fraction: number;
  /** More than MOST_SKIPPED of the operations were skipped. */
  readonly tooMany: boolean;
  /** Failed forks by errno: why the processes were never created. */
  readonly forkErrors: Readonly<Record<string, number>>;
}

export function skipVerdict(c: RunCounters): SkipVerdict {
  const issued = c.opsDone + c.opsSkipped;
  const fraction = issued === 0 ? 0 : c.opsSkipped / issued;
  return { issued, skipped: c.opsSkipped, fraction, tooMany: fraction > MOST_SKIPPED, forkErrors: { ...c.syscalls['fork']?.errors } };
}

/** "62% of the operations were skipped (136,000 of 219,000) ..., since 124,000 forks failed: EAGAIN 120,000 (...)". */
export function describeSkips(v: SkipVerdict, pidMax: number | undefined): string {
  const pct = `${Math.round(v.fraction * 100)}%`;
  const head = `${pct} of the operations were skipped (${count(v.skipped)} of ${count(v.issued)}): the processes they name were never created`;
  const errors = Object.entries(v.forkErrors).sort((a, b) => b[1] - a[1]);
  const failed = errors.reduce((n, [, k]) => n + k, 0);
  if (failed === 0) return head;
  const why = errors.map(([code, k]) => `${code} ${count(k)}${code === 'EAGAIN' && pidMax !== undefined ? ` (no free PID below pid_max ${count(pidMax)})` : ''}`);
  return `${head}, since ${count(failed)} forks failed: ${why.join(', ')}`;
}
