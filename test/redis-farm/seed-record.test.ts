// A seed's record survives its trip through Redis: gzipped JSON decodes to
// the same result, with a latency histogram's holes and its empty minimum
// (Infinity, which JSON cannot carry) restored.

import { describe, expect, it } from 'vitest';
import { decodeRecord, encodeRecord, type SeedRecord } from '../../src/redis-farm/index.js';
import { runStress } from '../../src/stress/index.js';

describe('a seed record', () => {
  it('decodes to the result that was encoded, sparse histograms and all', async () => {
    const result = await runStress({ seed: 3, transport: 'inline', depth: 2, fanout: 3, processes: 120, concurrency: 16 });
    // An empty histogram, as a syscall that was never called has.
    result.counters.syscalls['never'] = { calls: 0, ok: 0, errors: {}, latency: { counts: [], count: 0, sumMs: 0, minMs: Infinity, maxMs: 0 } };
    const record: SeedRecord = { seed: 3, result, lost: null, shrunk: null, by: { id: 'host:1', threads: 2, version: '0.1.0' } };
    const back = decodeRecord(encodeRecord(record));
    expect(back).toEqual(record);
    // JSON wrote the holes as nulls; none is left.
    expect(back.result!.counters.syscalls['fork']!.latency.counts.filter((c) => c === null)).toEqual([]);
    expect(back.result!.counters.syscalls['never']!.latency.minMs).toBe(Infinity);
    expect(encodeRecord(record).length).toBeLessThan(JSON.stringify(record).length / 2);
  });
});
