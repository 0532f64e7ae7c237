// This file implements kill(2)'s target sets (SEMANTICS 4.6, 4.7, 4.9): one
// process, a process group (at the group's owner), or every process the
// caller's namespace shows for kill(-1); and the fan-out that delivers to
// targets over several actors and replies once all have acknowledged.
// Delivery itself (init protection, queueing, default actions) is
// task-signals.ts.

import {
  type CallMsg,
  type NsId,
  type ProcKey,
  type SignalAck,
  type SignalSender,
} from '@pidsim/core';
import type { NamespaceActor } from './namespace-actor.js';
import type { Proc } from './process-record.js';
import { deliverSignal } from './task-signals.js';

const INT_MIN = -2147483648;

function validSignal(sig: number): boolean {
  return Number.isInteger(sig) && sig >= 0 && sig <= 64;
}

/**
 * kill(2) / sigqueue(3) by `p`, kill_something_info(): pid > 0 one process,
 * 0 the caller's group, -1 everyone visible but init and the caller, < -1 a group.
 * Every PID is read in the caller's namespace.
 */
export function sysKill(a: NamespaceActor, call: CallMsg, p: Proc, pid: number, sig: number, value?: number): void {
  const S = value === undefined ? 'kill' : 'rt_sigqueueinfo';
  const sender: SignalSender = { kind: 'process', key: p.key, chain: a.chain, pid: p.ref.nums[a.level]!, ...(value === undefined ? {} : { value }) };
  if (pid > 0) {
    const entry = a.table.get(pid);
    if (!entry || !entry.task || !entry.committed) return a.replyFail(call.id, 'ESRCH', S, pid);
    if (!validSignal(sig)) return a.replyFail(call.id, 'EINVAL', S, pid, `signal ${sig}`);
    if (sig === 0) return a.replyOk(call.id, 0);
    return sendTo(a, entry.home, [entry.key], sig, sender, { kind: 'reply', id: call.id });
  }
  if (pid === 0) return groupKill(a, call, p.pgrp.key, ownerOfGroup(p), sig, sender);
  if (pid === -1) {
    // "if (task_pid_vnr(p) > 1 && !same_thread_group(p, current))" (4.6), in
    // for_each_process() order: creation order, as this table's is.
    const targets: { home: NsId; key: ProcKey }[] = [];
    for (const [nr, entry] of a.table.entries()) {
      if (nr <= 1 || !entry.task || !entry.committed || entry.key === p.key) continue;
      targets.push({ home: entry.home, key: entry.key });
    }
    if (targets.length === 0) return a.replyFail(call.id, 'ESRCH', S, -1);
    if (!validSignal(sig)) return a.replyFail(call.id, 'EINVAL', S, -1, `signal ${sig}`);
    if (sig === 0) return a.replyOk(call.id, 0);
    return fanOut(a, call.id, batchesInOrder(targets, sender), sig);
  }
  if (pid === INT_MIN) return a.replyFail(call.id, 'ESRCH', S, pid);
  const entry = a.table.get(-pid);
  if (!entry || !entry.committed) return a.replyFail(call.id, 'ESRCH', S, pid);
  groupKill(a, call, entry.key, entry.home, sig, sender);
}

function ownerOfGroup(p: Proc): NsId {
  return p.pgrp.chain[p.pgrp.chain.length - 1]!;
}

/** kill(0) / kill(-pgid): the group's owner knows its members (__kill_pgrp_info, 4.7). */
function groupKill(a: NamespaceActor, call: CallMsg, group: ProcKey, owner: NsId, sig: number, sender: SignalSender): void {
  a.tail(owner, { type: 'group-signal', group, sig, sender, ack: { kind: 'reply', id: call.id } });
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

/** Send to many processes over several actors; reply once all have delivered. */
export function fanOut(a: NamespaceActor, id: CallMsg['id'], batches: readonly SignalBatch[], sig: number): void {
  const gather = a.newGather(id, batches.length);
  for (const b of batches) sendTo(a, b.home, b.targets, sig, b.sender, { kind: 'gather', owner: a.id, gather });
}

function sendTo(a: NamespaceActor, home: NsId, targets: readonly ProcKey[], sig: number, sender: SignalSender, ack: SignalAck): void {
  a.tail(home, { type: 'signal', targets, sig, sender, ack });
}

/** The owner of targets delivers a signal to each, then acknowledges. */
export function onSignalMsg(a: NamespaceActor, targets: readonly ProcKey[], sig: number, sender: SignalSender, ack: SignalAck): void {
  let delivered = 0;
  for (const key of targets) {
    const p = a.procs.get(key);
    if (!p) continue;
    delivered++;
    if (sig !== 0) deliverSignal(a, p, sig, sender);
  }
  if (ack.kind === 'reply') {
    if (delivered === 0 && targets.length > 0) a.replyFail(ack.id, 'ESRCH', 'kill');
    else a.replyOk(ack.id, 0);
  } else if (ack.kind === 'gather') {
    a.send(ack.owner, { type: 'signal-ack', gather: ack.gather, delivered });
  }
}

export function onSignalAck(a: NamespaceActor, gatherId: number, delivered: number): void {
  const g = a.gathers.get(gatherId);
  if (!g) throw new Error(`signal-ack for unknown gather ${gatherId}`);
  g.delivered += delivered;
  if (--g.missing > 0) return;
  a.gathers.delete(gatherId);
  if (g.delivered === 0) a.replyFail(g.id, 'ESRCH', 'kill');
  else a.replyOk(g.id, 0);
}
