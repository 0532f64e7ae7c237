// This file implements process groups and sessions (SEMANTICS 3.4, 4.7, 7.1-7.5):
// setpgid/setsid/getpgid/getsid, group membership and kill of a whole group.
// The orphaned-process-group rule is orphaned-pgrp.ts.
//
// A group's PID is a struct pid like any other: it stays allocated while a
// process holds it as its own PID, process group or session (kernel/pid.c
// free_pid() only when no task uses it for any type).
//
// Membership is kept where the members live. Each actor has its own part of
// a group (a Group record: its members, its stopped ones, its session count);
// the group's owner, the actor where the PID was allocated, also knows which
// other actors have a part and what each last reported (SHARD_* bits: has
// members, has stopped members). An actor tells the owner only when one of
// those bits changes, or when a join crossed from another actor (it gives
// back the hold the owner took). So forks, exits and reaps inside a namespace
// whose group is owned higher up (a container's processes in the group of
// the process that started it) send nothing to the owner: only what crosses
// a namespace boundary is a message.
//
// Order of a group kill: the kernel walks the group's task list newest first
// (attach_pid() adds at the head). Every join takes a kernel-wide join number
// (KernelTables.nextJoin()), so each actor can deliver to its members in that
// order and the shared-siginfo quirk (task-kill.ts) is decided across actors.

import {
  SHARD_GONE,
  SHARD_MEMBERS,
  SHARD_STOPPED,
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
  type ActorMsg,
  IntMap,
} from '@pidsim/core';
import type { NamespaceActor } from './namespace-actor.js';
import type { Group, Proc } from './process-record.js';
import { acknowledge, deliverTo } from './task-kill.js';
import { release } from './task-wait.js';
import { applyChildUpdate } from './reparent.js';
import { parentLinkOf } from './process-queries.js';
import { joinedBefore } from './kernel-tables.js';

type GroupKind = 'pgrp' | 'session';
type JoinAck = { readonly root: NsId; readonly id: CallId } | { readonly reply: CallId } | null;

/** This actor's record of a group, made on first use. */
function groupHere(a: NamespaceActor, ref: PidRef, session: ProcKey): Group {
  let g = a.groups.get(ref.key);
  if (!g) {
    const owner = ownerNs(ref) === a.id;
    g = { ref, members: new IntMap(), stopped: new Set(), sessionRefs: 0, pgrpHolds: 0, sessionHolds: 0, session, shards: owner ? new Map() : null, reported: SHARD_GONE, checks: null };
    a.groups.set(ref.key, g);
  }
  return g;
}

/** What this actor's part says to the owner. */
function stateOf(g: Group): number {
  return (g.members.size > 0 || g.pgrpHolds > 0 ? SHARD_MEMBERS : 0) | (g.stopped.size > 0 ? SHARD_STOPPED : 0);
}

/** Whether anything here still uses the group: members, session members, holds, or (at the owner) other actors' parts. */
export function groupInUse(g: Group): boolean {
  return g.members.size > 0 || g.sessionRefs > 0 || g.pgrpHolds !== 0 || g.sessionHolds !== 0 || (g.shards !== null && g.shards.size > 0);
}

/** At the owner: the group has a member (or one promised) on some actor. */
export function groupHasMembers(g: Group): boolean {
  if (g.members.size > 0 || g.pgrpHolds > 0) return true;
  if (g.shards) for (const s of g.shards.values()) if (s & SHARD_MEMBERS) return true;
  return false;
}

/** At the owner: some member is stopped, on some actor (has_stopped_jobs()). */
export function groupHasStopped(g: Group): boolean {
  if (g.stopped.size > 0) return true;
  if (g.shards) for (const s of g.shards.values()) if (s & SHARD_STOPPED) return true;
  return false;
}

/**
 * After a change to this actor's part: at the owner, free the group once
 * nothing uses it; elsewhere, tell the owner if what it knows changed, or if
 * a hold or an acknowledgement must travel anyway.
 */
function settle(a: NamespaceActor, g: Group, held: GroupKind | null = null, ack: JoinAck = null): void {
  if (g.shards) {
    if (groupInUse(g)) return;
    a.groups.delete(g.ref.key);
    // The PID outlived its task as a group/session id; now nothing uses it (free_pid()).
    if (!a.procs.has(g.ref.key)) release(a, { ref: g.ref, mode: 'free', reply: null });
    return;
  }
  const state = groupInUse(g) ? stateOf(g) : SHARD_GONE;
  if (state === SHARD_GONE) a.groups.delete(g.ref.key);
  if (state === g.reported && held === null && ack === null) return;
  g.reported = state;
  a.send(ownerNs(g.ref), { type: 'group-shard', group: g.ref.key, from: a.id, state, held, ack });
}

