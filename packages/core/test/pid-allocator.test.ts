// PidAllocator, one namespace's PID numbers: the rule shared with the
// actors' PID tables (cyclic-allocation-suite.ts), in local and in shared
// memory, then what only it offers.

import { describe, expect, it } from 'vitest';
import { PidAllocator } from '../src/index.js';
import { cyclicAllocationSuite } from './cyclic-allocation-suite.js';

describe.each([false, true])('PidAllocator (shared memory: %s): cyclic allocation', (shared) => {
  cyclicAllocationSuite((pidMax) => {
    const a = new PidAllocator({ pidMax, shared });
    return {
      get pidMax() {
        return a.pidMax;
      },
      set pidMax(v: number) {
        a.pidMax = v;
      },
      get lastPid() {
        return a.lastPid;
      },
      set lastPid(v: number) {
        a.lastPid = v;
      },
      get used() {
        return a.used;
      },
      allocCyclic: () => a.allocCyclic(),
      allocExact: (nr) => a.allocExact(nr),
      free: (nr) => a.free(nr),
      taken: () => [...a.numbers()],
    };
  });
});

describe('PidAllocator: membership', () => {
  it('has() answers for exactly the numbers taken, including those far beyond the first words of the bitmap', () => {
    const a = new PidAllocator({ pidMax: 100000 });
    expect(a.allocCyclic()).toBe(1);
    expect(a.allocExact(31)).toBe(31);
    expect(a.allocExact(32)).toBe(32);
    expect(a.allocExact(99999)).toBe(99999);
    for (const nr of [1, 31, 32, 99999]) expect(a.has(nr)).toBe(true);
    for (const nr of [0, 2, 30, 33, 64, 99998, 100000, 5000000]) expect(a.has(nr)).toBe(false);
    expect([...a.numbers()]).toEqual([1, 31, 32, 99999]);
    a.free(32);
    expect(a.has(32)).toBe(false);
    expect([...a.numbers()]).toEqual([1, 31, 99999]);
  });

  it('free() returns how many numbers are left taken (what a draining namespace is told by)', () => {
    const a = new PidAllocator({ pidMax: 1000 });
    for (let i = 0; i < 3; i++) a.allocCyclic();
    expect(a.free(2)).toBe(2);
    expect(a.free(3)).toBe(1);
    expect(a.used).toBe(1);
    expect(a.free(1)).toBe(0);
    expect(() => a.free(1)).toThrow(/not allocated/);
    expect(a.used).toBe(0);
  });
});
