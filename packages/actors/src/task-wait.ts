// This file implements wait(2) and reaping (SEMANTICS 5.1-5.5): which
// children a wait matches, what it reports, blocking until a child changes,
// and release_task(): a reaped child's record goes, and its PIDs are freed at
// every level innermost-first (1.12) before the wait returns - unless the
// PID still names a process group or session, then only the task detaches.

import {
  childCode,
  encodeStatus,
  nrIn,
  type CallId,
  type CallMsg,
  type PidRef,
  type WaitOptions,
  type WaitResult,
  type ProcKey,
  IntMap,
} from '@pidsim/core';
import type { NamespaceActor } from './namespace-actor.js';
import type { ChildStub, Proc, Waiter } from './process-record.js';
import { groupInUse, leaveGroupsOnRelease } from './pgrp-session.js';
import { afterFree, notifyFreed } from './ns-teardown.js';

const NOTHING: WaitResult = { pid: 0, status: 0, change: null, code: 0 };

/** wait4()/waitid() by `p`. */
export function sysWait(a: NamespaceActor, call: CallMsg, p: Proc, pid: number, options: WaitOptions): void {
  if (options.exited === false && !options.untraced && !options.continued) {
    return a.replyFail(call.id, 'EINVAL', 'waitid', undefined, 'no state change was asked for');
  }
  const w: Waiter = { id: call.id, pid, options };
  if (!tryWait(a, p, w)) (p.waiters ??= []).push(w);
}

/** Which children a wait for `pid` considers (man2/wait.2): one, any, own group, a group. */
function matches(a: NamespaceActor, p: Proc, stub: ChildStub, pid: number): boolean {
  if (pid > 0) return nrIn(stub.ref, a.id, a.level) === pid;
  if (pid === -1) return true;
  if (pid === 0) return stub.pgrp.key === p.pgrp.key;
  const entry = a.table.get(-pid);
  return entry !== undefined && entry.committed && stub.pgrp.key === entry.key;
}

/** The zombie children of `p` in the children list's order (what a waitpid(-1) loop meets). */
export function zombiesInOrder(p: Proc): ChildStub[] {
  const z = p.zombies;
  if (!z || z.size === 0) return NO_STUBS;
  const list = z.valueList();
  return list.length === 1 ? list : list.sort((x, y) => x.order - y.order);
}
const NO_STUBS: ChildStub[] = [];

/** The first of a set of children in the parent's list order. */
export function firstInOrder(stubs: IntMap<ProcKey, ChildStub>): ChildStub | undefined {
  let first: ChildStub | undefined;
  stubs.forEach((s) => {
    if (first === undefined || s.order < first.order) first = s;
  });
  return first;
}

/** Reports `stub` if it has something this wait asks for (a zombie, a stop, a continue). */
function report(a: NamespaceActor, p: Proc, stub: ChildStub, w: Waiter): boolean {
  const o = w.options;
  const pid = nrIn(stub.ref, a.id, a.level);
  if (stub.zombie && o.exited !== false) {
    const value: WaitResult = { pid, status: encodeStatus(stub.zombie), change: stub.zombie, code: childCode(stub.zombie) };
    if (o.nowait) a.replyOk(w.id, value);
    else reapChild(a, p, stub, { id: w.id, value }, false);
    return true;
  }
  if (stub.stopReport !== 0 && o.untraced) {
    const change = { kind: 'stopped', signal: stub.stopReport } as const;
    if (!o.nowait) stub.stopReport = 0;
    a.replyOk(w.id, { pid, status: encodeStatus(change), change, code: childCode(change) });
    return true;
  }
  if (stub.contReport && o.continued) {
    const change = { kind: 'continued' } as const;
    if (!o.nowait) stub.contReport = false;
    a.replyOk(w.id, { pid, status: encodeStatus(change), change, code: childCode(change) });
    return true;
  }
  return false;
}

/**
 * do_wait() once: report the first matching child with something to report,
 * in the order children were added (a zombie, an unreported stop, an
 * unreported continue). Returns false when the caller must block. A wait for
 * one PID finds that child through the PID table, and a wait for any child's
 * exit looks only at the zombies: neither costs more with more living children.
 */
export function tryWait(a: NamespaceActor, p: Proc, w: Waiter): boolean {
  const o = w.options;
  let any = false;
  if (p.children) {
    if (w.pid > 0) {
      const key = a.table.visibleTask(w.pid);
      const stub = key !== undefined ? p.children.get(key) : undefined;
      if (stub) {
        any = true;
        if (report(a, p, stub, w)) return true;
      }
    } else if (w.pid === -1 && !o.untraced && !o.continued) {
      any = p.children.size > 0;
      const stub = p.zombies ? firstInOrder(p.zombies) : undefined;
      if (stub && report(a, p, stub, w)) return true;
    } else {
      for (const stub of p.children.values()) {
        if (!matches(a, p, stub, w.pid)) continue;
        any = true;
        if (report(a, p, stub, w)) return true;
      }
    }
  }
  if (!any) {
    a.replyFail(w.id, 'ECHILD', 'wait4', w.pid === -1 ? undefined : w.pid);
    return true;
  }
  if (o.nohang) {
    a.replyOk(w.id, NOTHING);
    return true;
  }
  return false;
}

