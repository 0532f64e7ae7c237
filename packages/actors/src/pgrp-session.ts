// This file implements process groups and sessions (SEMANTICS 3.4, 4.7, 7.1-7.5):
// setpgid/setsid/getpgid/getsid, the membership a group's owner keeps (the
// actor where the group's PID was allocated) and kill of a whole group. The
// orphaned-process-group rule is orphaned-pgrp.ts.
//
// A group's PID is a struct pid like any other: it stays allocated while a
// process holds it as its own PID, process group or session (kernel/pid.c
// free_pid() only when no task uses it for any type).

import {
  nrIn,
  ownerNs,
  type CallId,
  type CallMsg,
  type ForkJob,
  type NsId,
  type NsRef,
  type PidRef,
  type ProcKey,
  type SignalAck,
  type SignalSender,
} from '@pidsim/core';
import type { NamespaceActor } from './namespace-actor.js';
import type { Group, Proc } from './process-record.js';
import { batchesInOrder, fanOut } from './task-kill.js';
import { release } from './task-wait.js';
import { applyChildUpdate } from './reparent.js';
import { parentLinkOf } from './process-queries.js';

const GROUP_KINDS = ['pgrp', 'session'] as const;
type GroupKind = (typeof GROUP_KINDS)[number];

function ensureGroup(a: NamespaceActor, ref: PidRef, session: ProcKey): Group {
  let g = a.groups.get(ref.key);
  if (!g) {
    g = { ref, members: new Map(), stopped: new Set(), sessionRefs: 0, holds: 0, session, checks: null };
    a.groups.set(ref.key, g);
  }
  return g;
}

/** The root init leads the first process group and session. */
export function bootGroups(a: NamespaceActor, init: Proc): void {
  const g = ensureGroup(a, init.ref, init.key);
  g.members.set(init.key, a.id);
  g.sessionRefs = 1;
}

/**
 * At fork's attach step, in the caller's actor: the child will join the
 * caller's group and session, so each gets a hold first. A hold travels
 * ahead of any later leave by the caller (same link), so the group cannot be
 * freed before the child joins. Returns how many group joins at another
 * actor fork must wait for (only the process group's: kill(-pgid) must reach
 * the child once fork returns).
 */
export function holdGroupsOnFork(a: NamespaceActor, job: ForkJob): number {
  holdGroup(a, job.init.pgrp);
  holdGroup(a, job.init.session);
  return ownerNs(job.init.pgrp) === job.target.id ? 0 : 1;
}

function holdGroup(a: NamespaceActor, ref: PidRef): void {
  const owner = ownerNs(ref);
  if (owner === a.id) onGroupHold(a, ref.key);
  else a.send(owner, { type: 'group-hold', group: ref.key });
}

export function onGroupHold(a: NamespaceActor, group: ProcKey): void {
  const g = a.groups.get(group);
  if (!g) throw new Error(`group-hold: group ${group} does not exist in namespace ${a.id}`);
  g.holds++;
}

/**
 * At the child's actor, when it is created: it joins its group and session.
 * Sending from here keeps the join ahead of the child's own leave when it is
 * reaped (same link); the hold its fork put keeps the group meanwhile.
 */
export function joinGroupsOnCommit(a: NamespaceActor, job: ForkJob): void {
  // Fork returns from the target's actor, where the commit is made.
  const end = job.target.id;
  for (const kind of GROUP_KINDS) {
    const ref = kind === 'pgrp' ? job.init.pgrp : job.init.session;
    const owner = ownerNs(ref);
    if (owner === a.id) onGroupJoin(a, ref.key, job.key, a.id, kind, false, true, null);
    else {
      const ack = kind === 'pgrp' ? { root: end, id: job.id } : null;
      a.send(owner, { type: 'group-join', group: ref.key, member: job.key, home: a.id, kind, stopped: false, held: true, ack });
    }
  }
}

