// Kernel-wide tables that are not any one namespace's: the inode numbers of
// namespaces (an ida: lowest free first, so freed numbers are reused,
// SEMANTICS 2.13) and the per-user-namespace count and limit of PID
// namespaces (/proc/sys/user/max_pid_namespaces, 2.12). They live in a
// SharedArrayBuffer updated with Atomics, so actors on any worker thread share
// them without a round trip.

import { FIRST_DYNAMIC_INODE, type UserNsId } from '@pidsim/core';

/** How many namespace inodes may be in use at once. */
const INODE_SLOTS = 1 << 22;
/** How many user namespaces the tables can count for. */
const USER_NS_SLOTS = 1 << 16;
/** /proc/sys/user/max_pid_namespaces on the lab machine (SEMANTICS 2.12). */
export const DEFAULT_MAX_PID_NAMESPACES = 96364;

export class KernelTables {
  readonly buffer: SharedArrayBuffer;
  /** Bit i set = inode FIRST_DYNAMIC_INODE + i is in use. */
  readonly #inodes: Int32Array;
  /** Live PID namespaces owned by each user namespace or its descendants. */
  readonly #count: Int32Array;
  /** max_pid_namespaces of each user namespace. */
  readonly #max: Int32Array;

  constructor(buffer?: SharedArrayBuffer) {
    const inodeWords = INODE_SLOTS / 32;
    this.buffer = buffer ?? new SharedArrayBuffer(4 * (inodeWords + 2 * USER_NS_SLOTS));
    this.#inodes = new Int32Array(this.buffer, 0, inodeWords);
    this.#count = new Int32Array(this.buffer, 4 * inodeWords, USER_NS_SLOTS);
    this.#max = new Int32Array(this.buffer, 4 * (inodeWords + USER_NS_SLOTS), USER_NS_SLOTS);
    if (!buffer) this.#max.fill(DEFAULT_MAX_PID_NAMESPACES);
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

  /** A new user namespace starts with the default limit. */
  initUserNs(id: UserNsId): void {
    const s = this.#slot(id);
    Atomics.store(this.#max, s, DEFAULT_MAX_PID_NAMESPACES);
    Atomics.store(this.#count, s, 0);
  }
}
