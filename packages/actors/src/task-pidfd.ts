// This file implements pidfds (SEMANTICS 4.15, 4.17, 8.4, 8.14-8.17):
// pidfd_open(2), pidfd_send_signal(2), waitid(P_PIDFD), and a pidfd's
// readiness (it becomes readable when its process exits). A pidfd holds a
// process - its key - never a number: every operation finds the process by
// key, at the actor it lives in, so once it is reaped its pidfd says ESRCH
// or ECHILD even where its PID names another process by then. Opening a
// pidfd takes a reference on the process's namespace (a struct pid holds
// its pid_namespace, alloc_pid()). Fork, exit, wait and kill do no work for
// pidfds unless one is involved: CLONE_PIDFD, or a readiness waiter.

import {
  PIDFD_NONBLOCK,
  PIDFD_SIGNAL_PROCESS_GROUP,
  PIDFD_SIGNAL_THREAD,
  PIDFD_SIGNAL_THREAD_GROUP,
  PIDFD_THREAD,
  SI_TKILL,
  isValidSignal,
  onChain,
  ownerNs,
  type CallId,
  type CallMsg,
  type ErrnoCode,
  type PidfdRef,
  type PidfdState,
  type ProcKey,
  type SignalAck,
  type SignalSender,
  type WaitOptions,
} from '@pidsim/core';
import type { NamespaceActor } from './namespace-actor.js';
import type { ChildStub, Proc } from './process-record.js';
import { mayKill, processSender } from './task-creds.js';
import { deliverSignal, deliverThreadSignal } from './task-signals.js';
import { processOf } from './task-threads.js';
import { sysWait } from './task-wait.js';

const OPEN_FLAGS = PIDFD_NONBLOCK | PIDFD_THREAD;
const SCOPE_FLAGS = PIDFD_SIGNAL_THREAD | PIDFD_SIGNAL_THREAD_GROUP | PIDFD_SIGNAL_PROCESS_GROUP;

// --- pidfd_open --------------------------------------------------------------------

/**
 * pidfd_open(2) by `p` (SEMANTICS 8.4): the PID is looked up in the caller's
 * namespace (find_get_pid()), so an invisible one is ESRCH; so is a PID that
 * only names a process group or session now ("Task has already been
 * reaped", pidfd_prepare()). A zombie still has its task: it gets a pidfd.
 * The process's own actor takes the namespace reference and answers.
 */
export function sysPidfdOpen(a: NamespaceActor, call: CallMsg, pid: number, flags: number): void {
  const S = 'pidfd_open';
  // "if (flags & ~(PIDFD_NONBLOCK | PIDFD_THREAD)) return -EINVAL; if (pid <= 0) return -EINVAL;"
  if ((flags & ~OPEN_FLAGS) !== 0) return a.replyFail(call.id, 'EINVAL', S, pid, `flags ${flags}`);
  if (pid <= 0) return a.replyFail(call.id, 'EINVAL', S, pid);
  const entry = a.table.get(pid);
  if (!entry || !entry.committed || !entry.task) return a.replyFail(call.id, 'ESRCH', S, pid);
  // A TID that leads no thread group needs PIDFD_THREAD: ENOENT otherwise (Linux 6.18, lab/threads-probe.c).
  if (entry.thread && (flags & PIDFD_THREAD) === 0) return a.replyFail(call.id, 'ENOENT', S, pid, 'a thread that does not lead its group needs PIDFD_THREAD');
  a.tail(entry.home, { type: 'pidfd-get', id: call.id, key: entry.key, flags });
}

/** At the process's actor: the pidfd is made, holding a reference on this namespace; ESRCH once the process was reaped. */
export function onPidfdGet(a: NamespaceActor, id: CallId, key: ProcKey, flags: number): void {
  const p = a.procs.get(key);
  if (!p) return a.replyFail(id, 'ESRCH', 'pidfd_open', undefined, 'the process was reaped');
  a.refs++;
  const pidfd: PidfdRef = { ref: p.ref, ns: a.ref, flags };
  a.replyOk(id, pidfd);
}

// --- pidfd_send_signal ---------------------------------------------------------------

/**
 * pidfd_send_signal(2) by `p` (SEMANTICS 4.15, 4.17). The flags are checked
 * first, then access_pidfd_pidns(): the process must live in the caller's
 * namespace or a descendant, else EINVAL - even once it is reaped. The
 * signal then goes where the process lives; init protection and the
 * permission check are kill()'s. The scope is the flag's, else the pidfd's
 * ("Infer scope from the type of pidfd"): a PIDFD_THREAD pidfd signals its
 * thread.
 */
export function sysPidfdSendSignal(a: NamespaceActor, call: CallMsg, p: Proc, pidfd: PidfdRef, sig: number, flags: number, report: boolean): void {
  const S = 'pidfd_send_signal';
  // "Enforce flags be set to 0 until we add an extension." / "Ensure that only a single signal scope determining flag is set."
  if ((flags & ~SCOPE_FLAGS) !== 0 || (flags & (flags - 1)) !== 0) return a.replyFail(call.id, 'EINVAL', S, undefined, `flags ${flags}`);
  if (!onChain(pidfd.ref.chain, a.id, a.level)) {
    return a.replyFail(call.id, 'EINVAL', S, undefined, "the pidfd's process is outside the caller's PID namespace and its descendants");
  }
  const thread = flags === PIDFD_SIGNAL_THREAD || (flags === 0 && (pidfd.flags & PIDFD_THREAD) !== 0);
  const sender: SignalSender = {
    ...processSender(a, p),
    // prepare_kill_siginfo(): "info->si_code = (type == PIDTYPE_PID) ? SI_TKILL : SI_USER;"
    ...(thread ? { siCode: SI_TKILL } : {}),
  };
  const ack: SignalAck = report ? { kind: 'relay', via: a.id, caller: p.key, id: call.id } : { kind: 'reply', id: call.id };
  // PIDFD_SIGNAL_PROCESS_GROUP: kill_pgrp_info() on the pidfd's struct pid, the group it leads -
  // which outlives its leader's reaping while members remain.
  if (flags === PIDFD_SIGNAL_PROCESS_GROUP) return a.tail(ownerNs(pidfd.ref), { type: 'group-signal', group: pidfd.ref.key, sig, sender, ack });
  a.tail(ownerNs(pidfd.ref), { type: 'pidfd-signal', target: pidfd.ref.key, sig, sender, ack });
}

