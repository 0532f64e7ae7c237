// This file implements fork/clone: the reserve chain that allocates one PID
// per level innermost-first (kernel/pid.c alloc_pid()), the attach step that
// links the child to its parent (copy_process()), and the commit chain that
// makes the child visible at every level before fork returns.
//
//   caller's actor --fork-reserve--> target ns --> parent ns --> ... --> root
//   root --fork-attach--> caller's actor [--fork-adopt--> parent's actor (CLONE_PARENT)]
//   --fork-commit--> target ns (record created) --> ... --> root --reply--> client
//
// Any failure sends fork-abort back to the target, which walks the reserved
// levels outward freeing each number, and the last one replies. Past the
// attach step a fork cannot fail.

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
} from '@pidsim/core';
import type { Level, NamespaceActor } from './namespace-actor.js';
import type { ChildStub, Proc } from './process-record.js';
import { hasCap, isAlive, parentLinkOf } from './process-queries.js';
import { newUserNs } from './task-creds.js';
import { holdGroupsOnFork, joinGroupsOnCommit } from './pgrp-session.js';
import { deliverSignal } from './task-signals.js';
import { startProgram } from './programs.js';
import { createNamespace } from './ns-ops.js';
import { afterFree } from './ns-teardown.js';

const SYSCALL = 'clone';
const NO_TIDS: readonly number[] = Object.freeze([]);
const NO_ACTIONS: ChildInit['actions'] = Object.freeze([]);

