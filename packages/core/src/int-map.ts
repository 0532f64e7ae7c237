// IntMap, a Map for integer keys (process keys) that keeps insertion order,
// as Map does, and that a long run of inserts and deletes does not turn into
// garbage-collector work.
//
// Why not Map: when V8 rehashes a Map's table it leaves the old table pointing
// to the new one. Once a full collection has moved a busy table (the children
// of a reaper, the processes of a namespace) to the old generation, each dead
// table keeps its successor, and the successor's entries, alive through every
// young collection until the next full one, which moves the current table
// again: from then on every scavenge promotes megabytes. The fork+exit+wait
// cycle ran at a third of its speed from its first full collection to the end
// of the run (docs/performance.md, "Churning maps"). Here a table is a few
// arrays this class owns: full, it is compacted in place or copied into new
// arrays, and nothing points from an old array to a new one.

/** Fewest entries a table holds. */
const MIN_CAPACITY = 8;
/** A deleted entry's key (keys are integers >= 0). */
const HOLE = -1;
const REARRANGED = 'IntMap: an insertion rearranged the table during an iteration over it';
/** Consecutive keys that share a run of adjacent index slots (#home). */
const RUN_BITS = 4;
const RUN_MASK = (1 << RUN_BITS) - 1;
/**
 * Fewest entries a table gets once it has filled its first MIN_CAPACITY:
 * a table that keeps a few entries while others come and go (the children
 * of a reaper whose children exit at once, a process group's members)
 * compacts once every (capacity - live) inserts, and at 8 entries with 3
 * live that was 0.65 compactions per program-driven fork cycle.
 */
const CHURN_CAPACITY = 32;
/** Entries from which a table grows by a quarter rather than doubling. */
const LARGE = 4096;

/**
 * Entries a table holding `live` gets: twice as many (a power of two) while
 * small, so a churning table compacts rarely; a quarter more once large, so
 * the process maps of a million live processes do not hold twice their size
 * (a compaction then moves at most 4 entries per insert it makes room for).
 */
function tableSize(live: number): number {
  if (live >= LARGE) return Math.ceil((live * 1.25) / 8) * 8;
  let capacity = MIN_CAPACITY;
  while (capacity < live * 2) capacity *= 2;
  return capacity;
}

/** Index slots for `capacity` entries: a power of two, at most two thirds full. */
function indexSize(capacity: number): number {
  let slots = MIN_CAPACITY * 2;
  while (slots < capacity * 1.5) slots *= 2;
  return slots;
}

export class IntMap<K extends number, V> implements Iterable<[K, V]> {
  /** Entry keys in insertion order, HOLE where deleted. */
  #keys: Float64Array;
  /** Entry values, beside their keys. */
  #vals: (V | undefined)[];
  /** Open-addressing index over the entries: entry number + 1 (a deleted entry: a tombstone, #untrail), 0 when the slot is empty; a power of two (indexSize). */
  #index: Int32Array;
  /** 32 - log2(index length): Fibonacci hashing takes the high bits. */
  #shift: number;
  /** Entries used, live or deleted. */
  #end = 0;
  #size = 0;
  /** Counts rearrangements of the entries (compaction, a move to new arrays), so an iteration can tell. */
  #layout = 0;

  constructor(entries?: Iterable<readonly [K, V]>) {
    this.#keys = new Float64Array(MIN_CAPACITY);
    this.#vals = new Array<V | undefined>(MIN_CAPACITY).fill(undefined);
    this.#index = new Int32Array(indexSize(MIN_CAPACITY));
    this.#shift = 32 - Math.log2(this.#index.length);
    if (entries) for (const [k, v] of entries) this.set(k, v);
  }

  get size(): number {
    return this.#size;
  }

  /**
   * A key's home slot. Keys come in runs (process keys count up), and walking
   * a big table in key order (a namespace's teardown) cost a cache miss per
   * key when every key was scattered: so a run of 16 keys keeps 16 adjacent
   * slots (one cache line of the index), and only the runs are scattered,
   * by Fibonacci hashing.
   */
  #home(key: number): number {
    // Keys above 2^32 (after billions of forks) fold their high word in.
    const lo = key >>> 0;
    const hi = key > 0xffffffff ? (key / 0x100000000) >>> 0 : 0;
    return ((Math.imul((lo >>> RUN_BITS) ^ Math.imul(hi, 0x85ebca6b), 0x9e3779b1) >>> this.#shift) + (lo & RUN_MASK)) & (this.#index.length - 1);
  }

  /** The index slot holding `key`, or the empty slot where it would go. */
  #slot(key: number): number {
    const index = this.#index;
    const keys = this.#keys;
    const mask = index.length - 1;
    let s = this.#home(key);
    for (;;) {
      const e = index[s]!;
      if (e === 0 || keys[e - 1] === key) return s;
      s = (s + 1) & mask;
    }
  }

  has(key: K): boolean {
    return this.#index[this.#slot(key)] !== 0;
  }

  get(key: K): V | undefined {
    const e = this.#index[this.#slot(key)]!;
    return e === 0 ? undefined : this.#vals[e - 1];
  }

