// Credentials: the real, effective and saved user and group ids of a process
// (kernel ids, as the initial user namespace numbers them), the rules of
// setuid(2)/setresuid(2) and their group twins (kernel/sys.c), what a uid
// change does to capabilities (security/commoncap.c cap_emulate_setxuid()),
// and who may signal whom (kernel/signal.c kill_ok_by_cred()).
//
// Ids inside a user namespace go through its uid_map/gid_map (one extent in
// pidsim): until a map is written, every id reads as the overflow id there
// and no id can be set (user_namespaces(7)).

/** One process's ids, shared by processes that did not change them (as struct cred is). */
export interface Cred {
  readonly ruid: number;
  readonly euid: number;
  readonly suid: number;
  readonly rgid: number;
  readonly egid: number;
  readonly sgid: number;
}

export const ROOT_CRED: Cred = Object.freeze({ ruid: 0, euid: 0, suid: 0, rgid: 0, egid: 0, sgid: 0 });

/** /proc/sys/kernel/overflowuid (and overflowgid): what an unmapped id reads as. */
export const OVERFLOW_ID = 65534;

/** The user `nobody`: where drop_privileges goes. */
export const NOBODY = 65534;

/** Which id family a call changes. */
export type IdKind = 'uid' | 'gid';

/**
 * One line of /proc/PID/uid_map: ids first..first+count-1 of the namespace
 * are ids lower..lower+count-1 of its parent.
 */
export interface IdExtent {
  readonly first: number;
  readonly lower: number;
  readonly count: number;
}

/**
 * The maps of one family along a user namespace chain, root first: entry 0
 * (the initial namespace) is null and maps every id to itself; a null entry
 * further down is a namespace whose map was never written.
 */
export type IdMaps = readonly (IdExtent | null)[];

/** The initial user namespace alone. */
export const INITIAL_ID_MAPS: IdMaps = Object.freeze([null]);

/** make_kuid(): an id of the chain's last namespace as a kernel id, or null where unmapped. */
export function toKernelId(id: number, maps: IdMaps): number | null {
  let v = id;
  for (let i = maps.length - 1; i >= 1; i--) {
    const m = maps[i];
    if (!m || v < m.first || v - m.first >= m.count) return null;
    v = m.lower + (v - m.first);
  }
  return v;
}

/** from_kuid(): a kernel id as the chain's last namespace numbers it, or null where unmapped. */
export function kernelIdIn(kid: number, maps: IdMaps): number | null {
  let v = kid;
  for (let i = 1; i < maps.length; i++) {
    const m = maps[i];
    if (!m || v < m.lower || v - m.lower >= m.count) return null;
    v = m.first + (v - m.lower);
  }
  return v;
}

/** from_kuid_munged(): a kernel id as the chain's last namespace shows it, the overflow id where unmapped. */
export function fromKernelId(kid: number, maps: IdMaps): number {
  return kernelIdIn(kid, maps) ?? OVERFLOW_ID;
}

/** Parses one line of uid_map/gid_map ("first lower count"); null if malformed (EINVAL). */
export function parseIdExtent(text: string): IdExtent | null {
  const m = /^\s*(\d+)\s+(\d+)\s+(\d+)\s*$/.exec(text);
  if (!m) return null;
  const [first, lower, count] = [Number(m[1]), Number(m[2]), Number(m[3])];
  // map_write(): count 0 and ranges past 2^32-1 are refused.
  if (count === 0 || first + count - 1 > 0xffffffff || lower + count - 1 > 0xffffffff) return null;
  return { first, lower, count };
}

/** The (real, effective, saved) triple of one family. */
export function idsOf(c: Cred, kind: IdKind): [number, number, number] {
  return kind === 'uid' ? [c.ruid, c.euid, c.suid] : [c.rgid, c.egid, c.sgid];
}

function withIds(c: Cred, kind: IdKind, r: number, e: number, s: number): Cred {
  return Object.freeze(kind === 'uid' ? { ...c, ruid: r, euid: e, suid: s } : { ...c, rgid: r, egid: e, sgid: s });
}


/** What a credential change answers: the new credentials, or the errno. */
export type CredChange = { readonly ok: true; readonly cred: Cred } | { readonly ok: false; readonly errno: 'EPERM' | 'EINVAL' };

const UNCHANGED = -1;

/**
 * setuid(2)/setgid(2), __sys_setuid(): with CAP_SETUID (CAP_SETGID) in its
 * own user namespace the process sets all three ids; without, only the
 * effective one, and only to its real or saved id.
 */
