// The root namespace's PID table in shared memory. Every process has a root
// PID, so the actor of any nested namespace takes, commits and frees its root
// numbers itself, on its own worker thread, instead of sending each fork and
// each reap to the root's worker and back. The bitmap and the cursor are
// claimed with Atomics (compare-and-swap), so concurrent allocations are
// exactly the sequences a cyclic allocator under a lock could give; the rows
// are typed arrays indexed by PID, published by an atomic store of their flags.

import { PID_MAX_LIMIT, RESERVED_PIDS, type AllocFailure, type NsId, type NsRef, type ProcKey } from '@pidsim/core';
import type { PidEntry, PidTable } from './pid-table.js';
import type { Level } from './namespace-actor.js';

const CURSOR = 0;
const PID_MAX = 1;
const USED = 2;
const SEQ = 3;

const PRESENT = 1;
const TASK = 2;
const COMMITTED = 4;

/** The shared memory of a SharedPidTable, to hand to another thread. */
export interface SharedPidTableBuffers {
  readonly header: SharedArrayBuffer;
  readonly bits: SharedArrayBuffer;
  readonly key: SharedArrayBuffer;
  readonly home: SharedArrayBuffer;
  readonly seq: SharedArrayBuffer;
  readonly flags: SharedArrayBuffer;
}

function growable(bytes: number, max: number): SharedArrayBuffer {
  return new SharedArrayBuffer(bytes, { maxByteLength: max });
}

/** The root namespace as a Level: never exiting, its init booted first. */
export function rootLevel(ns: NsRef, table: PidTable, initKey: ProcKey): Level {
  return { id: ns.id, level: 0, chain: ns.chain, ref: ns, table, adding: true, initKey };
}

export class SharedPidTable implements PidTable {
  readonly buffers: SharedPidTableBuffers;
  /** [cursor, pid_max, used, creation sequence] */
  readonly #h: Int32Array;
  readonly #bits: Int32Array;
  readonly #key: Float64Array;
  readonly #home: Float64Array;
  readonly #seq: Int32Array;
  readonly #flags: Int32Array;

