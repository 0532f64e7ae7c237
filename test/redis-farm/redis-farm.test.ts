// The seed farm over Redis, end to end with real parts: a redis-server of its
// own on a free loopback port (append-only file, fsync at every write), and
// `pidsim worker` and `pidsim stress --queue` run as processes of the built
// CLI. A worker is killed with SIGKILL mid-run, Redis is killed and restarted
// mid-run, the client that started a run is killed and another resumes it, a
// worker runs a planted bug, and a worker of another version meets a run.
// Where redis-server is missing these tests are SKIPPED, loudly, saying so
// (.ci/run installs it on Debian). Needs the build (`npm test` builds first).

import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LocalRedis, QUEUE_NAME, QUEUE_PREFIX, WORKERS_KEY, freePort, pidsimVersion, redisServerMissing, runKeys } from '../../src/redis-farm/index.js';
import { runStressCli } from '../../src/stress/index.js';
import { capturedIo } from '../support/captured-io.js';
import { pidsim, stop, type PidsimProcess, type PidsimSpawn } from './pidsim-process.js';

const missing = redisServerMissing();
if (missing !== null) console.warn(`\n*** REDIS FARM TESTS SKIPPED: ${missing}. .ci/run installs it on Debian.\n`);

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PLANTED_BUG = fileURLToPath(new URL('./planted-teardown-bug.mjs', import.meta.url));
/** Small seeds: 200 planned forks each (the default shape otherwise). */
const SMALL = ['--processes', '200'];
const VERSION = pidsimVersion();
const HOST = hostname();

