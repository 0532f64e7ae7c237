// This file implements fork/clone: the reservation of one PID per level,
// innermost first (kernel/pid.c alloc_pid()), the attach step that links the
// child to its parent (copy_process()), and the commit that makes the child
// visible at every level before fork returns. The target namespace's actor
// holds the PID tables of its whole chain, so it reserves and commits every
// level in one step, as alloc_pid() does under one lock:
//
//   caller's actor --fork-reserve--> target ns (every level reserved)
//   --fork-attach--> caller's actor [--fork-adopt--> parent's actor (CLONE_PARENT)]
//   --fork-commit--> target ns (every level committed, record created) --reply--> client
//
// A plain fork (the target is the caller's own namespace) makes no hop at
// all. Any failure frees what was reserved, at the target, and replies. Past
// the attach step a fork cannot fail. clone(CLONE_THREAD) takes the same
// path without a parent or groups; its commit adds a thread (task-threads.ts).

import {
  MAX_PID_NS_LEVEL,
  SIGKILL,
  commOf,
  copySigSet,
  emptySigSet,
  fail,
  type ActorMsg,
  type CallMsg,
  type ChildInit,
  type ErrnoCode,
  type ForkArgs,
  type ForkJob,
  type CallId,
  type Failure,
  type UserNsId,
  IntMap,
} from '@pidsim/core';
import type { NamespaceActor } from './namespace-actor.js';
import type { ChildStub, Proc } from './process-record.js';
import { hasCap, isAlive, parentLinkOf } from './process-queries.js';
import { newUserNs } from './task-creds.js';
import { holdGroupsOnFork, joinGroupsOnCommit } from './pgrp-session.js';
import { deliverSignal } from './task-signals.js';
import { startProgram } from './programs.js';
import { createNamespace } from './ns-ops.js';
import { afterFree, notifyFreed } from './ns-teardown.js';
import { createThread, processOf } from './task-threads.js';

const SYSCALL = 'clone';
const NO_TIDS: readonly number[] = Object.freeze([]);
const NO_ACTIONS: ChildInit['actions'] = Object.freeze([]);
const IDLE = Object.freeze({ name: 'idle' } as const);

/**
 * clone()/fork() by task `thread` (a process, or one of its threads, whose
 * pid_for_children and mask the child gets; everything else is its
 * process's): validates the flags, then starts the reserve chain.
 */
