// The word operations give Atomics' results whether the words are shared
// (Atomics) or this thread's own (plain reads and writes).

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { wordAdd, wordAnd, wordCompareExchange, wordLoad, wordOr, wordStore, wordSub } from '../src/index.js';

type Op = { op: 'load' | 'store' | 'add' | 'sub' | 'or' | 'and' | 'cas'; i: number; v: number; w: number };

const int32 = fc.oneof(fc.integer({ min: -3, max: 3 }), fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }));
const op: fc.Arbitrary<Op> = fc.record({
  op: fc.constantFrom('load', 'store', 'add', 'sub', 'or', 'and', 'cas'),
  i: fc.integer({ min: 0, max: 3 }),
  v: int32,
  w: int32,
});

function run(shared: boolean, a: Int32Array, o: Op): number {
  switch (o.op) {
    case 'load':
      return wordLoad(shared, a, o.i);
    case 'store':
      return wordStore(shared, a, o.i, o.v);
    case 'add':
      return wordAdd(shared, a, o.i, o.v);
    case 'sub':
      return wordSub(shared, a, o.i, o.v);
    case 'or':
      return wordOr(shared, a, o.i, o.v);
    case 'and':
      return wordAnd(shared, a, o.i, o.v);
    case 'cas':
      return wordCompareExchange(shared, a, o.i, o.v, o.w);
  }
}

describe('word operations', () => {
  it('return and leave what Atomics does, on a plain buffer as on a shared one (int32 wrap-around included)', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
        const shared = new Int32Array(new SharedArrayBuffer(16));
        const plain = new Int32Array(new ArrayBuffer(16));
        for (const o of ops) {
          expect(run(false, plain, o)).toBe(run(true, shared, o));
          expect([...plain]).toEqual([...shared]);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('compare-exchange on a plain buffer swaps only on a match, comparing as int32', () => {
    const a = new Int32Array(new ArrayBuffer(4));
    a[0] = -1;
    expect(wordCompareExchange(false, a, 0, 2 ** 32 - 1, 5)).toBe(-1);
    expect(a[0]).toBe(5);
    expect(wordCompareExchange(false, a, 0, 4, 9)).toBe(5);
    expect(a[0]).toBe(5);
  });
});
