// Starting a run of a Redis farm, or resuming one by name: a new run's spec
// is stored once (HSETNX: two clients starting the same name agree on one),
// then its batches are enqueued as BullMQ jobs with ids derived from the run
// and batch, so enqueueing again after a client died mid-way adds only what
// is missing. A resumed run must agree with every option given again.

import { randomBytes } from 'node:crypto';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { WorkloadShape } from '../stress/index.js';
import { pidsimVersion } from './pidsim-version.js';
import { RUN_TTL_SECONDS, jobId, runKeys } from './run-keys.js';
import { autoBatch, batchCount, parseRunSpec, type BatchJobData, type RunSpec } from './run-spec.js';

export interface RunRequest {
  /** --name: resume this run if it exists, else start it under this name (default: a new name). */
  readonly name: string | undefined;
  readonly firstSeed: number;
  /** --seeds; a new run needs it. */
  readonly seeds: number | undefined;
  readonly shape: WorkloadShape;
  /** --batch (default: autoBatch). */
  readonly batch: number | undefined;
  readonly shrinkMs: number;
  readonly watchdogMs: number;
  /** The options given on the command line (`seeds`, `depth`...): a resumed run must agree with these. */
  readonly given: ReadonlySet<string>;
}

export interface StartedRun {
  readonly spec: RunSpec;
  readonly resumed: boolean;
  /** When the run was first started, in Redis's clock (ms). */
  readonly createdAtMs: number;
  readonly jobs: number;
}

/** The request cannot start or resume a run (exit status 2): a conflict with the stored run, or nothing to resume. */
export class RunRequestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RunRequestError';
  }
}

/** Jobs added per BullMQ addBulk call. */
const ENQUEUE_CHUNK = 500;

/** Redis's clock in ms: every host of a farm reads the same one. */
export async function redisTimeMs(redis: Redis): Promise<number> {
  const [s, us] = await redis.time();
  return Number(s) * 1000 + Math.floor(Number(us) / 1000);
}

function newRunName(req: RunRequest): string {
  const last = (req.firstSeed + (req.seeds ?? 1) - 1) >>> 0;
  return `seeds-${req.firstSeed}-${last}-${randomBytes(3).toString('hex')}`;
}

/** The options given again that disagree with the stored run, as `--seeds 100 (the run has 200)`. */
function disagreements(spec: RunSpec, req: RunRequest): string[] {
  const stored: Record<string, { mine: unknown; theirs: unknown }> = {
    seeds: { mine: req.seeds, theirs: spec.seeds },
    seed: { mine: req.firstSeed, theirs: spec.firstSeed },
    depth: { mine: req.shape.depth, theirs: spec.shape.depth },
    fanout: { mine: req.shape.fanout, theirs: spec.shape.fanout },
    processes: { mine: req.shape.processes, theirs: spec.shape.processes },
    concurrency: { mine: req.shape.concurrency, theirs: spec.shape.concurrency },
    batch: { mine: req.batch, theirs: spec.batch },
    'shrink-time': { mine: req.shrinkMs / 1000, theirs: spec.shrinkMs / 1000 },
    'no-shrink': { mine: true, theirs: spec.shrinkMs === 0 },
    watchdog: { mine: req.watchdogMs / 1000, theirs: spec.watchdogMs / 1000 },
  };
  const out: string[] = [];
  for (const [option, v] of Object.entries(stored)) {
    if (req.given.has(option) && v.mine !== v.theirs) out.push(option === 'no-shrink' ? `--no-shrink (the run shrinks failures)` : `--${option} ${v.mine} (the run has ${v.theirs})`);
  }
  return out;
}

export async function startRun(redis: Redis, queue: Queue<BatchJobData>, req: RunRequest): Promise<StartedRun> {
  const version = pidsimVersion();
  const name = req.name ?? newRunName(req);
  const keys = runKeys(name);
  let resumed = true;
  let json = await redis.hget(keys.meta, 'spec');
  if (json === null) {
    if (req.seeds === undefined) {
      throw new RunRequestError(`there is no run named ${name} in this Redis to resume (it never started, or its records expired ${RUN_TTL_SECONDS / 86400} days after it ended); give --seeds N to start it`);
    }
    const spec: RunSpec = {
      version,
      name,
      firstSeed: req.firstSeed,
      seeds: req.seeds,
      shape: req.shape,
      batch: req.batch ?? autoBatch(req.seeds),
      shrinkMs: req.shrinkMs,
      watchdogMs: req.watchdogMs,
    };
    const created = await redis.hsetnx(keys.meta, 'spec', JSON.stringify(spec));
    if (created === 1) resumed = false;
    json = created === 1 ? JSON.stringify(spec) : await redis.hget(keys.meta, 'spec');
    if (json === null) throw new Error(`run ${name}: its spec vanished from Redis while it was being created`);
  }
  const spec = parseRunSpec(json);
  if (resumed) {
    if (spec.version !== version) {
      throw new RunRequestError(`run ${name} was made by pidsim ${spec.version}; this is pidsim ${version}: follow it with pidsim ${spec.version}, whose workers run it`);
    }
    const bad = disagreements(spec, req);
    if (bad.length > 0) throw new RunRequestError(`run ${name} already exists with other options: ${bad.join(', ')}; give --name ${name} alone to resume it, or another --name`);
  }
  await redis.hsetnx(keys.meta, 'createdAt', String(await redisTimeMs(redis)));
  const jobs = batchCount(spec);
  if ((await redis.hget(keys.meta, 'enqueued')) !== String(jobs)) {
    for (let from = 0; from < jobs; from += ENQUEUE_CHUNK) {
      const chunk = Array.from({ length: Math.min(ENQUEUE_CHUNK, jobs - from) }, (_, i) => from + i);
      await queue.addBulk(
        chunk.map((batch) => ({
          name: 'batch',
          data: { version, spec, batch },
          opts: {
            jobId: jobId(name, batch),
            // A try that throws (Redis away for longer than the connection waits) is tried again; a batch
            // whose worker dies is taken back by the stalled-job check instead (farm-worker.ts).
            attempts: 3,
            backoff: { type: 'exponential', delay: 1000 },
            removeOnComplete: { age: RUN_TTL_SECONDS },
            removeOnFail: { age: RUN_TTL_SECONDS },
          },
        })),
      );
    }
    await redis.hset(keys.meta, 'enqueued', String(jobs));
  }
  const createdAtMs = Number(await redis.hget(keys.meta, 'createdAt'));
  return { spec, resumed, createdAtMs, jobs };
}
