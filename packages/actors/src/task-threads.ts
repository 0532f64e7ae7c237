// This file implements thread groups (SEMANTICS 5.12, 8.1-8.3, 8.18-8.22):
// clone(CLONE_THREAD) adds a task record to the caller's group, with its
// own TID at every level; exit(2) ends one thread and exit_group(2) all of
// them; the leader that exits first stays until the last thread has gone
// (delay_group_leader()); tgkill/tkill direct a signal at one thread; an
// execve() from another thread than the leader takes the leader's TID
// (de_thread()). Threads never leave their group's namespace (2.7), so a
// whole group lives in one actor and none of this sends a message, but
// tgkill/tkill to a thread of another namespace.

import {
  SI_TKILL,
  emptySigSet,
  nrIn,
  type CallMsg,
  type ChildChange,
  type ForkJob,
  type NsId,
  type ProcKey,
  type SignalSender,
} from '@pidsim/core';
import type { NamespaceActor } from './namespace-actor.js';
import type { Proc, SigQueue, ThreadGroup } from './process-record.js';
import { release } from './task-wait.js';
import { releaseNsRef } from './ns-ops.js';
import { isGlobalInit } from './process-queries.js';
import { processSender, mayKill } from './task-creds.js';
import { exitProcess } from './task-exit.js';
import { deliverThreadSignal } from './task-signals.js';

/** The process a task belongs to: the leader's record (a task without threads is its own). */
export function processOf(t: Proc): Proc {
  return t.tg === null ? t : t.tg.leader;
}

/** The threads of process `p` that still run, leader first (its own thread unless it exited). */
export function liveThreads(p: Proc): readonly Proc[] {
  const tg = p.tg;
  if (tg === null) return [p];
  return tg.leaderExit === null ? [p, ...tg.threads] : tg.threads;
}

/** Every task of process `p`, leader first, as /proc/PID/task lists them (a leader that exited stays listed). */
export function tasksOf(p: Proc): readonly Proc[] {
  return p.tg === null ? [p] : [p, ...p.tg.threads];
}

/**
 * The Threads: line (signal->nr_threads): the leader counts until its
 * process is reaped, even once its own thread exited; other threads go at
 * their exit (release_task() -> __exit_signal()).
 */
export function threadCount(p: Proc): number {
  return p.tg === null ? 1 : 1 + p.tg.threads.length;
}

/** The queue of process-directed signals: the group's shared one, or the process's own without threads. */
export function sharedQueue(p: Proc): SigQueue {
  return p.tg === null ? p : p.tg.shared;
}

/** This task is the leader of a group whose leader's thread has exited: it takes no signals and makes no calls. */
export function leaderThreadGone(t: Proc): boolean {
  return t.tg !== null && t.tg.leader === t && t.tg.leaderExit !== null;
}

/**
 * The commit of clone(CLONE_THREAD): the new task's record, in its
 * group (made on the first thread), with the caller's mask and a copy of the
 * process's shared attributes (read from the leader when they matter).
 */
export function createThread(a: NamespaceActor, job: ForkJob, caller: Proc): Proc {
  const leader = processOf(caller);
  const tg: ThreadGroup = leader.tg ?? makeGroup(leader);
  const { init } = job;
  const t: Proc = {
    ...leader,
    key: job.key,
    ref: job.ref!,
    state: leader.state === 'stopped' ? 'stopped' : 'running',
    name: init.name,
    argv: leader.argv,
    startTime: a.host.now(),
    program: init.program,
    parent: null,
    asParent: null,
    parentHome: null,
    children: null,
    zombies: null,
    childSeq: 0,
    pidForChildren: a.ref,
    pfcHasInit: true,
    blocked: init.blocked,
    pending: emptySigSet(),
    pendingInfo: null,
    rtQueue: null,
    handled: null,
    lastInfo: null,
    delivered: null,
    exit: null,
    waiters: null,
    deferred: null,
    timer: 0,
    spawned: null,
    timerDue: false,
    tg,
  };
  tg.threads.push(t);
  a.procs.set(t.key, t);
  const nums = t.ref.nums;
  for (let level = nums.length - 1; level >= 0; level--) a.tables[level]!.markThread(nums[level]!);
  return t;
}

