// This file implements signals (kill(2)'s target sets are task-kill.ts):
// generation with init protection decided from the sender's namespace
// (4.1-4.5, kernel/signal.c send_signal_locked(), prepare_signal(),
// sig_task_ignored()), queueing (standard signals coalesce, real-time ones
// queue: 4.12), delivery in ascending order (get_signal()), default actions
// (4.10), stop/continue (4.14), sigaction, sigprocmask and sigpending.
// In a thread group (task-threads.ts) a process-directed signal is queued
// once, shared, and taken by the first thread that does not block it, the
// leader first (complete_signal()); a thread-directed one (tgkill) waits for
// its thread; dispositions are the process's, masks each thread's (8.18, 8.20).

import {
  SIGCONT,
  SIGKILL,
  SIGSTOP,
  SI_KERNEL,
  SI_QUEUE,
  SI_USER,
  NO_REPLY,
  copySigSet,
  fromKernelId,
  defaultAction,
  Call,
  isKernelOnly,
  isRealtime,
  isStopSignal,
  onChain,
  ownerNs,
  sigAdd,
  sigDel,
  sigHas,
  sigMembers,
  type CallMsg,
  type HandlerStep,
  type Op,
  type ProcKey,
  type SigAction,
  type SigInfo,
  type SignalSender,
  type SigSet,
} from '@pidsim/core';
import type { NamespaceActor } from './namespace-actor.js';
import type { Proc, SigQueue } from './process-record.js';
import { isAlive, isGlobalInit, isUnkillable } from './process-queries.js';
import { exitProcess } from './task-exit.js';
import { notifyParent } from './reparent.js';
import { interruptWaits } from './task-wait.js';
import { setStoppedInGroup } from './pgrp-session.js';
import { groupOrphanedHere } from './orphaned-pgrp.js';
import { programTimer } from './programs.js';
import { runCall } from './syscalls.js';
import { leaderThreadGone, liveThreads, processOf, sharedQueue, tasksOf } from './task-threads.js';

/** The disposition: the process's (CLONE_SIGHAND shares them), whichever thread asks. */
function handlerOf(p: Proc, sig: number): SigAction | undefined {
  return processOf(p).actions?.get(sig);
}

/**
 * sig_handler_ignored(): SIG_IGN, or SIG_DFL of a signal in SIG_KERNEL_IGNORE_MASK
 * (CHLD, URG, WINCH, and CONT, whose continuing is done at generation).
 */
function handlerIgnores(p: Proc, sig: number): boolean {
  const act = handlerOf(p, sig);
  if (act?.handler === 'ignore') return true;
  return (act === undefined || act.handler === 'default') && (defaultAction(sig) === 'ignore' || sig === SIGCONT);
}

/**
 * send_signal_locked(): the signal is generated for `p`. Init protection is
 * decided here from the sender's namespace chain: a sender that has no PID
 * in p's namespace (an ancestor) forces SIGKILL/SIGSTOP through (4.3);
 * kernel signals are always forced (4.5).
 */
export function deliverSignal(a: NamespaceActor, target: Proc, sig: number, sender: SignalSender): void {
  // A TID names its whole group for kill() (4.8): process-directed, to the process;
  // the thread it names is the first asked to take it (complete_signal()'s wants_signal(p)).
  const p = processOf(target);
  generate(a, p, p, sharedQueue(p), sig, sender, target);
}

/** tgkill/tkill: the signal waits for thread `t` alone (SEMANTICS 8.18); a fatal one still ends the group. */
export function deliverThreadSignal(a: NamespaceActor, t: Proc, sig: number, sender: SignalSender): void {
  generate(a, processOf(t), t, t, sig, sender, t);
}