export function onGroupJoin(
  a: NamespaceActor,
  group: ProcKey,
  member: ProcKey,
  home: NsId,
  kind: GroupKind,
  stopped: boolean,
  held: boolean,
  ack: { readonly root: NsId; readonly id: CallId } | null,
): void {
  const g = a.groups.get(group);
  if (!g) throw new Error(`group-join: group ${group} does not exist in namespace ${a.id}`);
  if (held) g.holds--;
  if (kind === 'pgrp') {
    g.members.set(member, home);
    if (stopped) g.stopped.add(member);
  } else {
    g.sessionRefs++;
  }
  if (ack) a.send(ack.root, { type: 'fork-joined', id: ack.id });
}

function leaveGroup(a: NamespaceActor, ref: PidRef, member: ProcKey, kind: GroupKind): void {
  const owner = ownerNs(ref);
  if (owner === a.id) onGroupLeave(a, ref.key, member, kind);
  else a.send(owner, { type: 'group-leave', group: ref.key, member, kind });
}

export function onGroupLeave(a: NamespaceActor, group: ProcKey, member: ProcKey, kind: GroupKind): void {
  const g = a.groups.get(group);
  if (!g) throw new Error(`group-leave: group ${group} does not exist in namespace ${a.id}`);
  if (kind === 'pgrp') {
    g.members.delete(member);
    g.stopped.delete(member);
  } else {
    g.sessionRefs--;
  }
  if (g.members.size > 0 || g.sessionRefs > 0 || g.holds !== 0) return;
  a.groups.delete(group);
  // The PID outlived its task as a group/session id; now nothing uses it (free_pid()).
  if (!a.procs.has(group)) release(a, { ref: g.ref, mode: 'free', reply: null });
}

/** release_task(): the reaped process no longer holds its group or session. */
export function leaveGroupsOnRelease(a: NamespaceActor, p: Proc): void {
  leaveGroup(a, p.pgrp, p.key, 'pgrp');
  leaveGroup(a, p.session, p.key, 'session');
}

/** has_stopped_jobs() bookkeeping at the group's owner. */
export function setStoppedInGroup(a: NamespaceActor, p: Proc, stopped: boolean): void {
  const owner = ownerNs(p.pgrp);
  if (owner === a.id) onGroupStopped(a, p.pgrp.key, p.key, stopped);
  else a.send(owner, { type: 'group-stopped', group: p.pgrp.key, member: p.key, stopped });
}

export function onGroupStopped(a: NamespaceActor, group: ProcKey, member: ProcKey, stopped: boolean): void {
  const g = a.groups.get(group);
  if (!g || !g.members.has(member)) return;
  if (stopped) g.stopped.add(member);
  else g.stopped.delete(member);
}

/**
 * __kill_pgrp_info(): every member, wherever it lives (4.7); ESRCH when the
 * group is empty. `which: 'stopped'` reaches only the stopped members (the
 * orphaned-group SIGHUP of the `stopped-members` kernel variant).
 */
export function onGroupSignal(
  a: NamespaceActor,
  group: ProcKey,
  sig: number,
  sender: SignalSender,
  ack: SignalAck,
  which: 'all' | 'stopped' = 'all',
): void {
  const g = a.groups.get(group);
  if (!g || g.members.size === 0) {
    if (ack.kind === 'reply' || ack.kind === 'relay') a.replyFail(ack.id, 'ESRCH', 'kill');
    return;
  }
  if (!Number.isInteger(sig) || sig < 0 || sig > 64) {
    if (ack.kind === 'reply' || ack.kind === 'relay') a.replyFail(ack.id, 'EINVAL', 'kill', undefined, `signal ${sig}`);
    return;
  }
  // do_each_pid_task(): members newest first (attach_pid() adds at the head).
  const members = [...g.members]
    .reverse()
    .filter(([key]) => which === 'all' || g.stopped.has(key))
    .map(([key, home]) => ({ key, home }));
  const batches = batchesInOrder(members, sender);
  if (ack.kind === 'reply' || ack.kind === 'relay') return fanOut(a, ack, batches, sig, 'group');
  for (const b of batches) a.send(b.home, { type: 'signal', targets: b.targets, sig, sender: b.sender, ack: { kind: 'none' } });
}

