// Stress seeds per second: the local piscina pool of `pidsim stress --seeds`
// (new for each run, as the CLI makes it, and kept warm between runs) against
// a farm over Redis (BullMQ) of one and of two `pidsim worker` processes on
// this machine, with as many pool threads in all as the local pool has. A
// farm's sample runs from the enqueueing of a new run to its last record, as
// a client sees it. The suite starts its own redis-server on a free
// loopback port (append-only file, fsync at every write, as the docs advise);
// without redis-server only the local row is measured, and a note says why.

import { spawn, type ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Queue } from 'bullmq';
import { LocalRedis, QUEUE_NAME, QUEUE_PREFIX, bullmqConnection, farmConnection, followRun, redisServerMissing, startRun, type BatchJobData } from '../src/redis-farm/index.js';
import { SeedPool, runSeedFarm, type WorkloadShape } from '../src/stress/index.js';
import { isMainModule, runSuiteStandalone, sampleRates, type Batch, type Measurement, type SuiteOptions, type SuiteResult } from '../src/bench/index.js';

/** The built CLI the workers run, from bench/ (sources) or dist/bench/ (the build). */
const CLI = fileURLToPath(new URL(import.meta.url.endsWith('.ts') ? '../dist/src/cli/main.js' : '../src/cli/main.js', import.meta.url));
const WORKER_READY_MS = 30_000;

interface Sizes {
  readonly seeds: number;
  readonly shape: WorkloadShape;
  readonly samples: number;
  readonly warmup: number;
}

/** Starts `pidsim worker` with `threads` pool threads; resolves once it takes jobs. */
function startWorker(url: string, threads: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, [CLI, 'worker', '--queue', url, '--concurrency', String(threads)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`pidsim worker did not start within ${WORKER_READY_MS / 1000} s: ${out}`)), WORKER_READY_MS);
    child.stdout!.setEncoding('utf8').on('data', (c: string) => {
      out += c;
      if (out.includes('taking jobs from')) {
        clearTimeout(timer);
        resolve(child);
      }
    });
    child.stderr!.setEncoding('utf8').on('data', (c: string) => (out += c));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`pidsim worker exited (${code}) as it started: ${out}`));
    });
  });
}

async function stopWorker(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGKILL');
  await gone;
}

/** One sample of the local pool (a new one, or `pool`): a farm of `seeds` seeds, seeds per millisecond of its wall time. */
async function localBatch(firstSeed: number, sizes: Sizes, threads: number, pool?: SeedPool): Promise<Batch> {
  const r = await runSeedFarm({ firstSeed, seeds: sizes.seeds, shape: sizes.shape, threads, watchdogMs: 60_000, pool });
  const bad = r.results.filter((x) => !x.passed).length + r.lost.length;
  if (bad > 0) throw new Error(`seed-farm: ${bad} of seeds ${firstSeed}.. failed on the local pool; a benchmark needs passing seeds`);
  return { units: sizes.seeds, ms: r.wallMs };
}