/** Generation for process `p`, queued on `q` (shared, or thread `t`'s own), then delivered by a thread that takes it. */
function generate(a: NamespaceActor, p: Proc, t: Proc, q: SigQueue, sig: number, sender: SignalSender, first: Proc): void {
  if (a.events) {
    const from = sender.kind === 'process' ? sender.key : null;
    a.emit({ type: 'signal-sent', key: p.key, nspid: p.ref.nums, ns: a.id, sig, from });
  }
  if (p.state === 'zombie' || p.state === 'exiting') {
    // prepare_signal(): "The process is in the middle of dying, drop the signal."
    if (a.events) a.emit({ type: 'signal-ignored', key: p.key, nspid: p.ref.nums, ns: a.id, sig, reason: 'exiting' });
    return;
  }
  // 3.9: "if (!task_pid_nr_ns(current, task_active_pid_ns(t))) { info->si_pid = 0; force = true; }"
  const visible = sender.kind !== 'process' || onChain(sender.chain, a.id, a.level);
  const force = sender.kind === 'kernel' || !visible;
  // prepare_signal(): stop and continue signals cancel each other while pending (4.14).
  let resumed = false;
  if (isStopSignal(sig)) {
    unqueueAll(p, SIGCONT);
  } else if (sig === SIGCONT) {
    for (const s of [SIGSTOP, 20, 21, 22]) unqueueAll(p, s);
    if (p.state === 'stopped') {
      continueProcess(a, p);
      resumed = true;
    }
  }
  queueSignal(a, t, q, sig, sender, visible, force);
  if (t !== p || p.tg === null) deliverPending(a, t);
  else completeSignal(a, p, first);
  if (resumed) for (const th of liveThreads(p)) resumeAfterContinue(a, th);
}

/**
 * complete_signal(): a shared signal is taken by the thread it was sent
 * to (the leader for a PID, the thread for a TID) if it does not block
 * it, else by the next thread that does not; each thread
 * in turn delivers what it can, so one that blocks a signal leaves it to
 * the others (8.20).
 */
function completeSignal(a: NamespaceActor, p: Proc, first: Proc): void {
  deliverPending(a, first);
  for (const t of liveThreads(p)) {
    if (!isAlive(p)) return;
    if (t !== first) deliverPending(a, t);
  }
}

/** The siginfo the target gets, with si_pid and si_uid as it sees them. */
function sigInfoFor(a: NamespaceActor, p: Proc, sig: number, sender: SignalSender, visible: boolean): SigInfo {
  if (sender.kind === 'kernel') return { signo: sig, code: SI_KERNEL, pid: 0, uid: 0 };
  if (sender.kind === 'child') return { signo: sig, code: sender.code, pid: sender.pid, uid: 0, status: sender.status };
  // 3.10 (quirk, emulated): a visible sender's si_pid is its PID in its *own* namespace, untranslated.
  const code = sender.siCode ?? (sender.value === undefined ? SI_USER : SI_QUEUE);
  const siPid = visible && !sender.siPidZeroed ? sender.pid : 0;
  // si_uid: the sender's real uid as the target's user namespace shows it.
  const uid = fromKernelId(sender.ruid, a.host.tables.idMaps(p.userNs, 'uid'));
  return { signo: sig, code, pid: siPid, uid, ...(sender.value === undefined ? {} : { value: sender.value }) };
}

function queueSignal(a: NamespaceActor, t: Proc, q: SigQueue, sig: number, sender: SignalSender, visible: boolean, force: boolean): void {
  const p = processOf(t);
  // sig_ignored(): "Blocked signals are never ignored" (4.4, 4.11); the mask is the target task's.
  if (!sigHas(t.blocked, sig)) {
    const reason = ignoredAtSend(a, p, sig, force);
    if (reason !== null) {
      if (a.events) a.emit({ type: 'signal-ignored', key: p.key, nspid: p.ref.nums, ns: a.id, sig, reason });
      return;
    }
  }
  const info = sigInfoFor(a, p, sig, sender, visible);
  if (isRealtime(sig)) {
    (q.rtQueue ??= []).push(info);
    sigAdd(q.pending, sig);
  } else {
    // legacy_queue(): a standard signal already pending is not queued again (4.12).
    if (sigHas(q.pending, sig)) {
      if (a.events) a.emit({ type: 'signal-ignored', key: p.key, nspid: p.ref.nums, ns: a.id, sig, reason: 'coalesced' });
      return;
    }
    sigAdd(q.pending, sig);
    (q.pendingInfo ??= [])[sig] = info;
  }
}

/** sig_task_ignored(): why the signal is dropped at send time, or null. */
function ignoredAtSend(a: NamespaceActor, p: Proc, sig: number, force: boolean): 'init-protected' | 'ignored' | null {
  const act = handlerOf(p, sig);
  const dfl = act === undefined || act.handler === 'default';
  // "SIGKILL and SIGSTOP may not be sent to the global init"
  if (isGlobalInit(a, p) && isKernelOnly(sig)) return 'init-protected';
  // "(t->signal->flags & SIGNAL_UNKILLABLE) && handler == SIG_DFL && !(force && sig_kernel_only(sig))" (4.2, 4.3)
  if (isUnkillable(a, p) && dfl && !(force && isKernelOnly(sig))) return 'init-protected';
  return handlerIgnores(p, sig) ? 'ignored' : null;
}