/** Polls `check` every 50 ms until it holds; throws after `ms`. */
async function until(what: string, check: () => Promise<boolean>, ms = 30_000): Promise<void> {
  const started = performance.now();
  while (!(await check())) {
    if (performance.now() - started > ms) throw new Error(`${ms} ms passed before ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The deterministic part of a farm's report: what a local run of the same seeds must equal. */
function outcome(report: Record<string, any>) {
  return {
    result: report.result,
    passed: report.passed,
    failed: report.failed.map((f: { seed: number }) => f.seed),
    operations: { planned: report.operations.planned, done: report.operations.done, skipped: report.operations.skipped, byKind: report.operations.byKind },
    syscalls: Object.fromEntries(Object.entries(report.syscalls.byName as Record<string, any>).map(([name, s]) => [name, { calls: s.calls, ok: s.ok, errors: s.errors }])),
    forks: { attempted: report.forks.attempted, succeeded: report.forks.succeeded },
    processes: report.processes,
    namespaces: report.namespaces,
    signals: report.signals,
    reparents: report.reparents,
    perSeed: report.perSeed.map((s: Record<string, unknown>) => ({ seed: s.seed, result: s.result, forks: s.forks, syscalls: s.syscalls, choices: s.choices, traceDigest: s.traceDigest })),
  };
}

describe.skipIf(missing !== null)(missing === null ? 'a seed farm on Redis' : `a seed farm on Redis: SKIPPED, ${missing}`, () => {
  let redis: LocalRedis;
  let conn: Redis;
  let queue: Queue;
  let dir: string;
  const procs: PidsimProcess[] = [];

  beforeAll(async () => {
    redis = await LocalRedis.start();
    // Both ride out the Redis restart; what they say meanwhile is not this test's business.
    conn = new Redis(redis.url.href, { maxRetriesPerRequest: null });
    conn.on('error', () => undefined);
    queue = new Queue(QUEUE_NAME, { connection: { url: redis.url.href }, prefix: QUEUE_PREFIX });
    queue.on('error', () => undefined);
    dir = mkdtempSync(join(tmpdir(), 'pidsim-redis-farm-'));
  });

  afterEach(async () => {
    for (const p of procs.splice(0)) await stop(p);
    // Killed workers leave their heartbeats behind: the next test starts with none.
    await conn.del(WORKERS_KEY);
  });

  afterAll(async () => {
    await queue?.close();
    conn?.disconnect();
    await redis?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const worker = (args: readonly string[], o?: PidsimSpawn): PidsimProcess => {
    const p = pidsim(['worker', '--queue', redis.url.href, '--lock-duration', '2', ...args], o);
    procs.push(p);
    return p;
  };
  /** `pidsim stress --queue` as a process of its own (to be killed). */
  const clientProcess = (args: readonly string[]): PidsimProcess => {
    const p = pidsim(['stress', '--queue', redis.url.href, '--no-progress', ...args]);
    procs.push(p);
    return p;
  };
  /** `pidsim stress --queue` in this process (starting a process costs seconds on a busy machine), with plain progress lines. */
  const client = (args: readonly string[]) => {
    const io = capturedIo();
    const exited = runStressCli(['--queue', redis.url.href, ...args], io);
    const waitFor = async (re: RegExp): Promise<void> => until(`the client's output matches ${re}`, async () => re.test(io.out()));
    return { exited, out: io.out, err: io.err, waitFor };
  };
  const recorded = (run: string): Promise<number> => conn.hlen(runKeys(run).results);
  const logSeeds = async (run: string): Promise<number[]> => (await conn.xrange(runKeys(run).log, '-', '+')).map(([, fields]) => Number(fields[fields.indexOf('seed') + 1]));
  const ready = (...ps: PidsimProcess[]): Promise<unknown> => Promise.all(ps.map((p) => p.waitFor(/taking jobs from/)));

  it('two workers on 200 seeds, one SIGKILLed mid-run: every seed has exactly one result, and the summary equals a local run of the same seeds', async () => {
    const a = worker(['--concurrency', '1']);
    const b = worker(['--concurrency', '1']);
    await ready(a, b);
    const report = join(dir, 'kill.json');
    const c = client(['--seeds', '200', '--seed', '5000', ...SMALL, '--batch', '4', '--name', 'kill-one', '--report', report]);
    // Kill `a` while it holds a batch, once the run is well under way: frozen first (SIGSTOP),
    // so whether it holds one cannot change between looking and killing.
    const aId = `${HOST}:${a.pid}`;
    await until('worker a is frozen holding a batch, 40 seeds into the run', async () => {
      if ((await recorded('kill-one')) < 40) return false;
      a.child.kill('SIGSTOP');
      await new Promise((r) => setTimeout(r, 20));
      const held = (await queue.getActive()).some((j) => j.processedBy === aId && j.data?.spec?.name === 'kill-one');
      if (!held) a.child.kill('SIGCONT');
      return held;
    });
    const atKill = await recorded('kill-one');
    a.child.kill('SIGKILL');
    expect(await c.exited, c.out() + c.err()).toBe(0);
    expect(atKill).toBeLessThan(200);

    // One record and one log entry per seed, for all 200.
    expect(await recorded('kill-one')).toBe(200);
    const logged = await logSeeds('kill-one');
    expect(logged).toHaveLength(200);
    expect(new Set(logged).size).toBe(200);
    // The batch `a` held went back to the queue and was run again: every job completed, one started twice or more.
    const jobs = (await queue.getJobs(['completed', 'failed', 'active', 'wait', 'delayed'], 0, -1)).filter((j) => j.data?.spec?.name === 'kill-one');
    expect(jobs).toHaveLength(50);
    expect(await Promise.all(jobs.map((j) => j.getState()))).toEqual(Array(50).fill('completed'));
    expect(jobs.some((j) => j.attemptsStarted >= 2)).toBe(true);

    const farm = JSON.parse(readFileSync(report, 'utf8'));
    expect(farm.queue).toMatchObject({ run: 'kill-one', batch: 4, jobs: 50, resumed: false });
    expect(new Set(farm.perSeed.map((s: { recordedBy: string }) => s.recordedBy))).toEqual(new Set([aId, `${HOST}:${b.pid}`]));
    expect(c.out()).toMatch(/^200 seeds in [\d.]+ s \([\d.]+ seeds\/s\): 200 passed, 0 failed$/m);

    // The same seeds on the local pool: the same outcome, seed by seed (the same trace digests).
    const localReport = join(dir, 'kill-local.json');
    const io = capturedIo();
    expect(await runStressCli(['--seeds', '200', '--seed', '5000', ...SMALL, '--workers', '2', '--no-progress', '--report', localReport], io)).toBe(0);
    const local = JSON.parse(readFileSync(localReport, 'utf8'));
    expect(outcome(farm)).toEqual(outcome(local));
  });

  it('Redis killed and restarted mid-run (append-only file, fsync at every write): nothing recorded is lost, and every seed is recorded once', async () => {
    const w = worker(['--concurrency', '2']);
    await ready(w);
    const c = client(['--seeds', '120', '--seed', '7000', ...SMALL, '--batch', '3', '--name', 'restart']);
    await until('30 seeds are recorded', async () => (await recorded('restart')) >= 30);
    const before = await conn.hgetallBuffer(runKeys('restart').results);
    // Down for a second: long enough for every connection to find it gone.
    await redis.kill('SIGKILL');
    await new Promise((r) => setTimeout(r, 1000));
    await redis.restart();
    expect(await c.exited, c.out() + c.err()).toBe(0);

    const after = await conn.hgetallBuffer(runKeys('restart').results);
    expect(Object.keys(before).length).toBeLessThan(120);
    for (const [seed, record] of Object.entries(before)) expect(after[seed]?.equals(record), `seed ${seed}`).toBe(true);
    expect(Object.keys(after)).toHaveLength(120);
    expect(new Set(await logSeeds('restart')).size).toBe(120);
    expect(await logSeeds('restart')).toHaveLength(120);
    // Both the client and the worker lost Redis for a while, and went on.
    const at = `Redis at ${redis.url.href}: `;
    expect(c.out()).toMatch(new RegExp(`^${at.replace(/[./]/g, '\\$&')}.+ \\(retrying\\)\n(.*\n)*${at.replace(/[./]/g, '\\$&')}connected again$`, 'm'));
    expect(w.out()).toMatch(/Redis: .+ \(retrying\)\n(.*\n)*.*Redis: connected again/);
    expect(c.out()).toMatch(/^120 seeds in [\d.]+ s \([\d.]+ seeds\/s\): 120 passed, 0 failed$/m);
  });

  it('the client that started a run is SIGKILLed; another resumes the run by name alone and reports every seed', async () => {
    const w = worker(['--concurrency', '2']);
    await ready(w);
    const first = clientProcess(['--seeds', '60', '--seed', '9000', ...SMALL, '--name', 'resume-me']);
    await until('10 seeds are recorded', async () => (await recorded('resume-me')) >= 10);
    await stop(first);

    const report = join(dir, 'resumed.json');
    const again = client(['--name', 'resume-me', '--report', report]);
    expect(await again.exited, again.out() + again.err()).toBe(0);
    expect(again.out()).toContain('pidsim stress: following run resume-me on ');
    expect(again.out()).toMatch(/^60 seeds in [\d.]+ s \([\d.]+ seeds\/s\): 60 passed, 0 failed$/m);
    const json = JSON.parse(readFileSync(report, 'utf8'));
    expect(json.queue).toMatchObject({ run: 'resume-me', resumed: true });
    expect(json.perSeed.map((s: { seed: number }) => s.seed)).toEqual(Array.from({ length: 60 }, (_, i) => 9000 + i));

    // Options given again must be the run's.
    const other = client(['--name', 'resume-me', '--seeds', '61']);
    expect(await other.exited).toBe(2);
    expect(other.err()).toContain('pidsim stress: run resume-me already exists with other options: --seeds 61 (the run has 60); give --name resume-me alone to resume it, or another --name\n');
  });

  it('a planted bug: a worker finds it, shrinks it where it found it, and the client reports it with the replay command and the shrunk one', async () => {
    const w = worker(['--concurrency', '1'], { nodeArgs: ['--import', PLANTED_BUG] });
    await ready(w);
    const report = join(dir, 'planted.json');
    const shape = ['--depth', '3', '--fanout', '3', '--processes', '600', '--concurrency', '32'];
    const c = client(['--seeds', '1', '--seed', '2', ...shape, '--shrink-time', '30', '--name', 'planted', '--report', report]);
    expect(await c.exited, c.out() + c.err()).toBe(1);
    const out = c.out();
    expect(out).toMatch(new RegExp(`^FAILED seed 2 \\(found by ${HOST}:${w.pid}, which shrinks it\\): invariant 3 broken: is running in namespace \\d+ \\(level \\d+\\) whose init has exited$`, 'm'));
    expect(out).toContain('  replay: pidsim stress --seed 2 --depth 3 --fanout 3 --processes 600 --concurrency 32\n');
    expect(out).toMatch(/^1 seeds in [\d.]+ s \([\d.]+ seeds\/s\): 0 passed, 1 failed \(seeds 2\)$/m);
    expect(out).toContain('invariant 3: No live process remains in a namespace whose init has exited.');
    expect(out).toMatch(/minimal reproducer: \d operations \(of [\d,]+\), \d+ scheduling choices \(of [\d,]+\)/);
    expect(out).toMatch(/ {2}replay: pidsim stress --seed 2 --depth 3 --fanout 3 --processes 600 --concurrency 32 --chaos \d+ --ops [\d,-]+\n/);
    expect(w.out()).toMatch(/run planted: FAILED seed 2 \(invariant 3\); shrinking it here \(up to 30 s\)/);

    const json = JSON.parse(readFileSync(report, 'utf8'));
    expect(json).toMatchObject({ result: 'failed', passed: 0, failed: [{ seed: 2, failure: { kind: 'invariant', invariant: 3 }, recordedBy: `${HOST}:${w.pid}` }] });
    const f = json.failed[0];
    expect(f.replay).toBe('pidsim stress --seed 2 --depth 3 --fanout 3 --processes 600 --concurrency 32');
    expect(f.shrunk).toMatchObject({ reproduced: true, failure: { invariant: 3 } });
    expect(f.shrunk.operations).toBeLessThan(f.shrunk.originalOperations);
    expect(f.shrunk.replay).toMatch(/^pidsim stress --seed 2 --depth 3 --fanout 3 --processes 600 --concurrency 32 --chaos \d+ --ops [\d,-]+$/);
  });

  it("a worker of another version refuses the run's jobs, saying both versions; a worker of the run's version then runs them all", async () => {
    // Another version: this build, copied under a package.json that says 9.9.9-other.
    const copy = join(dir, 'other-version');
    cpSync(join(ROOT, 'dist'), join(copy, 'dist'), { recursive: true });
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    writeFileSync(join(copy, 'package.json'), JSON.stringify({ ...pkg, version: '9.9.9-other' }));
    symlinkSync(join(ROOT, 'node_modules'), join(copy, 'node_modules'));
    const old = worker(['--concurrency', '1'], { cli: join(copy, 'dist', 'src', 'cli', 'main.js') });
    await old.waitFor(/pidsim worker 9\.9\.9-other .* taking jobs from/);

    const c = client(['--seeds', '3', '--seed', '11000', ...SMALL, '--name', 'versions']);
    const refusal = `worker ${HOST}:${old.pid} runs pidsim 9.9.9-other and refuses the jobs of run versions, made by pidsim ${VERSION}: a seed must run on the version that planned it`;
    await c.waitFor(/^refused: /m);
    expect(c.out()).toContain(`refused: ${refusal}\n`);
    expect(old.out()).toContain(refusal);
    await c.waitFor(new RegExp(`waiting: no worker of pidsim ${VERSION.replace(/\./g, '\\.')} is up \\(1 of pidsim 9\\.9\\.9-other, which refuse this run\\)`));
    expect(await recorded('versions')).toBe(0);

    const good = worker(['--concurrency', '1']);
    expect(await c.exited, c.out() + c.err()).toBe(0);
    expect(c.out()).toMatch(/^3 seeds in [\d.]+ s \([\d.]+ seeds\/s\): 3 passed, 0 failed$/m);
    expect(c.out()).toContain(`  recorded by ${HOST}:${good.pid} (3 seeds, 1 thread)\n`);
  });
});

describe('a farm whose Redis cannot be reached', () => {
  it('exits 2 within seconds with a message naming the URL and why, for the client and for a worker', async () => {
    const port = await freePort();
    const url = `redis://127.0.0.1:${port}`;
    const w = pidsim(['worker', '--queue', url]);
    const io = capturedIo();
    expect(await runStressCli(['--seeds', '2', '--queue', url], io)).toBe(2);
    expect(await w.exited).toBe(2);
    expect(io.err()).toBe(`pidsim stress: cannot reach Redis at ${url}: connect ECONNREFUSED 127.0.0.1:${port}\n`);
    expect(w.err()).toBe(`pidsim worker: cannot reach Redis at ${url}: connect ECONNREFUSED 127.0.0.1:${port}\n`);
    expect(io.out() + w.out()).toBe('');
  });
});
