// This file implements kill(2)'s target sets (SEMANTICS 4.6, 4.7, 4.9): one
// process, a process group (at the group's owner), or every process the
// caller's namespace shows for kill(-1); and the fan-out that delivers to
// targets over several actors and replies once all have acknowledged.
// Delivery itself (init protection, queueing, default actions) is
// task-signals.ts; the permission check (EPERM) is task-creds.ts, made where
// the target's credentials live.

import {
  type CallMsg,
  type NsId,
  type ProcKey,
  type SignalAck,
  type SignalSender,
} from '@pidsim/core';
import type { NamespaceActor } from './namespace-actor.js';
import type { Proc } from './process-record.js';
import { deliverPending, deliverSignal } from './task-signals.js';
import { mayKill, processSender } from './task-creds.js';
import { processOf } from './task-threads.js';

const INT_MIN = -2147483648;

function validSignal(sig: number): boolean {
  return Number.isInteger(sig) && sig >= 0 && sig <= 64;
}

/**
 * kill(2) / sigqueue(3) by `p`, kill_something_info(): pid > 0 one process,
 * 0 the caller's group, -1 everyone visible but init and the caller, < -1 a group.
 * Every PID is read in the caller's namespace.
 */
export function sysKill(a: NamespaceActor, call: CallMsg, p: Proc, pid: number, sig: number, value?: number, report = false): void {
  const S = value === undefined ? 'kill' : 'rt_sigqueueinfo';
  // With `report`, the answer goes back through this actor, which reads the caller's handlers then.
  const ack: SignalAck = report ? { kind: 'relay', via: a.id, caller: p.key, id: call.id } : { kind: 'reply', id: call.id };
  const sender: SignalSender = value === undefined ? processSender(a, p) : { ...processSender(a, p), value };
  if (pid > 0) {
    const key = a.table.visibleTask(pid);
    if (key === undefined) return a.replyFail(call.id, 'ESRCH', S, pid);
    if (!validSignal(sig)) return a.replyFail(call.id, 'EINVAL', S, pid, `signal ${sig}`);
    // Signal 0 too: "the permission check is still performed" (kill(2)), where the target lives.
    return sendTo(a, a.table.homeOf(pid), [key], sig, sender, ack);
  }
  if (pid === 0) return groupKill(a, ack, p.pgrp.key, ownerOfGroup(p), sig, sender);
  if (pid === -1) {
    // "if (task_pid_vnr(p) > 1 && !same_thread_group(p, current))" (4.6), in
    // for_each_process() order: creation order, as this table's is.
    const targets: { home: NsId; key: ProcKey }[] = [];
    for (const nr of a.table.numbersInOrder()) {
      const key = nr > 1 ? a.table.visibleTask(nr) : undefined;
      // for_each_process() walks processes: threads' TIDs are not targets of their own.
      if (key === undefined || key === p.key || a.table.isThread(nr)) continue;
      targets.push({ home: a.table.homeOf(nr), key });
    }
    if (targets.length === 0) return a.replyFail(call.id, 'ESRCH', S, -1);
    if (!validSignal(sig)) return a.replyFail(call.id, 'EINVAL', S, -1, `signal ${sig}`);
    return fanOut(a, ack, batchesInOrder(targets, sender), sig, 'all');
  }
  if (pid === INT_MIN) return a.replyFail(call.id, 'ESRCH', S, pid);
  const entry = a.table.get(-pid);
  if (!entry || !entry.committed) return a.replyFail(call.id, 'ESRCH', S, pid);
  groupKill(a, ack, entry.key, entry.home, sig, sender);
}

function ownerOfGroup(p: Proc): NsId {
  return p.pgrp.chain[p.pgrp.chain.length - 1]!;
}

/** kill(0) / kill(-pgid): the group's owner knows its members (__kill_pgrp_info, 4.7). */
function groupKill(a: NamespaceActor, ack: SignalAck, group: ProcKey, owner: NsId, sig: number, sender: SignalSender): void {
  a.tail(owner, { type: 'group-signal', group, sig, sender, ack });
}

/** The targets of one actor that share one siginfo. */
export interface SignalBatch {
  readonly home: NsId;
  readonly targets: ProcKey[];
  readonly sender: SignalSender;
}

/**
 * Groups targets (given in the kernel's iteration order) by actor, applying
 * the shared-siginfo quirk: from the first target whose namespace cannot see
 * the sender on, si_pid is 0 for everyone (send_signal_locked() writes it
 * into the siginfo the whole loop shares). Verified on Linux 6.18: a kill(-1)
 * target in the sender's own namespace, created after a nested-namespace
 * target, gets si_pid 0.
 */
