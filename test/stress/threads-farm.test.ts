// `pidsim stress --seeds N --transport threads`: the farm runs its seeds one
// at a time on one pool thread, each on a threads kernel of --workers kernel
// workers that the pool thread starts once and every seed attaches to. Run
// as a user runs it - the built CLI in a child process - so that a worker
// thread left running would keep the process from ending, and fail the test.

import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'pidsim-threads-farm-'));

interface Ended {
  readonly stdout: string;
  readonly stderr: string;
  readonly code: number | null;
  /** The signal that ended the process: SIGKILL when the guard had to kill it. */
  readonly signal: NodeJS.Signals | null;
}

/** Runs `pidsim stress ARGS` to its end; the guard kills it if it has not ended by itself within a minute. */
function stress(args: readonly string[]): Promise<Ended> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['dist/src/cli/main.js', 'stress', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const guard = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(guard);
      resolve({ stdout, stderr, code, signal });
    });
  });
}

const shape = ['--depth', '3', '--fanout', '3', '--processes', '300', '--concurrency', '64'];

describe('pidsim stress --seeds on the threads transport', () => {
  it('three seeds, each on a threads kernel of two workers: all pass, the report says where they ran, and the process ends by itself', async () => {
    const report = join(dir, 'threads-farm.json');
    const r = await stress(['--seeds', '3', '--seed', '5', '--transport', 'threads', '--workers', '2', ...shape, '--no-progress', '--report', report]);
    expect([r.code, r.signal, r.stderr], r.stdout).toEqual([0, null, '']);
    expect(r.stdout.split('\n')[0]).toBe('pidsim stress: 3 seeds (5..7) on 1 pool thread, each on a threads kernel of 2 workers (co-locate): depth 3, fan-out 3, 300 processes, 64 in flight');
    expect(r.stdout).toMatch(/^3 seeds in [\d.]+ s \([\d.]+ seeds\/s\): 3 passed, 0 failed$/m);
    const json = JSON.parse(readFileSync(report, 'utf8'));
    expect(json).toMatchObject({
      result: 'passed',
      transport: 'threads',
      seeds: { first: 5, count: 3, threads: 1 },
      options: { depth: 3, fanout: 3, processes: 300, concurrency: 64, workers: 2, placement: 'co-locate', pidMax: null },
      passed: 3,
      failed: [],
      command: 'pidsim stress --seeds 3 --seed 5 --transport threads --workers 2 --depth 3 --fanout 3 --processes 300 --concurrency 64',
    });
    // What each seed's own run says of its kernel: threads, so no seeded delivery choices were made.
    expect(json.perSeed.map((s: { seed: number; transport: string; choices: number | null }) => [s.seed, s.transport, s.choices])).toEqual([
      [5, 'threads', null],
      [6, 'threads', null],
      [7, 'threads', null],
    ]);
    expect(json.forks.succeeded).toBeGreaterThan(3 * 150);
  });

  it('SIGINT while a seed runs on its threads kernel: the running seed is dropped, the replay command keeps the transport, exit 130', async () => {
    const report = join(dir, 'threads-farm-sigint.json');
    const args = ['--seeds', '3', '--seed', '1', '--transport', 'threads', '--workers', '2', '--placement', 'spread', '--depth', '3', '--fanout', '3', '--processes', '20000', '--concurrency', '64', '--report', report];
    const child = spawn(process.execPath, ['dist/src/cli/main.js', 'stress', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let sent = false;
    const guard = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
      // Once a progress line shows a seed running with forks done: its kernel workers are busy.
      if (!sent && /^ +\d+% [0-2]\/3 seeds · .* · 1 running · [1-9][\d,]* forks · /m.test(stdout)) sent = child.kill('SIGINT');
    });
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.on('close', (c, s) => resolve([c, s])));
    clearTimeout(guard);
    expect(sent, stdout).toBe(true);
    expect([code, signal], stdout).toEqual([130, null]);
    expect(stdout).toMatch(/^\d seeds in [\d.]+ s \([\d.]+ seeds\/s\): \d passed, 0 failed, [1-3] not finished \(stopped by SIGINT\)$/m);
    expect(stdout).toContain('\n  replay: pidsim stress --seeds 3 --seed 1 --transport threads --workers 2 --placement spread --depth 3 --fanout 3 --processes 20000 --concurrency 64\n');
    const json = JSON.parse(readFileSync(report, 'utf8'));
    expect(json).toMatchObject({ result: 'interrupted', interrupted: 'SIGINT', transport: 'threads', options: { workers: 2, placement: 'spread' } });
  });
});
