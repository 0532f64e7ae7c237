// One PID namespace's table: the allocator of its numbers (core's
// PidAllocator, kernel/pid.c alloc_pid() for one level), who holds each
// number, and the namespace's state as other namespaces see it. Every level
// of every namespace has one, in memory a fork or a reap anywhere in the
// namespace's subtree can reach: a fork at depth d takes its d+1 numbers, and
// a reap frees them, in one step of one actor, as alloc_pid() does under one
// lock. With worker threads the buffers are SharedArrayBuffers (handed to
// every actor of the subtree when it is created); inline they are plain.
// Rows are typed arrays indexed by PID, published by an atomic store of
// their flags.

import {
  ALLOCATOR_WORDS,
  PID_MAX_LIMIT,
  PidAllocator,
  growField,
  growableBuffer,
  type AllocFailure,
  type NsId,
  type NsState,
  type PidTableBuffers,
  type ProcKey,
  LOCAL_WORDS,
  wordsFor,
  type Words,
} from '@pidsim/core';

/** Who holds a number, as one table row reads. */
export interface PidEntry {
  readonly key: ProcKey;
  /** The namespace whose actor holds the process record. */
  readonly home: NsId;
  /** A process (live or zombie) still holds the PID; false once only a group/session does. */
  readonly task: boolean;
  /** False while a fork holds the number only as a reservation (invisible, as alloc_pid's NULL idr slot). */
  readonly committed: boolean;
  /** A thread other than its group's leader holds it: /proc's listing and kill(-1) skip it (SEMANTICS 8.1). */
  readonly thread: boolean;
}


/** Header words after the allocator's: creation sequence, namespace state, whether it ever had an init. */
const SEQ = ALLOCATOR_WORDS;
const STATE = ALLOCATOR_WORDS + 1;
const HAS_INIT = ALLOCATOR_WORDS + 2;
const HEADER_WORDS = ALLOCATOR_WORDS + 3;

const STATES: readonly NsState[] = ['no-init', 'active', 'exiting', 'dead'];

/** Bytes of one row: key and home (doubles), sequence and flags (int32). */
const ROW_BYTES = 24;

const PRESENT = 1;
const TASK = 2;
const COMMITTED = 4;
const THREAD = 8;

export class PidTable {
  readonly buffers: PidTableBuffers;
  readonly #alloc: PidAllocator;
  readonly #h: Int32Array;
  /** Atomics if other threads use this table too, plain reads and writes if only this one (core's words.ts). */
  #w: Words;
  // Fixed-length views of the rows, re-made by #reach() when a number lies
  // beyond them (core's int32View() says why not length-tracking). Row nr is
  // 24 bytes: key and home as doubles 3nr and 3nr+1, sequence and flags as
  // int32 words 6nr+4 and 6nr+5 - one buffer (one memory mapping when
  // shared), and a row on one cache line.
  #f64!: Float64Array;
  #i32!: Int32Array;
  /** Rows the views cover. */
  #rows = 0;

  /** This thread's one view of the table `buffers` hold (plain buffers grow by replacement, and share() flips one view: every user must share it). */
  static of(buffers: PidTableBuffers): PidTable {
    let t = VIEWS.get(buffers);
    if (!t) VIEWS.set(buffers, (t = new PidTable(buffers)));
    return t;
  }

  /**
   * Shared buffers that only this thread has: this thread's view reads and
   * writes them plainly until share(). Called before any view of them is made.
   */
  static sole(buffers: PidTableBuffers): void {
    if (VIEWS.has(buffers)) throw new Error('PidTable.sole: this thread already has a view of the table');
    SOLE.add(buffers);
  }

  /** Another thread is about to get `buffers`: this thread's view uses Atomics from now on. */
  static share(buffers: PidTableBuffers): void {
    if (!SOLE.delete(buffers)) return;
    const t = VIEWS.get(buffers);
    if (t) {
      t.#alloc.share();
      t.#w = wordsFor(buffers.header);
    }
  }

  /** Whether this view uses Atomics (the table is, or may be, used by other threads too). */
  get atomic(): boolean {
    return this.#w.shared;
  }