/** At the owner: another actor's part changed. */
export function onGroupShard(
  a: NamespaceActor,
  msg: { readonly group: ProcKey; readonly from: NsId; readonly state: number; readonly held: GroupKind | null; readonly ack: JoinAck },
): void {
  const g = a.groups.get(msg.group);
  if (!g?.shards) throw new Error(`group-shard: group ${msg.group} does not exist in namespace ${a.id}`);
  if (msg.state === SHARD_GONE) g.shards.delete(msg.from);
  else g.shards.set(msg.from, msg.state);
  if (msg.held === 'pgrp') g.pgrpHolds--;
  else if (msg.held === 'session') g.sessionHolds--;
  if (msg.ack) {
    if ('reply' in msg.ack) a.replyOk(msg.ack.reply, 0);
    else a.send(msg.ack.root, { type: 'fork-joined', id: msg.ack.id });
  }
  settle(a, g);
}

/** The root init leads the first process group and session. */
export function bootGroups(a: NamespaceActor, init: Proc): void {
  const g = groupHere(a, init.ref, init.key);
  g.members.set(init.key, a.host.tables.nextJoin());
  g.sessionRefs = 1;
}

/**
 * At fork's attach step, in the caller's actor: the child will join the
 * caller's group and session (as they are now: copy_process() reads them
 * under the tasklist lock), so each gets a hold first. A child created in
 * this actor joins this actor's part, which the caller keeps alive; one
 * created elsewhere joins there, so the hold is taken at the owner, and it
 * travels ahead of any later leave by the caller (same link), so the group
 * cannot be freed before the child joins. Returns how many joins the fork
 * must see acknowledged before it returns: the process group's, when the
 * child lands in another actor than the group's owner (kill(-pgid) must reach
 * the child once fork returns).
 */
export function holdGroupsOnFork(a: NamespaceActor, job: ForkJob, caller: Proc): number {
  if (job.init.pgrp.key !== caller.pgrp.key || job.init.session.key !== caller.session.key) {
    job.init = { ...job.init, pgrp: caller.pgrp, session: caller.session };
  }
  const here = job.target.id === a.id;
  holdGroup(a, caller.pgrp, caller.session.key, 'pgrp', here);
  holdGroup(a, caller.session, caller.session.key, 'session', here);
  return here || ownerNs(caller.pgrp) === job.target.id ? 0 : 1;
}

function holdGroup(a: NamespaceActor, ref: PidRef, session: ProcKey, kind: GroupKind, here: boolean): void {
  const owner = ownerNs(ref);
  if (here || owner === a.id) {
    const g = groupHere(a, ref, session);
    if (kind === 'pgrp') g.pgrpHolds++;
    else g.sessionHolds++;
  } else {
    a.send(owner, { type: 'group-hold', group: ref.key, kind });
  }
}

export function onGroupHold(a: NamespaceActor, group: ProcKey, kind: GroupKind): void {
  const g = a.groups.get(group);
  if (!g) throw new Error(`group-hold: group ${group} does not exist in namespace ${a.id}`);
  if (kind === 'pgrp') g.pgrpHolds++;
  else g.sessionHolds++;
}

/**
 * At the child's actor, when it is created: it joins its group and session
 * here, taking back the holds its fork put (here, or at the owner, which
 * hears of the join and acknowledges the process group's to the fork).
 */
export function joinGroupsOnCommit(a: NamespaceActor, job: ForkJob): void {
  const heldHere = job.callerNs.id === a.id;
  const { pgrp, session } = job.init;
  joinHere(a, pgrp, session.key, job.key, 'pgrp', heldHere, heldHere ? null : { root: job.target.id, id: job.id });
  joinHere(a, session, session.key, job.key, 'session', heldHere, null);
}

/**
 * A member joins this actor's part and the hold taken for it is given back:
 * here if it was taken here (or this is the owner), else at the owner, which
 * then answers `ack` (a fork's barrier, or a setpgid) knowing the new member.
 */
function joinHere(a: NamespaceActor, ref: PidRef, session: ProcKey, member: ProcKey, kind: GroupKind, heldHere: boolean, ack: JoinAck): void {
  const g = groupHere(a, ref, session);
  if (kind === 'pgrp') g.members.set(member, a.host.tables.nextJoin());
  else g.sessionRefs++;
  if (heldHere || g.shards) {
    if (kind === 'pgrp') g.pgrpHolds--;
    else g.sessionHolds--;
    if (ack && 'reply' in ack) a.replyOk(ack.reply, 0);
    return;
  }
  settle(a, g, kind, ack);
}

