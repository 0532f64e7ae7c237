// The targets of docs/performance.md, each checked against the measurements
// of one run. A target names the rows it reads; a row it cannot find is "not
// measured", never met by default; a ratio is between two rows of the same
// run. A --quick run is too short to judge: every check is "not judged".

import type { Measurement } from './suite-types.js';
import { FLOOR_ID } from './runtime-floor.js';
import { formatFigure, formatRatio } from './number-format.js';

/** A check's verdict, or why it has none: the row was not in this run, or its figure cannot say (a --quick run; a figure that includes what the target leaves out). */
export type CheckVerdict = 'met' | 'not met' | 'not measured' | 'not judged';

/** One row judged against one target. */
export interface TargetCheck {
  readonly row: string;
  /** The figure the verdict rests on, as the table shows it (or why there is none). */
  readonly value: string;
  readonly verdict: CheckVerdict;
}

export interface TargetVerdict {
  readonly id: string;
  /** docs/performance.md's wording. */
  readonly text: string;
  /** Short form for a table cell. */
  readonly short: string;
  readonly checks: readonly TargetCheck[];
  /**
   * 'met' only when every check is met; 'not met' when one is not; 'not
   * measured' / 'not judged' when no check has a verdict (all for the same
   * reason); 'partly judged' when some are met and others have no verdict.
   */
  readonly status: 'met' | 'not met' | 'partly judged' | 'not measured' | 'not judged';
}

type Lookup = (id: string) => Measurement | undefined;

export interface PerfTarget {
  readonly id: string;
  readonly text: string;
  readonly short: string;
  /** Every row the target reads, measured or not; `all` is every row of the run (for targets that pick rows by what they are). */
  check(find: Lookup, all: readonly Measurement[]): TargetCheck[];
}

const DRIVES = ['client', 'program'] as const;
const NOT_MEASURED = 'not measured';

const verdictOf = (ok: boolean): CheckVerdict => (ok ? 'met' : 'not met');
const missing = (row: string): TargetCheck => ({ row, value: NOT_MEASURED, verdict: 'not measured' });

/** Rows whose median must reach `min`. */
function atLeast(rows: readonly string[], min: number, find: Lookup): TargetCheck[] {
  return rows.map((row) => {
    const m = find(row);
    return m ? { row, value: `${formatFigure(m.median)} ${m.unit}`, verdict: verdictOf(m.median >= min) } : missing(row);
  });
}

/** Rows whose median over their pair's must reach `min` (pairs: [row, reference]). */
function ratioAtLeast(pairs: readonly (readonly [string, string])[], min: number, find: Lookup, describe: (r: number) => string): TargetCheck[] {
  return pairs.map(([row, ref]) => {
    const m = find(row);
    const b = find(ref);
    if (!m || !b) return missing(row);
    const r = m.median / b.median;
    return { row, value: describe(r), verdict: verdictOf(r >= min) };
  });
}

/** A fraction of the floor, as the targets state it: '0.0512 of the floor'. */
const ofFloor = (r: number): string => `${formatFigure(r)} of the floor`;

/** The threads transports a row of `transport` runs on has more than one worker. */
const severalWorkers = (t: unknown): boolean => typeof t === 'string' && t.startsWith('threads-w') && t !== 'threads-w1';