// --- the syscalls ----------------------------------------------------------------------

/** Tell whoever mirrors p's groups: its parent's stub, its children's parent links. */
function groupsChanged(a: NamespaceActor, p: Proc): void {
  const update = { u: 'groups', pgrp: p.pgrp, session: p.session.key } as const;
  if (p.parent && p.parentHome !== null) {
    if (p.parentHome === a.id) {
      const stub = a.procs.get(p.parent.ref.key)?.children?.get(p.key);
      if (stub) applyChildUpdate(stub, update);
    } else {
      a.send(p.parentHome, { type: 'child-updated', parent: p.parent.ref.key, child: p.key, update });
    }
  }
  if (!p.children) return;
  const remote = new Map<NsId, ProcKey[]>();
  for (const stub of p.children.values()) {
    if (stub.home === a.id) {
      const c = a.procs.get(stub.key);
      if (c?.parent) c.parent = parentLinkOf(a, p);
    } else {
      let list = remote.get(stub.home);
      if (!list) remote.set(stub.home, (list = []));
      list.push(stub.key);
    }
  }
  for (const [home, children] of remote) {
    a.send(home, { type: 'parent-groups', children, pgrp: p.pgrp.key, session: p.session.key });
  }
}

/** setsid(2): a new session and group led by the caller; EPERM if its PID already names a group (7.3). */
export function sysSetsid(a: NamespaceActor, call: CallMsg, p: Proc): void {
  const own = a.groups.get(p.key);
  if (p.session.key === p.key || (own !== undefined && own.members.size > 0)) {
    return a.replyFail(call.id, 'EPERM', 'setsid');
  }
  leaveGroup(a, p.pgrp, p.key, 'pgrp');
  leaveGroup(a, p.session, p.key, 'session');
  const g = ensureGroup(a, p.ref, p.key);
  g.session = p.key;
  g.members.set(p.key, a.id);
  g.sessionRefs++;
  p.pgrp = p.ref;
  p.session = p.ref;
  groupsChanged(a, p);
  a.replyOk(call.id, p.ref.nums[a.level]);
}

/**
 * setpgid(2) (kernel/sys.c): the target is the caller or a child of it that
 * has not exec'd and is in its session; the group is the target's own PID
 * or an existing group of the caller's session visible here (7.2).
 */
export function sysSetpgid(a: NamespaceActor, call: CallMsg, p: Proc, pidArg: number, pgidArg: number): void {
  const S = 'setpgid';
  const self = p.ref.nums[a.level]!;
  const pid = pidArg === 0 ? self : pidArg;
  const pgid = pgidArg === 0 ? pid : pgidArg;
  if (pgid < 0) return a.replyFail(call.id, 'EINVAL', S, pgid);
  let target: ProcKey;
  let targetNs: NsId;
  let currentPgrp: ProcKey;
  if (pid === self) {
    target = p.key;
    targetNs = a.id;
    currentPgrp = p.pgrp.key;
    if (p.session.key === p.key) return a.replyFail(call.id, 'EPERM', S, pid, 'a session leader cannot change its group');
  } else {
    const entry = a.table.get(pid);
    const stub = entry && entry.task && entry.committed ? p.children?.get(entry.key) : undefined;
    if (!entry || !stub) return a.replyFail(call.id, 'ESRCH', S, pid);
    if (stub.session !== p.session.key) return a.replyFail(call.id, 'EPERM', S, pid, 'the child is in another session');
    if (stub.execed) return a.replyFail(call.id, 'EACCES', S, pid, 'the child has called execve');
    if (stub.session === stub.key) return a.replyFail(call.id, 'EPERM', S, pid, 'a session leader cannot change its group');
    target = stub.key;
    targetNs = stub.home;
    currentPgrp = stub.pgrp.key;
  }
  if (pgid === pid) {
    if (currentPgrp === target) return a.replyOk(call.id, 0);
    // The target leads a new group: its owner is the target's own actor.
    a.send(targetNs, { type: 'setpgid-join', id: call.id, target, targetNs, group: target, session: null });
    return;
  }
  const g = a.table.get(pgid);
  if (!g || !g.committed) return a.replyFail(call.id, 'EPERM', S, pgid, 'no such process group in the caller\u2019s session');
  if (currentPgrp === g.key) return a.replyOk(call.id, 0);
  a.send(g.home, { type: 'setpgid-join', id: call.id, target, targetNs, group: g.key, session: p.session.key });
}

