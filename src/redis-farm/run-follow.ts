// Following a run of a Redis farm from a client: its log stream names each
// seed as it is recorded, whichever worker recorded it, and the records are
// added up as a local farm adds its results up; a second stream tells of a
// failure as soon as a worker finds it, before it shrinks it. Once a second it also reads
// the workers' heartbeats (progress across the farm), the refusals of
// workers of another version, and BullMQ's failed jobs: a batch that failed
// on every try has its unrecorded seeds recorded as lost, so the run ends.
// Following is read-only but for those lost seeds, and can start at any time:
// a client that died is replaced by another that reads the log from the start.

import { hostname } from 'node:os';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import {
  addEvents,
  emptyEvents,
  makeFailure,
  mergeCounters,
  newCounters,
  type LedgerCounts,
  type RunCounters,
  type ShrinkResult,
  type StressFailure,
  type StressResult,
} from '../stress/index.js';
import { pidsimVersion } from './pidsim-version.js';
import { RUN_TTL_SECONDS, runKeys } from './run-keys.js';
import { redisTimeMs, type StartedRun } from './run-start.js';
import { batchSeeds, type BatchJobData, type RunSpec } from './run-spec.js';
import { decodeRecord, recordSeed, type SeedRecord } from './seed-record.js';
import { WorkerRoster, type WorkerBeat } from './worker-heartbeat.js';

export interface FollowProgress {
  readonly seeds: number;
  readonly done: number;
  readonly passed: number;
  readonly failed: number;
  /** Seeds running now on the workers, and the workers alive. */
  readonly running: number;
  readonly workers: number;
  /** Forks and syscalls so far, over every seed (recorded and running). */
  readonly forks: number;
  readonly calls: number;
  readonly elapsedMs: number;
  /** Why nothing may be moving: no worker up, or none of this run's version; null when workers are there. */
  readonly waiting: string | null;
}

export interface FollowOptions {
  readonly redis: Redis;
  /** A second connection, for the blocking read of the log. */
  readonly reader: Redis;
  readonly queue: Queue<BatchJobData>;
  readonly run: StartedRun;
  /** Each seed's record, once, as it arrives. */
  readonly onRecord?: ((r: SeedRecord) => void) | undefined;
  /** A failure a worker just found (before it shrinks it and records the seed), once per seed. */
  readonly onFound?: ((seed: number, by: string, failure: StressFailure) => void) | undefined;
  readonly onProgress?: ((p: FollowProgress) => void) | undefined;
  /** A worker refuses this run's jobs (it runs another version): said once per worker. */
  readonly onRefusal?: ((message: string) => void) | undefined;
}

export interface FarmWorkerSummary {
  readonly id: string;
  readonly version: string;
  readonly threads: number;
  /** Seeds of this run it recorded. */
  readonly seeds: number;
}

export interface FollowResult {
  readonly spec: RunSpec;
  /** The seeds that ran, in seed order. */
  readonly results: StressResult[];
  /** Seeds with no result: their task never answered, or their job failed on every try. */
  readonly lost: { readonly seed: number; readonly failure: StressFailure }[];
  /** Failures shrunk where they were found, by seed. */
  readonly shrunk: ReadonlyMap<number, ShrinkResult>;
  /** Who recorded each seed. */
  readonly recordedBy: ReadonlyMap<number, string>;
  readonly workers: readonly FarmWorkerSummary[];
  readonly totals: RunCounters;
  readonly events: LedgerCounts;
  /** From the run's start to its last record, on Redis's clock. */
  readonly wallMs: number;
  readonly mainPeakRssBytes: number;
}

const TICK_MS = 1000;
const READ_BLOCK_MS = 1000;
const READ_COUNT = 500;

