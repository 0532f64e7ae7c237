// This file implements a process's credentials: setuid/setresuid and their
// group twins, getresuid/getresgid, writing a user namespace's uid_map and
// gid_map, dropping privileges, what execve does to ids and capabilities,
// and the permission check of kill(2) (kernel/sys.c, kernel/user_namespace.c
// map_write(), security/commoncap.c, kernel/signal.c check_kill_permission()).
// The rules themselves are pure functions in core (credentials.ts).

import {
  NOBODY,
  SIGCONT,
  capsAfterUidChange,
  credAfterExec,
  fromKernelId,
  idsOf,
  kernelIdIn,
  killAllowedByIds,
  setId,
  setResId,
  toKernelId,
  type CallId,
  type CallMsg,
  type CredChange,
  type IdExtent,
  type IdKind,
  type IdMapWriter,
  type IdMaps,
  type SignalSender,
  type UserNsId,
} from '@pidsim/core';
import type { NamespaceActor } from './namespace-actor.js';
import type { Proc } from './process-record.js';
import { hasCap } from './process-queries.js';

/** The maps of one family from the initial user namespace down to `p`'s. */
function mapsOf(a: NamespaceActor, p: Proc, kind: IdKind): IdMaps {
  return a.host.tables.idMaps(p.userNs, kind);
}

/** CAP_SETUID / CAP_SETGID in the process's own user namespace (ns_capable_setid()). */
function maySetIds(p: Proc): boolean {
  return hasCap(p.caps, p.userNs);
}

function apply(a: NamespaceActor, call: CallMsg, p: Proc, kind: IdKind, change: CredChange, syscall: string): void {
  if (!change.ok) return a.replyFail(call.id, change.errno, syscall);
  const old = p.cred;
  p.cred = change.cred;
  if (kind === 'uid') {
    const caps = capsAfterUidChange(old, change.cred, mapsOf(a, p, 'uid'));
    if (caps.clearPermitted) p.permitted = null;
    if (caps.clearEffective) p.caps = null;
    if (caps.raiseEffective) p.caps = p.permitted;
  }
  a.replyOk(call.id, 0);
}

/** setuid(2) / setgid(2). */
export function sysSetid(a: NamespaceActor, call: CallMsg, p: Proc, kind: IdKind, id: number): void {
  apply(a, call, p, kind, setId(p.cred, kind, id, maySetIds(p), mapsOf(a, p, kind)), kind === 'uid' ? 'setuid' : 'setgid');
}

/** setresuid(2) / setresgid(2). */
export function sysSetresid(a: NamespaceActor, call: CallMsg, p: Proc, kind: IdKind, ids: readonly [number, number, number]): void {
  const change = setResId(p.cred, kind, ids[0], ids[1], ids[2], maySetIds(p), mapsOf(a, p, kind));
  apply(a, call, p, kind, change, kind === 'uid' ? 'setresuid' : 'setresgid');
}

/** getresuid(2) / getresgid(2): as the process's own user namespace shows them (from_kuid_munged()). */
export function sysGetresid(a: NamespaceActor, call: CallMsg, p: Proc, kind: IdKind): void {
  a.replyOk(call.id, idsAs(a, p, kind, p.userNs));
}

/** `p`'s real, effective and saved ids of `kind` as user namespace chain `viewer` shows them. */
export function idsAs(a: NamespaceActor, p: Proc, kind: IdKind, viewer: readonly UserNsId[]): [number, number, number] {
  const maps = a.host.tables.idMaps(viewer, kind);
  const [r, e, s] = idsOf(p.cred, kind);
  return [fromKernelId(r, maps), fromKernelId(e, maps), fromKernelId(s, maps)];
}

/**
 * What the scenario helper's drop_privileges does: setgroups(0, NULL),
 * setresgid(65534 x3), setresuid(65534 x3). Leaving uid 0 in all three ids
 * drops every capability.
 */
export function sysDropPrivileges(a: NamespaceActor, call: CallMsg, p: Proc): void {
  const privileged = maySetIds(p);
  const gid = setResId(p.cred, 'gid', NOBODY, NOBODY, NOBODY, privileged, mapsOf(a, p, 'gid'));
  if (!gid.ok) return a.replyFail(call.id, gid.errno, 'setresgid');
  const uid = setResId(gid.cred, 'uid', NOBODY, NOBODY, NOBODY, privileged, mapsOf(a, p, 'uid'));
  if (!uid.ok) return a.replyFail(call.id, uid.errno, 'setresuid');
  apply(a, call, p, 'uid', uid, 'setresuid');
}

/** execve(): saved ids take the effective ones; root of the user namespace gets its capabilities back. */
export function credsOnExec(a: NamespaceActor, p: Proc): void {
  const next = credAfterExec(p.cred, mapsOf(a, p, 'uid'));
  const own = p.userNs[p.userNs.length - 1]!;
  p.cred = next.cred;
  p.permitted = next.permitted ? own : null;
  p.caps = next.effective ? own : null;
}