export function sysFork(a: NamespaceActor, call: CallMsg, thread: Proc, args: ForkArgs): void {
  const setTid = args.setTid ?? NO_TIDS;
  const caller = processOf(thread);
  // kernel/fork.c copy_clone_args_from_user(): set_tid_size > MAX_PID_NS_LEVEL.
  if (setTid.length > MAX_PID_NS_LEVEL) return a.replyFail(call.id, 'EINVAL', SYSCALL, undefined, 'set_tid has more than 32 entries');
  // SEMANTICS 2.7: CLONE_THREAD with CLONE_NEWPID/NEWUSER, or after pid_for_children moved.
  if (args.thread) {
    if (args.newPid || args.newUser || thread.pidForChildren.id !== a.id) return a.replyFail(call.id, 'EINVAL', SYSCALL);
    const program = args.program ?? IDLE;
    // A thread runs a function of its process, not a program of its own: it waits, sleeps or returns.
    if (program.name !== 'idle' && program.name !== 'sleep' && program.name !== 'exit') {
      return a.replyFail(call.id, 'EINVAL', SYSCALL, undefined, `a thread runs idle, sleep or exit, not ${program.name}`);
    }
  }
  // SEMANTICS 2.8: "(clone_flags & CLONE_PARENT) && current->signal->flags & SIGNAL_UNKILLABLE" -> EINVAL.
  // (The global init is its namespace's init too.)
  if (args.parent && caller.key === a.initKey) {
    return a.replyFail(call.id, 'EINVAL', SYSCALL, undefined, 'an init may not create siblings (CLONE_PARENT)');
  }
  let userNs = caller.userNs;
  let caps = caller.caps;
  let permitted = caller.permitted;
  if (args.newUser) {
    const fresh = newUserNs(a, caller);
    if (fresh === null) return a.replyFail(call.id, 'EPERM', SYSCALL, undefined, "CLONE_NEWUSER: the caller's euid or egid has no mapping in its user namespace");
    userNs = [...caller.userNs, fresh];
    caps = fresh;
    permitted = fresh;
  }
  let target = thread.pidForChildren;
  let newNs = false;
  if (args.newPid) {
    // kernel/nsproxy.c copy_namespaces(): CAP_SYS_ADMIN in the (possibly new) user ns (2.9).
    if (!hasCap(caps, userNs)) return a.replyFail(call.id, 'EPERM', SYSCALL, undefined, 'CLONE_NEWPID needs CAP_SYS_ADMIN');
    // kernel/pid_namespace.c copy_pid_ns(): task_active_pid_ns(current) != pid_for_children (2.4).
    if (thread.pidForChildren.id !== a.id) return a.replyFail(call.id, 'EINVAL', SYSCALL, undefined, 'pid_for_children differs from the active namespace');
    // create_pid_namespace(): "if (level > MAX_PID_NS_LEVEL) goto out" with -ENOSPC (2.10).
    if (a.level + 1 > MAX_PID_NS_LEVEL) return a.replyFail(call.id, 'ENOSPC', SYSCALL, undefined, 'PID namespaces nest at most 32 deep');
    const created = createNamespace(a, userNs, false);
    if (!created) return a.replyFail(call.id, 'ENOSPC', SYSCALL, undefined, 'max_pid_namespaces reached');
    target = created;
    newNs = true;
  }
  // alloc_pid(): "if (set_tid_size > ns->level + 1) return ERR_PTR(-EINVAL)".
  if (setTid.length > target.level + 1) {
    if (newNs) a.send(target.id, { type: 'ns-discard' });
    return a.replyFail(call.id, 'EINVAL', SYSCALL, undefined, `set_tid has ${setTid.length} entries but the child has ${target.level + 1} levels`);
  }
  const program = args.program ?? (args.thread ? IDLE : caller.program);
  const name = commOf(args.name ?? (args.program && !args.thread ? args.program.name : thread.name));
  const argv = args.argv ?? (args.name !== undefined || args.program !== undefined ? [name] : caller.argv);
  const init: ChildInit = {
    name,
    argv,
    program,
    actions: caller.actions && !args.thread ? [...caller.actions] : NO_ACTIONS,
    blocked: copySigSet(thread.blocked),
    pgrp: caller.pgrp,
    session: caller.session,
    caps,
    permitted,
    cred: caller.cred,
    userNs,
  };
  const job: ForkJob = {
    id: call.id,
    key: a.host.nextProcKey(),
    caller: thread.key,
    process: caller.key,
    callerNs: a.ref,
    target,
    newNs,
    setTid,
    nums: zeros(target.level + 1),
    clonePar: args.parent === true,
    init,
    parent: null,
    ref: null,
    parentNs: null,
    capRoots: capRootsOf(caller, caps),
    pendingJoins: 0,
    pidfd: args.pidfd === true,
    thread: args.thread === true,
  };
  a.tail(target.id, { type: 'fork-reserve', job });
}

/**
 * `n` zeros, packed and exactly n long: new Array(n) makes a holey array
 * (its .fill(0) a slow builtin, and the numbers' readers then meet two
 * element kinds), and pushing onto [] reserves room for 17 (136 B per
 * process, kept for its life in its PID reference). A slice of a packed
 * array is both.
 */
function zeros(n: number): number[] {
  return ZEROS.slice(0, n);
}
const ZEROS: readonly number[] = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]; // MAX_PID_NS_LEVEL + 1

/** One shared array per single user namespace: most forks need no new one. */
const singleRoots = new Map<UserNsId, readonly UserNsId[]>();