  set(key: K, value: V): this {
    if (!(key >= 0) || !Number.isSafeInteger(key)) throw new RangeError(`IntMap: keys are integers >= 0, received ${String(key)}`);
    let s = this.#slot(key);
    const e = this.#index[s]!;
    if (e !== 0) {
      this.#vals[e - 1] = value;
      return this;
    }
    if (this.#end === this.#keys.length) {
      this.#makeRoom();
      s = this.#slot(key);
    }
    const at = this.#end++;
    this.#keys[at] = key;
    this.#vals[at] = value;
    this.#index[s] = at + 1;
    this.#size++;
    return this;
  }

  delete(key: K): boolean {
    const s = this.#slot(key);
    const e = this.#index[s]!;
    if (e === 0) return false;
    this.#keys[e - 1] = HOLE;
    this.#vals[e - 1] = undefined;
    this.#size--;
    this.#untrail(s);
    return true;
  }

  /**
   * A deleted entry's slot keeps pointing at it, a HOLE that no key matches,
   * so lookups probe on past it (a tombstone; #makeRoom's rebuild drops them
   * all). One just before an empty slot lies on no probe path: it is
   * emptied, and so are the tombstones just before it. Backward-shift
   * deletion, which leaves none, walked to the end of the probe run and
   * rehashed each entry there; with runs of consecutive keys in adjacent
   * slots (#home) that was 8% of the client-driven fork cycle.
   */
  #untrail(slot: number): void {
    const index = this.#index;
    const mask = index.length - 1;
    if (index[(slot + 1) & mask] !== 0) return;
    const keys = this.#keys;
    let s = slot;
    let e: number;
    do {
      index[s] = 0;
      s = (s - 1) & mask;
      e = index[s]!;
    } while (e !== 0 && keys[e - 1] === HOLE);
  }

  clear(): void {
    this.#keys.fill(HOLE, 0, this.#end);
    this.#vals.fill(undefined, 0, this.#end);
    this.#index.fill(0);
    this.#size = 0;
  }

  /**
   * The entries are all used: the live ones move, in order, to the front of
   * the same arrays when they leave room enough, else of arrays sized for
   * them (tableSize, and at least CHURN_CAPACITY), and the index is rebuilt.
   */
  #makeRoom(): void {
    const need = this.#size + 1;
    const current = this.#keys.length;
    const target = need < LARGE ? Math.max(tableSize(need), CHURN_CAPACITY) : tableSize(need);
    const roomy = need < LARGE ? target === current : need * 1.25 <= current && current <= need * 2.5;
    const capacity = roomy ? current : target;
    this.#layout++;
    const keys = this.#keys;
    const vals = this.#vals;
    const end = this.#end;
    const same = capacity === current;
    const toKeys = same ? keys : new Float64Array(capacity);
    const toVals = same ? vals : new Array<V | undefined>(capacity).fill(undefined);
    let at = 0;
    for (let e = 0; e < end; e++) {
      const k = keys[e]!;
      if (k === HOLE) continue;
      toKeys[at] = k;
      toVals[at] = vals[e];
      at++;
    }
    if (same) {
      toKeys.fill(HOLE, at, end);
      toVals.fill(undefined, at, end);
    }
    this.#keys = toKeys;
    this.#vals = toVals;
    this.#end = at;
    if (!same) {
      const slots = indexSize(capacity);
      this.#index = new Int32Array(slots);
      this.#shift = 32 - Math.log2(slots);
    } else this.#index.fill(0);
    const index = this.#index;
    const mask = index.length - 1;
    for (let e = 0; e < at; e++) {
      const k = toKeys[e]!;
      let s = this.#home(k);
      while (index[s] !== 0) s = (s + 1) & mask;
      index[s] = e + 1;
    }
  }

  forEach(fn: (value: V, key: K, map: this) => void): void {
    const layout = this.#layout;
    for (let e = 0; e < this.#end; e++) {
      if (this.#layout !== layout) throw new Error(REARRANGED);
      const k = this.#keys[e]!;
      if (k !== HOLE) fn(this.#vals[e] as V, k as K, this);
    }
  }

  /** The values in insertion order, as a new array (a snapshot: no generator on the way, and the map may change after). */
  valueList(): V[] {
    const out: V[] = [];
    for (let e = 0; e < this.#end; e++) if (this.#keys[e] !== HOLE) out.push(this.#vals[e] as V);
    return out;
  }

  keys(): IterableIterator<K> {
    return this.#walk(0);
  }

  values(): IterableIterator<V> {
    return this.#walk(1);
  }

  entries(): IterableIterator<[K, V]> {
    return this.#walk(2);
  }

  [Symbol.iterator](): IterableIterator<[K, V]> {
    return this.#walk(2);
  }

  /**
   * The live entries in insertion order; as with a Map, it sees entries
   * added meanwhile and skips those deleted. An insertion that finds the
   * table full rearranges it: an iteration still going then throws rather
   * than skip or repeat entries (no caller inserts into the map it iterates).
   */
  #walk(kind: 0): IterableIterator<K>;
  #walk(kind: 1): IterableIterator<V>;
  #walk(kind?: 2): IterableIterator<[K, V]>;
  *#walk(kind: 0 | 1 | 2 = 2): IterableIterator<K | V | [K, V]> {
    const layout = this.#layout;
    for (let e = 0; e < this.#end; e++) {
      if (this.#layout !== layout) throw new Error(REARRANGED);
      const k = this.#keys[e]!;
      if (k === HOLE) continue;
      const v = this.#vals[e] as V;
      yield kind === 0 ? (k as K) : kind === 1 ? v : [k as K, v];
    }
  }
}
