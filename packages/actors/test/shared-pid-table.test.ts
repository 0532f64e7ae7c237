// SharedPidTable, the root level's PID table in shared memory: the same
// allocation rule as core's PidAllocator (the suite and model of
// packages/core/test/cyclic-allocation-suite.ts), its rows, and its sharing:
// every view over the same buffers is the same table.

import { describe, expect, it } from 'vitest';
import { asNsId, asProcKey } from '@pidsim/core';
import { SharedPidTable } from '../src/index.js';
import { cyclicAllocationSuite } from '../../core/test/cyclic-allocation-suite.js';

const ROOT = asNsId(1);

describe('SharedPidTable: cyclic allocation', () => {
  cyclicAllocationSuite((pidMax) => {
    const t = new SharedPidTable({ pidMax });
    // Every number taken gets a row, as a fork's reservation does, so entries() lists it.
    const held = (nr: number | string): typeof nr => {
      if (typeof nr === 'number') t.hold(nr, asProcKey(nr), ROOT);
      return nr;
    };
    return {
      get pidMax() {
        return t.pidMax;
      },
      set pidMax(v: number) {
        t.pidMax = v;
      },
      get lastPid() {
        return t.lastPid;
      },
      set lastPid(v: number) {
        t.lastPid = v;
      },
      get used() {
        return t.used;
      },
      allocCyclic: () => held(t.allocCyclic()) as number | 'EAGAIN',
      allocExact: (nr) => held(t.allocExact(nr)) as ReturnType<SharedPidTable['allocExact']>,
      free: (nr) => t.release(nr),
      taken: () => [...t.entries()].map(([nr]) => nr).sort((x, y) => x - y),
    };
  });
});

describe('SharedPidTable: rows', () => {
  it('a row is held (invisible), committed, detached to a group, then released', () => {
    const t = new SharedPidTable({ pidMax: 32768 });
    const nr = t.allocCyclic() as number;
    t.hold(nr, asProcKey(7), asNsId(3));
    expect(t.get(nr)).toEqual({ key: 7, home: 3, task: true, committed: false });
    t.commit(nr);
    expect(t.get(nr)).toEqual({ key: 7, home: 3, task: true, committed: true });
    t.detach(nr);
    expect(t.get(nr)).toEqual({ key: 7, home: 3, task: false, committed: true });
    t.release(nr);
    expect(t.get(nr)).toBeUndefined();
    expect(t.used).toBe(0);
    expect([...t.entries()]).toEqual([]);
  });

  it('entries() lists the numbers in the order they were taken, not by value', () => {
    const t = new SharedPidTable({ pidMax: 32768 });
    t.holdCommitted(t.allocExact(50) as number, asProcKey(50), ROOT);
    t.holdCommitted(t.allocCyclic() as number, asProcKey(1), ROOT);
    t.holdCommitted(t.allocExact(20) as number, asProcKey(20), ROOT);
    expect([...t.entries()].map(([nr, e]) => [nr, e.key])).toEqual([
      [50, 50],
      [1, 1],
      [20, 20],
    ]);
  });

  it('raising pid_max past the first size gives the new numbers rows', () => {
    const t = new SharedPidTable({ pidMax: 400 });
    t.pidMax = 70000;
    t.lastPid = 69000;
    const nr = t.allocCyclic() as number;
    expect(nr).toBe(69001);
    t.holdCommitted(nr, asProcKey(5), ROOT);
    expect(t.get(nr)).toEqual({ key: 5, home: 1, task: true, committed: true });
  });
});

describe('SharedPidTable: one table, many views', () => {
  it('a view over the same buffers (what another thread holds) sees every number, cursor, row and pid_max', () => {
    const a = new SharedPidTable({ pidMax: 400 });
    const b = new SharedPidTable(a.buffers);
    expect([a.allocCyclic(), b.allocCyclic(), a.allocCyclic()]).toEqual([1, 2, 3]);
    expect(b.lastPid).toBe(3);
    expect(b.used).toBe(3);
    b.holdCommitted(2, asProcKey(9), ROOT);
    expect(a.get(2)).toEqual({ key: 9, home: 1, task: true, committed: true });
    expect(b.allocExact(1)).toBe('EEXIST');
    a.release(2);
    expect(b.get(2)).toBeUndefined();
    expect(b.used).toBe(2);
    b.lastPid = 0;
    expect(a.allocCyclic()).toBe(2);
    a.pidMax = 50000;
    expect(b.pidMax).toBe(50000);
    expect(b.allocExact(49999)).toBe(49999);
    expect(a.allocExact(49999)).toBe('EEXIST');
  });
});
