// Waiting until real processes have settled: the linux backend's k.settled().
// Real processes run concurrently, so after each step we watch /proc until
// nothing moves: every watched process is asleep (S), stopped (T), a zombie
// or gone, and three successive looks show the same states and the same
// context-switch counts (a process that ran in between would have switched).
// Anything that wakes a process (a signal, a child's exit, a command) makes
// it runnable (R) at once, so a settled look cannot hide work still to do.

import { readFileSync } from 'node:fs';

/** A real process, as the runner's /proc shows it; `startTime` tells a reused PID apart. */
export interface HostProcess {
  readonly hostPid: number;
  readonly startTime: string;
}

/** What a process is doing, named exactly. 'exiting': past exit, e.g. an init in zap_pid_ns_processes (6.3). */
export type HostLife = 'running' | 'stopped' | 'exiting' | 'zombie' | 'gone';

interface StatLine {
  readonly state: string;
  readonly flags: number;
  readonly startTime: string;
}

/** PF_EXITING (include/linux/sched.h): set in do_exit() before the task becomes a zombie. */
const PF_EXITING = 0x4;

/** Fields of /proc/PID/stat after the command name (which may hold spaces and parentheses). */
export function readStat(hostPid: number): StatLine | null {
  let text: string;
  try {
    text = readFileSync(`/proc/${hostPid}/stat`, 'utf8');
  } catch {
    return null;
  }
  const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // rest[0] is field 3 (state); field 9 (flags) is rest[6]; field 22 (starttime) is rest[19].
  return { state: rest[0] ?? '?', flags: Number(rest[6] ?? 0), startTime: rest[19] ?? '' };
}

export function lifeOf(p: HostProcess): HostLife {
  const st = readStat(p.hostPid);
  if (!st || st.startTime !== p.startTime || st.state === 'X') return 'gone';
  if (st.state === 'Z') return 'zombie';
  if ((st.flags & PF_EXITING) !== 0) return 'exiting';
  if (st.state === 'T' || st.state === 't') return 'stopped';
  return 'running';
}

/** The number of the syscall a sleeping process is blocked in (/proc/PID/syscall), null if running or unknown. */
export function currentSyscall(hostPid: number): number | null {
  try {
    const first = readFileSync(`/proc/${hostPid}/syscall`, 'utf8').split(' ')[0] ?? '';
    return /^\d+$/.test(first) ? Number(first) : null;
  } catch {
    return null;
  }
}

const QUIET_STATES = new Set(['S', 'T', 't', 'Z', 'X', 'I']);

/** One look at a process: undefined if it is still doing something, else a fingerprint. */
function look(p: HostProcess): string | undefined {
  let status: string;
  try {
    status = readFileSync(`/proc/${p.hostPid}/status`, 'utf8');
  } catch {
    return 'gone';
  }
  const state = /^State:\s+(\S)/m.exec(status)?.[1] ?? '?';
  const st = readStat(p.hostPid);
  if (!st || st.startTime !== p.startTime) return 'gone';
  if (!QUIET_STATES.has(state)) return undefined;
  const vol = /^voluntary_ctxt_switches:\s+(\d+)/m.exec(status)?.[1] ?? '';
  const nonvol = /^nonvoluntary_ctxt_switches:\s+(\d+)/m.exec(status)?.[1] ?? '';
  return `${state}/${vol}/${nonvol}`;
}

const pause = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Resolves once `procs()` (asked again at every look, as processes come and
 * go) have been quiet and unchanged over three looks `gapMs` apart. Rejects
 * after `timeoutMs` with what was still moving.
 */
export async function waitForQuiescence(
  procs: () => readonly HostProcess[],
  options: { gapMs?: number; timeoutMs?: number } = {},
): Promise<void> {
  const gap = options.gapMs ?? 3;
  const deadline = Date.now() + (options.timeoutMs ?? 15_000);
  let previous: string | null = null;
  let same = 0;
  for (let round = 0; ; round++) {
    const watched = procs();
    const looks = watched.map(look);
    const busy = watched.filter((_, i) => looks[i] === undefined);
    const fingerprint = busy.length === 0 ? watched.map((p, i) => `${p.hostPid}:${looks[i]}`).join(' ') : null;
    same = fingerprint !== null && fingerprint === previous ? same + 1 : 0;
    if (same >= 2) return;
    previous = fingerprint;
    if (Date.now() > deadline) {
      throw new Error(`linux backend: real processes did not settle: still running: ${busy.map((p) => p.hostPid).join(', ') || '(changing)'}`);
    }
    await pause(round < 5 ? gap : Math.min(20, gap * 2 ** (round - 4)));
  }
}