export async function followRun(o: FollowOptions): Promise<FollowResult> {
  const { spec } = o.run;
  const keys = runKeys(spec.name);
  const clientId = `client:${hostname()}:${process.pid}`;
  const version = pidsimVersion();
  const seen = new Set<number>();
  const results: StressResult[] = [];
  const lost: { seed: number; failure: StressFailure }[] = [];
  const shrunk = new Map<number, ShrinkResult>();
  const recordedBy = new Map<number, string>();
  const workers = new Map<string, FarmWorkerSummary>();
  const totals = newCounters();
  const events = emptyEvents();
  const roster = new WorkerRoster();
  const refusals = new Set<string>();
  const failedJobsSeen = new Set<string>();
  let failedCount = -1;
  let passed = 0;
  let peakRss = 0;
  let lastId = '0';
  let lastFound = '0';
  const announced = new Set<number>();
  // Elapsed time on Redis's clock, read once: hosts' clocks differ, and the run may have started on another.
  const clockOffset = (await redisTimeMs(o.redis)) - Date.now();
  const elapsed = (): number => Date.now() + clockOffset - o.run.createdAtMs;

  const inRun = (seed: number): boolean => ((seed - spec.firstSeed) >>> 0) < spec.seeds;

  const fold = (r: SeedRecord): void => {
    // The log may name a seed twice if Redis lost the end of it in a crash and the seed was recorded again.
    if (seen.has(r.seed) || !inRun(r.seed)) return;
    seen.add(r.seed);
    recordedBy.set(r.seed, r.by.id);
    const w = workers.get(r.by.id);
    workers.set(r.by.id, { id: r.by.id, version: r.by.version, threads: r.by.threads, seeds: (w?.seeds ?? 0) + 1 });
    if (r.result) {
      results.push(r.result);
      if (r.result.passed) passed++;
      mergeCounters(totals, r.result.counters);
      addEvents(events, r.result.events);
    } else {
      lost.push({ seed: r.seed, failure: r.lost ?? makeFailure('crash', 'exception', -1, [{ invariant: null, message: `seed ${r.seed}: recorded with neither a result nor why`, processes: [] }]) });
    }
    if (r.shrunk) shrunk.set(r.seed, r.shrunk);
    o.onRecord?.(r);
  };

  /** Seeds of batches that failed on every try (their worker died each time, say): recorded as lost, with BullMQ's reason. */
  const recordFailedJobs = async (): Promise<void> => {
    const n = await o.queue.getFailedCount();
    if (n === failedCount) return;
    failedCount = n;
    for (const job of await o.queue.getFailed(0, -1)) {
      const data = job.data as Partial<BatchJobData> | undefined;
      if (job.id === undefined || failedJobsSeen.has(job.id) || data?.spec?.name !== spec.name || typeof data.batch !== 'number') continue;
      failedJobsSeen.add(job.id);
      for (const seed of batchSeeds(spec, data.batch)) {
        const failure = makeFailure('crash', 'exception', -1, [
          { invariant: null, message: `seed ${seed}: its job ${job.id} failed on every try: ${job.failedReason ?? 'no reason given'}`, processes: [] },
        ]);
        await recordSeed(o.redis, keys, { seed, result: null, lost: failure, shrunk: null, by: { id: clientId, threads: 0, version } });
      }
    }
  };

  const tick = async (): Promise<void> => {
    const rss = process.memoryUsage().rss;
    if (rss > peakRss) peakRss = rss;
    if ((await o.redis.exists(keys.meta)) === 0) {
      throw new Error(`run ${spec.name} is gone from Redis (was Redis restarted without persistence, or the run deleted?)`);
    }
    const alive = await roster.refresh(o.redis);
    for (const [worker, message] of Object.entries(await o.redis.hgetall(keys.refusals))) {
      if (refusals.has(worker)) continue;
      refusals.add(worker);
      o.onRefusal?.(message);
    }
    await recordFailedJobs();
    o.onProgress?.(progress(alive));
  };

  const progress = (alive: readonly WorkerBeat[]): FollowProgress => {
    let forks = totals.forksSucceeded;
    let calls = 0;
    for (const s of Object.values(totals.syscalls)) calls += s.calls;
    let running = 0;
    for (const w of alive) {
      for (const r of w.running) {
        if (r.run !== spec.name || seen.has(r.seed)) continue;
        running++;
        forks += r.forks;
        calls += r.calls;
      }
    }
    const mine = alive.filter((w) => w.version === spec.version).length;
    const others = [...new Set(alive.filter((w) => w.version !== spec.version).map((w) => w.version))];
    const waiting =
      mine > 0 ? null : alive.length === 0 ? 'no worker is up' : `no worker of pidsim ${spec.version} is up (${alive.length} of pidsim ${others.join(', ')}, which refuse this run)`;
    return { seeds: spec.seeds, done: seen.size, passed, failed: seen.size - passed, running, workers: alive.length, forks, calls, elapsedMs: elapsed(), waiting };
  };

  let nextTick = 0;
  while (seen.size < spec.seeds) {
    const reply = (await o.reader.xread('COUNT', READ_COUNT, 'BLOCK', READ_BLOCK_MS, 'STREAMS', keys.log, keys.found, lastId, lastFound)) as [string, [string, string[]][]][] | null;
    const fresh: number[] = [];
    for (const [stream, entries] of reply ?? []) {
      for (const [id, fields] of entries) {
        const field = (name: string): string => fields[fields.indexOf(name) + 1] ?? '';
        const seed = Number(field('seed'));
        if (stream === keys.log) {
          lastId = id;
          if (!seen.has(seed)) fresh.push(seed);
        } else {
          lastFound = id;
          if (seen.has(seed) || announced.has(seed) || !inRun(seed)) continue;
          announced.add(seed);
          o.onFound?.(seed, field('by'), JSON.parse(field('failure')) as StressFailure);
        }
      }
    }
    if (fresh.length > 0) {
      const bufs = await o.redis.hmgetBuffer(keys.results, ...fresh.map(String));
      bufs.forEach((buf, i) => {
        if (buf === null) throw new Error(`run ${spec.name}: the log names seed ${fresh[i]}, which has no record`);
        fold(decodeRecord(buf));
      });
    }
    if (performance.now() >= nextTick || seen.size === spec.seeds) {
      nextTick = performance.now() + TICK_MS;
      await tick();
    }
  }

  await o.redis.hsetnx(keys.meta, 'finishedAt', String(await redisTimeMs(o.redis)));
  const finishedAt = Number(await o.redis.hget(keys.meta, 'finishedAt'));
  for (const key of [keys.meta, keys.results, keys.log, keys.found, keys.refusals]) await o.redis.expire(key, RUN_TTL_SECONDS);
  results.sort((a, b) => a.seed - b.seed);
  lost.sort((a, b) => a.seed - b.seed);
  return {
    spec,
    results,
    lost,
    shrunk,
    recordedBy,
    workers: [...workers.values()].sort((a, b) => a.id.localeCompare(b.id)),
    totals,
    events,
    wallMs: Math.max(1, finishedAt - o.run.createdAtMs),
    mainPeakRssBytes: peakRss,
  };
}