export function setId(old: Cred, kind: IdKind, id: number, privileged: boolean, maps: IdMaps): CredChange {
  // make_kuid(): an id the namespace does not map is EINVAL.
  const kid = Number.isInteger(id) && id >= 0 && id <= 0xfffffffe ? toKernelId(id, maps) : null;
  if (kid === null) return { ok: false, errno: 'EINVAL' };
  const [r, , s] = idsOf(old, kind);
  if (privileged) return { ok: true, cred: withIds(old, kind, kid, kid, kid) };
  if (kid !== r && kid !== s) return { ok: false, errno: 'EPERM' };
  return { ok: true, cred: withIds(old, kind, r, kid, s) };
}

/**
 * setresuid(2)/setresgid(2): -1 leaves an id as it is. Without the
 * capability each new id must be one of the current real, effective or
 * saved ids.
 */
export function setResId(old: Cred, kind: IdKind, r0: number, e0: number, s0: number, privileged: boolean, maps: IdMaps): CredChange {
  const k: number[] = [];
  for (const id of [r0, e0, s0]) {
    if (!Number.isInteger(id) || id < UNCHANGED || id > 0xfffffffe) return { ok: false, errno: 'EINVAL' };
    const kid = id === UNCHANGED ? UNCHANGED : toKernelId(id, maps);
    if (kid === null) return { ok: false, errno: 'EINVAL' };
    k.push(kid);
  }
  const [r, e, s] = k as [number, number, number];
  const cur = idsOf(old, kind);
  const isNew = (id: number): boolean => id !== UNCHANGED && !cur.includes(id);
  if ((isNew(r) || isNew(e) || isNew(s)) && !privileged) return { ok: false, errno: 'EPERM' };
  return {
    ok: true,
    cred: withIds(old, kind, r === UNCHANGED ? cur[0] : r, e === UNCHANGED ? cur[1] : e, s === UNCHANGED ? cur[2] : s),
  };
}

/** What a uid change does to the capability sets, as `permitted`/`effective` flags. */
export interface CapsAfter {
  /** The permitted set is cleared. */
  readonly clearPermitted: boolean;
  /** The effective set is cleared. */
  readonly clearEffective: boolean;
  /** The effective set becomes the permitted set. */
  readonly raiseEffective: boolean;
}

/**
 * cap_emulate_setxuid(): root is uid 0 of the process's own user namespace
 * (unmapped in pidsim's other namespaces, so nothing changes there).
 * Leaving root in all three ids drops every capability; an effective uid
 * leaving 0 drops the effective set; one coming back to 0 restores it from
 * the permitted set.
 */
export function capsAfterUidChange(old: Cred, next: Cred, uidMaps: IdMaps): CapsAfter {
  const root = toKernelId(0, uidMaps);
  if (root === null) return { clearPermitted: false, clearEffective: false, raiseEffective: false };
  const wasRoot = old.ruid === root || old.euid === root || old.suid === root;
  const isRoot = next.ruid === root || next.euid === root || next.suid === root;
  const dropAll = wasRoot && !isRoot;
  return {
    clearPermitted: dropAll,
    clearEffective: dropAll || (old.euid === root && next.euid !== root),
    raiseEffective: !dropAll && old.euid !== root && next.euid === root,
  };
}

/**
 * execve(): the saved ids become the effective ones; a process whose real
 * or effective uid is root of its user namespace gets every capability
 * permitted, and effective if its effective uid is root (no file
 * capabilities and no setuid bits are emulated).
 */
export function credAfterExec(c: Cred, uidMaps: IdMaps): { cred: Cred; permitted: boolean; effective: boolean } {
  const cred = Object.freeze({ ...c, suid: c.euid, sgid: c.egid });
  // handle_privileged_root(): root_uid = make_kuid(new->user_ns, 0), nobody where unmapped.
  const root = toKernelId(0, uidMaps);
  const rootEuid = root !== null && c.euid === root;
  const rootRuid = root !== null && c.ruid === root;
  return { cred, permitted: rootEuid || rootRuid, effective: rootEuid };
}

/**
 * kill_ok_by_cred(): the sender's real or effective uid is the target's real
 * or saved uid. (CAP_KILL in the target's user namespace, the same thread
 * group and SIGCONT within a session are checked by the caller.)
 */
export function killAllowedByIds(sender: { readonly ruid: number; readonly euid: number }, target: Cred): boolean {
  return sender.euid === target.suid || sender.euid === target.ruid || sender.ruid === target.suid || sender.ruid === target.ruid;
}
