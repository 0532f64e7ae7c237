// This file implements /proc as one namespace sees it (SEMANTICS 3.5-3.7):
// a procfs instance lists the processes visible in the namespace it was
// mounted for, and shows every id in that namespace (0 when invisible).
// Reads are addressed to the procfs namespace's actor; rows of processes that
// live elsewhere are gathered from their actors. Threads (8.1): /proc lists
// processes only, /proc/TID still opens, /proc/PID/task lists the group.

import {
  nrIn,
  type CallId,
  type CallMsg,
  type NsId,
  type NsRef,
  type ProcEntry,
  type ProcKey,
  type ProcOp,
  type ProcessInfo,
  type RemoteQuery,
  type SigInfo,
  sigMembers,
} from '@pidsim/core';
import type { NamespaceActor } from './namespace-actor.js';
import { answerIdMap, idsAs } from './task-creds.js';
import type { Proc } from './process-record.js';
import { groupIdFor } from './pgrp-session.js';
import { leaderThreadGone, processOf, sharedQueue, tasksOf, threadCount } from './task-threads.js';

/** A procfs read, in the namespace of the proc mount. */
export function procCall(a: NamespaceActor, call: CallMsg, op: ProcOp): void {
  if (op.op === 'proc-list') return procList(a, call.id);
  if (op.op === 'ns-ioctl') return nsIoctl(a, call.id, op);
  const pid = op.pid as number;
  const path = op.op === 'proc-status' ? `/proc/${pid}/status` : op.op === 'proc-tasks' ? `/proc/${pid}/task` : `/proc/${pid}/ns/${op.which}`;
  const syscall = op.op === 'proc-ns' ? 'readlink' : 'open';
  const entry = a.table.get(pid);
  if (!entry || !entry.task || !entry.committed) return a.replyFail(call.id, 'ENOENT', syscall, path);
  const query: RemoteQuery = op.op === 'proc-status' ? { q: 'status' } : op.op === 'proc-tasks' ? { q: 'tasks' } : { q: 'ns', which: op.which };
  if (entry.home === a.id) return onRemoteCall(a, call.id, a.ref, entry.key, query);
  a.send(entry.home, { type: 'remote-call', id: call.id, viewer: a.ref, target: entry.key, query });
}

/**
 * ioctl(2) on an open /proc/PID/ns/pid (fs/nsfs.c ns_ioctl()). NS_GET_PARENT
 * is answered by the parent namespace's actor: a new handle on itself,
 * EPERM when it is outside the caller's namespace (pidns_get_parent()).
 * The PID translations answer ESRCH where the process has no PID.
 */
function nsIoctl(a: NamespaceActor, id: CallId, op: Extract<ProcOp, { op: 'ns-ioctl' }>): void {
  const { caller } = op;
  if (op.cmd === 'get-parent') {
    // "See if the parent is in the current namespace": the caller's is this one or an ancestor.
    if (caller.level > a.level || op.ns.chain[caller.level] !== caller.id || op.ns.level !== a.level + 1) {
      return a.replyFail(id, 'EPERM', 'ioctl', undefined, 'NS_GET_PARENT: the parent is outside the caller\u2019s namespace');
    }
    a.refs++;
    return a.replyOk(id, a.ref);
  }
  // pid-from-ns: `pid` is a PID here (the fd's namespace), shown as the caller sees it;
  // pid-in-ns: `pid` is the caller's (this actor is the caller's namespace), shown as the fd's namespace sees it.
  const viewer = op.cmd === 'pid-from-ns' ? caller : op.ns;
  const entry = Number.isInteger(op.pid) && op.pid > 0 ? a.table.get(op.pid) : undefined;
  if (!entry || !entry.task || !entry.committed) return a.replyFail(id, 'ESRCH', 'ioctl', op.pid);
  const query: RemoteQuery = { q: 'nr-in', ns: viewer };
  if (entry.home === a.id) return onRemoteCall(a, id, viewer, entry.key, query);
  a.send(entry.home, { type: 'remote-call', id, viewer, target: entry.key, query });
}