  /** A new table (shared between threads or not), or a view of an existing one. */
  constructor(from: PidTableBuffers | { readonly pidMax: number; readonly shared: boolean }) {
    const sole = 'header' in from && SOLE.has(from);
    if ('header' in from) {
      this.#alloc = new PidAllocator(from, sole);
      this.buffers = from;
    } else {
      const space = new PidAllocator({ pidMax: from.pidMax, shared: from.shared, headerWords: HEADER_WORDS }).buffers;
      this.buffers = { ...space, rows: growableBuffer(ROW_BYTES * 64, ROW_BYTES * PID_MAX_LIMIT, from.shared) };
      // The allocator works on the table's own buffers object, where a growth of plain bits is put.
      this.#alloc = new PidAllocator(this.buffers);
    }
    this.#h = this.#alloc.header;
    this.#w = sole ? LOCAL_WORDS : wordsFor(this.buffers.header);
    this.#views();
  }

  /** Views of the rows as long as the buffer is now. */
  #views(): void {
    const b = this.buffers.rows;
    this.#rows = Math.floor(b.byteLength / ROW_BYTES);
    this.#f64 = new Float64Array(b, 0, 3 * this.#rows);
    this.#i32 = new Int32Array(b, 0, 6 * this.#rows);
  }

  /** Whether row `nr` exists, the views re-made first if the buffers grew past them (here or on another thread). */
  #reach(nr: number): boolean {
    if (nr < this.#rows) return true;
    this.#views();
    return nr < this.#rows;
  }

  get pidMax(): number {
    return this.#alloc.pidMax;
  }

  set pidMax(v: number) {
    this.#alloc.pidMax = v;
  }

  /** /proc/sys/kernel/ns_last_pid. */
  get lastPid(): number {
    return this.#alloc.lastPid;
  }

  set lastPid(v: number) {
    this.#alloc.lastPid = v;
  }

  /** How many numbers are taken (the namespace's pid_allocated count). */
  get used(): number {
    return this.#alloc.used;
  }

  /** The namespace's state, written only by its own actor, read by the actors below it. */
  get state(): NsState {
    return STATES[this.#w.load(this.#h, STATE)]!;
  }

  set state(s: NsState) {
    this.#w.store(this.#h, STATE, STATES.indexOf(s));
  }

  /** PIDNS_ADDING: processes may be added (no init yet, or a living one). */
  get adding(): boolean {
    return this.#w.load(this.#h, STATE) <= 1;
  }

  /** The namespace has (had) an init: a set_tid other than 1 is allowed (1.11). */
  get hasInit(): boolean {
    return this.#w.load(this.#h, HAS_INIT) !== 0;
  }

  set hasInit(v: boolean) {
    this.#w.store(this.#h, HAS_INIT, v ? 1 : 0);
  }

  /** Cyclic allocation, wrapping to RESERVED_PIDS (SEMANTICS 1.3-1.5). */
  allocCyclic(): number | 'EAGAIN' {
    return this.#alloc.allocCyclic();
  }

  /** clone3 set_tid for this level (1.11). */
  allocExact(nr: number): number | AllocFailure {
    return this.#alloc.allocExact(nr);
  }

  get(nr: number): PidEntry | undefined {
    if (nr < 0 || !this.#reach(nr)) return undefined;
    const f = this.#w.load(this.#i32, 6 * nr + 5);
    if ((f & PRESENT) === 0) return undefined;
    return { key: this.#f64[3 * nr]! as ProcKey, home: this.#f64[3 * nr + 1]! as NsId, task: (f & TASK) !== 0, committed: (f & COMMITTED) !== 0, thread: (f & THREAD) !== 0 };
  }

  /** Who holds `nr` (reserved or not, task or group only), without building an entry: for the hot paths. */
  holderOf(nr: number): ProcKey | undefined {
    if (nr < 0 || !this.#reach(nr) || (this.#w.load(this.#i32, 6 * nr + 5) & PRESENT) === 0) return undefined;
    return this.#f64[3 * nr]! as ProcKey;
  }

  /** The process whose PID `nr` is, if a process holds it and its fork is complete (what kill(nr) finds). */
  visibleTask(nr: number): ProcKey | undefined {
    if (nr < 1 || !this.#reach(nr)) return undefined;
    const f = this.#w.load(this.#i32, 6 * nr + 5);
    return (f & (PRESENT | TASK | COMMITTED)) === (PRESENT | TASK | COMMITTED) ? (this.#f64[3 * nr]! as ProcKey) : undefined;
  }

  /** The namespace whose actor holds the record of the process at `nr` (valid after holderOf/visibleTask found it). */
  homeOf(nr: number): NsId {
    return this.#f64[3 * nr + 1]! as NsId;
  }

  /** A fork reserved `nr` for process `key`: held, not yet visible. */
  hold(nr: number, key: ProcKey, home: NsId): void {
    this.#row(nr, key, home, PRESENT | TASK);
  }

  /** Held from boot: taken and visible at once. */
  holdCommitted(nr: number, key: ProcKey, home: NsId): void {
    this.#row(nr, key, home, PRESENT | TASK | COMMITTED);
  }

  #row(nr: number, key: ProcKey, home: NsId, flags: number): void {
    if (!this.#reach(nr)) this.#growRows(nr + 1);
    const d = 3 * nr;
    this.#f64[d] = key;
    this.#f64[d + 1] = home;
    this.#i32[2 * d + 4] = this.#w.add(this.#h, SEQ, 1);
    // The flags publish the row: a reader that sees PRESENT sees its key and home.
    this.#w.store(this.#i32, 2 * d + 5, flags);
  }

  #growRows(slots: number): void {
    const want = Math.min(PID_MAX_LIMIT, Math.max(slots, 2 * this.#rows));
    growField(this.buffers, 'rows', ROW_BYTES * want);
    this.#views();
  }

  /** The fork completed: `nr` is visible. */
  commit(nr: number): void {
    this.#w.or(this.#i32, 6 * nr + 5, COMMITTED);
  }

  /** `nr` is a non-leader thread's TID (set at the thread's commit). */
  markThread(nr: number): void {
    this.#w.or(this.#i32, 6 * nr + 5, THREAD);
  }

  /** The task was reaped but a group or session still uses the number. */
  detach(nr: number): void {
    this.#w.and(this.#i32, 6 * nr + 5, ~TASK);
  }

  /** The number goes back to the allocator. */
  release(nr: number): void {
    if (this.#reach(nr)) this.#w.store(this.#i32, 6 * nr + 5, 0);
    this.#alloc.free(nr);
  }

  /**
   * The bytes this table's buffers hold now (benchmarks): `total`, and of it
   * the `resizable` part, in buffers that grow with the highest number taken,
   * which process.memoryUsage().arrayBuffers does not count.
   */
  memoryBytes(): { readonly total: number; readonly resizable: number } {
    let total = 0;
    let resizable = 0;
    for (const b of Object.values(this.buffers) as (SharedArrayBuffer | ArrayBuffer)[]) {
      total += b.byteLength;
      if (b instanceof SharedArrayBuffer ? b.growable : b.resizable) resizable += b.byteLength;
    }
    return { total, resizable };
  }

  /** memoryBytes() summed over `tables`, named as a transport's usage() reports them. */
  static memoryOf(tables: Iterable<PidTable>): { readonly pidTableBytes: number; readonly pidTableResizableBytes: number } {
    let pidTableBytes = 0;
    let pidTableResizableBytes = 0;
    for (const t of tables) {
      const m = t.memoryBytes();
      pidTableBytes += m.total;
      pidTableResizableBytes += m.resizable;
    }
    return { pidTableBytes, pidTableResizableBytes };
  }

  /** `nr` is a non-leader thread's TID (valid after visibleTask found it). */
  isThread(nr: number): boolean {
    return (this.#w.load(this.#i32, 6 * nr + 5) & THREAD) !== 0;
  }

  /**
   * Every taken number with a row, in the order they were taken
   * (for_each_process() order), as one sort of packed numbers: each row's
   * creation sequence times 2^22 (> PID_MAX_LIMIT) plus the number.
   */
  numbersInOrder(): Float64Array {
    const taken = this.#alloc.numbers();
    const packed = new Float64Array(taken.length);
    let n = 0;
    for (const nr of taken) {
      if (this.#reach(nr) && (this.#w.load(this.#i32, 6 * nr + 5) & PRESENT) !== 0) packed[n++] = this.#i32[6 * nr + 4]! * NR_SPAN + nr;
    }
    const rows = packed.subarray(0, n).sort();
    for (let i = 0; i < n; i++) rows[i] = rows[i]! - Math.floor(rows[i]! / NR_SPAN) * NR_SPAN;
    return rows;
  }

  /** Every taken number with a row and who holds it, in the order they were taken (numbersInOrder()). */
  *entries(): IterableIterator<[number, PidEntry]> {
    for (const nr of this.numbersInOrder()) {
      const e = this.get(nr);
      if (e) yield [nr, e];
    }
  }
}

/** Each thread's view of each table it reaches (PidTable.of()). */
const VIEWS = new WeakMap<PidTableBuffers, PidTable>();
/** Shared tables no other thread has yet (PidTable.sole()). */
const SOLE = new WeakSet<PidTableBuffers>();

/** Above every PID (PID_MAX_LIMIT is 2^22): a row's sequence and number packed in one double sort by sequence. */
const NR_SPAN = 2 ** 22;