export async function run(options: SuiteOptions): Promise<Omit<SuiteResult, 'seconds'>> {
  const threads = availableParallelism();
  const sizes: Sizes = options.quick
    ? { seeds: 4, shape: { depth: 4, fanout: 4, processes: 100, concurrency: 256 }, samples: 1, warmup: 0 }
    : { seeds: 40, shape: { depth: 4, fanout: 4, processes: 500, concurrency: 256 }, samples: 3, warmup: 1 };
  const shapeText = `${sizes.seeds} seeds of ${sizes.shape.processes} processes`;
  const measurements: Measurement[] = [];
  const notes: string[] = [
    `${shapeText} (depth ${sizes.shape.depth}, fan-out ${sizes.shape.fanout}) per sample, ${threads} pool threads in all. A new pool's threads start cold (V8 has not optimised the engine yet), as in every \`pidsim stress --seeds\` run; a warm pool is kept between samples, as a farm's workers are. Farm rows are compared with the warm pool.`,
  ];
  let nextSeed = 1;

  options.log('  seed-farm/local-pool');
  const local = await sampleRates('seed-farm/local-pool', sizes, () => localBatch((nextSeed += sizes.seeds), sizes, threads));
  measurements.push({
    id: 'seed-farm/local-pool',
    label: `stress seeds on a new local pool (${threads} threads), as pidsim stress --seeds runs them, ${shapeText}`,
    unit: 'seeds/s',
    better: 'higher',
    samples: local.samples,
    median: local.median,
    params: { farm: 'local', pool: 'new', workers: 0, threads },
  });
  options.log('  seed-farm/local-pool-warm');
  const pool = new SeedPool(threads);
  try {
    const warm = await sampleRates('seed-farm/local-pool-warm', sizes, () => localBatch((nextSeed += sizes.seeds), sizes, threads, pool));
    measurements.push({
      id: 'seed-farm/local-pool-warm',
      label: `stress seeds on a warm local pool (${threads} threads, kept between samples), ${shapeText}`,
      unit: 'seeds/s',
      better: 'higher',
      samples: warm.samples,
      median: warm.median,
      params: { farm: 'local', pool: 'warm', workers: 0, threads },
      baseline: 'seed-farm/local-pool',
    });
  } finally {
    await pool.destroy();
  }

  const missing = redisServerMissing();
  if (missing !== null) {
    notes.push(`Redis rows skipped: ${missing}.`);
    return { suite: 'seed-farm', title: 'stress seeds per second: local pool vs a farm over Redis', measurements, notes };
  }
  const redis = await LocalRedis.start();
  const redisClient = farmConnection(redis.url, { name: 'pidsim-bench' });
  const reader = farmConnection(redis.url, { name: 'pidsim-bench-log' });
  const queue = new Queue<BatchJobData>(QUEUE_NAME, { connection: bullmqConnection(redis.url, 'pidsim-bench-queue'), prefix: QUEUE_PREFIX });
  let runs = 0;
  try {
    for (const workers of [1, 2]) {
      const id = `seed-farm/redis-w${workers}`;
      options.log(`  ${id}`);
      const each = Math.max(1, Math.floor(threads / workers));
      const children = await Promise.all(Array.from({ length: workers }, () => startWorker(redis.url.href, each)));
      try {
        const r = await sampleRates(id, sizes, async () => {
          const t0 = performance.now();
          const started = await startRun(redisClient, queue, {
            name: `bench-${process.pid}-${++runs}`,
            firstSeed: (nextSeed += sizes.seeds),
            seeds: sizes.seeds,
            shape: sizes.shape,
            batch: 1,
            shrinkMs: 0,
            watchdogMs: 60_000,
            given: new Set(),
          });
          const f = await followRun({ redis: redisClient, reader, queue, run: started });
          const ms = performance.now() - t0;
          const bad = f.results.filter((x) => !x.passed).length + f.lost.length;
          if (bad > 0) throw new Error(`${id}: ${bad} seeds of run ${started.spec.name} failed; a benchmark needs passing seeds`);
          return { units: sizes.seeds, ms };
        });
        measurements.push({
          id,
          label: `stress seeds on a farm over Redis of ${workers} local worker${workers === 1 ? '' : 's'} (${each} thread${each === 1 ? '' : 's'} each), ${shapeText}`,
          unit: 'seeds/s',
          better: 'higher',
          samples: r.samples,
          median: r.median,
          params: { farm: 'redis', workers, threads: each * workers },
          baseline: 'seed-farm/local-pool-warm',
        });
      } finally {
        await Promise.all(children.map(stopWorker));
      }
    }
  } finally {
    await queue.close();
    redisClient.disconnect();
    reader.disconnect();
    await redis.stop();
  }
  notes.push('Farm rows: one job per seed (--batch 1), no shrinking; the workers are started before the first sample and stay up; Redis on this machine with its append-only file fsynced at every write.');
  return { suite: 'seed-farm', title: 'stress seeds per second: local pool vs a farm over Redis', measurements, notes };
}

// Run alone: node dist/bench/<name>.bench.js [--quick]. Not awaited: the runner imports this very module.
if (isMainModule(import.meta.url)) void runSuiteStandalone('seed-farm');
