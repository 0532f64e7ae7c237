// Ctrl-C (SIGINT) or SIGTERM stops `pidsim stress` cleanly: it stops issuing
// operations, lets those in flight settle, prints the summary so far and the
// command that replays the run, writes the partial --report, and exits 128 +
// the signal's number (130, 143). Tested the way a user meets it: the built
// CLI in a child process, and a real signal once its progress shows it busy.

import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { StopSignals, exitStatusFor } from '../../src/stress/index.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'pidsim-stress-signals-'));

interface Stopped {
  readonly stdout: string;
  readonly stderr: string;
  readonly code: number | null;
  /** Whether the signal was sent (the trigger was seen before the command ended). */
  readonly sent: boolean;
}

/** Runs `pidsim stress ARGS` and sends `signal` once its stdout matches `when`. */
function stressUntil(args: readonly string[], when: RegExp, signal: NodeJS.Signals): Promise<Stopped> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['dist/src/cli/main.js', 'stress', ...args], { cwd: ROOT });
    let stdout = '';
    let stderr = '';
    let sent = false;
    const guard = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
      if (!sent && when.test(stdout)) sent = child.kill(signal);
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(guard);
      resolve({ stdout, stderr, code, sent });
    });
  });
}

/** "45,400 operations (+744 skipped)" of the summary line, as numbers. */
function summaryOps(stdout: string): { done: number; skipped: number } {
  const m = /^ {2}[\d,]+ forks, ([\d,]+) operations(?: \(\+([\d,]+) skipped\))?, /m.exec(stdout);
  if (!m) throw new Error(`no summary line in:\n${stdout}`);
  const n = (s: string | undefined): number => Number((s ?? '0').replaceAll(',', ''));
  return { done: n(m[1]), skipped: n(m[2]) };
}

const shape = ['--depth', '3', '--fanout', '3', '--processes', '60000', '--concurrency', '64'];
/** A progress line of the run (not of planning) before its end: a signal sent at 100% would come after the run (the engine got fast enough for that to happen). */
const RUNNING = /^ +\d{1,2}% round \d+\/\d+ · /m;

