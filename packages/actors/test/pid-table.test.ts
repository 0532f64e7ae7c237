// PidTable, a PID namespace's table (every level's, on every transport): the
// allocation rule of core's PidAllocator (the suite and model of
// packages/core/test/cyclic-allocation-suite.ts) over local and shared
// memory, its rows, and its sharing: every view over the same buffers is the
// same table, and threads allocating in it at once never reuse a number
// before the cursor wraps.

import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { PID_MAX_DEFAULT, PID_MAX_LIMIT, asNsId, asProcKey } from '@pidsim/core';
import { PidTable } from '../src/index.js';
import { cyclicAllocationSuite } from '../../core/test/cyclic-allocation-suite.js';

const ROOT = asNsId(1);

/** The built package, for worker threads (they cannot load the TypeScript source; `npm test` builds first). */
const BUILT = new URL('../dist/index.js', import.meta.url).href;

/**
 * `threads` worker threads, started together, each doing `cycles` times what
 * a fork and a reap do to the root table: take a number cyclically, hold
 * and commit its row (and read it back), release it.
 * Returns the numbers each thread got, in order.
 */
async function forkReapCycles(t: PidTable, threads: number, cycles: number): Promise<Int32Array[]> {
  const gate = new Int32Array(new SharedArrayBuffer(4));
  const source = `
    const { workerData, parentPort } = require('node:worker_threads');
    import(workerData.built).then(({ PidTable }) => {
      const t = new PidTable(workerData.buffers);
      const gate = new Int32Array(workerData.gate);
      Atomics.add(gate, 0, 1);
      while (Atomics.load(gate, 0) < workerData.threads); // all start at once
      const got = new Int32Array(workerData.cycles);
      for (let i = 0; i < got.length; i++) {
        const nr = (got[i] = t.allocCyclic());
        t.hold(nr, nr + 1e6, 1); // its page of rows is made or counted, on this thread or another
        t.commit(nr);
        if (t.visibleTask(nr) !== nr + 1e6) throw new Error('row of ' + nr + ' reads ' + t.visibleTask(nr));
        t.release(nr);
      }
      parentPort.postMessage(got);
    });`;
  const workerData = { built: BUILT, buffers: t.buffers, gate: gate.buffer, threads, cycles };
  const workers = Array.from({ length: threads }, () => new Worker(source, { eval: true, workerData }));
  try {
    return await Promise.all(
      workers.map((w) => new Promise<Int32Array>((resolve, reject) => w.once('message', resolve).once('error', reject))),
    );
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

describe.each([true, false])('PidTable (shared memory: %s): cyclic allocation', (shared) => {
  cyclicAllocationSuite((pidMax) => {
    const t = new PidTable({ pidMax, shared });
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
      allocExact: (nr) => held(t.allocExact(nr)) as ReturnType<PidTable['allocExact']>,
      free: (nr) => t.release(nr),
      taken: () => [...t.entries()].map(([nr]) => nr).sort((x, y) => x - y),
    };
  });
});

describe('PidTable: rows', () => {
  it('a row is held (invisible), committed, detached to a group, then released', () => {
    const t = new PidTable({ pidMax: 32768, shared: true });
    const nr = t.allocCyclic() as number;
    t.hold(nr, asProcKey(7), asNsId(3));
    expect(t.get(nr)).toEqual({ key: 7, home: 3, task: true, committed: false, thread: false });
    t.commit(nr);
    expect(t.get(nr)).toEqual({ key: 7, home: 3, task: true, committed: true, thread: false });
    // A thread's TID (SEMANTICS 8.1): still a task kill() finds, flagged so /proc and kill(-1) skip it.
    t.markThread(nr);
    expect(t.get(nr)).toEqual({ key: 7, home: 3, task: true, committed: true, thread: true });
    expect(t.visibleTask(nr)).toBe(7);
    t.detach(nr);
    expect(t.get(nr)).toEqual({ key: 7, home: 3, task: false, committed: true, thread: true });
    expect(t.release(nr)).toBe(0); // numbers left taken: what decides whether a draining namespace is told
    expect(t.get(nr)).toBeUndefined();
    expect(t.used).toBe(0);
    expect([...t.entries()]).toEqual([]);
  });

  it('entries() lists the numbers in the order they were taken, not by value', () => {
    const t = new PidTable({ pidMax: 32768, shared: true });
    t.holdCommitted(t.allocExact(50) as number, asProcKey(50), ROOT);
    t.holdCommitted(t.allocCyclic() as number, asProcKey(1), ROOT);
    t.holdCommitted(t.allocExact(20) as number, asProcKey(20), ROOT);
    expect([...t.entries()].map(([nr, e]) => [nr, e.key])).toEqual([
      [50, 50],
      [1, 1],
      [20, 20],
    ]);
  });

  it("a local table's rows follow the numbers in use, not the cursor", () => {
    // A nested namespace's pid_max is 4,194,304: the cursor sweeps far past what is live.
    const t = new PidTable({ pidMax: PID_MAX_LIMIT, shared: false });
    t.holdCommitted(t.allocCyclic() as number, asProcKey(1), ROOT); // an init that stays
    const inFlight: number[] = [];
    for (let i = 0; i < 100_000; i++) {
      const nr = t.allocCyclic() as number;
      t.hold(nr, asProcKey(nr + 1000), ROOT);
      t.commit(nr);
      inFlight.push(nr);
      if (inFlight.length > 256) t.release(inFlight.shift()!);
    }
    expect(t.lastPid).toBe(100_001);
    expect(t.used).toBe(1 + 256);
    expect(t.holderOf(1)).toBe(1);
    for (const nr of inFlight) expect(t.visibleTask(nr)).toBe(nr + 1000);
    expect(t.holderOf(inFlight[0]! - 1)).toBeUndefined();
    // 257 live numbers in six or seven pages of 64 rows, and init's: a few pages of rows, not 100,000 rows.
    expect(t.buffers.rows.byteLength).toBeLessThanOrEqual(16 * 64 * 24);
  });

  it('a shared table keeps its pages: two threads sweeping far past the first slots never run out of them', async () => {
    const t = new PidTable({ pidMax: PID_MAX_LIMIT, shared: true });
    // Every page stays, so the slots fill up group after group while both threads race for pages.
    const lists = await forkReapCycles(t, 2, 120_000);
    const all = lists.flatMap((l) => [...l]);
    expect(new Set(all).size).toBe(all.length);
    expect(t.lastPid).toBe(240_000);
    expect(t.used).toBe(0);
    expect(t.buffers.rows.byteLength).toBeGreaterThanOrEqual((240_000 / 64) * 64 * 24);
  });

  it('a page whose slot another page took reads as empty, and its numbers get rows again', () => {
    const t = new PidTable({ pidMax: PID_MAX_LIMIT, shared: false });
    t.holdCommitted(t.allocExact(300) as number, asProcKey(300), ROOT); // page 4 (64 numbers a page)
    t.release(300);
    t.holdCommitted(t.allocExact(600) as number, asProcKey(600), ROOT); // page 9, in the slot page 4 gave back
    expect(t.holderOf(300)).toBeUndefined();
    expect(t.get(300)).toBeUndefined();
    expect(t.visibleTask(600)).toBe(600);
    t.holdCommitted(t.allocExact(301) as number, asProcKey(301), ROOT);
    expect([t.holderOf(301), t.holderOf(600), t.holderOf(300)]).toEqual([301, 600, undefined]);
    expect(t.homeOf(600)).toBe(ROOT);
    expect([...t.entries()].map(([nr]) => nr)).toEqual([600, 301]);
  });

  it('raising pid_max past the first size gives the new numbers rows', () => {
    const t = new PidTable({ pidMax: 400, shared: true });
    t.pidMax = 70000;
    t.lastPid = 69000;
    const nr = t.allocCyclic() as number;
    expect(nr).toBe(69001);
    t.holdCommitted(nr, asProcKey(5), ROOT);
    expect(t.get(nr)).toEqual({ key: 5, home: 1, task: true, committed: true, thread: false });
  });
});

describe('PidTable: one table, many views', () => {
  it('a view over the same buffers (what another thread holds) sees every number, cursor, row and pid_max', () => {
    const a = new PidTable({ pidMax: 400, shared: true });
    const b = new PidTable(a.buffers);
    expect([a.allocCyclic(), b.allocCyclic(), a.allocCyclic()]).toEqual([1, 2, 3]);
    expect(b.lastPid).toBe(3);
    expect(b.used).toBe(3);
    b.holdCommitted(2, asProcKey(9), ROOT);
    expect(a.get(2)).toEqual({ key: 9, home: 1, task: true, committed: true, thread: false });
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
    // Rows far past what `a` has seen: b grows the buffers, a's views must follow.
    b.holdCommitted(49999, asProcKey(11), ROOT);
    expect(a.holderOf(49999)).toBe(11);
    expect(a.visibleTask(49999)).toBe(11);
    expect(a.get(49999)).toEqual({ key: 11, home: 1, task: true, committed: true, thread: false });
    expect([...a.entries()].map(([nr]) => nr)).toEqual([49999]); // 1 and 3 were only allocated, 2 released
    a.release(49999);
    expect(b.get(49999)).toBeUndefined();
  });

  it('a plain table shared with other threads becomes shared copies in place; threads racing on it then skip what was taken before', async () => {
    const buffers = new PidTable({ pidMax: PID_MAX_DEFAULT, shared: false }).buffers;
    const t = PidTable.of(buffers);
    expect(t.atomic).toBe(false);
    const before = [1, 2, 3].map(() => t.allocCyclic() as number);
    for (const nr of before) t.holdCommitted(nr, asProcKey(nr + 100), ROOT);
    t.lastPid = 40; // the cursor, in the header, is copied too
    PidTable.share(buffers);
    expect(buffers.header).toBeInstanceOf(SharedArrayBuffer);
    expect([buffers.bits, buffers.pages, buffers.rows].every((b) => b instanceof SharedArrayBuffer && b.growable)).toBe(true);
    expect(t.atomic).toBe(true);
    expect(PidTable.of(buffers)).toBe(t);
    expect(t.lastPid).toBe(40);
    const lists = await forkReapCycles(t, 2, 5000);
    const all = lists.flatMap((l) => [...l]);
    expect(all.filter((nr) => nr <= 40 || before.includes(nr))).toEqual([]);
    expect(new Set(all).size).toBe(all.length);
    expect(t.used).toBe(3);
    expect(before.map((nr) => t.holderOf(nr))).toEqual(before.map((nr) => nr + 100));
    // A shared table stays as it is.
    const shared = new PidTable({ pidMax: 400, shared: true }).buffers;
    const header = shared.header;
    PidTable.share(shared);
    expect(shared.header).toBe(header);
  });

  // SEMANTICS 1.3 under concurrency: alloc_pid() takes pidmap_lock, so whatever
  // the interleaving, allocations are some sequence a single cyclic allocator
  // gives; without a wrap, such a sequence never repeats a number. (Each run
  // races for real; three make a lost race very unlikely to go unseen.)
  it('fork/reap cycles on two threads at once never get a number twice before the cursor wraps', async () => {
    for (let run = 0; run < 3; run++) {
      const t = new PidTable({ pidMax: PID_MAX_DEFAULT, shared: true });
      const lists = await forkReapCycles(t, 2, 10000);
      const all = lists.flatMap((l) => [...l]);
      expect(all.filter((nr) => nr < 1)).toEqual([]); // 'EAGAIN' would arrive as 0
      const seen = new Set<number>();
      const twice = all.filter((nr) => seen.has(nr) || (seen.add(nr), false));
      expect(twice.length, `numbers handed out twice, first ones: ${twice.slice(0, 5).join(' ')}`).toBe(0);
      expect(t.used).toBe(0);
      expect([...t.entries()]).toEqual([]);
    }
  });
});
