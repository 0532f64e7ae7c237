// A run's seeds are cut into batches (one BullMQ job each), and a job's data
// is checked before a worker runs it: its version first, then its shape.

import { describe, expect, it } from 'vitest';
import { autoBatch, batchCount, batchSeeds, parseJobData, type RunSpec } from '../../src/redis-farm/index.js';

const spec: RunSpec = {
  version: '0.1.0',
  name: 'r1',
  firstSeed: 100,
  seeds: 10,
  shape: { depth: 3, fanout: 3, processes: 200, concurrency: 32 },
  batch: 4,
  shrinkMs: 60_000,
  watchdogMs: 30_000,
};

describe('batches of a run', () => {
  it('cut the seeds in order, the last batch holding the rest', () => {
    expect(batchCount(spec)).toBe(3);
    expect([0, 1, 2].map((b) => batchSeeds(spec, b))).toEqual([
      [100, 101, 102, 103],
      [104, 105, 106, 107],
      [108, 109],
    ]);
  });

  it('wrap past seed 4294967295 to 0, as a local farm does', () => {
    expect(batchSeeds({ firstSeed: 0xfffffffe, seeds: 4, batch: 4 }, 0)).toEqual([0xfffffffe, 0xffffffff, 0, 1]);
  });

  it('hold one seed each up to 500 seeds, then keep a run near 500 jobs, at most 100 seeds each', () => {
    expect([1, 200, 500, 501, 10_000, 50_000, 100_000].map(autoBatch)).toEqual([1, 1, 1, 2, 20, 100, 100]);
  });
});

describe('a job', () => {
  it('of this format is accepted as it is', () => {
    expect(parseJobData({ version: '0.1.0', spec, batch: 2 })).toEqual({ version: '0.1.0', spec, batch: 2 });
  });

  it('naming a batch the run does not have, or malformed, is refused with what is wrong', () => {
    expect(() => parseJobData({ version: '0.1.0', spec, batch: 3 })).toThrow('a job for batch 3, but run r1 has 3');
    expect(() => parseJobData({ version: '0.1.0', spec: { ...spec, shape: { ...spec.shape, depth: 40 } }, batch: 0 })).toThrow(/^a job whose data is not a pidsim batch: spec\.shape\.depth: /);
    expect(() => parseJobData('seeds please')).toThrow(/^a job whose data is not a pidsim batch: data: /);
  });
});