/** clone()/fork() by `caller`: validates the flags, then starts the reserve chain. */
export function sysFork(a: NamespaceActor, call: CallMsg, caller: Proc, args: ForkArgs): void {
  const setTid = args.setTid ?? NO_TIDS;
  // kernel/fork.c copy_clone_args_from_user(): set_tid_size > MAX_PID_NS_LEVEL.
  if (setTid.length > MAX_PID_NS_LEVEL) return a.replyFail(call.id, 'EINVAL', SYSCALL, undefined, 'set_tid has more than 32 entries');
  // SEMANTICS 2.7: CLONE_THREAD with CLONE_NEWPID/NEWUSER, or after pid_for_children moved.
  if (args.thread) {
    if (args.newPid || args.newUser || caller.pidForChildren.id !== a.id) return a.replyFail(call.id, 'EINVAL', SYSCALL);
    return a.replyFail(call.id, 'ENOSYS', SYSCALL, undefined, 'threads are not emulated');
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
  let target = caller.pidForChildren;
  let newNs = false;
  if (args.newPid) {
    // kernel/nsproxy.c copy_namespaces(): CAP_SYS_ADMIN in the (possibly new) user ns (2.9).
    if (!hasCap(caps, userNs)) return a.replyFail(call.id, 'EPERM', SYSCALL, undefined, 'CLONE_NEWPID needs CAP_SYS_ADMIN');
    // kernel/pid_namespace.c copy_pid_ns(): task_active_pid_ns(current) != pid_for_children (2.4).
    if (caller.pidForChildren.id !== a.id) return a.replyFail(call.id, 'EINVAL', SYSCALL, undefined, 'pid_for_children differs from the active namespace');
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
  const program = args.program ?? caller.program;
  const name = commOf(args.name ?? (args.program ? args.program.name : caller.name));
  const argv = args.argv ?? (args.name !== undefined || args.program !== undefined ? [name] : caller.argv);
  const init: ChildInit = {
    name,
    argv,
    program,
    actions: caller.actions ? [...caller.actions] : NO_ACTIONS,
    blocked: copySigSet(caller.blocked),
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
    caller: caller.key,
    callerNs: a.ref,
    target,
    newNs,
    setTid,
    nums: new Array<number>(target.level + 1).fill(0),
    enomem: false,
    clonePar: args.parent === true,
    init,
    parent: null,
    ref: null,
    parentNs: null,
    capRoots: capRootsOf(caller, caps),
    lowest: 0,
    pendingJoins: 0,
  };
  a.tail(target.id, { type: 'fork-reserve', job });
}

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
 * One level of alloc_pid(): take this level's number, then pass the job
 * outward. A chain has one message in flight, so each hop passes the same
 * message object on (a transport between threads copies it anyway). `L` is
 * the level worked on: the actor's own, or, run by a level-1 actor, the root's.
 */
export function onForkReserve(a: NamespaceActor, msg: ChainMsg<'fork-reserve'>, L: Level): void {
  const job = msg.job;
  const level = L.level;
  if (level === job.target.level && !L.adding) {
    // "ENOMEM ... is documented behavior for pid namespaces": checked after every
    // level has its number, so the cursors advance as on Linux (SEMANTICS 2.5).
    job.enomem = true;
  }
  const depth = job.target.level - level;
  let nr: number | ErrnoCode;
  if (depth < job.setTid.length) {
    const tid = job.setTid[depth]!;
    if (!Number.isInteger(tid) || tid < 1 || tid >= L.table.pidMax) nr = 'EINVAL';
    // "Also fail if a PID != 1 is requested and no PID 1 exists."
    else if (tid !== 1 && L.initKey === null) nr = 'EINVAL';
    else if (!hasCapIn(job, L.ref.userNs)) nr = 'EPERM';
    else nr = L.table.allocExact(tid);
  } else {
    nr = L.table.allocCyclic();
  }
  if (typeof nr !== 'number') {
    const detail =
      nr === 'EAGAIN'
        ? `no free PID below pid_max ${L.table.pidMax} at level ${level}`
        : nr === 'EEXIST'
          ? `PID ${job.setTid[depth]} is taken at level ${level}`
          : nr === 'EPERM'
            ? `set_tid needs CAP_CHECKPOINT_RESTORE at level ${level}`
            : `set_tid ${job.setTid[depth]} is not valid at level ${level}`;
    return abortFork(a, job, fail(nr, SYSCALL, undefined, detail), level + 1);
  }
  job.nums[level] = nr;
  L.table.hold(nr, job.key, job.target.id);
  if (level > 1) a.send(L.chain[level - 1]!, msg);
  else if (level === 1) onForkReserve(a, msg, a.host.root);
  else a.tail(job.callerNs.id, { type: 'fork-attach', job });
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
  const caller = a.procs.get(job.caller);
  if (!caller || !isAlive(caller)) {
    return abortFork(a, job, fail('ESRCH', SYSCALL, undefined, 'the calling process exited during fork'), 0);
  }
  if (job.enomem) {
    return abortFork(a, job, fail('ENOMEM', SYSCALL, undefined, "the target PID namespace's init has exited"), 0);
  }
  if (job.nums[job.target.level] === 1 && caller.pidForChildren.id === job.target.id) caller.pfcHasInit = true;
  job.pendingJoins = holdGroupsOnFork(a, job);
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
  const parent = a.procs.get(a.remoteChildren.get(job.caller)!);
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
  (parent.children ??= new Map()).set(job.key, stub);
  if (job.target.id !== a.id) a.remoteChildren.set(job.key, parent.key);
  job.parent = parentLinkOf(a, parent);
  job.parentNs = a.id;
  a.tail(job.target.id, { type: 'fork-commit', job });
}

/**
 * One level of the commit: the PID becomes visible here. At the target level
 * the process record is created and its program starts, after the commit has
 * been passed on, so nothing the child does can overtake it (per-link FIFO).
 */
export function onForkCommit(a: NamespaceActor, msg: ChainMsg<'fork-commit'>, L: Level): void {
  const job = msg.job;
  const level = L.level;
  const nr = job.nums[level]!;
  const entry = L.table.get(nr);
  if (!entry || entry.key !== job.key) throw new Error(`fork-commit: level ${level} lost the reservation of PID ${nr}`);
  L.table.commit(nr);
  // The target level is always the actor's own (a fork into the root namespace runs in the root's actor).
  const isTarget = level === job.target.level;
  let child: Proc | undefined;
  if (isTarget) child = createChild(a, job);
  // A namespace that began exiting after its number was reserved SIGKILLs the
  // newcomer, as zap_pid_ns_processes() would have had it been there (6.2).
  const killHere = !L.adding && L.initKey !== job.key;
  if (level > 1) a.send(L.chain[level - 1]!, msg);
  else if (level === 1) onForkCommit(a, msg, a.host.root);
  // The caller already knows its own namespace: name it only when the child lives elsewhere.
  else forkReturns(a, job.id, job.target.id === job.callerNs.id ? { key: job.key, nums: job.nums } : { key: job.key, nums: job.nums, ns: job.target }, job.pendingJoins);
  if (killHere) {
    if (child) deliverSignal(a, child, SIGKILL, { kind: 'kernel' });
    else a.send(job.target.id, { type: 'signal', targets: [job.key], sig: SIGKILL, sender: { kind: 'kernel' }, ack: { kind: 'none' } });
  }
  if (child && child.state === 'running') startProgram(a, child);
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
    timerDue: false,
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
 * Undo a fork: starting at the target level, free the numbers reserved from
 * the target down to `lowest`, then reply.
 */
function abortFork(a: NamespaceActor, job: ForkJob, failure: Failure, lowest: number): void {
  job.lowest = lowest;
  if (lowest > job.target.level) return a.reply(job.id, failure);
  a.tail(job.target.id, { type: 'fork-abort', job, failure });
}

export function onForkAbort(a: NamespaceActor, msg: ChainMsg<'fork-abort'>, L: Level): void {
  const { job, failure } = msg;
  const level = L.level;
  const lowest = job.lowest;
  const nr = job.nums[level]!;
  const entry = L.table.get(nr);
  if (entry && entry.key === job.key) L.table.release(nr);
  const own = L === a;
  if (own && level === job.target.level) {
    // "On failure to allocate the first pid, reset the state": idr_set_cursor(&ns->idr, 0).
    if (a.table.used === 0 && a.adding) a.table.lastPid = -1;
    if (job.newNs) a.state = 'dead';
  }
  if (own) afterFree(a);
  if (level > lowest) {
    if (level > 1) a.send(L.chain[level - 1]!, msg);
    else onForkAbort(a, msg, a.host.root);
  } else {
    a.reply(job.id, failure);
  }
  if (own && level === job.target.level && job.newNs) a.maybeRetire();
}