function unqueue(q: SigQueue, sig: number): void {
  if (!sigHas(q.pending, sig)) return;
  sigDel(q.pending, sig);
  if (q.pendingInfo) q.pendingInfo[sig] = undefined;
  if (q.rtQueue) q.rtQueue = q.rtQueue.filter((i) => i.signo !== sig);
}

/** flush_sigqueue_mask() over the shared queue and every thread's own. */
function unqueueAll(p: Proc, sig: number): void {
  unqueue(sharedQueue(p), sig);
  if (p.tg !== null) for (const t of tasksOf(p)) unqueue(t, sig);
}

/** SYNCHRONOUS_MASK: SIGSEGV, SIGBUS, SIGILL, SIGTRAP, SIGFPE, SIGSYS (bits sig-1). */
const SYNCHRONOUS_MASK = (1 << 10) | (1 << 6) | (1 << 3) | (1 << 4) | (1 << 7) | (1 << 30);

/**
 * next_signal(): the synchronous signals first, then the lowest pending
 * signal that is not blocked. A stopped process only takes SIGKILL.
 */
function nextSignal(p: Proc): number {
  // A thread sees its own pending signals and its group's shared ones.
  const shared = p.tg === null ? null : p.tg.shared.pending;
  const pendLo = shared === null ? p.pending.lo : p.pending.lo | shared.lo;
  const pendHi = shared === null ? p.pending.hi : p.pending.hi | shared.hi;
  if (p.state === 'stopped') return (pendLo & (1 << (SIGKILL - 1))) !== 0 ? SIGKILL : 0;
  let lo = (pendLo & ~p.blocked.lo) >>> 0;
  if ((lo & SYNCHRONOUS_MASK) !== 0) lo = (lo & SYNCHRONOUS_MASK) >>> 0;
  if (lo !== 0) return 32 - Math.clz32(lo & -lo);
  const hi = (pendHi & ~p.blocked.hi) >>> 0;
  if (hi !== 0) return 64 - Math.clz32(hi & -hi);
  return 0;
}

/** dequeue_signal(): the thread's own queue first, then the shared one. */
function dequeue(p: Proc, sig: number): SigInfo | undefined {
  const q: SigQueue = sigHas(p.pending, sig) || p.tg === null ? p : p.tg.shared;
  if (isRealtime(sig)) {
    const rt = q.rtQueue!;
    const idx = rt.findIndex((i) => i.signo === sig);
    const info = rt.splice(idx, 1)[0];
    if (!rt.some((i) => i.signo === sig)) sigDel(q.pending, sig);
    if (rt.length === 0) q.rtQueue = null;
    return info;
  }
  sigDel(q.pending, sig);
  const infos = q.pendingInfo;
  if (infos === null) return undefined;
  const info = infos[sig];
  infos[sig] = undefined;
  return info;
}

/** A handler about to run: what get_signal() + setup_rt_frame() leave on the user stack. */
interface Frame {
  readonly sig: number;
  readonly act: SigAction;
  readonly info: SigInfo | undefined;
  /** The mask sigreturn restores. */
  readonly saved: SigSet;
}

/**
 * get_signal(), on the way back to user space: take deliverable signals
 * lowest first. Each caught one gets a frame (and its signal blocked) before
 * the next is taken, so the last frame set up runs first: handlers run in
 * the reverse order of their signals, each restoring the mask its frame
 * saved when it returns, after which newly deliverable signals go first.
 */