/**
 * The first thread: the group is made, and what was pending for the
 * process becomes its shared queue (a kill() to a single-threaded process
 * is as process-directed as one to a group).
 */
function makeGroup(leader: Proc): ThreadGroup {
  const tg: ThreadGroup = {
    leader,
    threads: [],
    shared: { pending: leader.pending, pendingInfo: leader.pendingInfo, rtQueue: leader.rtQueue },
    leaderExit: null,
  };
  leader.pending = emptySigSet();
  leader.pendingInfo = null;
  leader.rtQueue = null;
  leader.tg = tg;
  return tg;
}

/**
 * A thread other than the leader is gone: threads reap themselves
 * (release_task() from exit_notify(), "autoreap"), so its TIDs are freed at
 * once at every level and nobody is notified.
 */
function releaseThread(a: NamespaceActor, t: Proc): void {
  const tg = t.tg!;
  const i = tg.threads.indexOf(t);
  if (i < 0) return;
  tg.threads.splice(i, 1);
  if (t.timer !== 0) {
    a.host.cancelTimer(t.timer);
    t.timer = 0;
  }
  t.state = 'zombie';
  failDeferred(a, t);
  releaseNsRef(a, t);
  a.procs.delete(t.key);
  release(a, { ref: t.ref, mode: 'free', reply: null });
}

function failDeferred(a: NamespaceActor, t: Proc): void {
  if (t.deferred) for (const c of t.deferred) a.replyFail(c.id, 'ESRCH', c.op.op, undefined, 'the calling thread has exited');
  t.deferred = null;
}

/**
 * zap_other_threads(): a group exit (exit_group, a fatal signal, execve)
 * ends every thread of `p` but `keep`; the leader's own thread too, in the
 * sense that it no longer runs (its record is the process, which the caller
 * then ends or hands to the execve).
 */
export function endOtherThreads(a: NamespaceActor, p: Proc, keep: Proc | null): void {
  const tg = p.tg;
  if (tg === null) return;
  for (const t of [...tg.threads]) if (t !== keep) releaseThread(a, t);
}

/**
 * exit(2) by task `t`: only this thread ends (SEMANTICS 8.19). The leader
 * that exits while others run stays in its record, as a zombie thread
 * (/proc shows it Z), until the last one has gone; the process then exits
 * with the status of the thread that went last - measured on Linux 6.18:
 * leader exit(3), then its thread exit(5): the parent's wait reports 5 (5.12).
 */
export function exitThread(a: NamespaceActor, t: Proc, change: ChildChange): void {
  const tg = t.tg;
  if (tg === null) return exitProcess(a, t, change);
  const leader = tg.leader;
  if (t === leader) {
    if (tg.threads.length === 0) return exitProcess(a, leader, change);
    tg.leaderExit = change;
    if (leader.timer !== 0) {
      a.host.cancelTimer(leader.timer);
      leader.timer = 0;
    }
    leader.timerDue = false;
    leader.pending = emptySigSet();
    leader.pendingInfo = null;
    leader.rtQueue = null;
    failDeferred(a, leader);
    return;
  }
  releaseThread(a, t);
  if (tg.leaderExit !== null && tg.threads.length === 0) exitProcess(a, leader, change);
}

/** exit(2) may not end the root namespace's init: only when it is its last thread. */
export function exitEndsGlobalInit(a: NamespaceActor, t: Proc): boolean {
  const p = processOf(t);
  if (!isGlobalInit(a, p)) return false;
  return liveThreads(p).length <= 1;
}

