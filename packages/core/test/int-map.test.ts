// IntMap against Map as the model: the same operations leave the same
// entries in the same (insertion) order, through compactions and moves.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IntMap } from '../src/index.js';

type Step = { op: 'set'; key: number; value: number } | { op: 'delete'; key: number } | { op: 'clear' };

const key = fc.oneof(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 2 ** 53 - 1 }));
const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ op: fc.constant('set' as const), key, value: fc.integer() }) },
  { weight: 4, arbitrary: fc.record({ op: fc.constant('delete' as const), key }) },
  { weight: 1, arbitrary: fc.constant({ op: 'clear' as const }) },
);

function apply(steps: readonly Step[]): { m: IntMap<number, number>; model: Map<number, number> } {
  const m = new IntMap<number, number>();
  const model = new Map<number, number>();
  for (const s of steps) {
    if (s.op === 'set') {
      m.set(s.key, s.value);
      model.set(s.key, s.value);
    } else if (s.op === 'delete') expect(m.delete(s.key)).toBe(model.delete(s.key));
    else {
      m.clear();
      model.clear();
    }
    expect(m.size).toBe(model.size);
  }
  return { m, model };
}

describe('IntMap', () => {
  it('holds what a Map holds, in the same order, after any sequence of set, delete and clear', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 400 }), fc.array(key, { maxLength: 20 }), (steps, probes) => {
        const { m, model } = apply(steps);
        expect([...m]).toEqual([...model]);
        expect([...m.keys()]).toEqual([...model.keys()]);
        expect([...m.values()]).toEqual([...model.values()]);
        expect(m.valueList()).toEqual([...model.values()]);
        const visited: [number, number][] = [];
        m.forEach((v, k, self) => {
          expect(self).toBe(m);
          visited.push([k, v]);
        });
        expect(visited).toEqual([...model]);
        for (const k of probes) {
          expect(m.has(k)).toBe(model.has(k));
          expect(m.get(k)).toBe(model.get(k));
        }
      }),
      { numRuns: 500 },
    );
  });

  it('keeps insertion order through a long churn of short-lived keys (the fork+reap pattern)', () => {
    const m = new IntMap<number, string>();
    const model = new Map<number, string>();
    for (let k = 0; k < 50_000; k++) {
      m.set(k, `v${k}`);
      model.set(k, `v${k}`);
      // Mostly oldest first, sometimes out of order, as children exit.
      const gone = k % 7 === 0 ? k - 3 : k - 300;
      if (gone >= 0) expect(m.delete(gone)).toBe(model.delete(gone));
    }
    expect(m.size).toBe(model.size);
    expect([...m.entries()]).toEqual([...model.entries()]);
  });

  it('finds every key, and none deleted, while runs of consecutive keys come and go in any order (tombstones in the probe runs)', () => {
    fc.assert(
      fc.property(fc.array(fc.nat({ max: 63 }), { minLength: 1, maxLength: 600 }), fc.nat({ max: 2 ** 40 }), (picks, base) => {
        const m = new IntMap<number, number>();
        const model = new Map<number, number>();
        let next = base;
        for (const pick of picks) {
          // Insert the next key; then delete one of the live keys (chosen by `pick`), or re-insert a deleted one.
          m.set(next, next);
          model.set(next, next);
          next++;
          const live = [...model.keys()];
          if (pick < 48 && live.length > 8) {
            const k = live[pick % live.length]!;
            expect(m.delete(k)).toBe(model.delete(k));
          } else if (pick >= 60) {
            const k = Math.max(base, next - 1 - (pick % 16));
            m.set(k, -k);
            model.set(k, -k);
          }
          for (let k = Math.max(base, next - 40); k < next; k++) expect(m.get(k)).toBe(model.get(k));
        }
        expect([...m]).toEqual([...model]);
      }),
      { numRuns: 200 },
    );
  });

  it('keeps a large table (grown by quarters, compacted in place) equal to a Map through growth, churn and shrinking', () => {
    const m = new IntMap<number, number>();
    const model = new Map<number, number>();
    const both = (fn: (t: IntMap<number, number> | Map<number, number>) => unknown): void => {
      expect(fn(m)).toEqual(fn(model));
    };
    for (let k = 0; k < 20_000; k++) both((t) => t.set(k * 3, k).size);
    // Churn at 20,000 live: the oldest goes, a new one comes, sometimes out of order.
    for (let k = 20_000; k < 80_000; k++) {
      both((t) => t.delete((k % 5 === 0 ? k - 19_990 : k - 20_000) * 3));
      both((t) => t.set(k * 3, k).size);
    }
    // Most go, then the table grows again from what is left.
    for (const k of [...model.keys()]) if (k % 4 !== 0) both((t) => t.delete(k));
    for (let k = 80_000; k < 90_000; k++) both((t) => t.set(k * 3, k).size);
    expect(m.size).toBe(model.size);
    expect([...m.entries()]).toEqual([...model.entries()]);
    for (let k = 0; k < 270_000; k += 7) expect(m.get(k)).toBe(model.get(k));
  });

  it('sees deletions and insertions made during an iteration, as a Map does', () => {
    const m = new IntMap<number, number>([[1, 1], [2, 2], [3, 3]]);
    const seen: number[] = [];
    for (const k of m.keys()) {
      seen.push(k);
      if (k === 1) {
        m.delete(2);
        m.set(9, 9);
      }
    }
    expect(seen).toEqual([1, 3, 9]);
    const all = new IntMap<number, number>([[1, 1], [2, 2], [3, 3]]);
    for (const k of all.keys()) all.delete(k);
    expect(all.size).toBe(0);
    expect([...all]).toEqual([]);
  });

  it('throws when an insertion rearranges the table under a running iteration', () => {
    const m = new IntMap<number, number>([[0, 0]]);
    expect(() => {
      let next = 1;
      for (const k of m.keys()) if (k === next - 1 && next < 100) m.set(next, next++);
    }).toThrow(/rearranged the table during an iteration/);
    const f = new IntMap<number, number>([[0, 0]]);
    expect(() => {
      let next = 1;
      f.forEach((_, k) => {
        if (k === next - 1 && next < 100) f.set(next, next++);
      });
    }).toThrow(/rearranged the table during an iteration/);
  });

  it('refuses keys that are not integers >= 0 and stays as it was', () => {
    const m = new IntMap<number, number>([[5, 5]]);
    for (const bad of [-1, 1.5, Number.NaN, 2 ** 53]) expect(() => m.set(bad, 0)).toThrow(/keys are integers >= 0, received/);
    expect([...m]).toEqual([[5, 5]]);
  });
});
