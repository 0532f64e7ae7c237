// `pidsim stress --seeds N --queue URL [--name RUN]`: starts (or resumes) a
// run on the farm's Redis, follows it - progress across every worker,
// failures as they arrive - and ends with what a local farm prints and
// reports: the summary, each failure with its replay command and the form
// its worker shrunk it to, and the JSON report (plus who ran what).

import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import {
  farmReport,
  formatFailure,
  generateWorkload,
  replayCommand,
  shrinkReport,
  summaryLines,
  type ShrinkReport,
  type StressCliOptions,
  type StressFailure,
  type StressIo,
} from '../stress/index.js';
import { ProgressDisplay, count, duration } from '../stress/progress-display.js';
import { describeShape, headline, printShrunk, shapeOf, writeReport } from '../stress/stress-cli.js';
import { pidsimVersion } from './pidsim-version.js';
import { RedisUnreachableError, bullmqConnection, farmConnection, probeRedis } from './redis-connection.js';
import type { RedisUrl } from './redis-url.js';
import { QUEUE_NAME, QUEUE_PREFIX } from './run-keys.js';
import { followRun, type FollowResult } from './run-follow.js';
import { RunRequestError, startRun, type StartedRun } from './run-start.js';
import type { BatchJobData, RunSpec } from './run-spec.js';
import type { SeedRecord } from './seed-record.js';

/** `pidsim stress --queue URL ...`: resolves the exit status (0 passed, 1 a failure, 2 bad options or Redis unreachable). */
export async function runQueueStress(o: StressCliOptions, io: StressIo): Promise<number> {
  const url = o.queue!;
  const say = (line: string): void => void io.stdout.write(`${line}\n`);
  try {
    const info = await probeRedis(url);
    if (!info.appendOnly) say(`warning: Redis at ${url.display} keeps no append-only file: a restart would lose what it recorded since its last snapshot (run it with --appendonly yes)`);
  } catch (e) {
    if (!(e instanceof RedisUnreachableError)) throw e;
    io.stderr.write(`pidsim stress: ${e.message}\n`);
    return 2;
  }
  let lastError = '';
  const onError = (e: Error): void => {
    if (e.message === lastError) return;
    lastError = e.message;
    say(`Redis at ${url.display}: ${e.message} (retrying)`);
  };
  const redis = farmConnection(url, { name: 'pidsim-stress', onError });
  redis.on('ready', () => {
    if (lastError === '') return;
    lastError = '';
    say(`Redis at ${url.display}: connected again`);
  });
  const reader = farmConnection(url, { name: 'pidsim-stress-log', onError });
  const queue = new Queue<BatchJobData>(QUEUE_NAME, { connection: bullmqConnection(url, 'pidsim-stress-queue'), prefix: QUEUE_PREFIX });
  queue.on('error', onError);
  try {
    let run: StartedRun;
    try {
      run = await startRun(redis, queue, {
        name: o.name,
        firstSeed: o.seed,
        seeds: o.seeds,
        shape: shapeOf(o),
        batch: o.batch,
        shrinkMs: o.shrink ? o.shrinkSeconds * 1000 : 0,
        watchdogMs: o.watchdogSeconds * 1000,
        given: o.given,
      });
    } catch (e) {
      if (!(e instanceof RunRequestError)) throw e;
      io.stderr.write(`pidsim stress: ${e.message}\n`);
      return 2;
    }
    return await follow(o, io, url, run, redis, reader, queue);
  } finally {
    await queue.close();
    redis.disconnect();
    reader.disconnect();
  }
}

async function follow(o: StressCliOptions, io: StressIo, url: RedisUrl, run: StartedRun, redis: Redis, reader: Redis, queue: Queue<BatchJobData>): Promise<number> {
  const out = io.stdout;
  const { spec } = run;
  const last = (spec.firstSeed + spec.seeds - 1) >>> 0;
  out.write(
    `pidsim stress: ${run.resumed ? 'following run' : 'run'} ${spec.name} on ${url.display}: ${count(spec.seeds)} seeds (${spec.firstSeed}..${last}) in ${count(run.jobs)} jobs of ${spec.batch}, each seed on an inline kernel: ${describeShape(spec.shape)}\n` +
      `  follow or resume it from any host: pidsim stress --queue ${url.display} --name ${spec.name}\n` +
      `  workers (any number, on any hosts): pidsim worker --queue ${url.display}\n`,
  );
  const display = new ProgressDisplay(out, o.progress);
  const announced = new Set<number>();
  let waiting: string | null = null;
  const failed = (seed: number, f: StressFailure, who: string): string =>
    `FAILED seed ${seed} (${who}): ${headline(f)}: ${f.violations[0]?.message ?? f.title}\n  replay: ${replayCommand({ seed, shape: spec.shape, transport: 'inline' })}`;
  const above = (text: string): void => {
    display.clear();
    out.write(text);
  };
  const result = await followRun({
    redis,
    reader,
    queue,
    run,
    onFound: (seed, by, failure) => {
      announced.add(seed);
      above(`${failed(seed, failure, `found by ${by}, which shrinks it`)}\n`);
    },
    onRecord: (r) => {
      const failure = recordFailure(r);
      if (!failure) return;
      const lines = announced.has(r.seed) ? [] : [failed(r.seed, failure, `recorded by ${r.by.id}`)];
      if (r.shrunk?.reproduced) {
        const replay = replayCommand({ seed: r.seed, shape: spec.shape, transport: 'inline', chaos: r.shrunk.chaos, ops: r.shrunk.ops });
        lines.push(`seed ${r.seed} shrunk by ${r.by.id} to ${count(r.shrunk.ops.length)} operations, ${count(r.shrunk.choices)} scheduling choices:\n  replay: ${replay}`);
      }
      if (lines.length > 0) above(`${lines.join('\n')}\n`);
    },
    onRefusal: (message) => above(`refused: ${message}\n`),
    onProgress: (p) => {
      // A change of what the run waits for is shown at once; the rest at the display's pace.
      const changed = p.waiting !== waiting;
      waiting = p.waiting;
      display.update(
        p.done / p.seeds,
        `${count(p.done)}/${count(p.seeds)} seeds · ${count(p.passed)} passed · ${count(p.failed)} failed · ${p.running} running on ${p.workers} worker${p.workers === 1 ? '' : 's'} · ${count(p.forks)} forks · ${duration(p.elapsedMs)}${p.waiting ? ` · waiting: ${p.waiting}` : ''}`,
        changed,
      );
    },
  });
  display.clear();
  return summarize(o, io, url, run, result);
}

