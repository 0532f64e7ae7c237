// One PID namespace's number allocator: cyclic, bounded by pid_max, wrapping to
// RESERVED_PIDS, with ns_last_pid and set_tid (SEMANTICS 1.2-1.8, 1.10-1.12).
// It mirrors kernel/pid.c alloc_pid() for a single level and idr_alloc_cyclic().
//
// One allocator serves every level of every transport. Its state lives in
// two buffers, a header (cursor, pid_max, count) and a bitmap, which are
// SharedArrayBuffers when several threads allocate in the same namespace and
// plain ArrayBuffers otherwise; the same Atomics operations run on both. The
// cursor moves by compare-and-swap before a number is claimed, so concurrent
// allocations give exactly the sequences an allocator under one lock could.

import { PID_MAX_LIMIT, RESERVED_PIDS } from './limits.js';
import { wordsFor, type Words } from './words.js';

/** Why one level's allocation failed, as alloc_pid() decides it. */
export type AllocFailure = 'EAGAIN' | 'EEXIST' | 'EINVAL';

/**
 * The memory of an allocator, to hand to another thread (shared) or keep
 * (local). Shared buffers are growable SharedArrayBuffers, grown in place;
 * local ones are plain ArrayBuffers, which a growth replaces (copied) in this
 * object - so every user on the thread must reach them through the same
 * object (PidTable.of()). Plain buffers reserve no address space: growable
 * ones reserve their maximum (about 100 MB for a table's rows) in a memory
 * mapping each, and a program creating namespaces by the thousand ran out of
 * mappings (vm.max_map_count) before the dead tables were collected.
 */
export interface PidSpaceBuffers {
  /** Int32 words: [cursor, pid_max, count, ...words the owner of the buffer adds]. */
  header: SharedArrayBuffer | ArrayBuffer;
  /** One bit per number, growing with the highest number taken (views re-made when they fall short). */
  bits: SharedArrayBuffer | ArrayBuffer;
}

/** A namespace's whole PID table (the allocator's buffers and the rows of who holds each number), as it travels to another actor. */
export interface PidTableBuffers extends PidSpaceBuffers {
  /** Where each page of rows is: slot bits and a directory word per page of numbers (its slot in `rows`, its rows held), growing with the highest page used. */
  pages: SharedArrayBuffer | ArrayBuffer;
  /** Pages of 24-byte rows (who holds a number: key, home, sequence, flags), a slot per page in use. */
  rows: SharedArrayBuffer | ArrayBuffer;
}

/** Words of the header the allocator uses; a user of the same header starts after them. */
export const ALLOCATOR_WORDS = 3;
const CURSOR = 0;
const PID_MAX = 1;
const USED = 2;
/** The bitmap never needs more than this (PID_MAX_LIMIT bits). */
const MAX_BITS_BYTES = 4 * ((PID_MAX_LIMIT >>> 5) + 1);

/**
 * A shared copy of `buf` (a plain buffer no other thread has): a growable
 * SharedArrayBuffer of its length that grows up to `max`, or, with `max` 0,
 * a fixed one. A SharedArrayBuffer is returned as it is.
 */
export function sharedCopy(buf: SharedArrayBuffer | ArrayBuffer, max: number): SharedArrayBuffer {
  if (buf instanceof SharedArrayBuffer) return buf;
  const copy = max > 0 ? new SharedArrayBuffer(buf.byteLength, { maxByteLength: max }) : new SharedArrayBuffer(buf.byteLength);
  new Uint8Array(copy).set(new Uint8Array(buf));
  return copy;
}

/** A buffer of `bytes` that grows up to `max`: a growable SharedArrayBuffer (shared between threads), or a plain ArrayBuffer, grown by growField(). */
export function growableBuffer(bytes: number, max: number, shared: boolean): SharedArrayBuffer | ArrayBuffer {
  return shared ? new SharedArrayBuffer(bytes, { maxByteLength: max }) : new ArrayBuffer(bytes);
}

/**
 * An Int32Array of the whole of `buf` as long as it is now. Views of growable
 * buffers are kept at a fixed length and re-made when an index lies beyond
 * them (the buffer may have grown, on this thread or another): V8 (Node 20)
 * reads and writes a length-tracking view of a growable SharedArrayBuffer
 * several times slower than a fixed one (about 5x for an Atomics load+store).
 */