export const PERF_TARGETS: readonly PerfTarget[] = [
  {
    id: 'floor-depth-0',
    text: 'inline, client-driven, 256 in flight, depth 0: at least 0.30 of the runtime floor measured in the same run',
    short: '≥ 0.30 of the floor',
    check: (find) => ratioAtLeast([['fork-cycle/inline/d0/k256/client', FLOOR_ID]], 0.3, find, ofFloor),
  },
  {
    id: 'floor-depth-31',
    text: 'inline, client-driven, 256 in flight, depth 31 (32 PIDs per fork): at least 0.02 of the runtime floor measured in the same run',
    short: '≥ 0.02 of the floor',
    check: (find) => ratioAtLeast([['fork-cycle/inline/d31/k256/client', FLOOR_ID]], 0.02, find, ofFloor),
  },
  {
    id: 'program-depth-0',
    text: 'inline, program-driven (a reaper forking children that exit), depth 0: at least 1 M cycles/s',
    short: '≥ 1 M cycles/s',
    check: (find) => atLeast(['fork-cycle/inline/d0/k256/program'], 1e6, find),
  },
  {
    id: 'threads-w1-vs-inline',
    text: 'threads W=1 at least 0.8x inline at depth 0, 1, 3 and 31, client- and program-driven, 256 in flight',
    short: 'W=1 ≥ 0.8x inline',
    check: (find) =>
      ratioAtLeast(
        [0, 1, 3, 31].flatMap((d) => DRIVES.map((dr) => [`fork-cycle/threads-w1/d${d}/k256/${dr}`, `fork-cycle/inline/d${d}/k256/${dr}`] as const)),
        0.8,
        find,
        (r) => `${formatRatio(r)} inline`,
      ),
  },
  {
    id: 'workers-scale',
    text: 'independent namespaces (parallel-namespaces): threads W=2 at least 1.5x W=1 program-driven and 1.2x client-driven',
    short: 'W=2 ≥ 1.5x / 1.2x W=1',
    check: (find) => [
      ...ratioAtLeast([['parallel-namespaces/threads-w2/program', 'parallel-namespaces/threads-w1/program']], 1.5, find, (r) => `${formatRatio(r)} W=1`),
      ...ratioAtLeast([['parallel-namespaces/threads-w2/client', 'parallel-namespaces/threads-w1/client']], 1.2, find, (r) => `${formatRatio(r)} W=1`),
    ],
  },
  {
    id: 'locality',
    text: 'threads: a fork whose whole chain of namespaces lives on one worker sends no message to another worker (the root level included); read on the rows of 2 workers with 256 cycles in flight whose chain below the root lives on one worker',
    short: 'no cross-worker message',
    check: (_find, all) => {
      const rows = all.filter((m) => m.crossWorker !== undefined && m.crossWorker.chainOnOneWorker && severalWorkers(m.params['transport']) && m.params['inFlight'] !== 1);
      if (rows.length === 0) return [missing('fork-cycle/threads-w2/d0/k256/client')];
      return rows.map((m) => ({
        row: m.id,
        value: `${formatFigure(m.crossWorker!.perUnit)} cross-worker messages per cycle`,
        verdict: verdictOf(m.crossWorker!.messages === 0),
      }));
    },
  },
  {
    id: 'kernel-create',
    text: 'creating a threads kernel, once its workers exist, takes less than 30 ms',
    short: '< 30 ms',
    check: (find) =>
      ['kernel-create/threads-w1/pool', 'kernel-create/threads-w2/pool'].map((row) => {
        const m = find(row);
        if (!m) return missing(row);
        const value = `${formatFigure(m.median)} ms`;
        // A pool that did not keep its workers between kernels would time their start: not what the target times.
        if (m.params['workers'] === 'new') return { row, value: `${value}, the workers were new for each kernel: not what the target times`, verdict: 'not judged' };
        return { row, value, verdict: verdictOf(m.median < 30) };
      }),
  },
  {
    id: 'teardown',
    text: 'teardown: a namespace of 100 k processes, flat and nested, killed and fully reaped at over 1 M processes/s inline',
    short: '> 1 M processes/s',
    check: (find) => atLeast(['namespace-teardown/inline/flat', 'namespace-teardown/inline/nested'], 1e6, find),
  },
  {
    id: 'memory-per-process',
    text: 'memory: at most 200 B per live process at depth 0 with 1 M live, heap, ArrayBuffers and PID tables counted',
    short: '≤ 200 B/process',
    check: (find) => {
      const row = 'live-memory/inline/d0';
      const m = find(row);
      if (!m) return [missing(row)];
      const live = m.params['live'];
      const value = `${formatFigure(m.median)} B/process`;
      // Judged at 1 M live only: a run that stopped short (the heap limit) says so instead.
      if (typeof live === 'number' && live < 1e6) return [{ row, value: `${value} at ${formatFigure(live)} live, not 1 M`, verdict: 'not judged' }];
      return [{ row, value, verdict: verdictOf(m.median <= 200) }];
    },
  },
];

/** The status of a target from its checks (see TargetVerdict.status). */
export function statusOf(checks: readonly TargetCheck[]): TargetVerdict['status'] {
  const v = new Set(checks.map((c) => c.verdict));
  if (v.has('not met')) return 'not met';
  if (v.size === 1 && v.has('met')) return 'met';
  if (!v.has('met')) return v.has('not judged') ? 'not judged' : 'not measured';
  return 'partly judged';
}

/** Every target judged against `measurements`; `quick`: figures shown, verdicts withheld. */
export function judgeTargets(measurements: readonly Measurement[], options: { readonly quick?: boolean } = {}): TargetVerdict[] {
  const byId = new Map(measurements.map((m) => [m.id, m]));
  const find: Lookup = (id) => byId.get(id);
  return PERF_TARGETS.map((t) => {
    let checks = t.check(find, measurements);
    if (options.quick) checks = checks.map((c) => (c.verdict === 'not measured' ? c : { ...c, verdict: 'not judged' }));
    return { id: t.id, text: t.text, short: t.short, checks, status: statusOf(checks) };
  });
}