/** A process-group hold the owner took for a join that did not happen here: give it back. */
function giveBackHold(a: NamespaceActor, ref: PidRef): void {
  const g = a.groups.get(ref.key);
  if (g?.shards) {
    g.pgrpHolds--;
    return settle(a, g);
  }
  if (g) return settle(a, g, 'pgrp');
  a.send(ownerNs(ref), { type: 'group-shard', group: ref.key, from: a.id, state: SHARD_GONE, held: 'pgrp', ack: null });
}

function leaveGroup(a: NamespaceActor, ref: PidRef, member: ProcKey, kind: GroupKind): void {
  const g = a.groups.get(ref.key);
  if (!g) throw new Error(`group-leave: group ${ref.key} has no part in namespace ${a.id}`);
  if (kind === 'pgrp') {
    g.members.delete(member);
    g.stopped.delete(member);
  } else {
    g.sessionRefs--;
  }
  settle(a, g);
}

/** release_task(): the reaped process no longer holds its group or session. */
export function leaveGroupsOnRelease(a: NamespaceActor, p: Proc): void {
  leaveGroup(a, p.pgrp, p.key, 'pgrp');
  leaveGroup(a, p.session, p.key, 'session');
}

/** has_stopped_jobs() bookkeeping, in the member's actor (the owner hears when its part starts or stops having stopped members). */
export function setStoppedInGroup(a: NamespaceActor, p: Proc, stopped: boolean): void {
  const g = a.groups.get(p.pgrp.key);
  if (!g || !g.members.has(p.key)) return;
  if (stopped) g.stopped.add(p.key);
  else g.stopped.delete(p.key);
  settle(a, g);
}

/**
 * __kill_pgrp_info() at the owner: every member, wherever it lives (4.7);
 * ESRCH when the group is empty. `which: 'stopped'` reaches only the stopped
 * members (the orphaned-group SIGHUP of the `stopped-members` kernel
 * variant). Each actor with members delivers to its own, newest first. When
 * some parts cannot see the sender and others can, the quirk's cut (from the
 * newest member that cannot see the sender on, si_pid is 0) needs their
 * newest join numbers first: those parts deliver (all zeroed) and report,
 * then the rest are sent with the cut.
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
  const answers = ack.kind === 'reply' || ack.kind === 'relay';
  if (!g?.shards || !groupHasMembers(g)) {
    if (answers) a.replyFail(ack.id, 'ESRCH', 'kill');
    return;
  }
  if (!Number.isInteger(sig) || sig < 0 || sig > 64) {
    if (answers) a.replyFail(ack.id, 'EINVAL', 'kill', undefined, `signal ${sig}`);
    return;
  }
  const bit = which === 'all' ? SHARD_MEMBERS : SHARD_STOPPED;
  const parts: NsId[] = [];
  if ((which === 'all' ? g.members.size : g.stopped.size) > 0) parts.push(a.id);
  for (const [ns, state] of g.shards) if (state & bit) parts.push(ns);
  if (parts.length === 0) {
    if (answers) a.replyFail(ack.id, 'ESRCH', 'kill');
    return;
  }
  const blind = sender.kind === 'process' ? parts.filter((ns) => !sender.chain.includes(ns)) : [];
  const gather: SignalAck = answers ? { kind: 'gather', owner: a.id, gather: a.newGather(ack.id, parts.length, 'group', ack.kind === 'relay' ? ack : null) } : ack;
  const kill: GroupKill = { group, sig, sender, which, ack: gather, rest: [], newest: null, missing: 0 };
  if (blind.length === 0 || blind.length === parts.length) {
    // No cut to wait for: every part sees the sender (no zeroing), or none does (all zeroed).
    for (const ns of parts) deliverPart(a, ns, kill, blind.length === 0 ? null : 'all', null);
    return;
  }
  const id = a.nextSeq();
  kill.rest = parts.filter((ns) => !blind.includes(ns));
  kill.missing = blind.length;
  a.groupKills.set(id, kill);
  for (const ns of blind) deliverPart(a, ns, kill, 'all', id);
}

/** A group kill waiting at its owner for the newest join numbers of the parts that cannot see the sender. */
export interface GroupKill {
  readonly group: ProcKey;
  readonly sig: number;
  readonly sender: SignalSender;
  readonly which: 'all' | 'stopped';
  readonly ack: SignalAck;
  rest: NsId[];
  newest: number | null;
  missing: number;
}

function deliverPart(a: NamespaceActor, ns: NsId, k: GroupKill, zeroTo: number | 'all' | null, kill: number | null): void {
  const msg = { type: 'group-deliver', group: k.group, sig: k.sig, sender: k.sender, which: k.which, zeroTo, ack: k.ack, newest: kill === null ? null : { owner: a.id, kill } } as const;
  if (ns === a.id) onGroupDeliver(a, msg);
  else a.send(ns, msg);
}