/** readdir(/proc): every task with a PID here, each row gathered from its actor, by PID. */
function procList(a: NamespaceActor, id: CallId): void {
  const local: ProcEntry[] = [];
  const remote = new Map<NsId, ProcKey[]>();
  for (const nr of a.table.numbersInOrder()) {
    const key = a.table.visibleTask(nr);
    // proc_pid_readdir() walks thread-group leaders: a TID is no directory of /proc's own.
    if (key === undefined || a.table.isThread(nr)) continue;
    const home = a.table.homeOf(nr);
    if (home === a.id) {
      const p = a.procs.get(key);
      if (p) local.push(procEntry(a, p, a.ref));
    } else {
      let keys = remote.get(home);
      if (!keys) remote.set(home, (keys = []));
      keys.push(key);
    }
  }
  if (remote.size === 0) return a.replyOk(id, local.sort(byPid));
  const gather = a.newGather(id, remote.size);
  a.gathers.get(gather)!.rows.push(...local);
  for (const [home, keys] of remote) a.send(home, { type: 'proc-query', gather, viewer: a.ref, keys });
}

function byPid(x: ProcEntry, y: ProcEntry): number {
  return x.pid - y.pid;
}

export function onProcQuery(a: NamespaceActor, gather: number, viewer: NsRef, keys: readonly ProcKey[]): void {
  const entries: ProcEntry[] = [];
  for (const key of keys) {
    const p = a.procs.get(key);
    if (p) entries.push(procEntry(a, p, viewer));
  }
  a.send(viewer.id, { type: 'proc-answer', gather, entries });
}

export function onProcAnswer(a: NamespaceActor, gatherId: number, entries: readonly ProcEntry[]): void {
  const g = a.gathers.get(gatherId);
  if (!g) throw new Error(`proc-answer for unknown gather ${gatherId}`);
  g.rows.push(...entries);
  if (--g.missing > 0) return;
  a.gathers.delete(gatherId);
  a.replyOk(g.id, (g.rows as ProcEntry[]).sort(byPid));
}

/** A question about one process, asked from another namespace, answered where it lives. */
export function onRemoteCall(a: NamespaceActor, id: CallId, viewer: NsRef, target: ProcKey, query: RemoteQuery): void {
  const p = a.procs.get(target);
  if (!p) {
    const syscall = query.q === 'pgid' || query.q === 'sid' ? query.syscall : query.q === 'status' || query.q === 'id-map' ? 'open' : query.q === 'nr-in' ? 'ioctl' : 'readlink';
    return a.replyFail(id, query.q === 'pgid' || query.q === 'sid' || query.q === 'nr-in' ? 'ESRCH' : 'ENOENT', syscall);
  }
  switch (query.q) {
    case 'nr-in': {
      const nr = nrIn(p.ref, query.ns.id, query.ns.level);
      return nr === 0 ? a.replyFail(id, 'ESRCH', 'ioctl') : a.replyOk(id, nr);
    }
    case 'id-map':
      return answerIdMap(a, id, query.writer, p.userNs, query.kind, query.extent, `/proc/${nrIn(p.ref, viewer.id, viewer.level)}/${query.kind}_map`);
    case 'pgid':
    case 'sid':
      return a.replyOk(id, groupIdFor(p, query.q, viewer));
    case 'status':
      return a.replyOk(id, procEntry(a, p, viewer));
    case 'tasks':
      // /proc/PID/task: every task of the group, the leader first even once its thread exited (it is a zombie thread then).
      return a.replyOk(id, tasksOf(processOf(p)).map((t) => procEntry(a, t, viewer)));
    case 'ns': {
      if (query.which === 'pid') {
        a.refs++;
        return a.replyOk(id, a.ref);
      }
      // pidns_for_children_get(): NULL until the namespace has had an init (2.3).
      if (!p.pfcHasInit) return a.replyFail(id, 'ENOENT', 'readlink', `/proc/${nrIn(p.ref, viewer.id, viewer.level)}/ns/pid_for_children`);
      const ns = p.pidForChildren;
      if (ns.id !== a.id) return a.tail(ns.id, { type: 'ns-ref', delta: 1, reply: { id, value: ns } });
      a.refs++;
      return a.replyOk(id, ns);
    }
  }
}

