// Planning a stress workload: the documented sizes plan (a million processes,
// rounds of 40,000 operations), the plan is well formed, and the sliced
// planner used by the CLI gives the same plan, reports its progress and stops
// when aborted. These tests plan; none of them runs what it planned.

import { describe, expect, it } from 'vitest';
import { forksOf, generateWorkload, planWorkload, roundSize, type PlanProgress, type StressOp, type Workload } from '../../src/stress/index.js';

/** Slots an operation names (the processes it acts on or creates). */
function slotsOf(op: StressOp): number[] {
  switch (op.kind) {
    case 'fork':
      return [op.by, op.child];
    case 'kill-init':
      return [op.by, op.init];
    case 'init-exit':
      return [op.init];
    case 'signal':
      return [op.by, op.target];
    case 'kill-all':
      return [op.by];
    case 'kill-group':
      return op.leader === null ? [op.by] : [op.by, op.leader];
    case 'exit':
    case 'sigaction':
    case 'sigprocmask':
    case 'subreaper':
    case 'setsid':
    case 'thread-group':
      return [op.proc];
    case 'reap':
      return [op.by];
    case 'kill-wait':
      return [op.by, op.child];
    case 'orphan-chain':
      return [op.by, ...op.chain];
    case 'setns-join':
      return [op.by, op.joiner, op.init, ...op.children];
    case 'unshare-fork':
      return [op.proc, ...op.children];
    case 'stop-cont':
      return [op.by, op.target];
    case 'pidfd-reuse':
      return [op.by, op.holder, op.child, op.reuser];
  }
}

/** The plan's structure: rounds tile the operations, forks add up, every slot named was planned. */
function expectWellFormed(w: Workload): void {
  let next = 0;
  for (const r of w.rounds) {
    expect(r.start).toBe(next);
    expect(r.end).toBeGreaterThan(r.start);
    next = r.end;
  }
  expect(next).toBe(w.ops.length);
  let forks = 0;
  let highest = 0;
  for (const op of w.ops) {
    forks += forksOf(op);
    for (const s of slotsOf(op)) if (s > highest) highest = s;
  }
  expect(forks).toBe(w.forks);
  // Slots are numbered in the order the plan creates them: s1 .. s<forks>.
  expect(highest).toBe(w.forks);
}

describe('stress workload planning', () => {
  it('plans a million processes: forks them all, in rounds of processes/24 operations, every slot it names planned', () => {
    const shape = { depth: 4, fanout: 4, processes: 1_000_000, concurrency: 256 };
    const w = generateWorkload(1, shape);
    expect(w.forks).toBe(1_000_000);
    expect(roundSize(shape)).toBe(41_667);
    expect(w.rounds.length).toBeGreaterThanOrEqual(24);
    expect(w.rounds.length).toBeLessThanOrEqual(40);
    expectWellFormed(w);
    const kinds = new Set(w.ops.map((op) => op.kind));
    for (const kind of ['kill-init', 'signal', 'kill-wait', 'orphan-chain', 'setns-join', 'unshare-fork', 'kill-group'] as const) {
      expect(kinds).toContain(kind);
    }
  }, 180_000);

  it('plans rounds of 40,000 operations (concurrency 20,000): a first burst of forks, then forks raced by every kind of event', () => {
    const w = generateWorkload(2, { depth: 4, fanout: 4, processes: 100_000, concurrency: 20_000 });
    expectWellFormed(w);
    const round = (r: number): StressOp[] => w.ops.slice(w.rounds[r]!.start, w.rounds[r]!.end);
    // The first round's race events would name processes of an earlier round: there are none, so its 20% stays empty.
    expect(round(0).length).toBe(32_000);
    expect(round(0).every((op) => op.kind === 'fork')).toBe(true);
    expect(round(1).length).toBe(40_000);
    expect(round(1).filter((op) => op.kind === 'fork').length).toBe(32_000);
    expect(w.ops.some((op) => op.kind === 'kill-wait')).toBe(true);
  });

  it('plans --concurrency 20000 with the default 20,000 processes: one burst of forks, then the teardown', () => {
    const w = generateWorkload(3, { depth: 4, fanout: 4, processes: 20_000, concurrency: 20_000 });
    expect(w.forks).toBe(20_000);
    expect(w.rounds.length).toBe(2);
    expectWellFormed(w);
  });

  it('the sliced planner gives the same plan, reports growing progress, and ends with every fork planned', async () => {
    const shape = { depth: 3, fanout: 3, processes: 30_000, concurrency: 64 };
    const seen: PlanProgress[] = [];
    const w = await planWorkload(9, shape, { sliceMs: 0, onProgress: (p) => seen.push(p) });
    expect(w).toEqual(generateWorkload(9, shape));
    expect(seen.length).toBeGreaterThan(w!.rounds.length);
    for (let i = 1; i < seen.length; i++) {
      expect(seen[i]!.forks).toBeGreaterThanOrEqual(seen[i - 1]!.forks);
      expect(seen[i]!.ops).toBeGreaterThanOrEqual(seen[i - 1]!.ops);
    }
    expect(seen.at(-1)).toMatchObject({ forks: w!.forks, ops: w!.ops.length, rounds: w!.rounds.length });
  });

  it('the sliced planner stops at the next slice once aborted, and resolves undefined', async () => {
    const abort = new AbortController();
    let slices = 0;
    const w = await planWorkload(9, { depth: 3, fanout: 3, processes: 30_000, concurrency: 64 }, {
      sliceMs: 0,
      signal: abort.signal,
      onProgress: (p) => {
        slices++;
        if (p.forks > 5_000) abort.abort();
      },
    });
    expect(w).toBeUndefined();
    expect(slices).toBeLessThan(100);
  });
});