function recordFailure(r: SeedRecord): StressFailure | null {
  return r.result ? r.result.failure : r.lost;
}

function summarize(o: StressCliOptions, io: StressIo, url: RedisUrl, run: StartedRun, farm: FollowResult): number {
  const out = io.stdout;
  const { spec } = run;
  const shape = spec.shape;
  const failures = [...farm.results.filter((r) => !r.passed).map((r) => ({ seed: r.seed, failure: r.failure! })), ...farm.lost].sort((a, b) => a.seed - b.seed);
  const replays = new Map<number, string>();
  for (const f of failures) replays.set(f.seed, replayCommand({ seed: f.seed, shape, transport: 'inline' }));
  const passed = farm.results.filter((r) => r.passed).length;
  const threads = farm.workers.reduce((n, w) => n + w.threads, 0);
  out.write(`${count(spec.seeds)} seeds in ${duration(farm.wallMs)} (${((spec.seeds * 1000) / farm.wallMs).toFixed(2)} seeds/s): ${count(passed)} passed, ${count(failures.length)} failed${failures.length ? ` (seeds ${failures.map((f) => f.seed).join(', ')})` : ''}\n`);
  const plural = (n: number, what: string): string => `${count(n)} ${what}${n === 1 ? '' : 's'}`;
  out.write(`  recorded by ${farm.workers.map((w) => `${w.id} (${plural(w.seeds, 'seed')}${w.threads > 0 ? `, ${plural(w.threads, 'thread')}` : ''})`).join(', ')}\n`);
  for (const line of summaryLines(farm.totals, farm.events, farm.wallMs)) out.write(`${line}\n`);
  const [first, ...others] = failures;
  if (first) {
    out.write(`FAILED seed ${first.seed}: ${headline(first.failure)}\n${formatFailure(first.failure)}\n  replay: ${replays.get(first.seed)}\n`);
    for (const f of others) out.write(`FAILED seed ${f.seed}: ${headline(f.failure)}: ${f.failure.violations[0]?.message ?? ''}\n  replay: ${replays.get(f.seed)}\n`);
  }
  // Each failure was shrunk by the worker that found it: the first in full, as a local farm prints it, the others in a line.
  const shrunk = new Map<number, ShrinkReport>();
  for (const f of failures) {
    const s = farm.shrunk.get(f.seed);
    if (!s) continue;
    const replay = replayCommand({ seed: f.seed, shape, transport: 'inline', chaos: s.chaos, ops: s.ops });
    shrunk.set(f.seed, shrinkReport(s, replay));
    if (shrunk.size === 1) {
      out.write(`seed ${f.seed}, shrunk by ${farm.recordedBy.get(f.seed)}:\n`);
      printShrunk(io, s, generateWorkload(f.seed, shape), replay, f.seed);
    } else if (s.reproduced) {
      out.write(`seed ${f.seed}, shrunk by ${farm.recordedBy.get(f.seed)}: ${count(s.ops.length)} operations (of ${count(s.originalOps)}), ${count(s.choices)} scheduling choices\n  replay: ${replay}\n`);
    }
  }
  const [firstShrunk] = shrunk;
  const base = farmReport({
    command: farmCommand(url, spec),
    firstSeed: spec.firstSeed,
    seeds: spec.seeds,
    threads,
    shape,
    results: farm.results,
    lost: farm.lost,
    totals: farm.totals,
    events: farm.events,
    wallMs: farm.wallMs,
    mainPeakRssBytes: farm.mainPeakRssBytes,
    replays,
    shrunk: firstShrunk ? { ...firstShrunk[1], seed: firstShrunk[0] } : null,
  });
  writeReport(io, o.report, {
    ...base,
    pidsimVersion: pidsimVersion(),
    queue: { url: url.display, run: spec.name, resumed: run.resumed, batch: spec.batch, jobs: run.jobs, workers: farm.workers },
    failed: base.failed.map((f) => ({ ...f, recordedBy: farm.recordedBy.get(f.seed) ?? null, shrunk: shrunk.get(f.seed) ?? null })),
    perSeed: base.perSeed.map((s) => ({ ...s, recordedBy: farm.recordedBy.get(s.seed) ?? null })),
  });
  return failures.length === 0 ? 0 : 1;
}

/** The command that follows this run again (and re-reads its report while Redis keeps it). */
function farmCommand(url: RedisUrl, spec: RunSpec): string {
  const s = spec.shape;
  return `pidsim stress --queue ${url.display} --name ${spec.name} --seeds ${spec.seeds} --seed ${spec.firstSeed} --depth ${s.depth} --fanout ${s.fanout} --processes ${s.processes} --concurrency ${s.concurrency} --batch ${spec.batch}`;
}
