// This file implements `pidsim worker`: a BullMQ worker that takes batches
// of seeds from the farm's queue, runs each seed on this host's piscina pool
// (an inline kernel per seed, as a local farm does), shrinks a failure where
// it found it, and records each seed once (seed-record.ts). Seeds already
// recorded are skipped, so a batch taken back from a dead worker costs only
// the seeds that worker had not finished.
//
// The seeds run on pool threads; this thread only relays and renews the
// jobs' locks (every half lock duration), which no seed can starve. A worker
// killed outright stops renewing: its locks expire and another worker's
// stalled-job check puts its jobs back in the queue.

import { hostname } from 'node:os';
import { DelayedError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { SeedPool, isTaskFailure, type RunProgress, type ShrinkResult, type StressFailure, type StressResult } from '../stress/index.js';
import { pidsimVersion } from './pidsim-version.js';
import { bullmqConnection, farmConnection, probeRedis } from './redis-connection.js';
import type { RedisUrl } from './redis-url.js';
import { QUEUE_NAME, QUEUE_PREFIX, runKeys } from './run-keys.js';
import { batchSeeds, jobVersion, parseJobData, type BatchJobData, type RunSpec } from './run-spec.js';
import { recordSeed, type SeedRecord } from './seed-record.js';
import { BEAT_EVERY_MS, removeBeat, writeBeat, type RunningSeed } from './worker-heartbeat.js';

export interface FarmWorkerOptions {
  readonly url: RedisUrl;
  /** Jobs taken at once; also the pool's threads (a job runs its seeds one after another). */
  readonly concurrency: number;
  /** BullMQ's lock duration: a dead worker's jobs go back to the queue this long after its last renewal. */
  readonly lockDurationMs: number;
  /** One line of the worker's log (no newline). */
  readonly log: (line: string) => void;
}

/** What a batch job answers (kept in BullMQ's completed set, for the curious). */
export interface BatchOutcome {
  readonly ran: number;
  /** Seeds recorded before this try (by an earlier try of the job): not run again. */
  readonly alreadyRecorded: number;
  readonly failed: number;
}

/** A job from another version goes back to the queue after this long, for a worker of its version. */
const REFUSED_DELAY_MS = 1000;
/** Failures kept in a run's stream of early announcements. */
const FOUND_MAXLEN = 1000;
/** How many times a job may come back after its worker died before it fails: a seed that kills its host does not go round for ever. */
const MAX_STALLED = 3;

export class FarmWorker {
  readonly id = `${hostname()}:${process.pid}`;
  readonly version = pidsimVersion();
  readonly #o: FarmWorkerOptions;
  readonly #redis: Redis;
  readonly #pool: SeedPool;
  readonly #worker: Worker<BatchJobData, BatchOutcome>;
  readonly #running = new Map<string, RunningSeed>();
  /** Runs whose jobs this worker refused (each said once). */
  readonly #refused = new Set<string>();
  readonly #beat: NodeJS.Timeout;
  #beats = 0;
  #seedsDone = 0;
  #lastRedisError = '';

  /** Checks Redis answers (a RedisUnreachableError otherwise), then starts taking jobs. */
  static async start(o: FarmWorkerOptions): Promise<FarmWorker> {
    await probeRedis(o.url);
    return new FarmWorker(o);
  }

  private constructor(o: FarmWorkerOptions) {
    this.#o = o;
    const onError = (e: Error): void => this.#redisError(e);
    this.#redis = farmConnection(o.url, { name: `pidsim-worker:${this.id}`, onError });
    this.#pool = new SeedPool(o.concurrency);
    this.#worker = new Worker<BatchJobData, BatchOutcome>(QUEUE_NAME, (job, token) => this.#process(job, token), {
      connection: bullmqConnection(o.url, `pidsim-worker-bullmq:${this.id}`),
      prefix: QUEUE_PREFIX,
      name: this.id,
      concurrency: o.concurrency,
      lockDuration: o.lockDurationMs,
      // Check for stalled jobs twice per lock duration: a dead worker's job is back within 1.5 lock durations.
      stalledInterval: Math.max(500, Math.round(o.lockDurationMs / 2)),
      maxStalledCount: MAX_STALLED,
    });
    this.#worker.on('error', onError);
    this.#worker.on('stalled', (jobId) => o.log(`job ${jobId} stalled (its worker stopped renewing its lock): back in the queue`));
    this.#worker.on('failed', (job, err) => {
      if (err instanceof DelayedError || err.name === 'DelayedError') return;
      o.log(`job ${job?.id ?? '?'} failed: ${err.message}`);
    });
    this.#beat = setInterval(() => void this.#heartbeat(), BEAT_EVERY_MS);
    void this.#heartbeat();
  }

  /** Stops taking jobs. Graceful: the running jobs finish first. Forced: they are dropped, and go to another worker once their locks expire. */
  async stop(force: boolean): Promise<void> {
    clearInterval(this.#beat);
    await this.#worker.close(force);
    await this.#pool.destroy();
    await removeBeat(this.#redis, this.id).catch(() => undefined);
    this.#redis.disconnect();
  }

  /** Resolves once the worker's connection to Redis is up. */
  async ready(): Promise<void> {
    await this.#worker.waitUntilReady();
  }

  #redisError(e: Error): void {
    // ioredis repeats the same error on every reconnection attempt: say it once per change.
    if (e.message === this.#lastRedisError) return;
    this.#lastRedisError = e.message;
    this.#o.log(`Redis: ${e.message} (retrying)`);
  }

  async #heartbeat(): Promise<void> {
    try {
      await writeBeat(this.#redis, {
        id: this.id,
        version: this.version,
        threads: this.#o.concurrency,
        beat: ++this.#beats,
        seedsDone: this.#seedsDone,
        running: [...this.#running.values()],
      });
      if (this.#lastRedisError !== '') this.#o.log('Redis: connected again');
      this.#lastRedisError = '';
    } catch {
      // Redis is away; the connection says so and retries.
    }
  }

  async #process(job: Job<BatchJobData, BatchOutcome>, token: string | undefined): Promise<BatchOutcome> {
    const version = jobVersion(job.data);
    if (version !== this.version) return this.#refuse(job, token, version);
    const { spec, batch } = parseJobData(job.data);
    const keys = runKeys(spec.name);
    const seeds = batchSeeds(spec, batch);
    const started = performance.now();
    let ran = 0;
    let alreadyRecorded = 0;
    let failed = 0;
    for (const seed of seeds) {
      if ((await this.#redis.hexists(keys.results, String(seed))) === 1) {
        alreadyRecorded++;
        continue;
      }
      const record = await this.#runSeed(spec, seed);
      ran++;
      if (record.result?.passed !== true) failed++;
      if (await recordSeed(this.#redis, keys, record)) this.#seedsDone++;
    }
    const again = alreadyRecorded > 0 ? `, ${alreadyRecorded} recorded by an earlier try` : '';
    this.#o.log(`run ${spec.name} batch ${batch} (seeds ${seeds[0]}-${seeds[seeds.length - 1]}): ${ran - failed} passed, ${failed} failed${again} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    return { ran, alreadyRecorded, failed };
  }

  /** One seed on the pool, then its failure shrunk on the pool too. */
  async #runSeed(spec: RunSpec, seed: number): Promise<SeedRecord> {
    const key = `${spec.name}/${seed}`;
    const show = (phase: RunningSeed['phase'], p?: RunProgress): void => {
      this.#running.set(key, { run: spec.name, seed, phase, forks: p?.forksDone ?? 0, calls: p?.calls ?? 0, opsDone: p?.opsDone ?? 0, opsPlanned: p?.opsPlanned ?? 0 });
    };
    const by = { id: this.id, threads: this.#o.concurrency, version: this.version };
    show('run');
    try {
      const answer = await this.#pool.run<StressResult>({ mode: 'run', seed, shape: spec.shape }, spec.watchdogMs, (b) => {
        if (b.type === 'progress') show('run', b.progress);
      });
      if (isTaskFailure(answer)) {
        this.#o.log(`run ${spec.name}: seed ${seed} lost: ${answer.violations[0]?.message ?? answer.title}`);
        return { seed, result: null, lost: answer, shrunk: null, by };
      }
      if (answer.failure) await this.#announce(spec, seed, answer.failure);
      const shrunk = answer.failure ? await this.#shrink(spec, seed, answer.failure, () => show('shrink')) : null;
      return { seed, result: answer, lost: null, shrunk, by };
    } finally {
      this.#running.delete(key);
    }
  }

  /** Tells the run's client about a failure now: shrinking it may take a minute before it is recorded. */
  async #announce(spec: RunSpec, seed: number, failure: StressFailure): Promise<void> {
    // Capped: every record holds its failure anyway; this is only the early word.
    await this.#redis.xadd(runKeys(spec.name).found, 'MAXLEN', '~', FOUND_MAXLEN, '*', 'seed', String(seed), 'by', this.id, 'failure', JSON.stringify(failure));
  }

  async #shrink(spec: RunSpec, seed: number, failure: StressFailure, showShrinking: () => void): Promise<ShrinkResult | null> {
    const what = failure.invariant === null ? failure.kind : `invariant ${failure.invariant}`;
    // A failure with no round (a task that never answered) has nothing to shrink from.
    if (spec.shrinkMs <= 0 || failure.round < 0) {
      this.#o.log(`run ${spec.name}: FAILED seed ${seed} (${what})`);
      return null;
    }
    this.#o.log(`run ${spec.name}: FAILED seed ${seed} (${what}); shrinking it here (up to ${spec.shrinkMs / 1000} s)`);
    showShrinking();
    const answer = await this.#pool.run<ShrinkResult>({ mode: 'shrink', seed, shape: spec.shape, failure, budgetMs: spec.shrinkMs }, spec.watchdogMs, () => undefined);
    if (isTaskFailure(answer)) {
      this.#o.log(`run ${spec.name}: shrinking seed ${seed} failed: ${answer.violations[0]?.message ?? answer.title}`);
      return null;
    }
    this.#o.log(`run ${spec.name}: seed ${seed} shrunk to ${answer.ops.length} operations, ${answer.choices} scheduling choices`);
    return answer;
  }

  /** A job of another version: said once per run, noted in the run's refusals for its client, and put back for a worker of its version. */
  async #refuse(job: Job<BatchJobData, BatchOutcome>, token: string | undefined, version: string): Promise<never> {
    const run = typeof job.data?.spec?.name === 'string' ? job.data.spec.name : String(job.id);
    const why = `worker ${this.id} runs pidsim ${this.version} and refuses the jobs of run ${run}, made by pidsim ${version}: a seed must run on the version that planned it`;
    if (!this.#refused.has(run)) {
      this.#refused.add(run);
      this.#o.log(why);
      await this.#redis.hset(runKeys(run).refusals, this.id, why);
    }
    await job.moveToDelayed(Date.now() + REFUSED_DELAY_MS, token);
    throw new DelayedError();
  }
}