export function deliverPending(a: NamespaceActor, p: Proc): void {
  if (leaderThreadGone(p)) return;
  const frames: Frame[] = [];
  for (;;) {
    if (!isAlive(p) || !isAlive(processOf(p))) return;
    const sig = nextSignal(p);
    if (sig === 0) break;
    const info = dequeue(p, sig);
    const act = handlerOf(p, sig);
    if (act?.handler === 'ignore') continue;
    if (act?.handler === 'catch') {
      frames.push({ sig, act, info, saved: copySigSet(p.blocked) });
      if (act.resetHand) processOf(p).actions!.delete(sig);
      sigAdd(p.blocked, sig);
      continue;
    }
    const action = defaultAction(sig);
    if (action === 'ignore' || action === 'continue') continue;
    // "Container-init gets no signals it doesn't want from same container" (4.4):
    // a blocked signal to init that is still default at dequeue is dropped.
    if (isUnkillable(a, processOf(p)) && !isKernelOnly(sig)) {
      if (a.events) a.emit({ type: 'signal-ignored', key: p.key, nspid: p.ref.nums, ns: a.id, sig, reason: 'init-protected' });
      continue;
    }
    if (action === 'stop') {
      // "The job control signals do nothing in an orphaned pgrp, but SIGSTOP always works."
      const proc = processOf(p);
      if (sig !== SIGSTOP) {
        const orphaned = groupOrphanedHere(a, proc);
        if (orphaned === undefined) {
          askGroupOwner(a, proc, sig);
          continue;
        }
        if (orphaned) {
          if (a.events) a.emit({ type: 'signal-ignored', key: p.key, nspid: p.ref.nums, ns: a.id, sig, reason: 'orphaned-pgrp' });
          continue;
        }
      }
      stopProcess(a, proc, sig);
      continue;
    }
    if (a.events) a.emit({ type: 'signal-delivered', key: p.key, nspid: p.ref.nums, ns: a.id, sig, action });
    // A fatal signal ends the whole group, whichever thread took it (8.20).
    exitProcess(a, processOf(p), { kind: 'killed', signal: sig, core: action === 'core' });
    return;
  }
  while (frames.length > 0) {
    const f = frames.pop()!;
    runHandler(a, p, f);
    if (!isAlive(p)) return;
    // rt_sigreturn(): the frame's mask comes back; what it unblocks is delivered before the next frame runs.
    p.blocked = f.saved;
    deliverPending(a, p);
  }
}

function runHandler(a: NamespaceActor, p: Proc, f: Frame): void {
  const { sig, act, info } = f;
  const handled = (p.handled ??= new Map());
  handled.set(sig, (handled.get(sig) ?? 0) + 1);
  (p.delivered ??= []).push(sig);
  if (info) (p.lastInfo ??= new Map()).set(sig, info);
  if (a.events) a.emit({ type: 'signal-delivered', key: p.key, nspid: p.ref.nums, ns: a.id, sig, action: 'handler', ...(info ? { info } : {}) });
  interruptWaits(a, processOf(p), act.restart === true);
  if (act.steps) runHandlerSteps(a, p, act.steps);
}

/** The handler's own calls, made by the process while its frame's mask holds (a sigprocmask lasts until sigreturn). */
function runHandlerSteps(a: NamespaceActor, p: Proc, steps: readonly HandlerStep[]): void {
  for (const step of steps) {
    if (!isAlive(p)) return;
    const op: Op =
      step.do === 'exit'
        ? { op: 'exit', code: step.code }
        : step.do === 'kill'
          ? { op: 'kill', pid: step.pid, sig: step.sig }
          : step.do === 'sigprocmask'
            ? { op: 'sigprocmask', how: step.how, set: step.set }
            : { op: 'fork', name: step.name, program: { name: 'idle' } };
    runCall(a, new Call(NO_REPLY, p.key, op), p);
  }
}

/** The group spans actors: its owner decides, and the stop waits for the verdict. */
function askGroupOwner(a: NamespaceActor, p: Proc, sig: number): void {
  a.send(ownerNs(p.pgrp), { type: 'orphan-query', group: p.pgrp.key, proc: p.key, home: a.id, sig });
}

/** The verdict on a job-control stop: stop unless the group was orphaned (or the process moved on). */
export function onJobStop(a: NamespaceActor, key: ProcKey, sig: number, orphaned: boolean): void {
  const p = a.procs.get(key);
  if (!p || p.state !== 'running') return;
  if (orphaned) {
    if (a.events) a.emit({ type: 'signal-ignored', key: p.key, nspid: p.ref.nums, ns: a.id, sig, reason: 'orphaned-pgrp' });
    return;
  }
  stopProcess(a, p, sig);
}

/** do_signal_stop(): the process stops; its parent hears CLD_STOPPED. */
function stopProcess(a: NamespaceActor, p: Proc, sig: number): void {
  // A group stop: every thread stops (do_signal_stop() with group_stop_count).
  for (const t of liveThreads(p)) t.state = 'stopped';
  p.state = 'stopped';
  if (a.events) a.emit({ type: 'signal-delivered', key: p.key, nspid: p.ref.nums, ns: a.id, sig, action: 'stop' });
  setStoppedInGroup(a, p, true);
  notifyParent(a, p, { kind: 'stopped', signal: sig });
}