/** At the group's owner: check the group belongs to the session and add the target atomically. */
export function onSetpgidJoin(
  a: NamespaceActor,
  msg: { readonly id: CallId; readonly target: ProcKey; readonly targetNs: NsId; readonly group: ProcKey; readonly session: ProcKey | null },
): void {
  let g: Group | undefined;
  if (msg.session === null) {
    // find_task_by_vpid() finds a zombie too, until release_task(): it may lead a new group.
    const t = a.procs.get(msg.target);
    if (!t) return a.replyFail(msg.id, 'ESRCH', 'setpgid');
    g = ensureGroup(a, t.ref, t.session.key);
  } else {
    g = a.groups.get(msg.group);
    if (!g || g.members.size === 0 || g.session !== msg.session) {
      return a.replyFail(msg.id, 'EPERM', 'setpgid', undefined, 'no such process group in the caller\u2019s session');
    }
  }
  if (g.members.has(msg.target)) return a.replyOk(msg.id, 0);
  g.members.set(msg.target, msg.targetNs);
  a.send(msg.targetNs, { type: 'setpgid-apply', id: msg.id, target: msg.target, group: g.ref });
}

/** At the target's actor: switch its group, leave the old one. A zombie moves too (it is reaped as a member of its new group). */
export function onSetpgidApply(a: NamespaceActor, id: CallId, target: ProcKey, group: PidRef): void {
  const t = a.procs.get(target);
  if (!t) {
    leaveGroup(a, group, target, 'pgrp');
    return a.replyFail(id, 'ESRCH', 'setpgid');
  }
  if (t.pgrp.key !== group.key) {
    const old = t.pgrp;
    t.pgrp = group;
    leaveGroup(a, old, t.key, 'pgrp');
    if (t.state === 'stopped') setStoppedInGroup(a, t, true);
    groupsChanged(a, t);
  }
  a.replyOk(id, 0);
}

/** getpgid(2)/getpgrp(2): the group id as the caller's namespace shows it, 0 if invisible (3.4). */
export function sysGetpgid(a: NamespaceActor, call: CallMsg, p: Proc, pid: number, syscall: string): void {
  queryGroupId(a, call, p, pid, 'pgid', syscall);
}

export function sysGetsid(a: NamespaceActor, call: CallMsg, p: Proc, pid: number): void {
  queryGroupId(a, call, p, pid, 'sid', 'getsid');
}

function queryGroupId(a: NamespaceActor, call: CallMsg, p: Proc, pid: number, q: 'pgid' | 'sid', syscall: string): void {
  if (pid === 0) return a.replyOk(call.id, groupIdFor(p, q, a.ref));
  const entry = a.table.get(pid);
  if (!entry || !entry.task || !entry.committed) return a.replyFail(call.id, 'ESRCH', syscall, pid);
  if (entry.home === a.id) return a.replyOk(call.id, groupIdFor(a.procs.get(entry.key)!, q, a.ref));
  a.send(entry.home, { type: 'remote-call', id: call.id, viewer: a.ref, target: entry.key, query: { q, syscall } });
}

export function groupIdFor(p: Proc, q: 'pgid' | 'sid', viewer: NsRef): number {
  return nrIn(q === 'pgid' ? p.pgrp : p.session, viewer.id, viewer.level);
}