/**
 * One /proc row of task `t` as the namespace `viewer` shows it (fs/proc/array.c
 * task_state()): its own TID, state and name; everything else its process's.
 */
export function procEntry(a: NamespaceActor, t: Proc, viewer: NsRef): ProcEntry {
  const p = processOf(t);
  const chain = p.ref.chain;
  const nspgid: number[] = [];
  const nssid: number[] = [];
  for (let level = viewer.level; level < chain.length; level++) {
    nspgid.push(nrIn(p.pgrp, chain[level]!, level));
    nssid.push(nrIn(p.session, chain[level]!, level));
  }
  // from_kuid_munged(): ids as the procfs's owning user namespace shows them.
  const uids = idsAs(a, p, 'uid', viewer.userNs);
  return {
    key: t.key,
    uid: uids[1],
    uids,
    gids: idsAs(a, p, 'gid', viewer.userNs),
    pid: nrIn(t.ref, viewer.id, viewer.level),
    ppid: p.parent ? nrIn(p.parent.ref, viewer.id, viewer.level) : 0,
    pgid: groupIdFor(p, 'pgid', viewer),
    sid: groupIdFor(p, 'sid', viewer),
    name: t.name,
    cmdline: p.argv,
    startTime: t.startTime,
    // A leader whose own thread exited shows Z while its process runs (5.12).
    state: leaderThreadGone(t) ? 'zombie' : t.state,
    nspid: t.ref.nums.slice(viewer.level),
    tgid: nrIn(p.ref, viewer.id, viewer.level),
    nstgid: p.ref.nums.slice(viewer.level),
    threads: threadCount(p),
    nspgid,
    nssid,
    nsInode: a.ref.inode,
    level: a.level,
  };
}

/** What a handle may learn of its own process; for a thread, of that thread and its process. */
export function processInfo(a: NamespaceActor, t: Proc): ProcessInfo {
  const p = processOf(t);
  const handled: Record<number, number> = {};
  if (t.handled) for (const [sig, n] of t.handled) handled[sig] = n;
  const siginfo: Record<number, SigInfo> = {};
  if (t.lastInfo) for (const [sig, info] of t.lastInfo) siginfo[sig] = info;
  const shared = sharedQueue(p).pending;
  return {
    key: t.key,
    ns: a.ref,
    pid: p.ref.nums[a.level]!,
    ppid: p.parent ? nrIn(p.parent.ref, a.id, a.level) : 0,
    name: t.name,
    cmdline: p.argv,
    state: leaderThreadGone(t) ? 'zombie' : t.state,
    program: t.program,
    nspid: t.ref.nums,
    tid: t.ref.nums[a.level]!,
    threads: threadCount(p),
    pidForChildren: t.pidForChildren,
    subreaper: p.subreaper,
    privileged: p.caps !== null,
    uids: idsAs(a, p, 'uid', p.userNs),
    gids: idsAs(a, p, 'gid', p.userNs),
    exit: p.exit,
    handled,
    delivered: t.delivered ? [...t.delivered] : [],
    siginfo,
    blocked: sigMembers(t.blocked),
    // sigpending()'s set before the mask: the thread's own signals and its group's shared ones.
    pending: sigMembers({ lo: (t.pending.lo | (t === p && t.tg === null ? 0 : shared.lo)) >>> 0, hi: (t.pending.hi | (t === p && t.tg === null ? 0 : shared.hi)) >>> 0 }),
  };
}
