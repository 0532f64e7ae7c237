// The records a namespace actor keeps: processes whose home this namespace
// is, the mirror of each child a local parent has, and the process
// groups/sessions whose PID was allocated here. (The PID table: pid-table.ts.)

import type {
  CallId,
  Cred,
  CallMsg,
  ChildChange,
  NsId,
  NsRef,
  ParentLink,
  PidRef,
  ProcKey,
  ProcState,
  ProgramSpec,
  SigAction,
  SigInfo,
  SigSet,
  UserNsId,
  WaitOptions,
  IntMap,
} from '@pidsim/core';

/** A blocked wait(), re-examined whenever one of the parent's children changes. */
export interface Waiter {
  readonly id: CallId;
  readonly pid: number;
  readonly options: WaitOptions;
}

/** What a parent knows of one child; lives with the parent. */
export interface ChildStub {
  readonly key: ProcKey;
  readonly ref: PidRef;
  readonly home: NsId;
  /** Its place in the parent's children list (increasing; reparenting appends). */
  order: number;
  pgrp: PidRef;
  session: ProcKey;
  execed: boolean;
  /** Set once the child is a zombie: how it ended. */
  zombie: ChildChange | null;
  /** A stop not yet reported by wait(WUNTRACED): the stopping signal, else 0. */
  stopReport: number;
  /** A continue not yet reported by wait(WCONTINUED). */
  contReport: boolean;
}

/** Signals pending for one thread, or shared by its whole group (struct sigpending). */
export interface SigQueue {
  pending: SigSet;
  /**
   * siginfo of each pending standard signal, indexed by signal number (an
   * array, not a Map: a Map that signals come and go in keeps garbage
   * alive across collections, docs/performance.md "Churning maps").
   */
  pendingInfo: (SigInfo | undefined)[] | null;
  /** Queued real-time signals, in arrival order. */
  rtQueue: SigInfo[] | null;
}

/**
 * A thread group of more than one thread (struct signal_struct and the
 * thread list), made when a process creates its first thread. Every thread
 * is a `Proc` record of the same actor (threads never leave their group's
 * namespace: SEMANTICS 8.2); what belongs to the process - parent,
 * children, groups, dispositions, credentials - is read from the leader's
 * record, what belongs to a thread - its TID, mask, private pending
 * signals, state, program - from its own.
 */
export interface ThreadGroup {
  /** The leader's record: the process, whose key and PIDs are the TGID. */
  readonly leader: Proc;
  /** The other threads, oldest first. */
  readonly threads: Proc[];
  /** Process-directed signals (kill, group kills): any thread that does not block one may take it. */
  readonly shared: SigQueue;
  /** How the leader's own thread ended (exit(2) while others ran, SEMANTICS 5.12), else null. */
  leaderExit: ChildChange | null;
}

export interface Proc {
  readonly key: ProcKey;
  readonly ref: PidRef;
  state: ProcState;
  name: string;
  argv: readonly string[];
  /** Virtual milliseconds since boot at fork. */
  readonly startTime: number;
  program: ProgramSpec;
  /** Null only for the root namespace's init, whose parent is the idle task (PID 0). */
  parent: ParentLink | null;
  /** This process as its children's `parent` link (process-queries.ts parentLinkOf()), made on first use. */
  asParent: ParentLink | null;
  parentHome: NsId | null;
  /** Children in insertion order (as the kernel's children list), created lazily. */
  children: IntMap<ProcKey, ChildStub> | null;
  /** The children that are zombies, so wait(-1) and reapers need not scan the living. */
  zombies: IntMap<ProcKey, ChildStub> | null;
  /** The last `order` given to a child. */
  childSeq: number;
  pgrp: PidRef;
  session: PidRef;
  /** Where this process's next child will live (SEMANTICS 2.2, 2.6). */
  pidForChildren: NsRef;
  /** pid_for_children has (had) an init, so /proc/PID/ns/pid_for_children can be opened (2.3). */
  pfcHasInit: boolean;
  subreaper: boolean;
  /** The user namespace where this process's effective capabilities are (all of them); null: none anywhere. */
  caps: UserNsId | null;
  /** Where its permitted capabilities are: what an effective uid returning to 0 gets back. */
  permitted: UserNsId | null;
  /** Real, effective and saved uid and gid (credentials.ts in core). */
  cred: Cred;
  /** This process's user namespace chain, root first. */
  userNs: readonly UserNsId[];
  /** Non-default dispositions; absent = SIG_DFL. */
  actions: Map<number, SigAction> | null;
  blocked: SigSet;
  pending: SigSet;
  /**
   * siginfo of each pending standard signal, indexed by signal number (an
   * array, not a Map: a Map that signals come and go in keeps garbage
   * alive across collections, docs/performance.md "Churning maps").
   */
  pendingInfo: (SigInfo | undefined)[] | null;
  /** Queued real-time signals, in arrival order. */
  rtQueue: SigInfo[] | null;
  /** How many times each caught signal's handler ran. */
  handled: Map<number, number> | null;
  /** The siginfo the last run of each handler received. */
  lastInfo: Map<number, SigInfo> | null;
  /** The signals whose handler ran, in order (since fork or execve). */
  delivered: number[] | null;
  exit: ChildChange | null;
  /** execve() has run since fork (setpgid on it then fails EACCES). */
  execed: boolean;
  waiters: Waiter[] | null;
  /** Syscalls made while stopped; they run when the process continues. */
  deferred: CallMsg[] | null;
  /** The program's pending timer, or 0. */
  timer: number;
  /** A `spawner` program's progress: children forked and reaped, and whether it has a continue message coming. */
  spawned: { forked: number; reaped: number; due: boolean } | null;
  /** A timer fired while stopped; act on it when continued. */
  timerDue: boolean;
  /** Its thread group once it has created a thread (the same object in the leader and every thread), else null. */
  tg: ThreadGroup | null;
}

/**
 * One actor's part of a struct pid used as a process group and/or session
 * id. Each actor keeps its own members; the group's owner (the actor where
 * the PID was allocated) also knows which other actors hold a part, so a
 * fork or exit inside one namespace touches no other actor (pgrp-session.ts).
 */
export interface Group {
  readonly ref: PidRef;
  /** This actor's processes whose process group this is, oldest first, each with its kernel-wide join number. */
  readonly members: IntMap<ProcKey, number>;
  /** Those of them that are stopped (has_stopped_jobs). */
  readonly stopped: Set<ProcKey>;
  /** How many of this actor's processes have this as their session. */
  sessionRefs: number;
  /**
   * Joins promised by forks (or a setpgid) in flight, as process group and as
   * session: taken where the fork attaches (or at the owner when the child
   * lands in another actor), given back by the join. The group stays while
   * any is owed; a count may dip below 0 while a hold is still on its way.
   */
  pgrpHolds: number;
  sessionHolds: number;
  /** The session of the group's members (a group never spans sessions). */
  session: ProcKey;
  /** At the owner: every other actor holding a part, with the SHARD_* bits it last reported; null elsewhere. */
  shards: Map<NsId, number> | null;
  /** Elsewhere: the bits last reported to the owner. */
  reported: number;
  /**
   * Orphaned-group checks waiting for answers: check id -> links found,
   * answers missing, and, for a job-control stop (4.10), who waits for the verdict.
   */
  checks: Map<number, { links: number; missing: number; stop: { proc: ProcKey; home: NsId; sig: number } | null }> | null;
}