/**
 * de_thread() for an execve() by `t`: every other thread ends; a non-leader
 * takes the leader's place - its TID goes, the TGID stays (it "becomes" the
 * leader: getpid() = gettid() = TGID after the execve, SEMANTICS 8.21) - and
 * keeps its own mask, private pending signals and pid_for_children.
 * Returns the process's record, which the execve continues with.
 */
export function deThread(a: NamespaceActor, t: Proc): Proc {
  const p = processOf(t);
  const tg = p.tg;
  if (tg === null) return t;
  if (t !== p) {
    if (p.timer !== 0) {
      a.host.cancelTimer(p.timer);
      p.timer = 0;
    }
    p.timerDue = false;
    failDeferred(a, p);
    p.blocked = t.blocked;
    p.pending = t.pending;
    p.pendingInfo = t.pendingInfo;
    p.rtQueue = t.rtQueue;
    // The nsproxy moves with the task: its pid_for_children (and the reference it holds) become the process's.
    releaseNsRef(a, p);
    p.pidForChildren = t.pidForChildren;
    p.pfcHasInit = t.pfcHasInit;
    t.pidForChildren = a.ref;
    tg.leaderExit = null;
  }
  endOtherThreads(a, p, null);
  return p;
}

/**
 * tgkill(2) and tkill(2) by `t` (SEMANTICS 8.18): `tgid` <= 0 or `tid` <= 0
 * is EINVAL ("if (pid <= 0 || tgid <= 0) return -EINVAL"), a `tid` not
 * visible, or not a thread of group `tgid`, ESRCH; the signal goes to
 * that one thread (SI_TKILL), where init protection and permissions are
 * decided as for kill().
 */
export function sysTgkill(a: NamespaceActor, call: CallMsg, t: Proc, tgid: number | null, tid: number, sig: number): void {
  const S = tgid === null ? 'tkill' : 'tgkill';
  if (tid <= 0 || (tgid !== null && tgid <= 0)) return a.replyFail(call.id, 'EINVAL', S, tid);
  if (!Number.isInteger(sig) || sig < 0 || sig > 64) return a.replyFail(call.id, 'EINVAL', S, tid, `signal ${sig}`);
  const key = a.table.visibleTask(tid);
  if (key === undefined) return a.replyFail(call.id, 'ESRCH', S, tid);
  const p = processOf(t);
  const sender: SignalSender = {
    ...processSender(a, p),
    siCode: SI_TKILL,
  };
  const msg = { type: 'thread-signal', target: key, tgid: tgid ?? 0, viewer: { id: a.id, level: a.level }, sig, sender, id: call.id } as const;
  a.tail(a.table.homeOf(tid), msg);
}

/** At the target thread's actor: the group check, the permission check, then delivery to that thread. */
export function onThreadSignal(
  a: NamespaceActor,
  target: ProcKey,
  tgid: number,
  viewer: { readonly id: NsId; readonly level: number },
  sig: number,
  sender: SignalSender,
  id: CallMsg['id'],
): void {
  const S = tgid === 0 ? 'tkill' : 'tgkill';
  const t = a.procs.get(target);
  // A thread that exited (its number may already be someone else's) is ESRCH, as a reaped process.
  if (!t || (t.state === 'zombie' && t !== processOf(t))) return a.replyFail(id, 'ESRCH', S);
  const p = processOf(t);
  // do_send_specific(): "if (p && (tgid <= 0 || task_tgid_vnr(p) == tgid))".
  if (tgid > 0 && nrIn(p.ref, viewer.id, viewer.level) !== tgid) return a.replyFail(id, 'ESRCH', S, undefined, `the thread is not in thread group ${tgid}`);
  if (!mayKill(sender, p, sig)) return a.replyFail(id, 'EPERM', S);
  // "If lock_task_sighand() failed we pretend the task dies after receiving the signal."
  if (sig !== 0) deliverThreadSignal(a, t, sig, sender);
  a.replyOk(id, 0);
}
