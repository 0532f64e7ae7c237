// The short stress run CI makes on every `npm test`: several seeds on a
// piscina pool (each an inline kernel), and seeds on worker threads. Every
// invariant must hold, every syscall must settle, and the JSON report must say
// what was done. (Needs the build: the pool and the kernel workers run the
// built JavaScript; `npm test` builds first.)

import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatFailure, runStress, runStressCli } from '../../src/stress/index.js';
import { capturedIo } from '../support/captured-io.js';
import { createWorkerPool } from '../../src/index.js';

const small = ['--depth', '3', '--fanout', '3', '--processes', '1500', '--concurrency', '64'];
const dir = mkdtempSync(join(tmpdir(), 'pidsim-stress-ci-'));

describe('CI stress run', () => {
  it('three seeds in parallel on a piscina pool, each on an inline kernel: all pass, and the farm report adds them up', async () => {
    const report = join(dir, 'farm.json');
    const io = capturedIo();
    const code = await runStressCli(['--seeds', '3', '--seed', '6', '--workers', '2', ...small, '--shrink-time', '10', '--report', report], io);
    expect(io.out(), io.out()).toMatch(/^3 seeds in [\d.]+ s \([\d.]+ seeds\/s\): 3 passed, 0 failed$/m);
    expect(code).toBe(0);
    const json = JSON.parse(readFileSync(report, 'utf8'));
    expect(json).toMatchObject({ tool: 'pidsim stress', result: 'passed', passed: 3, failed: [], seeds: { first: 6, count: 3, threads: 2 } });
    expect(json.perSeed.map((s: { seed: number }) => s.seed)).toEqual([6, 7, 8]);
    expect(json.forks.succeeded).toBeGreaterThan(3000);
    expect(json.namespaces.created).toBeGreaterThan(30);
    expect(json.syscalls.byName.fork.latencyMs.p99Ms).toBeGreaterThanOrEqual(json.syscalls.byName.fork.latencyMs.p50Ms);
  });

  /** The threads seeds run on one pool of two workers, one after the other. */
  const threads = createWorkerPool({ workers: 2 });
  afterAll(() => threads.close());

  it.each([
    [2, 'co-locate'],
    [3, 'spread'],
  ] as const)('seed %i on two worker threads (%s): every invariant holds at every quiescent point', async (seed, placement) => {
    const r = await runStress({ depth: 3, fanout: 3, processes: 1000, concurrency: 64, seed, transport: 'threads', pool: threads, placement });
    expect(r.failure === null ? 'passed' : formatFailure(r.failure)).toBe('passed');
    expect(r.quiescentChecks).toBe(r.roundsPlanned);
    expect(r.counters.forksSucceeded).toBeGreaterThan(700);
    expect(r.events.namespacesDestroyed).toBeGreaterThan(0);
    expect(r.liveAtEnd.activeNamespaces).toBe(1); // the last round tears every namespace down (dead ones may stay referenced)
  });

  it('one inline run through the CLI writes a report describing it', async () => {
    const report = join(dir, 'run.json');
    const io = capturedIo();
    expect(await runStressCli(['--seed', '4', ...small, '--no-progress', '--report', report], io)).toBe(0);
    expect(io.out()).toMatch(/^PASSED seed 4: every invariant held at \d+ quiescent points and over [\d,]+ events$/m);
    const json = JSON.parse(readFileSync(report, 'utf8'));
    expect(json).toMatchObject({ result: 'passed', seed: 4, transport: 'inline', failure: null, command: `pidsim stress --seed 4 ${small.join(' ')}` });
    expect(json.operations.done).toBeGreaterThan(1000);
    expect(json.syscalls.perSecond).toBeGreaterThan(0);
    expect(json.processes.created).toBe(json.forks.succeeded);
    expect(json.memory.peakRssBytes).toBeGreaterThan(0);
    expect(json.checks.quiescent).toBe(json.rounds.planned);
  });
});