export function batchesInOrder(targets: readonly { home: NsId; key: ProcKey }[], sender: SignalSender): SignalBatch[] {
  const batches = new Map<string, SignalBatch>();
  let zeroed = false;
  for (const t of targets) {
    if (sender.kind === 'process' && !zeroed && !sender.chain.includes(t.home)) zeroed = true;
    const id = `${t.home}:${zeroed}`;
    let b = batches.get(id);
    if (!b) batches.set(id, (b = { home: t.home, targets: [], sender: zeroed && sender.kind === 'process' ? { ...sender, siPidZeroed: true } : sender }));
    b.targets.push(t.key);
  }
  return [...batches.values()];
}

/**
 * Send to many processes over several actors; reply once all have
 * delivered. `all` (kill(-1), kill_something_info()): 0 once anyone was
 * found, EPERM never reported; `group` (__kill_pgrp_info()): 0 if any
 * target took it, else the error (EPERM).
 */
export function fanOut(a: NamespaceActor, ack: Answer, batches: readonly SignalBatch[], sig: number, mode: 'all' | 'group'): void {
  const gather = a.newGather(ack.id, batches.length, mode, ack.kind === 'relay' ? ack : null);
  for (const b of batches) sendTo(a, b.home, b.targets, sig, b.sender, { kind: 'gather', owner: a.id, gather });
}

/** Who is answered once a kill is done: the client, or the caller's actor (`report`). */
export type Answer = Extract<SignalAck, { kind: 'reply' | 'relay' }>;

function answer(a: NamespaceActor, ack: Answer, errno: 'EPERM' | 'ESRCH' | null): void {
  if (ack.kind === 'relay') return a.tail(ack.via, { type: 'kill-done', caller: ack.caller, id: ack.id, errno });
  if (errno === null) a.replyOk(ack.id, 0);
  else a.replyFail(ack.id, errno, 'kill');
}

/**
 * A reported kill is done. As on the way out of the syscall, the caller's
 * own deliverable signals run first; the answer says how often each of its
 * handlers had run by then (a signal to oneself is handled before kill returns).
 */
export function onKillDone(a: NamespaceActor, caller: ProcKey, id: CallMsg['id'], errno: 'EPERM' | 'ESRCH' | null): void {
  const p = a.procs.get(caller);
  if (p) deliverPending(a, p);
  if (errno !== null) return a.replyFail(id, errno, 'kill');
  const handled: Record<number, number> = {};
  if (p?.handled) for (const [sig, n] of p.handled) handled[sig] = n;
  a.replyOk(id, { ret: 0, handled });
}

function sendTo(a: NamespaceActor, home: NsId, targets: readonly ProcKey[], sig: number, sender: SignalSender, ack: SignalAck): void {
  a.tail(home, { type: 'signal', targets, sig, sender, ack });
}

/**
 * The owner of targets checks the sender may signal each (EPERM otherwise),
 * delivers, then acknowledges how many took it and how many were refused.
 */
export function onSignalMsg(a: NamespaceActor, targets: readonly ProcKey[], sig: number, sender: SignalSender, ack: SignalAck): void {
  const { delivered, denied } = deliverTo(a, targets, sig, sender);
  acknowledge(a, ack, delivered, denied, targets.length);
}

/** Delivers to those of `targets` that live here and that the sender may signal; counts both. */
export function deliverTo(a: NamespaceActor, targets: readonly ProcKey[], sig: number, sender: SignalSender): { delivered: number; denied: number } {
  let delivered = 0;
  let denied = 0;
  for (const key of targets) {
    const task = a.procs.get(key);
    if (!task) continue;
    const p = processOf(task);
    if (!mayKill(sender, p, sig)) {
      denied++;
      continue;
    }
    delivered++;
    // The task itself: a TID's thread is the first asked to take it (4.8).
    if (sig !== 0) deliverSignal(a, task, sig, sender);
  }
  return { delivered, denied };
}

/** Answers a delivery to `targets` targets: to the client, the caller's actor, or the gather it is part of. */
export function acknowledge(a: NamespaceActor, ack: SignalAck, delivered: number, denied: number, targets: number): void {
  if (ack.kind === 'reply' || ack.kind === 'relay') {
    answer(a, ack, delivered > 0 || targets === 0 ? null : denied > 0 ? 'EPERM' : 'ESRCH');
  } else if (ack.kind === 'gather') {
    a.send(ack.owner, { type: 'signal-ack', gather: ack.gather, delivered, denied });
  }
}

export function onSignalAck(a: NamespaceActor, gatherId: number, delivered: number, denied: number): void {
  const g = a.gathers.get(gatherId);
  if (!g) throw new Error(`signal-ack for unknown gather ${gatherId}`);
  g.delivered += delivered;
  g.denied += denied;
  if (--g.missing > 0) return;
  a.gathers.delete(gatherId);
  const errno = g.delivered > 0 || (g.mode === 'all' && g.denied > 0) ? null : g.denied > 0 ? 'EPERM' : 'ESRCH';
  answer(a, g.relay ?? { kind: 'reply', id: g.id }, errno);
}