export function int32View(buf: SharedArrayBuffer | ArrayBuffer): Int32Array {
  return new Int32Array(buf, 0, buf.byteLength >>> 2);
}

/**
 * Grows `holder[field]` to at least `bytes`: a growable SharedArrayBuffer in
 * place (another thread may have grown it further meanwhile), a plain
 * ArrayBuffer by a copy into one twice as large (at least), put in its place.
 */
export function growField<K extends string>(holder: { [k in K]: SharedArrayBuffer | ArrayBuffer }, field: K, bytes: number): void {
  const buf = holder[field];
  if (buf.byteLength >= bytes) return;
  if (buf instanceof SharedArrayBuffer) {
    try {
      buf.grow(bytes);
    } catch (e) {
      if (buf.byteLength < bytes) throw e;
    }
    return;
  }
  const grown = new ArrayBuffer(Math.max(bytes, 2 * buf.byteLength));
  new Uint8Array(grown).set(new Uint8Array(buf));
  holder[field] = grown;
}

export class PidAllocator {
  readonly buffers: PidSpaceBuffers;
  /** The header as Int32 words; its first ALLOCATOR_WORDS are this allocator's (re-made by share()). */
  header: Int32Array;
  /** Bit n set = number n is taken (by a live or zombie process, a group, or a reservation); a fixed-length view, re-made by #reach(). */
  #bits: Int32Array;
  /** Atomics if other threads use these words too, plain reads and writes if only this one (words.ts). */
  #w: Words;

  /**
   * A new allocator (`pidMax`, and `headerWords` >= ALLOCATOR_WORDS words of
   * header, shared between threads or not), or a view of an existing one.
   */
  constructor(from: PidSpaceBuffers | { readonly pidMax: number; readonly shared?: boolean; readonly headerWords?: number }) {
    if ('header' in from) {
      this.buffers = from;
    } else {
      const shared = from.shared === true;
      const words = Math.max(ALLOCATOR_WORDS, from.headerWords ?? ALLOCATOR_WORDS);
      this.buffers = {
        header: shared ? new SharedArrayBuffer(4 * words) : new ArrayBuffer(4 * words),
        bits: growableBuffer(16, MAX_BITS_BYTES, shared),
      };
    }
    this.#w = wordsFor(this.buffers.header);
    this.header = new Int32Array(this.buffers.header);
    this.#bits = int32View(this.buffers.bits);
    if (!('header' in from)) this.#w.store(this.header, PID_MAX, from.pidMax);
  }

  /**
   * Another thread is about to get these buffers: plain ones are replaced,
   * in the buffers object, by shared copies, and read and written with
   * Atomics from now on. Only the thread that has the plain buffers can.
   */
  share(): void {
    if (this.buffers.header instanceof SharedArrayBuffer) return;
    this.buffers.header = sharedCopy(this.buffers.header, 0);
    this.buffers.bits = sharedCopy(this.buffers.bits, MAX_BITS_BYTES);
    this.header = new Int32Array(this.buffers.header);
    this.#bits = int32View(this.buffers.bits);
    this.#w = wordsFor(this.buffers.header);
  }

  get pidMax(): number {
    return this.#w.load(this.header, PID_MAX);
  }

  set pidMax(value: number) {
    this.#w.store(this.header, PID_MAX, value);
  }

  /** How many numbers are taken (the namespace's pid_allocated count, without PIDNS_ADDING). */
  get used(): number {
    return this.#w.load(this.header, USED);
  }

  /** /proc/sys/kernel/ns_last_pid as read: the last number handed out by the cyclic allocator. */
  get lastPid(): number {
    return this.#w.load(this.header, CURSOR) - 1;
  }

  /** Writing ns_last_pid sets the cursor so the next allocation tries value + 1 (SEMANTICS 1.7). */
  set lastPid(value: number) {
    this.#w.store(this.header, CURSOR, value + 1);
  }

  has(nr: number): boolean {
    const w = nr >>> 5;
    return this.#reach(w) && (this.#w.load(this.#bits, w) & (1 << (nr & 31))) !== 0;
  }