/** SIGCONT resumes a stopped process whatever its disposition or mask (4.14). */
function continueProcess(a: NamespaceActor, p: Proc): void {
  for (const t of liveThreads(p)) t.state = 'running';
  p.state = 'running';
  if (a.events) a.emit({ type: 'signal-delivered', key: p.key, nspid: p.ref.nums, ns: a.id, sig: SIGCONT, action: 'continue' });
  setStoppedInGroup(a, p, false);
  notifyParent(a, p, { kind: 'continued' });
}

/** Once its signals are handled, a continued process goes on with what it was doing. */
function resumeAfterContinue(a: NamespaceActor, p: Proc): void {
  if (p.state !== 'running') return;
  const deferred = p.deferred;
  p.deferred = null;
  if (p.timerDue) {
    p.timerDue = false;
    programTimer(a, p);
  }
  if (deferred) for (const call of deferred) runCall(a, call, p);
}

/** rt_sigaction(2): returns the old action; SIGKILL/SIGSTOP cannot change (4.10). */
export function sysSigaction(a: NamespaceActor, call: CallMsg, p: Proc, sig: number, action?: SigAction): void {
  const S = 'rt_sigaction';
  if (!Number.isInteger(sig) || sig < 1 || sig > 64) return a.replyFail(call.id, 'EINVAL', S, sig);
  const old: SigAction = handlerOf(p, sig) ?? { handler: 'default' };
  if (action === undefined) return a.replyOk(call.id, old);
  if (isKernelOnly(sig)) return a.replyFail(call.id, 'EINVAL', S, sig, 'SIGKILL and SIGSTOP cannot be caught or ignored');
  const isPlainDefault = action.handler === 'default' && !action.noCldStop && !action.noCldWait && !action.restart && !action.resetHand;
  if (isPlainDefault) {
    p.actions?.delete(sig);
    if (p.actions?.size === 0) p.actions = null;
  } else {
    (p.actions ??= new Map()).set(sig, { ...action });
  }
  // do_sigaction(): a newly ignored signal's pending instances are discarded (4.11).
  if (handlerIgnores(p, sig)) unqueueAll(p, sig);
  a.replyOk(call.id, old);
}

/** rt_sigprocmask(2): SIGKILL and SIGSTOP are silently left out of the mask. */
export function sysSigprocmask(a: NamespaceActor, call: CallMsg, p: Proc, how: 'block' | 'unblock' | 'setmask', set: readonly number[] | undefined): void {
  const old = sigMembers(p.blocked);
  if (set !== undefined) {
    for (const sig of set) {
      if (!Number.isInteger(sig) || sig < 1 || sig > 64) return a.replyFail(call.id, 'EINVAL', 'rt_sigprocmask', sig);
    }
    if (how === 'setmask') p.blocked = { lo: 0, hi: 0 };
    for (const sig of set) {
      if (isKernelOnly(sig)) continue;
      if (how === 'unblock') sigDel(p.blocked, sig);
      else sigAdd(p.blocked, sig);
    }
  }
  a.replyOk(call.id, old);
  deliverPending(a, p);
}

/** rt_sigpending(2): the signals pending *and* blocked. */
export function sysSigpending(a: NamespaceActor, call: CallMsg, p: Proc): void {
  const both = copySigSet(p.pending);
  if (p.tg !== null) {
    both.lo = (both.lo | p.tg.shared.pending.lo) >>> 0;
    both.hi = (both.hi | p.tg.shared.pending.hi) >>> 0;
  }
  both.lo = (both.lo & p.blocked.lo) >>> 0;
  both.hi = (both.hi & p.blocked.hi) >>> 0;
  a.replyOk(call.id, sigMembers(both));
}

/** A program's timer ran out (virtual time). A stopped process acts on it when continued. */
export function onTimerFired(a: NamespaceActor, key: ProcKey, token: number): void {
  const p = a.procs.get(key);
  if (!p || p.timer !== token) return;
  p.timer = 0;
  if (p.state === 'stopped') p.timerDue = true;
  else if (p.state === 'running') programTimer(a, p);
}