/** At an actor with members of the group: deliver to them, newest first, then acknowledge once. */
export function onGroupDeliver(a: NamespaceActor, msg: Extract<ActorMsg, { type: 'group-deliver' }>): void {
  const g = a.groups.get(msg.group);
  const targets: ProcKey[] = [];
  const joins: number[] = [];
  if (g) {
    for (const [key, join] of g.members) {
      if (msg.which === 'stopped' && !g.stopped.has(key)) continue;
      targets.push(key);
      joins.push(join);
    }
  }
  targets.reverse();
  joins.reverse();
  if (msg.newest) {
    const newest = joins.length > 0 ? joins[0]! : null;
    if (msg.newest.owner === a.id) onGroupNewest(a, msg.newest.kill, newest);
    else a.send(msg.newest.owner, { type: 'group-newest', kill: msg.newest.kill, newest });
  }
  // From the cut on (the members that joined no later than it), si_pid is 0.
  let cut = targets.length;
  if (msg.zeroTo === 'all') cut = 0;
  else if (msg.zeroTo !== null) {
    cut = 0;
    while (cut < joins.length && !joinedBefore(joins[cut]!, msg.zeroTo)) cut++;
  }
  const seen = cut === 0 ? { delivered: 0, denied: 0 } : deliverTo(a, cut === targets.length ? targets : targets.slice(0, cut), msg.sig, msg.sender);
  if (cut < targets.length) {
    const zeroed = msg.sender.kind === 'process' ? { ...msg.sender, siPidZeroed: true } : msg.sender;
    const r = deliverTo(a, targets.slice(cut), msg.sig, zeroed);
    seen.delivered += r.delivered;
    seen.denied += r.denied;
  }
  acknowledge(a, msg.ack, seen.delivered, seen.denied, targets.length);
}

/** At the owner: a part that cannot see the sender reported its newest member; once all have, the rest go out with the cut. */
export function onGroupNewest(a: NamespaceActor, kill: number, newest: number | null): void {
  const k = a.groupKills.get(kill);
  if (!k) throw new Error(`group-newest for unknown group kill ${kill} in namespace ${a.id}`);
  if (newest !== null && (k.newest === null || joinedBefore(k.newest, newest))) k.newest = newest;
  if (--k.missing > 0) return;
  a.groupKills.delete(kill);
  for (const ns of k.rest) deliverPart(a, ns, k, k.newest, null);
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
  if (p.session.key === p.key || (own !== undefined && groupHasMembers(own))) {
    return a.replyFail(call.id, 'EPERM', 'setsid');
  }
  leaveGroup(a, p.pgrp, p.key, 'pgrp');
  leaveGroup(a, p.session, p.key, 'session');
  const g = groupHere(a, p.ref, p.key);
  g.session = p.key;
  g.members.set(p.key, a.host.tables.nextJoin());
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

/**
 * At the group's owner: check the group belongs to the session and hold it
 * for the target in one step; the target's actor switches it over, and the
 * call returns once the owner knows the new member.
 */
export function onSetpgidJoin(
  a: NamespaceActor,
  msg: { readonly id: CallId; readonly target: ProcKey; readonly targetNs: NsId; readonly group: ProcKey; readonly session: ProcKey | null },
): void {
  let g: Group | undefined;
  if (msg.session === null) {
    // find_task_by_vpid() finds a zombie too, until release_task(): it may lead a new group.
    const t = a.procs.get(msg.target);
    if (!t) return a.replyFail(msg.id, 'ESRCH', 'setpgid');
    g = groupHere(a, t.ref, t.session.key);
  } else {
    g = a.groups.get(msg.group);
    if (!g?.shards || !groupHasMembers(g) || g.session !== msg.session) {
      return a.replyFail(msg.id, 'EPERM', 'setpgid', undefined, 'no such process group in the caller\u2019s session');
    }
  }
  g.pgrpHolds++;
  a.send(msg.targetNs, { type: 'setpgid-apply', id: msg.id, target: msg.target, group: g.ref });
}

/** At the target's actor: switch its group, leave the old one. A zombie moves too (it is reaped as a member of its new group). */
export function onSetpgidApply(a: NamespaceActor, id: CallId, target: ProcKey, group: PidRef): void {
  const t = a.procs.get(target);
  if (!t || t.pgrp.key === group.key) {
    giveBackHold(a, group);
    return t ? a.replyOk(id, 0) : a.replyFail(id, 'ESRCH', 'setpgid');
  }
  const old = t.pgrp;
  t.pgrp = group;
  leaveGroup(a, old, t.key, 'pgrp');
  joinHere(a, group, t.session.key, t.key, 'pgrp', false, { reply: id });
  if (t.state === 'stopped') setStoppedInGroup(a, t, true);
  groupsChanged(a, t);
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
