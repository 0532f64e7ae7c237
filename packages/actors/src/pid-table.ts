// One PID namespace's table: the allocator of its numbers (core's
// PidAllocator, kernel/pid.c alloc_pid() for one level), who holds each
// number, and the namespace's state as other namespaces see it. Every level
// of every namespace has one, in memory a fork or a reap anywhere in the
// namespace's subtree can reach: a fork at depth d takes its d+1 numbers, and
// a reap frees them, in one step of one actor, as alloc_pid() does under one
// lock. Its buffers are plain while one thread has them (inline, or a chain
// on one worker) and growable SharedArrayBuffers once a worker hands them to
// another (PidTable.share()). Rows are kept in pages of 64 numbers, for the
// pages in use; a row is published by an atomic store of its flags.

import {
  ALLOCATOR_WORDS,
  PID_MAX_LIMIT,
  PidAllocator,
  growField,
  growableBuffer,
  int32View,
  sharedCopy,
  type AllocFailure,
  type NsId,
  type NsState,
  type PidTableBuffers,
  type ProcKey,
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

const STATES: readonly NsState[] = ['no-init', 'active', 'exiting', 'dead'];

/** Bytes of one row: key and home (doubles), sequence and flags (int32). */
const ROW_BYTES = 24;

// Rows live in pages of PAGE_ROWS consecutive numbers, and in a local table
// a page exists only while a number of it holds a row: the cursor sweeps up
// to pid_max (4,194,304 in a nested namespace), and rows indexed by the
// number itself made every fork write fresh memory at every level. The `pages` buffer
// says where each page is, in groups of 33 words: a word of slot bits (bit
// b of group g: slot 32g+b of the rows buffer holds a page), then the
// directory words of pages 32g..32g+31 (the page's slot + 1 and how many of
// its rows are held; 0: no page). A slot goes back when its page's count
// falls to 0. When every slot is taken, the buffer grows by a group.
//
// A shared table keeps every page it gets and counts nothing: two workers
// forking in one namespace take neighbouring numbers, and a
// compare-and-swap on their page's word at every fork and reap made them
// wait on each other (two sibling namespaces on W=2 ran at 0.80-0.85x of
// the table without pages; keeping pages, 0.90-0.96x). Its pages follow
// the highest number taken, as all rows did before pages.
const PAGE_SHIFT = 6;
const PAGE_ROWS = 1 << PAGE_SHIFT;
const PAGE_MASK = PAGE_ROWS - 1;
const PAGE_BYTES = ROW_BYTES * PAGE_ROWS;
/** Pages of PID_MAX_LIMIT numbers: the most slots a table can use. */
const MAX_PAGES = PID_MAX_LIMIT >>> PAGE_SHIFT;
const GROUP_WORDS = 33;
/** A directory word: (slot + 1) << COUNT_BITS | rows held in the page. */
const COUNT_BITS = PAGE_SHIFT + 1;
const COUNT_MASK = (1 << COUNT_BITS) - 1;
const HEADER_WORDS = ALLOCATOR_WORDS + 3;
/** Groups a pages buffer may have: one more than MAX_PAGES needs, for the slots other threads hold while they lose a race for a page. */
const MAX_GROUPS = MAX_PAGES / 32 + 1;
const PAGES_MAX_BYTES = 4 * GROUP_WORDS * MAX_GROUPS;
const ROWS_MAX_BYTES = PAGE_BYTES * 32 * MAX_GROUPS;

/** The word of page `page` in the pages buffer. */
function dirWord(page: number): number {
  return GROUP_WORDS * (page >>> 5) + 1 + (page & 31);
}

const PRESENT = 1;
const TASK = 2;
const COMMITTED = 4;
const THREAD = 8;
/** The flags word holds its page's number above the flags: a row read through a slot since reused says so. */
const TAG_SHIFT = 4;

/** Whether a row with flags `f`, found through page `page`'s slot, holds a number of that page. */
function holds(f: number, page: number): boolean {
  return (f & PRESENT) !== 0 && f >>> TAG_SHIFT === page;
}

export class PidTable {
  readonly buffers: PidTableBuffers;
  readonly #alloc: PidAllocator;
  #h: Int32Array;
  /** Atomics if other threads use this table too, plain reads and writes if only this one (core's words.ts). */
  #w: Words;
  // Fixed-length views of the rows, re-made by #reach() when a row lies
  // beyond them (core's int32View() says why not length-tracking). Row r
  // (slot * 64 + the number's place in its page) is 24 bytes: key and home
  // as doubles 3r and 3r+1, sequence and flags as int32 words 6r+4 and
  // 6r+5 - one buffer (one memory mapping when shared).
  #f64!: Float64Array;
  #i32!: Int32Array;
  /** Rows the views cover. */
  #rows = 0;
  /** The pages buffer: slot bits and page directory (a fixed-length view, re-made by #reachPage()). */
  #dir!: Int32Array;
  /** The number #rowOf() last found, and its row (homeOf() follows a lookup of the same number). */
  #lastNr = -1;
  #lastRow = -1;

  /** This thread's one view of the table `buffers` hold (plain buffers grow by replacement, and share() turns one view to Atomics: every user must share it). */
  static of(buffers: PidTableBuffers): PidTable {
    let t = VIEWS.get(buffers);
    if (!t) VIEWS.set(buffers, (t = new PidTable(buffers)));
    return t;
  }

  /**
   * Another thread is about to get the table `buffers` hold: if they are
   * plain (this thread's own so far), they are replaced in place by shared
   * copies, and this thread's view uses Atomics from now on.
   */
  static share(buffers: PidTableBuffers): void {
    if (buffers.header instanceof SharedArrayBuffer) return;
    const t = PidTable.of(buffers);
    t.#alloc.share();
    buffers.pages = sharedCopy(buffers.pages, PAGES_MAX_BYTES);
    buffers.rows = sharedCopy(buffers.rows, ROWS_MAX_BYTES);
    t.#h = t.#alloc.header;
    t.#w = wordsFor(buffers.header);
    t.#views();
  }

  /** Whether this view uses Atomics (the table is, or may be, used by other threads too). */
  get atomic(): boolean {
    return this.#w.shared;
  }

  /** A new table (shared between threads or not), or a view of an existing one. */
  constructor(from: PidTableBuffers | { readonly pidMax: number; readonly shared: boolean }) {
    if ('header' in from) {
      this.#alloc = new PidAllocator(from);
      this.buffers = from;
    } else {
      const space = new PidAllocator({ pidMax: from.pidMax, shared: from.shared, headerWords: HEADER_WORDS }).buffers;
      this.buffers = {
        ...space,
        pages: growableBuffer(4 * GROUP_WORDS, PAGES_MAX_BYTES, from.shared),
        rows: growableBuffer(PAGE_BYTES, ROWS_MAX_BYTES, from.shared),
      };
      // The allocator works on the table's own buffers object, where a growth of plain bits is put.
      this.#alloc = new PidAllocator(this.buffers);
    }
    this.#h = this.#alloc.header;
    this.#w = wordsFor(this.buffers.header);
    this.#views();
  }

  /** Views of the rows and the page directory as long as the buffers are now. */
  #views(): void {
    const b = this.buffers.rows;
    this.#rows = Math.floor(b.byteLength / ROW_BYTES);
    this.#f64 = new Float64Array(b, 0, 3 * this.#rows);
    this.#i32 = new Int32Array(b, 0, 6 * this.#rows);
    this.#dir = int32View(this.buffers.pages);
  }

  /** Whether row `row` exists, the views re-made first if the buffers grew past them (here or on another thread). */
  #reach(row: number): boolean {
    if (row < this.#rows) return true;
    this.#views();
    return row < this.#rows;
  }

  /** Whether word `i` of the pages buffer exists, the views re-made first if need be. */
  #reachPage(i: number): boolean {
    if (i < this.#dir.length) return true;
    this.#views();
    return i < this.#dir.length;
  }

  /** The row of `nr` if a row holds it, else -1. */
  #rowOf(nr: number): number {
    const page = nr >>> PAGE_SHIFT;
    const i = dirWord(page);
    if (nr < 0 || !this.#reachPage(i)) return -1;
    const v = this.#w.load(this.#dir, i);
    if (v === 0) return -1;
    const row = ((v >>> COUNT_BITS) - 1) * PAGE_ROWS + (nr & PAGE_MASK);
    if (!this.#reach(row)) return -1;
    const f = this.#w.load(this.#i32, 6 * row + 5);
    if (!holds(f, page)) return -1;
    this.#lastNr = nr;
    this.#lastRow = row;
    return row;
  }

  /**
   * The row for `nr`, which this thread took and which has none yet: its
   * page counts one more row, and gets a slot if it had none.
   */
  #attach(nr: number): number {
    const i = dirWord(nr >>> PAGE_SHIFT);
    if (!this.#reachPage(i)) {
      const groups = Math.max((i + GROUP_WORDS) / GROUP_WORDS, (2 * this.#dir.length) / GROUP_WORDS) | 0;
      growField(this.buffers, 'pages', 4 * GROUP_WORDS * Math.min(MAX_GROUPS, groups));
      this.#views();
    }
    for (;;) {
      const v = this.#w.load(this.#dir, i);
      if (v !== 0) {
        // A local table counts the page's rows; a shared one keeps its pages and only reads the word.
        if (!this.#w.shared && this.#w.compareExchange(this.#dir, i, v, v + 1) !== v) continue;
        // Another thread may have put the page where this thread's views do not reach yet.
        const row = ((v >>> COUNT_BITS) - 1) * PAGE_ROWS + (nr & PAGE_MASK);
        if (!this.#reach(row)) throw new Error(`PidTable: row ${row} of page ${nr >>> PAGE_SHIFT} lies beyond the rows buffer`);
        return row;
      }
      const slot = this.#claimSlot();
      if (this.#w.compareExchange(this.#dir, i, 0, ((slot + 1) << COUNT_BITS) | 1) === 0) return slot * PAGE_ROWS + (nr & PAGE_MASK);
      this.#freeSlot(slot);
    }
  }

  /** A row of page `page` is gone: the page counts one fewer, and gives its slot back at 0. */
  #detachRow(page: number): void {
    const i = dirWord(page);
    for (;;) {
      const v = this.#w.load(this.#dir, i);
      const next = (v & COUNT_MASK) === 1 ? 0 : v - 1;
      if (this.#w.compareExchange(this.#dir, i, v, next) !== v) continue;
      if (next === 0) this.#freeSlot((v >>> COUNT_BITS) - 1);
      return;
    }
  }

  #freeSlot(slot: number): void {
    this.#w.and(this.#dir, GROUP_WORDS * (slot >>> 5), ~(1 << (slot & 31)));
  }

  /** The lowest free slot of the rows buffer, taken; the buffer grows to hold it. */
  #claimSlot(): number {
    for (let g = 0; ; g++) {
      if (!this.#reachPage(GROUP_WORDS * g)) {
        // Every slot is taken: each holds a page, or another thread holds one while it loses a race for a page.
        if (g >= MAX_GROUPS) throw new Error('PidTable: no free page slot');
        growField(this.buffers, 'pages', 4 * GROUP_WORDS * (g + 1));
        this.#views();
      }
      const word = this.#w.load(this.#dir, GROUP_WORDS * g);
      if (word === -1) continue;
      const bit = ~word & (word + 1);
      if ((this.#w.or(this.#dir, GROUP_WORDS * g, bit) & bit) !== 0) {
        g--; // another thread took it: look at this word again
        continue;
      }
      const slot = 32 * g + (31 - Math.clz32(bit));
      const rows = (slot + 1) * PAGE_ROWS;
      if (!this.#reach(rows - 1)) {
        growField(this.buffers, 'rows', Math.min(ROWS_MAX_BYTES, ROW_BYTES * Math.max(rows, 2 * this.#rows)));
        this.#views();
      }
      return slot;
    }
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
    const row = this.#rowOf(nr);
    if (row < 0) return undefined;
    const f = this.#w.load(this.#i32, 6 * row + 5);
    return { key: this.#f64[3 * row]! as ProcKey, home: this.#f64[3 * row + 1]! as NsId, task: (f & TASK) !== 0, committed: (f & COMMITTED) !== 0, thread: (f & THREAD) !== 0 };
  }

  /** Who holds `nr` (reserved or not, task or group only), without building an entry: for the hot paths. */
  holderOf(nr: number): ProcKey | undefined {
    const row = this.#rowOf(nr);
    return row < 0 ? undefined : (this.#f64[3 * row]! as ProcKey);
  }

  /** The process whose PID `nr` is, if a process holds it and its fork is complete (what kill(nr) finds). */
  visibleTask(nr: number): ProcKey | undefined {
    const row = nr < 1 ? -1 : this.#rowOf(nr);
    if (row < 0) return undefined;
    const f = this.#w.load(this.#i32, 6 * row + 5);
    return (f & (TASK | COMMITTED)) === (TASK | COMMITTED) ? (this.#f64[3 * row]! as ProcKey) : undefined;
  }

  /** The namespace whose actor holds the record of the process at `nr` (valid after holderOf/visibleTask found it). */
  homeOf(nr: number): NsId {
    const row = nr === this.#lastNr ? this.#lastRow : this.#rowOf(nr);
    if (row < 0) throw new Error(`PidTable.homeOf: no row holds ${nr}`);
    return this.#f64[3 * row + 1]! as NsId;
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
    let row = this.#rowOf(nr);
    if (row < 0) row = this.#attach(nr);
    const d = 3 * row;
    this.#f64[d] = key;
    this.#f64[d + 1] = home;
    this.#i32[2 * d + 4] = this.#w.add(this.#h, SEQ, 1);
    // The flags publish the row: a reader that sees PRESENT (and its page) sees its key and home.
    this.#w.store(this.#i32, 2 * d + 5, flags | ((nr >>> PAGE_SHIFT) << TAG_SHIFT));
  }

  /** The fork completed: `nr` is visible. */
  commit(nr: number): void {
    this.#w.or(this.#i32, 6 * this.#rowOf(nr) + 5, COMMITTED);
  }

  /** `nr` is a non-leader thread's TID (set at the thread's commit). */
  markThread(nr: number): void {
    this.#w.or(this.#i32, 6 * this.#rowOf(nr) + 5, THREAD);
  }

  /** The task was reaped but a group or session still uses the number. */
  detach(nr: number): void {
    this.#w.and(this.#i32, 6 * this.#rowOf(nr) + 5, ~TASK);
  }

  /** The number goes back to the allocator. */
  release(nr: number): number {
    const row = this.#rowOf(nr);
    if (row >= 0) {
      this.#w.store(this.#i32, 6 * row + 5, 0);
      if (!this.#w.shared) this.#detachRow(nr >>> PAGE_SHIFT);
      this.#lastNr = -1;
    }
    return this.#alloc.free(nr);
  }

  /**
   * The bytes this table's buffers hold now (benchmarks): `total`, and of it
   * the `resizable` part, in growable shared buffers (a shared table's
   * bitmap, directory and rows grow with the highest number taken), which
   * process.memoryUsage().arrayBuffers does not count.
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
    return (this.#w.load(this.#i32, 6 * this.#rowOf(nr) + 5) & THREAD) !== 0;
  }

  /**
   * Every taken number with a row, in the order they were taken
   * (for_each_process() order), as one sort of packed numbers: each row's
   * creation sequence times 2^22 (> PID_MAX_LIMIT) plus the number.
   *
   * It walks the pages, not the allocator's bits and a lookup per number,
   * and reads plainly: a namespace's teardown calls it once, so it may run
   * unoptimized over 100,000 rows, where a call per word cost 10 ms; and on a
   * shared table it is a snapshot that races with other threads whatever it
   * reads with (a row another thread is writing now may be missed).
   */
  numbersInOrder(): Float64Array {
    this.#views();
    const dir = this.#dir;
    const i32 = this.#i32;
    let packed = new Float64Array(Math.max(PAGE_ROWS, this.used));
    let n = 0;
    const pages = Math.floor(dir.length / GROUP_WORDS) * 32;
    for (let page = 0; page < pages; page++) {
      const v = dir[dirWord(page)]!;
      if (v === 0) continue;
      const first = ((v >>> COUNT_BITS) - 1) * PAGE_ROWS;
      if (first + PAGE_ROWS > this.#rows) continue;
      for (let r = 0; r < PAGE_ROWS; r++) {
        const f = i32[6 * (first + r) + 5]!;
        if (!holds(f, page)) continue;
        if (n === packed.length) {
          const more = new Float64Array(2 * n);
          more.set(packed);
          packed = more;
        }
        packed[n++] = i32[6 * (first + r) + 4]! * NR_SPAN + ((page << PAGE_SHIFT) | r);
      }
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

/** Above every PID (PID_MAX_LIMIT is 2^22): a row's sequence and number packed in one double sort by sequence. */
const NR_SPAN = 2 ** 22;