/**
 * create_user_ns(): a new user namespace, owned by the creator's euid and
 * egid, which must be mapped in the creator's own user namespace (EPERM).
 */
export function newUserNs(a: NamespaceActor, p: Proc): UserNsId | null {
  const inOwn = (kind: IdKind): boolean => kernelIdIn(kind === 'uid' ? p.cred.euid : p.cred.egid, mapsOf(a, p, kind)) !== null;
  if (!inOwn('uid') || !inOwn('gid')) return null;
  return a.host.tables.allocUserNs(p.userNs[p.userNs.length - 1]!, p.cred.euid, p.cred.egid);
}

/**
 * Writing /proc/PID/{uid,gid}_map of `target`'s user namespace (map_write(),
 * new_idmap_permitted()): once; by a process of that namespace or its parent;
 * with CAP_SETUID/CAP_SETGID over the parent namespace any extent of ids
 * mapped there, otherwise only the one id the writer is, when it owns the
 * namespace (and, for gid_map, after setgroups was denied, not emulated: EPERM).
 */
export function writeIdMap(a: NamespaceActor, writer: IdMapWriter, targetUserNs: readonly UserNsId[], kind: IdKind, extent: IdExtent): 'ok' | 'EPERM' {
  const ns = targetUserNs[targetUserNs.length - 1]!;
  if (targetUserNs.length < 2) return 'EPERM'; // the initial namespace's maps are fixed
  const parent = targetUserNs.slice(0, -1);
  const writerNs = writer.userNs[writer.userNs.length - 1]!;
  if (writerNs !== ns && writerNs !== parent[parent.length - 1]) return 'EPERM';
  // Every id of the extent must be an id of the parent namespace (map_id_range_down()).
  const parentMaps = a.host.tables.idMaps(parent, kind);
  for (const id of [extent.lower, extent.lower + extent.count - 1]) {
    if (toKernelId(id, parentMaps) === null) return 'EPERM';
  }
  const privileged = hasCap(writer.caps, parent);
  if (!privileged) {
    const owner = a.host.tables.userNsOwner(ns);
    const self = kind === 'uid' ? writer.cred.euid : writer.cred.egid;
    const ownerId = kind === 'uid' ? owner.uid : owner.gid;
    if (kind === 'gid' || extent.count !== 1 || self !== ownerId || extent.lower !== fromKernelId(self, parentMaps)) return 'EPERM';
  }
  return a.host.tables.writeIdMap(ns, kind, extent) ? 'ok' : 'EPERM';
}

/** /proc/PID/uid_map (gid_map) written by `p`; PID as `p` sees it, its record may live on another actor. */
export function sysWriteIdMap(a: NamespaceActor, call: CallMsg, p: Proc, pid: number, kind: IdKind, extent: IdExtent): void {
  const path = `/proc/${pid}/${kind}_map`;
  const entry = a.table.get(pid);
  if (!entry || !entry.task || !entry.committed) return a.replyFail(call.id, 'ENOENT', 'open', path);
  const writer: IdMapWriter = { userNs: p.userNs, caps: p.caps, cred: p.cred };
  if (entry.home !== a.id) {
    return a.send(entry.home, { type: 'remote-call', id: call.id, viewer: a.ref, target: entry.key, query: { q: 'id-map', kind, extent, writer } });
  }
  answerIdMap(a, call.id, writer, a.procs.get(entry.key)!.userNs, kind, extent, path);
}

export function answerIdMap(a: NamespaceActor, id: CallId, writer: IdMapWriter, target: readonly UserNsId[], kind: IdKind, extent: IdExtent, path: string): void {
  const r = writeIdMap(a, writer, target, kind, extent);
  if (r === 'ok') a.replyOk(id, 0);
  else a.replyFail(id, r, 'write', path);
}

/**
 * Process `p` of actor `a` as the sender of a signal: who it is, where (its
 * namespace chain and PID there, for init protection and si_pid), and what
 * the permission check needs. kill(), tgkill()/tkill() and
 * pidfd_send_signal() add their own si_code or value.
 */
export function processSender(a: NamespaceActor, p: Proc): Extract<SignalSender, { kind: 'process' }> {
  return { kind: 'process', key: p.key, chain: a.chain, pid: p.ref.nums[a.level]!, ruid: p.cred.ruid, euid: p.cred.euid, caps: p.caps, session: p.session.key };
}

/**
 * check_kill_permission(): a signal from a process (not the kernel) needs
 * kill_ok_by_cred(): matching uids, or CAP_KILL in the target's user
 * namespace; SIGCONT within one session is always allowed, and so is a
 * signal to oneself.
 */
export function mayKill(sender: SignalSender, target: Proc, sig: number): boolean {
  if (sender.kind !== 'process' || sender.key === target.key) return true;
  if (killAllowedByIds(sender, target.cred) || hasCap(sender.caps, target.userNs)) return true;
  return sig === SIGCONT && target.session.key === sender.session;
}
