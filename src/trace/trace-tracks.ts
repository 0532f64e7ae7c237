// The tracks a trace draws on. A PID namespace is a trace "process" (pid
// 2 × its id) with a track of its own for its life and its teardown; each
// emulated process is a "thread" of its namespace (tid 2 × its key + 1),
// named with its NSpid. A thread track must nest its slices (each ends
// before the one under it), and a process's syscalls, stops and life do not
// always nest: a SIGSTOP can arrive in the middle of a blocked wait. So a
// track has lanes: lane 0 holds the process's life (then its zombie time) and
// at most one slice inside it; a slice that would overlap goes on the first
// other lane that is empty, a thread of its own named "... · overlap N".

import type { ArgsJson } from './trace-event-json.js';

/** What a slice shows: a life (process or namespace), the zombie time, a syscall, a stop, a teardown. */
export type SliceKind = 'life' | 'zombie' | 'syscall' | 'stopped' | 'exiting';

export interface OpenSlice {
  readonly kind: SliceKind;
  readonly name: string;
  readonly cat: string;
  readonly args: ArgsJson;
  /** Whether its begin was written (not when filtered out or before the window). */
  emitted: boolean;
}

export interface Lane {
  readonly tid: number;
  /** Open slices, outermost first: lane 0 has its container (life or zombie) and at most one more; other lanes one. */
  readonly stack: OpenSlice[];
  /** Whether its thread_name record was written. */
  named: boolean;
}

/** Extra lanes' tids start here (odd, above any 2 × key + 1), so they never meet a process's own. */
const OVERLAP_TID_BASE = 2_000_000_001;

export class Track {
  readonly pid: number;
  /** What it is called: a process's name (after its last exec) and NSpid. */
  name: string;
  /** Whether the trace keeps this track (the namespace filter). */
  readonly kept: boolean;
  readonly lanes: Lane[];

  constructor(pid: number, tid: number, name: string, kept: boolean) {
    this.pid = pid;
    this.name = name;
    this.kept = kept;
    this.lanes = [{ tid, stack: [], named: false }];
  }

  get main(): Lane {
    return this.lanes[0]!;
  }

  /** The lane a new inner slice goes on: lane 0 if only its container is open there, else the first empty other lane (made if none). */
  laneForInner(nextOverlap: () => number): Lane {
    const main = this.lanes[0]!;
    if (main.stack.length <= 1) return main;
    for (let i = 1; i < this.lanes.length; i++) if (this.lanes[i]!.stack.length === 0) return this.lanes[i]!;
    const lane: Lane = { tid: OVERLAP_TID_BASE + 2 * nextOverlap(), stack: [], named: false };
    this.lanes.push(lane);
    return lane;
  }

  laneName(lane: Lane): string {
    const i = this.lanes.indexOf(lane);
    return i <= 0 ? this.name : `${this.name} · overlap ${i}`;
  }
}

export const namespacePid = (nsId: number): number => 2 * nsId;
export const processTid = (key: number): number => 2 * key + 1;