describe('pidsim stress stopped by a signal', () => {
  it('SIGINT during an inline run: the summary so far, the replay command, the partial report, exit 130', async () => {
    const report = join(dir, 'sigint.json');
    const r = await stressUntil(['--seed', '3', ...shape, '--report', report], RUNNING, 'SIGINT');
    expect(r.sent).toBe(true);
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(130);
    expect(r.stderr).toBe('');
    const m = /^INTERRUPTED seed 3 by SIGINT after round (\d+) of (\d+): every invariant held at (\d+) quiescent points and over [\d,]+ events$/m.exec(r.stdout);
    expect(m, r.stdout).not.toBeNull();
    const [done, planned, checks] = [Number(m![1]), Number(m![2]), Number(m![3])];
    expect(done).toBeLessThan(planned);
    expect(checks).toBe(done);
    expect(r.stdout).toContain('\n  replay: pidsim stress --seed 3 --depth 3 --fanout 3 --processes 60000 --concurrency 64\n');
    expect(r.stdout).toContain(`\n  report: ${report}\n`);
    const json = JSON.parse(readFileSync(report, 'utf8'));
    expect(json).toMatchObject({ result: 'interrupted', interrupted: 'SIGINT', failure: null, rounds: { planned, done } });
    const ops = summaryOps(r.stdout);
    expect(json.operations).toMatchObject({ done: ops.done, skipped: ops.skipped });
    expect(ops.done).toBeGreaterThan(0);
    expect(json.wallSeconds).toBeGreaterThan(json.planningSeconds);
  });

  it('SIGINT while a million processes are being planned: it says nothing ran, prints the replay command, writes the report, exit 130', async () => {
    const report = join(dir, 'planning.json');
    const r = await stressUntil(['--seed', '1', '--processes', '1000000', '--report', report], /% planning · /, 'SIGINT');
    expect(r.sent).toBe(true);
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(130);
    expect(r.stdout).toMatch(/^INTERRUPTED seed 1 by SIGINT while planning, after [\d.]+ s: nothing ran$/m);
    expect(r.stdout).toContain('\n  replay: pidsim stress --seed 1 --depth 4 --fanout 4 --processes 1000000 --concurrency 256\n');
    const json = JSON.parse(readFileSync(report, 'utf8'));
    expect(json).toMatchObject({ result: 'interrupted', interrupted: 'SIGINT', rounds: { planned: 0, done: 0 }, operations: { done: 0, skipped: 0 } });
    expect(json.planningSeconds).toBeGreaterThan(0);
  });

  it('SIGTERM during a threads run: stops the same way, exit 143', async () => {
    const report = join(dir, 'sigterm.json');
    const r = await stressUntil(['--seed', '2', '--transport', 'threads', '--workers', '2', ...shape, '--report', report], RUNNING, 'SIGTERM');
    expect(r.sent).toBe(true);
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(143);
    expect(r.stdout).toMatch(/^INTERRUPTED seed 2 by SIGTERM after round \d+ of \d+: every invariant held at \d+ quiescent points$/m);
    expect(r.stdout).toContain('\n  replay: pidsim stress --seed 2 --transport threads --workers 2 --depth 3 --fanout 3 --processes 60000 --concurrency 64\n');
    const json = JSON.parse(readFileSync(report, 'utf8'));
    expect(json).toMatchObject({ result: 'interrupted', interrupted: 'SIGTERM', transport: 'threads' });
    expect(json.operations.done).toBe(summaryOps(r.stdout).done);
  });

  it('SIGINT during a farm of seeds: the seeds that finished are reported, the others counted as not finished, exit 130', async () => {
    const report = join(dir, 'farm.json');
    const args = ['--seeds', '12', '--seed', '1', '--workers', '2', '--depth', '3', '--fanout', '3', '--processes', '3000', '--concurrency', '64', '--report', report];
    // Once the progress line shows some seeds done and some not.
    const r = await stressUntil(args, /^ +\d+% ([1-9]|1[01])\/12 seeds · /m, 'SIGINT');
    expect(r.sent).toBe(true);
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(130);
    const m = /^(\d+) seeds in [\d.]+ s \([\d.]+ seeds\/s\): (\d+) passed, 0 failed, (\d+) not finished \(stopped by SIGINT\)$/m.exec(r.stdout);
    expect(m, r.stdout).not.toBeNull();
    expect(Number(m![1]) + Number(m![3])).toBe(12);
    expect(Number(m![1])).toBeGreaterThan(0);
    expect(Number(m![3])).toBeGreaterThan(0);
    expect(r.stdout).toContain('\n  replay: pidsim stress --seeds 12 --seed 1 --depth 3 --fanout 3 --processes 3000 --concurrency 64\n');
    const json = JSON.parse(readFileSync(report, 'utf8'));
    expect(json).toMatchObject({ result: 'interrupted', interrupted: 'SIGINT', unfinished: Number(m![3]), passed: Number(m![2]) });
    expect(json.perSeed.length).toBe(Number(m![1]));
  });
});

describe('StopSignals', () => {
  let stop: StopSignals | undefined;
  afterEach(() => {
    stop?.dispose();
    vi.restoreAllMocks();
  });

  it('the first signal aborts; a second one exits at once with 128 + its number; dispose gives the signals back', () => {
    const lines: string[] = [];
    const before = process.listenerCount('SIGINT');
    stop = new StopSignals((line) => lines.push(line));
    expect(process.listenerCount('SIGINT')).toBe(before + 1);
    const exit = vi.spyOn(process, 'exit').mockImplementation((() => undefined) as never);
    process.emit('SIGTERM');
    expect(stop.signal.aborted).toBe(true);
    expect(stop.received).toBe('SIGTERM');
    expect(exit).not.toHaveBeenCalled();
    process.emit('SIGINT');
    expect(lines).toEqual(['pidsim stress: SIGINT again: exiting at once, without a summary\n']);
    expect(exit).toHaveBeenCalledWith(130);
    stop.dispose();
    expect(process.listenerCount('SIGINT')).toBe(before);
    expect([exitStatusFor('SIGINT'), exitStatusFor('SIGTERM')]).toEqual([130, 143]);
  });
});
