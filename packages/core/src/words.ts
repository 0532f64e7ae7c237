// Int32 word operations on a table's typed arrays: Atomics when the words
// live in a SharedArrayBuffer (other threads read and write them), plain
// reads and writes when they are this thread's own. An Atomics operation
// costs about 12 ns in V8 (Node 20), shared buffer or not, against under
// 2 ns for the plain one, and a fork at depth 31 makes some 250 of them on
// its 32 PID tables. Each operation has Atomics' result: the old value
// (load and store: the value).
//
// A table holds one of the two `Words` objects, chosen from its buffer
// (wordsFor) and changed once if its plain buffers are replaced by shared
// ones, so no call tests a flag; each method is within V8's limit for
// small-function inlining (27 bytes of bytecode,
// --max-inlined-bytecode-size-small). Against a flag passed to functions
// that test it, a worker at depth 31 ran 3-7% faster (same-process A/B,
// 2026-12-06), inline the same.

export interface Words {
  readonly shared: boolean;
  load(a: Int32Array, i: number): number;
  store(a: Int32Array, i: number, v: number): number;
  add(a: Int32Array, i: number, v: number): number;
  sub(a: Int32Array, i: number, v: number): number;
  or(a: Int32Array, i: number, v: number): number;
  and(a: Int32Array, i: number, v: number): number;
  compareExchange(a: Int32Array, i: number, expected: number, replacement: number): number;
}

class SharedWords implements Words {
  readonly shared = true;
  load(a: Int32Array, i: number): number {
    return Atomics.load(a, i);
  }
  store(a: Int32Array, i: number, v: number): number {
    return Atomics.store(a, i, v);
  }
  add(a: Int32Array, i: number, v: number): number {
    return Atomics.add(a, i, v);
  }
  sub(a: Int32Array, i: number, v: number): number {
    return Atomics.sub(a, i, v);
  }
  or(a: Int32Array, i: number, v: number): number {
    return Atomics.or(a, i, v);
  }
  and(a: Int32Array, i: number, v: number): number {
    return Atomics.and(a, i, v);
  }
  compareExchange(a: Int32Array, i: number, expected: number, replacement: number): number {
    return Atomics.compareExchange(a, i, expected, replacement);
  }
}

class LocalWords implements Words {
  readonly shared = false;
  load(a: Int32Array, i: number): number {
    return a[i]!;
  }
  store(a: Int32Array, i: number, v: number): number {
    return (a[i] = v);
  }
  add(a: Int32Array, i: number, v: number): number {
    const old = a[i]!;
    a[i] = old + v;
    return old;
  }
  sub(a: Int32Array, i: number, v: number): number {
    const old = a[i]!;
    a[i] = old - v;
    return old;
  }
  or(a: Int32Array, i: number, v: number): number {
    const old = a[i]!;
    a[i] = old | v;
    return old;
  }
  and(a: Int32Array, i: number, v: number): number {
    const old = a[i]!;
    a[i] = old & v;
    return old;
  }
  compareExchange(a: Int32Array, i: number, expected: number, replacement: number): number {
    const old = a[i]!;
    if (old === (expected | 0)) a[i] = replacement;
    return old;
  }
}

/** Atomics, for words other threads use too. */
export const SHARED_WORDS: Words = new SharedWords();
/** Plain reads and writes, for words only this thread uses. */
export const LOCAL_WORDS: Words = new LocalWords();

/** The operations for words in `buffer`: Atomics if it is shared. */
export function wordsFor(buffer: ArrayBufferLike): Words {
  return buffer instanceof SharedArrayBuffer ? SHARED_WORDS : LOCAL_WORDS;
}