/** The user namespaces where the forking caller may pick PIDs (set_tid's checkpoint_restore_ns_capable). */
function capRootsOf(caller: Proc, childCaps: UserNsId | null): readonly UserNsId[] {
  // The owner of a user namespace it just created holds every capability in it.
  if (childCaps !== null && childCaps !== caller.caps) return caller.caps === null ? [childCaps] : [caller.caps, childCaps];
  if (caller.caps === null) return NO_ROOTS;
  let roots = singleRoots.get(caller.caps);
  if (!roots) singleRoots.set(caller.caps, (roots = Object.freeze([caller.caps])));
  return roots;
}
const NO_ROOTS: readonly UserNsId[] = Object.freeze([]);

type ChainMsg<T extends ActorMsg['type']> = Extract<ActorMsg, { type: T }>;

/**
 * alloc_pid(): a number at every level, innermost first, each from that
 * level's allocator (set_tid where given). ENOMEM, when the target
 * namespace takes no more processes, is decided after every level has its
 * number, so the cursors advance as on Linux (SEMANTICS 2.5).
 */
export function onForkReserve(a: NamespaceActor, msg: ChainMsg<'fork-reserve'>): void {
  const job = msg.job;
  for (let level = job.target.level; level >= 0; level--) {
    const table = a.tables[level]!;
    const depth = job.target.level - level;
    let nr: number | ErrnoCode;
    if (depth < job.setTid.length) {
      const tid = job.setTid[depth]!;
      if (!Number.isInteger(tid) || tid < 1 || tid >= table.pidMax) nr = 'EINVAL';
      // "Also fail if a PID != 1 is requested and no PID 1 exists."
      else if (tid !== 1 && !table.hasInit) nr = 'EINVAL';
      else if (!hasCapIn(job, a.chainRefs[level]!.userNs)) nr = 'EPERM';
      else nr = table.allocExact(tid);
    } else {
      nr = table.allocCyclic();
    }
    if (typeof nr !== 'number') {
      const detail =
        nr === 'EAGAIN'
          ? `no free PID below pid_max ${table.pidMax} at level ${level}`
          : nr === 'EEXIST'
            ? `PID ${job.setTid[depth]} is taken at level ${level}`
            : nr === 'EPERM'
              ? `set_tid needs CAP_CHECKPOINT_RESTORE at level ${level}`
              : `set_tid ${job.setTid[depth]} is not valid at level ${level}`;
      return undoReserve(a, job, fail(nr, SYSCALL, undefined, detail), level + 1);
    }
    job.nums[level] = nr;
    table.hold(nr, job.key, job.target.id);
  }
  // "ENOMEM ... is documented behavior for pid namespaces": the target's init has exited.
  if (!a.adding) return undoReserve(a, job, fail('ENOMEM', SYSCALL, undefined, "the target PID namespace's init has exited"), 0);
  a.tail(job.callerNs.id, { type: 'fork-attach', job });
}

function hasCapIn(job: ForkJob, userNs: readonly UserNsId[]): boolean {
  return job.capRoots.some((r) => userNs.includes(r));
}

/**
 * Every level has its number. The caller's actor checks that the caller still
 * runs (copy_process()'s fatal_signal_pending() check), has the child join
 * the caller's group and session, then links the child to its parent: the
 * caller, or with CLONE_PARENT the caller's current parent (2.8).
 */
export function onForkAttach(a: NamespaceActor, job: ForkJob): void {
  const thread = a.procs.get(job.caller);
  const caller = thread === undefined ? undefined : processOf(thread);
  if (!thread || !caller || !isAlive(caller) || !isAlive(thread) || (thread === caller && caller.tg?.leaderExit)) {
    return a.tail(job.target.id, { type: 'fork-abort', job, failure: fail('ESRCH', SYSCALL, undefined, 'the calling process exited during fork') });
  }
  if (job.nums[job.target.level] === 1 && thread.pidForChildren.id === job.target.id) thread.pfcHasInit = true;
  if (job.thread) {
    // A thread has no parent and joins no process group: it is part of its process.
    job.ref = { key: job.key, chain: job.target.chain, nums: job.nums };
    return a.tail(job.target.id, { type: 'fork-commit', job });
  }
  job.pendingJoins = holdGroupsOnFork(a, job, caller);
  if (!job.clonePar || caller.parentHome === a.id) {
    const parent = job.clonePar ? a.procs.get(caller.parent!.ref.key)! : caller;
    return attachToParent(a, parent, job);
  }
  a.send(caller.parentHome!, { type: 'fork-adopt', job });
}

