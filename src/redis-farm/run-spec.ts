// What defines a run of a Redis farm, as the client stores it in Redis and
// every job carries it: the pidsim version that made it, the seeds, the
// workload's shape, how the seeds are cut into batches (one BullMQ job
// each), and what a worker does with a failure. Job data comes from another
// host, so it is checked here, version first: another version may not even
// share the format.

import { z } from 'zod';
import type { WorkloadShape } from '../stress/index.js';

/** A run's name: also the start of its job ids, where BullMQ forbids ':'. */
export const RUN_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export interface RunSpec {
  readonly version: string;
  readonly name: string;
  readonly firstSeed: number;
  readonly seeds: number;
  readonly shape: WorkloadShape;
  /** Seeds per job. */
  readonly batch: number;
  /** How long a worker may shrink a failure it found (0: it does not). */
  readonly shrinkMs: number;
  /** Seconds of silence after which a seed's task counts as hung, in ms. */
  readonly watchdogMs: number;
}

/** What one job carries: the version at the top, where any version can read it. */
export interface BatchJobData {
  readonly version: string;
  readonly spec: RunSpec;
  readonly batch: number;
}

/**
 * Seeds per job when --batch is not given: one job per seed up to 500
 * seeds, then batches that keep a run near 500 jobs (enough to spread over
 * hundreds of pool threads and even out the tail), at most 100 seeds each.
 */
export function autoBatch(seeds: number): number {
  return Math.min(100, Math.max(1, Math.ceil(seeds / 500)));
}

export function batchCount(spec: Pick<RunSpec, 'seeds' | 'batch'>): number {
  return Math.ceil(spec.seeds / spec.batch);
}

/** The seeds of batch `batch`, in order (seeds wrap past 2^32 - 1 as a local farm's do). */
export function batchSeeds(spec: Pick<RunSpec, 'firstSeed' | 'seeds' | 'batch'>, batch: number): number[] {
  const from = batch * spec.batch;
  const to = Math.min(spec.seeds, from + spec.batch);
  const out: number[] = [];
  for (let i = from; i < to; i++) out.push((spec.firstSeed + i) >>> 0);
  return out;
}

const int = (lo: number, hi: number) => z.number().int().min(lo).max(hi);

const runSpecSchema = z.object({
  version: z.string().min(1),
  name: z.string().regex(RUN_NAME),
  firstSeed: int(0, 0xffffffff),
  seeds: int(1, 100_000),
  shape: z.object({ depth: int(0, 32), fanout: int(1, 64), processes: int(1, 10_000_000), concurrency: int(1, 100_000) }),
  batch: int(1, 10_000),
  shrinkMs: int(0, 3_600_000),
  watchdogMs: int(100, 3_600_000),
});

const jobDataSchema = z.object({ version: z.string(), spec: runSpecSchema, batch: int(0, 100_000) });

/** The version a job's data says it was made by, whatever else it holds. */
export function jobVersion(data: unknown): string {
  const v = typeof data === 'object' && data !== null ? (data as { version?: unknown }).version : undefined;
  return typeof v === 'string' ? v : `unknown (${JSON.stringify(v) ?? 'undefined'})`;
}

/** Checks a job's data (of this version); throws an Error naming what is wrong. */
export function parseJobData(data: unknown): BatchJobData {
  const r = jobDataSchema.safeParse(data);
  if (!r.success) throw new Error(`a job whose data is not a pidsim batch: ${r.error.issues.map((i) => `${i.path.join('.') || 'data'}: ${i.message}`).join('; ')}`);
  if (r.data.batch >= batchCount(r.data.spec)) throw new Error(`a job for batch ${r.data.batch}, but run ${r.data.spec.name} has ${batchCount(r.data.spec)}`);
  return r.data;
}

/** A stored spec (the `spec` field of a run's meta hash). */
export function parseRunSpec(json: string): RunSpec {
  return runSpecSchema.parse(JSON.parse(json));
}