/**
 * At the target's actor, kill_pid_info_type(): no task any more is ESRCH;
 * then check_kill_permission(): the signal number (EINVAL, so a reaped
 * target is ESRCH whatever the signal), the credentials (EPERM). A zombie
 * takes the signal and drops it (0), as with kill().
 */
export function onPidfdSignal(a: NamespaceActor, target: ProcKey, sig: number, sender: SignalSender, ack: SignalAck): void {
  const p = a.procs.get(target);
  const errno: ErrnoCode | null = !p ? 'ESRCH' : sig !== 0 && !isValidSignal(sig) ? 'EINVAL' : !mayKill(sender, processOf(p), sig) ? 'EPERM' : null;
  // Thread scope (SI_TKILL) waits for that thread; any other is process-directed.
  const toThread = sender.kind === 'process' && sender.siCode === SI_TKILL;
  if (p && errno === null && sig !== 0) (toThread ? deliverThreadSignal : deliverSignal)(a, p, sig, sender);
  if (ack.kind !== 'reply' && ack.kind !== 'relay') return;
  if (errno !== null) return a.replyFail(ack.id, errno, 'pidfd_send_signal', undefined, errno === 'ESRCH' ? 'the process was reaped' : undefined);
  // A reported send is answered by the caller's actor, after the caller's own deliverable signals (as kill's).
  if (ack.kind === 'relay') return a.tail(ack.via, { type: 'kill-done', caller: ack.caller, id: ack.id, errno: null });
  a.replyOk(ack.id, 0);
}

// --- waitid(P_PIDFD) -----------------------------------------------------------------

/**
 * waitid(P_PIDFD, fd, ...) by `p` (SEMANTICS 8.15): do_wait_pid() considers
 * only the task the pidfd's struct pid names, and only if it is the
 * caller's child: a reaped child is ECHILD, even when its PID now names
 * another child. Once the child is found it is a waitpid() on its PID, which
 * cannot name anyone else before the child is reaped. A PIDFD_NONBLOCK
 * pidfd adds WNOHANG, and nothing to report is then EAGAIN.
 */
export function sysWaitidPidfd(a: NamespaceActor, call: CallMsg, p: Proc, pidfd: PidfdRef, options: WaitOptions): void {
  const S = 'waitid';
  // kernel_waitid(): "if (!(options & (WEXITED|WSTOPPED|WCONTINUED))) return -EINVAL;" comes first.
  if (options.exited === false && !options.untraced && !options.continued) {
    return a.replyFail(call.id, 'EINVAL', S, undefined, 'no state change was asked for');
  }
  const stub = p.children?.get(pidfd.ref.key);
  if (!stub) return a.replyFail(call.id, 'ECHILD', S, undefined, "the pidfd's process is not a child of the caller (or was reaped)");
  // "if (f_flags & O_NONBLOCK) wo.wo_flags |= WNOHANG; ... if (!ret && !(options & WNOHANG) && (f_flags & O_NONBLOCK)) ret = -EAGAIN;"
  if ((pidfd.flags & PIDFD_NONBLOCK) !== 0 && !options.nohang && !hasReport(stub, options)) {
    return a.replyFail(call.id, 'EAGAIN', S, undefined, 'PIDFD_NONBLOCK and the child has nothing to report');
  }
  sysWait(a, call, p, stub.ref.nums[a.level]!, options);
}

/** Whether wait would report `stub` now: the conditions of task-wait.ts report(). */
function hasReport(stub: ChildStub, o: WaitOptions): boolean {
  return (stub.zombie !== null && o.exited !== false) || (stub.stopReport !== 0 && o.untraced === true) || (stub.contReport && o.continued === true);
}

// --- readiness -----------------------------------------------------------------------

/**
 * What the process of a pidfd is doing, for poll(2) and fdinfo
 * (SEMANTICS 8.16). pidfd_poll(): readable once "task->exit_state" is set -
 * a zombie; an init still waiting for its namespace to drain has not set it
 * yet - and POLLHUP too once no task is left. With `block` the answer waits
 * until the process has exited.
 */
export function onPidfdState(a: NamespaceActor, id: CallId, key: ProcKey, block: boolean): void {
  const p = a.procs.get(key);
  const state: PidfdState = !p ? 'reaped' : p.state === 'zombie' ? 'exited' : 'running';
  if (state !== 'running' || !block) return a.replyOk(id, state);
  const pollers = (a.pidfdPollers ??= new Map());
  const ids = pollers.get(key);
  if (ids) ids.push(id);
  else pollers.set(key, [id]);
}

/** `p` has just become a zombie: do_notify_pidfd() wakes whoever waits on its pidfds. */
export function wakePidfdPollers(a: NamespaceActor, p: Proc): void {
  const pollers = a.pidfdPollers!;
  const ids = pollers.get(p.key);
  if (!ids) return;
  pollers.delete(p.key);
  if (pollers.size === 0) a.pidfdPollers = null;
  for (const id of ids) a.replyOk(id, 'exited' satisfies PidfdState);
}