  /** Whether bitmap word `w` exists, the view re-made first if the buffer grew past it. */
  #reach(w: number): boolean {
    if (w < this.#bits.length) return true;
    this.#bits = int32View(this.buffers.bits);
    return w < this.#bits.length;
  }

  /**
   * The cyclic allocation of alloc_pid(): search [max(cursor, min), pidMax) then
   * [min, pidMax), where min is RESERVED_PIDS once the cursor has passed it
   * (SEMANTICS 1.3, 1.4). Returns the number, or 'EAGAIN' when the range is full (1.5).
   */
  allocCyclic(): number | 'EAGAIN' {
    const h = this.header;
    for (;;) {
      const cursor = this.#w.load(h, CURSOR);
      const max = this.#w.load(h, PID_MAX);
      const min = cursor > RESERVED_PIDS ? RESERVED_PIDS : 1;
      const start = Math.max(cursor, min);
      let nr = this.#findFree(start, max);
      if (nr < 0 && start > min) nr = this.#findFree(min, max);
      if (nr < 0) {
        // Full, unless another thread moved the cursor (and freed numbers) while we looked.
        if (this.#w.load(h, CURSOR) === cursor) return 'EAGAIN';
        continue;
      }
      // Another allocation moved the cursor meanwhile: look again from where it left it.
      if (this.#w.compareExchange(h, CURSOR, cursor, nr + 1) !== cursor) continue;
      // Taken by an exact allocation (set_tid) since we looked: it counts as taken first.
      if (this.#take(nr)) return nr;
    }
  }

  /**
   * clone3 set_tid for this level (SEMANTICS 1.11): the number must be in
   * [1, pidMax) (EINVAL), and free (EEXIST). The cursor does not move.
   * The "no init yet" and capability rules are the caller's to check.
   */
  allocExact(nr: number): number | AllocFailure {
    if (!Number.isInteger(nr) || nr < 1 || nr >= this.pidMax) return 'EINVAL';
    return this.#take(nr) ? nr : 'EEXIST';
  }

  /**
   * Frees a number (release_task -> free_pid). The cursor does not move.
   * Returns how many numbers are left taken just after this free (other
   * threads' frees and allocations may follow at once).
   */
  free(nr: number): number {
    const w = nr >>> 5;
    const bit = 1 << (nr & 31);
    if (!this.#reach(w) || (this.#w.and(this.#bits, w, ~bit) & bit) === 0) {
      throw new Error(`pid-allocator: free of number ${nr} that is not allocated`);
    }
    return this.#w.sub(this.header, USED, 1) - 1;
  }

  /** Every taken number, ascending (as many as `used` says, unless other threads take or free numbers meanwhile). */
  numbers(): number[] {
    const out: number[] = [];
    const bits = (this.#bits = int32View(this.buffers.bits));
    for (let w = 0; w < bits.length; w++) {
      let word = this.#w.load(bits, w);
      while (word !== 0) {
        const low = word & -word;
        out.push(w * 32 + (31 - Math.clz32(low)));
        word ^= low;
      }
    }
    return out;
  }

  /** Claims bit `nr`; false if it was taken. */
  #take(nr: number): boolean {
    const w = nr >>> 5;
    if (!this.#reach(w)) {
      growField(this.buffers, 'bits', Math.min(MAX_BITS_BYTES, Math.max(4 * (w + 1), 2 * 4 * this.#bits.length)));
      this.#reach(w);
    }
    const bit = 1 << (nr & 31);
    if ((this.#w.or(this.#bits, w, bit) & bit) !== 0) return false;
    this.#w.add(this.header, USED, 1);
    return true;
  }

  /** The first free number in [from, to), or -1. Skips whole taken words; beyond the bitmap everything is free. */
  #findFree(from: number, to: number): number {
    let bits = this.#bits;
    let nr = from;
    while (nr < to) {
      const w = nr >>> 5;
      if (w >= bits.length) {
        if (!this.#reach(w)) return nr;
        bits = this.#bits;
      }
      const word = this.#w.load(bits, w);
      const free = (~word & ~((1 << (nr & 31)) - 1)) >>> 0;
      if (free === 0) {
        nr = (w + 1) * 32;
        continue;
      }
      const found = w * 32 + (31 - Math.clz32(free & -free));
      return found < to ? found : -1;
    }
    return -1;
  }
}