/**
 * CLONE_PARENT whose parent lives in another namespace. The caller's stub is
 * indexed here under its *current* parent - current->real_parent, already
 * the reaper if the old parent exited - so the fork cannot miss.
 */
export function onForkAdopt(a: NamespaceActor, job: ForkJob): void {
  const parent = a.procs.get(a.remoteChildren.get(job.process)!);
  if (!parent) throw new Error(`fork-adopt: no parent for caller ${job.caller} in namespace ${a.id}`);
  attachToParent(a, parent, job);
}

function attachToParent(a: NamespaceActor, parent: Proc, job: ForkJob): void {
  // The numbers are final now: one struct pid for the stub and the record (in one heap, one object).
  const ref = { key: job.key, chain: job.target.chain, nums: job.nums };
  job.ref = ref;
  const stub: ChildStub = {
    key: job.key,
    ref,
    home: job.target.id,
    order: ++parent.childSeq,
    pgrp: job.init.pgrp,
    session: job.init.session.key,
    execed: false,
    zombie: null,
    stopReport: 0,
    contReport: false,
  };
  (parent.children ??= new IntMap()).set(job.key, stub);
  if (job.target.id !== a.id) a.remoteChildren.set(job.key, parent.key);
  job.parent = parentLinkOf(a, parent);
  job.parentNs = a.id;
  a.tail(job.target.id, { type: 'fork-commit', job });
}

/**
 * The commit: the PID becomes visible at every level, the process record
 * is created here and its program starts, after the numbers are public, so
 * nothing the child does can overtake them.
 */
export function onForkCommit(a: NamespaceActor, msg: ChainMsg<'fork-commit'>): void {
  const job = msg.job;
  for (let level = job.target.level; level >= 0; level--) {
    const table = a.tables[level]!;
    const nr = job.nums[level]!;
    if (table.holderOf(nr) !== job.key) throw new Error(`fork-commit: level ${level} lost the reservation of PID ${nr}`);
    table.commit(nr);
  }
  if (job.thread) return commitThread(a, job);
  const child = createChild(a, job);
  // CLONE_PIDFD: the caller's pidfd holds the child's namespace (SEMANTICS 8.17).
  if (job.pidfd) a.refs++;
  forkReturns(a, job.id, job.target.id === job.callerNs.id ? { key: job.key, nums: job.nums } : { key: job.key, nums: job.nums, ns: job.target }, job.pendingJoins);
  // A namespace of the chain that began exiting after its number was reserved
  // SIGKILLs the newcomer, as zap_pid_ns_processes() would have had it been
  // there (6.2); checked after the commit, so the teardown either sees the
  // child in its table or the child sees the teardown.
  let doomed = false;
  for (let level = job.target.level; level >= 0 && !doomed; level--) {
    const table = a.tables[level]!;
    if (!table.adding && !(level === a.level && a.initKey === job.key)) doomed = true;
  }
  if (doomed) deliverSignal(a, child, SIGKILL, { kind: 'kernel' });
  if (child.state === 'running') startProgram(a, child);
}

/** The thread is visible at every level: its record joins the group, and fork returns its TIDs. */
function commitThread(a: NamespaceActor, job: ForkJob): void {
  const caller = a.procs.get(job.caller);
  const t = createThread(a, job, caller!);
  if (job.pidfd) a.refs++;
  a.replyOk(job.id, { key: job.key, nums: job.nums, thread: true });
  // Born into a namespace that began exiting: killed with its process, as any task the teardown finds (8.3).
  if (!a.table.adding && processOf(t).key !== a.initKey) deliverSignal(a, t, SIGKILL, { kind: 'kernel' });
  if (t.state === 'running') startProgram(a, t);
}

