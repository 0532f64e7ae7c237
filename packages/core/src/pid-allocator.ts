// One PID namespace's number allocator: cyclic, bounded by pid_max, wrapping to
// RESERVED_PIDS, with ns_last_pid and set_tid (SEMANTICS 1.2-1.8, 1.10-1.12).
// It mirrors kernel/pid.c alloc_pid() for a single level and idr_alloc_cyclic().

import { PID_MAX_LIMIT, RESERVED_PIDS } from './limits.js';

/** Why one level's allocation failed, as alloc_pid() decides it. */
export type AllocFailure = 'EAGAIN' | 'EEXIST' | 'EINVAL';

export class PidAllocator {
  /** Bit n set = number n is taken (by a live or zombie process, a group, or a reservation). */
  #words: Uint32Array;
  /** idr cursor: the next number to try (last allocated + 1). ns_last_pid = cursor - 1. */
  #cursor = 0;
  /** Numbers are < pidMax. */
  #pidMax: number;
  /** How many numbers are taken (the namespace's pid_allocated count, without PIDNS_ADDING). */
  #used = 0;

  constructor(pidMax: number) {
    this.#pidMax = pidMax;
    this.#words = new Uint32Array(4);
  }

  get pidMax(): number {
    return this.#pidMax;
  }

  set pidMax(value: number) {
    this.#pidMax = value;
  }

  /** How many numbers are taken. */
  get used(): number {
    return this.#used;
  }

  /** /proc/sys/kernel/ns_last_pid as read: the last number handed out by the cyclic allocator. */
  get lastPid(): number {
    return this.#cursor - 1;
  }

  /** Writing ns_last_pid sets the cursor so the next allocation tries value + 1 (SEMANTICS 1.7). */
  set lastPid(value: number) {
    this.#cursor = value + 1;
  }

  has(nr: number): boolean {
    const w = nr >>> 5;
    return w < this.#words.length && (this.#words[w]! & (1 << (nr & 31))) !== 0;
  }

  /**
   * The cyclic allocation of alloc_pid(): search [max(cursor, min), pidMax) then
   * [min, pidMax), where min is RESERVED_PIDS once the cursor has passed it
   * (SEMANTICS 1.3, 1.4). Returns the number, or 'EAGAIN' when the range is full (1.5).
   */
  allocCyclic(): number | 'EAGAIN' {
    const min = this.#cursor > RESERVED_PIDS ? RESERVED_PIDS : 1;
    const start = Math.max(this.#cursor, min);
    let nr = this.#findFree(start, this.#pidMax);
    if (nr < 0 && start > min) nr = this.#findFree(min, this.#pidMax);
    if (nr < 0) return 'EAGAIN';
    this.#take(nr);
    this.#cursor = nr + 1;
    return nr;
  }

  /**
   * clone3 set_tid for this level (SEMANTICS 1.11): the number must be in
   * [1, pidMax) (EINVAL), and free (EEXIST). The cursor does not move.
   * The "no init yet" and capability rules are the caller's to check.
   */
  allocExact(nr: number): number | AllocFailure {
    if (!Number.isInteger(nr) || nr < 1 || nr >= this.#pidMax) return 'EINVAL';
    if (this.has(nr)) return 'EEXIST';
    this.#take(nr);
    return nr;
  }

  /** Frees a number (release_task -> free_pid). The cursor does not move. */
  free(nr: number): void {
    const w = nr >>> 5;
    const bit = 1 << (nr & 31);
    if (w >= this.#words.length || (this.#words[w]! & bit) === 0) {
      throw new Error(`pid-allocator: free of number ${nr} that is not allocated`);
    }
    this.#words[w] = (this.#words[w]! & ~bit) >>> 0;
    this.#used--;
  }

  /** Every taken number, ascending. */
  *numbers(): IterableIterator<number> {
    const words = this.#words;
    for (let w = 0; w < words.length; w++) {
      let bits = words[w]!;
      while (bits !== 0) {
        const low = bits & -bits;
        yield w * 32 + (31 - Math.clz32(low));
        bits = (bits ^ low) >>> 0;
      }
    }
  }

  #take(nr: number): void {
    const w = nr >>> 5;
    if (w >= this.#words.length) {
      let size = this.#words.length;
      while (size <= w) size *= 2;
      const grown = new Uint32Array(Math.min(size, (PID_MAX_LIMIT >>> 5) + 1));
      grown.set(this.#words);
      this.#words = grown;
    }
    this.#words[w] = (this.#words[w]! | (1 << (nr & 31))) >>> 0;
    this.#used++;
  }

  /** First free number in [from, to), or -1. Skips whole taken words. */
  #findFree(from: number, to: number): number {
    const words = this.#words;
    let nr = from;
    while (nr < to) {
      const w = nr >>> 5;
      if (w >= words.length) return nr; // beyond the bitmap everything is free
      const word = words[w]!;
      if (word === 0xffffffff) {
        nr = (w + 1) * 32;
        continue;
      }
      const free = ~word >>> 0;
      // Mask off bits below nr within this word.
      const masked = (free & ~((1 << (nr & 31)) - 1)) >>> 0;
      if (masked === 0) {
        nr = (w + 1) * 32;
        continue;
      }
      const found = w * 32 + (31 - Math.clz32(masked & -masked));
      return found < to ? found : -1;
    }
    return -1;
  }
}
