// The word operations give Atomics' results whether the words are shared
// (Atomics) or this thread's own (plain reads and writes).

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LOCAL_WORDS, SHARED_WORDS, wordsFor, type Words } from '../src/index.js';

type Op = { op: 'load' | 'store' | 'add' | 'sub' | 'or' | 'and' | 'cas'; i: number; v: number; w: number };

const int32 = fc.oneof(fc.integer({ min: -3, max: 3 }), fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }));
const op: fc.Arbitrary<Op> = fc.record({
  op: fc.constantFrom('load', 'store', 'add', 'sub', 'or', 'and', 'cas'),
  i: fc.integer({ min: 0, max: 3 }),
  v: int32,
  w: int32,
});

function run(w: Words, a: Int32Array, o: Op): number {
  switch (o.op) {
    case 'load':
      return w.load(a, o.i);
    case 'store':
      return w.store(a, o.i, o.v);
    case 'add':
      return w.add(a, o.i, o.v);
    case 'sub':
      return w.sub(a, o.i, o.v);
    case 'or':
      return w.or(a, o.i, o.v);
    case 'and':
      return w.and(a, o.i, o.v);
    case 'cas':
      return w.compareExchange(a, o.i, o.v, o.w);
  }
}

describe('word operations', () => {
  it('return and leave what Atomics does, on a plain buffer as on a shared one (int32 wrap-around included)', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
        const shared = new Int32Array(new SharedArrayBuffer(16));
        const plain = new Int32Array(new ArrayBuffer(16));
        for (const o of ops) {
          expect(run(LOCAL_WORDS, plain, o)).toBe(run(SHARED_WORDS, shared, o));
          expect([...plain]).toEqual([...shared]);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('are Atomics for a SharedArrayBuffer and plain for an ArrayBuffer', () => {
    expect(wordsFor(new SharedArrayBuffer(4))).toBe(SHARED_WORDS);
    expect(wordsFor(new ArrayBuffer(4))).toBe(LOCAL_WORDS);
    expect(SHARED_WORDS.shared).toBe(true);
    expect(LOCAL_WORDS.shared).toBe(false);
  });

  it('compare-exchange on a plain buffer swaps only on a match, comparing as int32', () => {
    const a = new Int32Array(new ArrayBuffer(4));
    a[0] = -1;
    expect(LOCAL_WORDS.compareExchange(a, 0, 2 ** 32 - 1, 5)).toBe(-1);
    expect(a[0]).toBe(5);
    expect(LOCAL_WORDS.compareExchange(a, 0, 4, 9)).toBe(5);
    expect(a[0]).toBe(5);
  });
});
