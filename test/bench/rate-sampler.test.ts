// Interleaved sampling: rows whose ratio is a target run one batch each per
// round, the order rotating, the warm-up rounds thrown away. The batches
// here are fakes that say how long they took: nothing is timed.

import { describe, expect, it } from 'vitest';
import { sampleInterleaved, type Batch } from '../../src/bench/index.js';

describe('sampleInterleaved', () => {
  it('runs one batch of each contender per round, starting one further along each round', async () => {
    const order: string[] = [];
    const fake = (id: string, units: number) => ({ id, batch: async (): Promise<Batch> => (order.push(id), { units, ms: 10 }) });
    const r = await sampleInterleaved([fake('a', 10), fake('b', 20), fake('c', 30)], { samples: 2, warmup: 1 });
    expect(order).toEqual(['a', 'b', 'c', 'b', 'c', 'a', 'c', 'a', 'b']);
    expect(r.get('a')).toEqual({ samples: [1000, 1000], median: 1000, units: 30 });
    expect(r.get('c')).toEqual({ samples: [3000, 3000], median: 3000, units: 90 });
  });

  it('keeps the measured rounds only, sorted, and their median', async () => {
    let n = 0;
    const ms = [50, 10, 40, 20];
    const r = await sampleInterleaved([{ id: 'x', batch: async () => ({ units: 100, ms: ms[n++]! }) }], { samples: 3, warmup: 1 });
    expect(r.get('x')!.samples).toEqual([2500, 5000, 10000]);
    expect(r.get('x')!.median).toBe(5000);
  });

  it('refuses a batch that did nothing, twice the same id, and no samples', async () => {
    await expect(sampleInterleaved([{ id: 'idle', batch: async () => ({ units: 0, ms: 5 }) }], { samples: 1, warmup: 0 })).rejects.toThrow('idle: a batch did no measurable work (0 units in 5 ms)');
    const b = { id: 'same', batch: async () => ({ units: 1, ms: 1 }) };
    await expect(sampleInterleaved([b, b], { samples: 1, warmup: 0 })).rejects.toThrow('sampleInterleaved: contender ids must differ, received same, same');
    await expect(sampleInterleaved([b], { samples: 0, warmup: 0 })).rejects.toThrow('sampleInterleaved: samples must be an integer >= 1, received 0');
  });
});
