// A plain-data picture of the emulated system, taken at quiescence. The
// invariant checker and the /proc renderers work over it, never over live
// actor state.

import type { NsId, ProcKey } from './ids.js';
import type { ProcState } from './protocol.js';
import type { ChildChange } from './wait-status.js';
import type { ProgramSpec } from './program.js';

/** A namespace's life: awaiting its first process, running, tearing down, gone. */
export type NsState = 'no-init' | 'active' | 'exiting' | 'dead';

export interface NsSnapshot {
  readonly id: NsId;
  readonly level: number;
  readonly parent: NsId | null;
  readonly chain: readonly NsId[];
  readonly inode: number;
  readonly state: NsState;
  readonly init: ProcKey | null;
  readonly pidMax: number;
  readonly lastPid: number;
  /** How many numbers are taken here (live, zombie, group-only, reserved). */
  readonly allocated: number;
}

export interface PidTableRow {
  readonly nr: number;
  readonly key: ProcKey;
  /** A process (live or zombie) still holds this PID; false for a group/session-only PID. */
  readonly task: boolean;
  /** False while a fork still holds it only as a reservation. */
  readonly committed: boolean;
}

export interface ChildSnapshot {
  readonly key: ProcKey;
  readonly home: NsId;
  readonly zombie: boolean;
}

export interface ProcSnapshot {
  readonly key: ProcKey;
  readonly ns: NsId;
  readonly chain: readonly NsId[];
  readonly nums: readonly number[];
  readonly state: ProcState;
  readonly name: string;
  readonly program: ProgramSpec;
  readonly parent: ProcKey | null;
  readonly parentChain: readonly NsId[] | null;
  readonly parentNums: readonly number[] | null;
  readonly children: readonly ChildSnapshot[];
  readonly pgrp: ProcKey;
  readonly pgrpChain: readonly NsId[];
  readonly pgrpNums: readonly number[];
  readonly session: ProcKey;
  readonly sessionChain: readonly NsId[];
  readonly sessionNums: readonly number[];
  readonly exit: ChildChange | null;
  readonly subreaper: boolean;
  readonly pidForChildren: NsId;
  /** Calls about this process that are blocked in the kernel: its waits and calls made while stopped, and readiness waits on its pidfds. */
  readonly blockedCalls: number;
  /** Its thread group's live threads (1 for a process without threads; 0 once it has exited). */
  readonly threads: number;
  /** The leader's own thread has exited while other threads run (SEMANTICS 5.12). */
  readonly leaderExited: boolean;
}

/** A thread other than its group's leader (SEMANTICS 8.1): it has TIDs but no parent, children or groups of its own. */
export interface ThreadSnapshot {
  readonly key: ProcKey;
  readonly ns: NsId;
  readonly chain: readonly NsId[];
  readonly nums: readonly number[];
  /** The group leader's key: the process it is a thread of. */
  readonly leader: ProcKey;
  readonly state: 'running' | 'stopped';
  /** Its calls made while stopped. */
  readonly blockedCalls: number;
}

/**
 * One actor's part of a process group/session: its own members. The group's
 * owner (the actor where its PID was allocated) also lists the other actors
 * that hold a part, with the SHARD_* bits each last reported.
 */
export interface GroupSnapshot {
  readonly key: ProcKey;
  /** This actor's members, oldest first. */
  readonly pgrpMembers: readonly ProcKey[];
  /** How many of those are stopped. */
  readonly stopped: number;
  readonly sessionMembers: number;
  /** Joins still owed by forks or setpgid (0 at quiescence). */
  readonly holds: number;
  /** At the owner: the other actors with a part, and what each reported; null elsewhere. */
  readonly shards: readonly { readonly ns: NsId; readonly state: number }[] | null;
}

export interface ActorSnapshot {
  readonly ns: NsSnapshot;
  readonly table: readonly PidTableRow[];
  readonly procs: readonly ProcSnapshot[];
  /** The non-leader threads whose namespace this is. */
  readonly threads: readonly ThreadSnapshot[];
  readonly groups: readonly GroupSnapshot[];
}

export interface KernelSnapshot {
  readonly namespaces: readonly ActorSnapshot[];
  /** Calls the client issued that have not been answered. */
  readonly pendingCalls: number;
  /** Replies that arrived for no pending call, or twice (invariant 6). */
  readonly strayReplies: readonly string[];
  /** Messages that reached no actor, or actors that threw (protocol faults). */
  readonly faults: readonly string[];
  readonly time: number;
}