/** __wake_up_parent(): every blocked wait of `p` looks again. */
export function wakeWaiters(a: NamespaceActor, p: Proc): void {
  const waiters = p.waiters;
  if (!waiters) return;
  p.waiters = null;
  for (const w of waiters) if (!tryWait(a, p, w)) (p.waiters ??= []).push(w);
}

/** A handled signal interrupts the waits of `p`: EINTR, unless SA_RESTART. */
export function interruptWaits(a: NamespaceActor, p: Proc, restart: boolean): void {
  if (restart || !p.waiters) return;
  const waiters = p.waiters;
  p.waiters = null;
  for (const w of waiters) a.replyFail(w.id, 'EINTR', 'wait4');
}

/** The process has exited: its blocked and deferred syscalls fail. */
export function failBlockedCalls(a: NamespaceActor, p: Proc): void {
  const detail = 'the calling process has exited';
  if (p.waiters) for (const w of p.waiters) a.replyFail(w.id, 'ESRCH', 'wait4', undefined, detail);
  if (p.deferred) for (const c of p.deferred) a.replyFail(c.id, 'ESRCH', c.op.op, undefined, detail);
  p.waiters = null;
  p.deferred = null;
}

/**
 * Reap a zombie child of `parent`: the stub goes here, the record goes at
 * the child's home, then the PIDs. `reply` is sent once every level is done.
 */
export function reapChild(
  a: NamespaceActor,
  parent: Proc,
  stub: ChildStub,
  reply: Release['reply'],
  auto: boolean,
): void {
  parent.children!.delete(stub.key);
  // The map stays, empty: a reaper forking and reaping children one at a time would otherwise make one per child.
  parent.zombies?.delete(stub.key);
  a.remoteChildren.delete(stub.key);
  if (a.events) a.emit({ type: 'reap', key: stub.key, nspid: stub.ref.nums, ns: stub.home, by: parent.key, auto });
  if (stub.home === a.id) releaseTask(a, a.procs.get(stub.key)!, reply);
  else a.tail(stub.home, { type: 'reap', child: stub.key, reply });
}

export function onReap(a: NamespaceActor, child: ProcKey, reply: { readonly id: CallId; readonly value: unknown } | null): void {
  const p = a.procs.get(child);
  if (!p) throw new Error(`reap: process ${child} is not in namespace ${a.id}`);
  releaseTask(a, p, reply);
}

/** release_task(): the task is gone; its PID follows unless a group or session still uses it. */
function releaseTask(a: NamespaceActor, p: Proc, reply: Release['reply']): void {
  if (p.state !== 'zombie') throw new Error(`release of process ${p.key} in state ${p.state}`);
  leaveGroupsOnRelease(a, p);
  a.procs.delete(p.key);
  const g = a.groups.get(p.key);
  const keep = g !== undefined && groupInUse(g);
  if (g && !keep) a.groups.delete(p.key);
  release(a, { ref: p.ref, mode: keep ? 'detach' : 'free', reply });
}

/** What a reap or a group's end does to a struct pid: free its numbers, or only detach the task from them. */
export interface Release {
  readonly ref: PidRef;
  /** 'free': the numbers go back to the allocators. 'detach': only the task is gone. */
  readonly mode: 'free' | 'detach';
  /** The answer to give once every level is done, if any. */
  readonly reply: { readonly id: CallId; readonly value: unknown } | null;
}

/**
 * free_pid() at every level, innermost first, in the tables of this actor's
 * chain (the struct pid's namespace is this actor's). A namespace above that
 * is draining, dead or never had an init is told, so it can finish.
 */
export function release(a: NamespaceActor, job: Release): void {
  const top = job.ref.nums.length - 1;
  for (let level = top; level >= 0; level--) {
    const table = a.tables[level]!;
    const nr = job.ref.nums[level]!;
    if (table.holderOf(nr) !== job.ref.key) throw new Error(`release: PID ${nr} at level ${level} is not ${job.ref.key}`);
    if (job.mode === 'detach') {
      table.detach(nr);
      continue;
    }
    const left = table.release(nr);
    if (level !== a.level) notifyFreed(a, level, left);
  }
  if (job.reply) a.replyOk(job.reply.id, job.reply.value);
  if (job.mode === 'free') afterFree(a);
}
