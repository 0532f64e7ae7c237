// A seed's record in a Redis farm: what a worker found (the run's result,
// or why its task never answered, and the shrunk failure) and who found it.
// It is written once per run and seed - a Lua script sets the field only if
// it is absent and, only then, appends the seed to the run's log - so a seed
// run twice (its worker died after recording it, or its job was taken back
// while the worker still ran it) still has one result and one log entry.

import { gunzipSync, gzipSync } from 'node:zlib';
import type { Redis } from 'ioredis';
import type { ShrinkResult, StressFailure, StressResult } from '../stress/index.js';
import type { RunKeys } from './run-keys.js';

export interface SeedRecord {
  readonly seed: number;
  /** The seed's run; null when its task never answered (`lost` says why). */
  readonly result: StressResult | null;
  /** Why there is no result: the task hung or died, or its job failed on every try. */
  readonly lost: StressFailure | null;
  /** The failure shrunk by the worker that found it (null: it passed, or shrinking was off). */
  readonly shrunk: ShrinkResult | null;
  /** Who recorded it: a worker (`host:pid`, its pool threads, its version), or the client for a lost job. */
  readonly by: { readonly id: string; readonly threads: number; readonly version: string };
}

export type SeedOutcome = 'passed' | 'failed';

export function outcomeOf(r: SeedRecord): SeedOutcome {
  return r.result?.passed === true ? 'passed' : 'failed';
}

/** Gzipped JSON: a record is 3-15 kB of JSON, about a fifth of that gzipped. */
export function encodeRecord(r: SeedRecord): Buffer {
  return gzipSync(JSON.stringify(r));
}

/**
 * Decodes a stored record. JSON turns the holes of a latency histogram's
 * sparse `counts` into nulls; they become holes again, so a record costs
 * as much memory here as a local farm's result.
 */
export function decodeRecord(buf: Buffer): SeedRecord {
  const r = JSON.parse(gunzipSync(buf).toString('utf8')) as SeedRecord;
  for (const s of Object.values(r.result?.counters.syscalls ?? {})) {
    const dense = s.latency.counts as (number | null)[];
    const sparse: number[] = [];
    dense.forEach((c, i) => {
      if (c) sparse[i] = c;
    });
    (s.latency as { counts: number[] }).counts = sparse;
    // JSON has no Infinity: an empty histogram's minimum came back as null.
    if (s.latency.minMs === null) s.latency.minMs = Infinity;
  }
  return r;
}

// KEYS: results hash, log stream. ARGV: seed, record, outcome, recorder id.
const RECORD_ONCE = `
if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 0 then return 0 end
redis.call('XADD', KEYS[2], '*', 'seed', ARGV[1], 'outcome', ARGV[3], 'by', ARGV[4])
return 1`;

/** Records a seed unless it already is; resolves whether this call recorded it. */
export async function recordSeed(redis: Redis, keys: RunKeys, record: SeedRecord): Promise<boolean> {
  const stored = await redis.eval(RECORD_ONCE, 2, keys.results, keys.log, String(record.seed), encodeRecord(record), outcomeOf(record), record.by.id);
  return stored === 1;
}
