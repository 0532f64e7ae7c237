// Kernel-wide tables that are not any one namespace's: the inode numbers of
// namespaces (an ida: lowest free first, so freed numbers are reused,
// SEMANTICS 2.13), the per-user-namespace count and limit of PID namespaces
// (/proc/sys/user/max_pid_namespaces, 2.12), each user namespace's parent,
// owner and uid/gid maps (one extent each), and what every thread of a
// threaded kernel must agree on without a round trip: messages in flight,
// virtual time, whether events are reported. They live in a
// SharedArrayBuffer updated with Atomics.

import {
  FIRST_DYNAMIC_INODE,
  UPSTREAM_VARIANT,
  asUserNsId,
  decodeVariant,
  encodeVariant,
  type IdExtent,
  type IdKind,
  type IdMaps,
  type KernelVariant,
  type UserNsId,
} from '@pidsim/core';

/** How many namespace inodes may be in use at once. */
const INODE_SLOTS = 1 << 22;
/** How many user namespaces the tables can count for. */
const USER_NS_SLOTS = 1 << 16;
/** /proc/sys/user/max_pid_namespaces on the lab machine (SEMANTICS 2.12). */
export const DEFAULT_MAX_PID_NAMESPACES = 96364;
/**
 * Int32 slots of the control block. Words that threads write often sit on
 * cache lines of their own (64 bytes, 16 ints apart), away from the words
 * every actor reads on its hot path (events flag, variant) and from the
 * clock: two workers forking at once would otherwise bounce one line
 * between their cores on every fork and every read of the events flag.
 * Line 0: messages in flight (every batch). Line 1: the last process-group
 * join number (every fork). Line 2: events flag, next user namespace,
 * kernel variant (read-mostly). Line 3: virtual time (a Float64, written by
 * the clock's thread only).
 */
const LINE_INTS = 16;
const INFLIGHT = 0;
const JOINS = LINE_INTS;
const EVENTS = 2 * LINE_INTS;
const NEXT_USER_NS = EVENTS + 1;
const VARIANT = EVENTS + 2;
const CONTROL_INTS = 3 * LINE_INTS;
/** Uint32 words per user namespace: parent, owner uid, owner gid, then (first, lower, count) of the uid and the gid map. */
const USER_NS_WORDS = 9;
const PARENT = 0;
const OWNER_UID = 1;
const OWNER_GID = 2;
const MAP = { uid: 3, gid: 6 } as const;

export class KernelTables {
  readonly buffer: SharedArrayBuffer;
  /** The control block: in flight, joins, events flag, next user namespace, variant (CONTROL_INTS). */
  readonly #control: Int32Array;
  /** Virtual time in ms, written only by the thread that owns the clock. */
  readonly #time: Float64Array;
  /** Bit i set = inode FIRST_DYNAMIC_INODE + i is in use. */
  readonly #inodes: Int32Array;
  /** Live PID namespaces owned by each user namespace or its descendants. */
  readonly #count: Int32Array;
  /** max_pid_namespaces of each user namespace. */
  readonly #max: Int32Array;
  /** Each user namespace's parent, owner and maps (USER_NS_WORDS each); a map's count 0 = never written. */
  readonly #userNs: Uint32Array;
  /** The decoded variant, and the bits it was decoded from. */
  #variant: KernelVariant = UPSTREAM_VARIANT;
  #variantBits = encodeVariant(UPSTREAM_VARIANT);