function createChild(a: NamespaceActor, job: ForkJob): Proc {
  const { init } = job;
  const ref = job.ref!;
  const nums = ref.nums;
  const child: Proc = {
    key: job.key,
    ref,
    state: 'running',
    name: init.name,
    argv: init.argv,
    startTime: a.host.now(),
    program: init.program,
    parent: job.parent,
    asParent: null,
    parentHome: job.parentNs,
    children: null,
    zombies: null,
    childSeq: 0,
    pgrp: init.pgrp,
    session: init.session,
    pidForChildren: a.ref,
    pfcHasInit: true,
    subreaper: false,
    caps: init.caps,
    permitted: init.permitted,
    cred: init.cred,
    userNs: init.userNs,
    actions: init.actions.length > 0 ? new Map(init.actions) : null,
    blocked: init.blocked, // copied once, at fork (sysFork)
    pending: emptySigSet(),
    pendingInfo: null,
    rtQueue: null,
    handled: null,
    lastInfo: null,
    delivered: null,
    exit: null,
    execed: false,
    waiters: null,
    deferred: null,
    timer: 0,
    spawned: null,
    timerDue: false,
    tg: null,
  };
  a.procs.set(job.key, child);
  joinGroupsOnCommit(a, job);
  if (nums[a.level] === 1 && a.initKey === null) {
    // copy_process(): "if (is_child_reaper(pid)) { ns->child_reaper = p; p->signal->flags |= SIGNAL_UNKILLABLE; }" (8.7)
    a.initKey = job.key;
    a.state = 'active';
  }
  if (a.events) {
    if (job.newNs) a.emit({ type: 'ns-created', ns: a.id, parent: a.parentId, level: a.level, inode: a.ref.inode });
    a.emit({ type: 'fork', key: job.key, nspid: nums, ns: a.id, parent: job.parent!.ref.key, name: child.name });
  }
  return child;
}

/**
 * At the root, fork returns once the commit chain is done and the child's
 * process group has it as a member (so kill(-pgid) right after fork reaches it).
 */
function forkReturns(a: NamespaceActor, id: CallId, value: unknown, joins: number): void {
  if (joins === 0) return a.replyOk(id, value);
  const b = a.forkBarriers.get(id) ?? { acks: 0, expected: -1, value: undefined };
  b.expected = joins;
  b.value = value;
  if (b.acks >= joins) {
    a.forkBarriers.delete(id);
    a.replyOk(id, value);
  } else {
    a.forkBarriers.set(id, b);
  }
}

export function onForkJoined(a: NamespaceActor, id: CallId): void {
  const b = a.forkBarriers.get(id) ?? { acks: 0, expected: -1, value: undefined };
  b.acks++;
  if (b.expected >= 0 && b.acks >= b.expected) {
    a.forkBarriers.delete(id);
    a.replyOk(id, b.value);
  } else {
    a.forkBarriers.set(id, b);
  }
}

/**
 * Undo a fork at the target: free the numbers reserved from the target level
 * down to `lowest`, then reply.
 */
function undoReserve(a: NamespaceActor, job: ForkJob, failure: Failure, lowest: number): void {
  for (let level = job.target.level; level >= lowest; level--) {
    const table = a.tables[level]!;
    const nr = job.nums[level]!;
    if (table.holderOf(nr) === job.key) {
      const left = table.release(nr);
      if (level !== a.level) notifyFreed(a, level, left);
    }
  }
  // "On failure to allocate the first pid, reset the state": idr_set_cursor(&ns->idr, 0).
  if (lowest <= a.level && a.table.used === 0 && a.adding) a.table.lastPid = -1;
  if (job.newNs) a.state = 'dead';
  afterFree(a);
  a.reply(job.id, failure);
  if (job.newNs) a.maybeRetire();
}

/** The fork failed past the reservation (its caller exited): free everything at the target. */
export function onForkAbort(a: NamespaceActor, msg: ChainMsg<'fork-abort'>): void {
  undoReserve(a, msg.job, msg.failure, 0);
}