  constructor(from: SharedPidTableBuffers | { pidMax: number }) {
    if ('header' in from) {
      this.buffers = from;
    } else {
      const slots = from.pidMax;
      this.buffers = {
        header: new SharedArrayBuffer(16),
        bits: growable(4 * ((slots >>> 5) + 1), 4 * ((PID_MAX_LIMIT >>> 5) + 1)),
        key: growable(8 * slots, 8 * PID_MAX_LIMIT),
        home: growable(8 * slots, 8 * PID_MAX_LIMIT),
        seq: growable(4 * slots, 4 * PID_MAX_LIMIT),
        flags: growable(4 * slots, 4 * PID_MAX_LIMIT),
      };
    }
    const b = this.buffers;
    this.#h = new Int32Array(b.header);
    // Length-tracking views: they follow the buffers as they grow, on every thread.
    this.#bits = new Int32Array(b.bits);
    this.#key = new Float64Array(b.key);
    this.#home = new Float64Array(b.home);
    this.#seq = new Int32Array(b.seq);
    this.#flags = new Int32Array(b.flags);
    if (!('header' in from)) Atomics.store(this.#h, PID_MAX, from.pidMax);
  }

  get pidMax(): number {
    return Atomics.load(this.#h, PID_MAX);
  }

  /** Raising pid_max first grows the rows so every number below it has one. */
  set pidMax(v: number) {
    const b = this.buffers;
    const grow = (buf: SharedArrayBuffer, bytes: number): void => {
      if (buf.byteLength < bytes) buf.grow(bytes);
    };
    grow(b.bits, 4 * ((v >>> 5) + 1));
    grow(b.key, 8 * v);
    grow(b.home, 8 * v);
    grow(b.seq, 4 * v);
    grow(b.flags, 4 * v);
    Atomics.store(this.#h, PID_MAX, v);
  }

  get lastPid(): number {
    return Atomics.load(this.#h, CURSOR) - 1;
  }

  set lastPid(v: number) {
    Atomics.store(this.#h, CURSOR, v + 1);
  }

  get used(): number {
    return Atomics.load(this.#h, USED);
  }

  /**
   * The cursor moves by compare-and-swap before the number is claimed, so
   * concurrent forks on several threads get what forks in some order under
   * one lock would (a plain store could move the cursor backwards, and a
   * freed number would come back before the wrap).
   */
  allocCyclic(): number | 'EAGAIN' {
    for (;;) {
      const cursor = Atomics.load(this.#h, CURSOR);
      const max = this.pidMax;
      const min = cursor > RESERVED_PIDS ? RESERVED_PIDS : 1;
      const start = Math.max(cursor, min);
      let nr = this.#findFree(start, max);
      if (nr < 0 && start > min) nr = this.#findFree(min, max);
      if (nr < 0) {
        // Full, unless someone moved the cursor (and freed numbers) while we looked.
        if (Atomics.load(this.#h, CURSOR) === cursor) return 'EAGAIN';
        continue;
      }
      // Another fork took a number meanwhile: look again from where it left the cursor.
      if (Atomics.compareExchange(this.#h, CURSOR, cursor, nr + 1) !== cursor) continue;
      // Claimed by an exact allocation (set_tid) since we looked: it counts as taken first.
      if (this.#take(nr)) return nr;
    }
  }

  allocExact(nr: number): number | AllocFailure {
    if (!Number.isInteger(nr) || nr < 1 || nr >= this.pidMax) return 'EINVAL';
    return this.#take(nr) ? nr : 'EEXIST';
  }

  /** Claims bit `nr`; false if it was taken. */
  #take(nr: number): boolean {
    const w = nr >>> 5;
    const bit = 1 << (nr & 31);
    for (;;) {
      const word = Atomics.load(this.#bits, w);
      if ((word & bit) !== 0) return false;
      if (Atomics.compareExchange(this.#bits, w, word, word | bit) === word) {
        Atomics.add(this.#h, USED, 1);
        return true;
      }
    }
  }

  /** The first free number in [from, to), or -1 (not claimed: allocCyclic claims after moving the cursor). */
  #findFree(from: number, to: number): number {
    let nr = from;
    while (nr < to) {
      const w = nr >>> 5;
      const word = Atomics.load(this.#bits, w);
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

  get(nr: number): PidEntry | undefined {
    if (nr < 0 || nr >= this.#flags.length) return undefined;
    const f = Atomics.load(this.#flags, nr);
    if ((f & PRESENT) === 0) return undefined;
    return { key: this.#key[nr]! as ProcKey, home: this.#home[nr]! as NsId, task: (f & TASK) !== 0, committed: (f & COMMITTED) !== 0 };
  }

  hold(nr: number, key: ProcKey, home: NsId): void {
    this.#row(nr, key, home, PRESENT | TASK);
  }

  holdCommitted(nr: number, key: ProcKey, home: NsId): void {
    this.#row(nr, key, home, PRESENT | TASK | COMMITTED);
  }

  #row(nr: number, key: ProcKey, home: NsId, flags: number): void {
    this.#key[nr] = key;
    this.#home[nr] = home;
    this.#seq[nr] = Atomics.add(this.#h, SEQ, 1);
    // The flags publish the row: a reader that sees PRESENT sees its key and home.
    Atomics.store(this.#flags, nr, flags);
  }

  commit(nr: number): void {
    Atomics.or(this.#flags, nr, COMMITTED);
  }

  detach(nr: number): void {
    Atomics.and(this.#flags, nr, ~TASK);
  }

  release(nr: number): void {
    Atomics.store(this.#flags, nr, 0);
    const w = nr >>> 5;
    const bit = 1 << (nr & 31);
    if ((Atomics.and(this.#bits, w, ~bit) & bit) === 0) throw new Error(`shared-pid-table: free of number ${nr} that is not allocated`);
    Atomics.sub(this.#h, USED, 1);
  }

  *entries(): IterableIterator<[number, PidEntry]> {
    const rows: [number, number][] = [];
    const words = this.#bits.length;
    for (let w = 0; w < words; w++) {
      let bits = Atomics.load(this.#bits, w);
      while (bits !== 0) {
        const low = bits & -bits;
        const nr = w * 32 + (31 - Math.clz32(low));
        bits = (bits ^ low) | 0;
        if (nr < this.#flags.length && (Atomics.load(this.#flags, nr) & PRESENT) !== 0) rows.push([this.#seq[nr]!, nr]);
      }
    }
    rows.sort((x, y) => x[0] - y[0]);
    for (const [, nr] of rows) {
      const e = this.get(nr);
      if (e) yield [nr, e];
    }
  }
}