  constructor(buffer?: SharedArrayBuffer) {
    const inodeWords = INODE_SLOTS / 32;
    const header = 4 * CONTROL_INTS + 4 * LINE_INTS;
    this.buffer = buffer ?? new SharedArrayBuffer(header + 4 * (inodeWords + 2 * USER_NS_SLOTS + USER_NS_WORDS * USER_NS_SLOTS));
    this.#control = new Int32Array(this.buffer, 0, CONTROL_INTS);
    this.#time = new Float64Array(this.buffer, 4 * CONTROL_INTS, 1);
    this.#inodes = new Int32Array(this.buffer, header, inodeWords);
    this.#count = new Int32Array(this.buffer, header + 4 * inodeWords, USER_NS_SLOTS);
    this.#max = new Int32Array(this.buffer, header + 4 * (inodeWords + USER_NS_SLOTS), USER_NS_SLOTS);
    this.#userNs = new Uint32Array(this.buffer, header + 4 * (inodeWords + 2 * USER_NS_SLOTS), USER_NS_WORDS * USER_NS_SLOTS);
    if (!buffer) {
      this.#max.fill(DEFAULT_MAX_PID_NAMESPACES);
      Atomics.store(this.#control, NEXT_USER_NS, 1);
    }
  }

  /**
   * The next process-group join number, kernel-wide: a group's members on
   * every actor are ordered by it as the kernel's list is (newest first). It
   * wraps at 2^32; compare two with joinedBefore().
   */
  nextJoin(): number {
    return Atomics.add(this.#control, JOINS, 1) + 1;
  }

  /** The bytes of the shared buffer (fixed in size, so process.memoryUsage().arrayBuffers counts them). */
  get memoryBytes(): number {
    return this.buffer.byteLength;
  }

  /** The control block as an Int32Array, for Atomics.waitAsync on the in-flight count. */
  get control(): Int32Array {
    return this.#control;
  }

  /** Messages sent and not yet fully processed, on every thread. */
  get inFlight(): number {
    return Atomics.load(this.#control, INFLIGHT);
  }

  /** Count `n` messages as sent (before posting them). */
  sent(n: number): void {
    Atomics.add(this.#control, INFLIGHT, n);
  }

  /** Count `n` messages as processed; wakes waiters when nothing is left in flight. Returns what remains. */
  processed(n: number): number {
    const left = Atomics.sub(this.#control, INFLIGHT, n) - n;
    if (left === 0) Atomics.notify(this.#control, INFLIGHT);
    return left;
  }

  /** Which kernel build's behaviour to follow where builds differ (kernel-variant.ts); set before any actor runs. */
  get variant(): KernelVariant {
    const bits = Atomics.load(this.#control, VARIANT);
    if (bits !== this.#variantBits) {
      this.#variantBits = bits;
      this.#variant = decodeVariant(bits);
    }
    return this.#variant;
  }

  set variant(v: KernelVariant) {
    Atomics.store(this.#control, VARIANT, encodeVariant(v));
  }

  get eventsEnabled(): boolean {
    return Atomics.load(this.#control, EVENTS) !== 0;
  }

  set eventsEnabled(on: boolean) {
    Atomics.store(this.#control, EVENTS, on ? 1 : 0);
  }

  /** Virtual time since boot, in ms. */
  get now(): number {
    return this.#time[0]!;
  }

  set now(ms: number) {
    this.#time[0] = ms;
  }

  /**
   * A new user namespace id (compact, shared by every thread), with the
   * default limit, its parent and its owner (the creator's euid and egid),
   * and no maps yet.
   */
  allocUserNs(parent: UserNsId, ownerUid: number, ownerGid: number): UserNsId {
    const id = asUserNsId(Atomics.add(this.#control, NEXT_USER_NS, 1));
    this.initUserNs(id);
    const base = this.#slot(id) * USER_NS_WORDS;
    const w = this.#userNs;
    w[base + PARENT] = parent;
    w[base + OWNER_UID] = ownerUid;
    w[base + OWNER_GID] = ownerGid;
    for (const kind of ['uid', 'gid'] as const) Atomics.store(w, base + MAP[kind] + 2, 0);
    return id;
  }

  /** The owner of a user namespace: the euid and egid of its creator. */
  userNsOwner(id: UserNsId): { readonly uid: number; readonly gid: number } {
    const base = this.#slot(id) * USER_NS_WORDS;
    return { uid: this.#userNs[base + OWNER_UID]!, gid: this.#userNs[base + OWNER_GID]! };
  }

  /** The map of one user namespace, null until written. */
  idMap(id: UserNsId, kind: IdKind): IdExtent | null {
    const at = this.#slot(id) * USER_NS_WORDS + MAP[kind];
    const count = Atomics.load(this.#userNs, at + 2);
    return count === 0 ? null : { first: this.#userNs[at]!, lower: this.#userNs[at + 1]!, count };
  }

  /** The maps along a chain of user namespaces (root first), as core's id translation takes them. */
  idMaps(chain: readonly UserNsId[], kind: IdKind): IdMaps {
    const out: (IdExtent | null)[] = [null];
    for (let i = 1; i < chain.length; i++) out.push(this.idMap(chain[i]!, kind));
    return out;
  }

  /** Writes a map once; false if it was already written (map_write(): EPERM). */
  writeIdMap(id: UserNsId, kind: IdKind, extent: IdExtent): boolean {
    const at = this.#slot(id) * USER_NS_WORDS + MAP[kind];
    if (Atomics.load(this.#userNs, at + 2) !== 0) return false;
    this.#userNs[at] = extent.first;
    this.#userNs[at + 1] = extent.lower;
    // The count last: a reader that sees it sees the rest.
    Atomics.store(this.#userNs, at + 2, extent.count);
    return true;
  }

  /** ns_alloc_inum(): the lowest free inode number. */
  allocInode(): number {
    const words = this.#inodes;
    for (let w = 0; w < words.length; w++) {
      for (;;) {
        const word = Atomics.load(words, w);
        if (word === -1) break;
        const bit = 31 - Math.clz32(~word & (word + 1));
        if (Atomics.compareExchange(words, w, word, word | (1 << bit)) === word) return FIRST_DYNAMIC_INODE + w * 32 + bit;
      }
    }
    throw new Error('pidsim: out of namespace inode numbers');
  }

  freeInode(inode: number): void {
    const i = inode - FIRST_DYNAMIC_INODE;
    if (i < 0 || i >= INODE_SLOTS) return;
    Atomics.and(this.#inodes, i >>> 5, ~(1 << (i & 31)));
  }

  #slot(id: UserNsId): number {
    if (id < 0 || id >= USER_NS_SLOTS) throw new Error(`pidsim: user namespace ${id} is beyond the ${USER_NS_SLOTS} the tables hold`);
    return id;
  }

  /**
   * inc_pid_namespaces() -> inc_ucount(): one more PID namespace for every user
   * namespace of `chain`, unless one of them is at its limit (then ENOSPC).
   */
  chargePidNs(chain: readonly UserNsId[]): boolean {
    const done: number[] = [];
    for (let i = chain.length - 1; i >= 0; i--) {
      const s = this.#slot(chain[i]!);
      const max = Atomics.load(this.#max, s);
      for (;;) {
        const n = Atomics.load(this.#count, s);
        if (n >= max) {
          for (const d of done) Atomics.sub(this.#count, d, 1);
          return false;
        }
        if (Atomics.compareExchange(this.#count, s, n, n + 1) === n) break;
      }
      done.push(s);
    }
    return true;
  }

  /** dec_pid_namespaces(): the namespace was freed. */
  unchargePidNs(chain: readonly UserNsId[]): void {
    for (const id of chain) Atomics.sub(this.#count, this.#slot(id), 1);
  }

  maxPidNamespaces(id: UserNsId): number {
    return Atomics.load(this.#max, this.#slot(id));
  }

  setMaxPidNamespaces(id: UserNsId, value: number): void {
    Atomics.store(this.#max, this.#slot(id), value);
  }

  /** A new user namespace starts with no limit of its own (INT_MAX). */
  initUserNs(id: UserNsId): void {
    const s = this.#slot(id);
    // create_user_ns(): "ns->ucount_max[i] = INT_MAX" - the limits that bind are the ancestors'.
    Atomics.store(this.#max, s, 0x7fffffff);
    Atomics.store(this.#count, s, 0);
  }
}

/** Whether join number `a` was given out no later than `b` (serial-number order: the numbers wrap). */
export function joinedBefore(a: number, b: number): boolean {
  return ((a - b) | 0) <= 0;
}
