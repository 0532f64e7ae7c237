// A run gets the pid_max its workload needs, so no fork fails for want of a
// PID; and a run that skips most of its operations (forks failed wholesale,
// here under a pid_max made too small on purpose) does not pass: it is
// incomplete, exit status 3, unless --allow-skips accepts it.

import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Kernel } from '../../src/index.js';
import { generateWorkload, pidMaxFor, runStress, runStressCli, type Workload } from '../../src/stress/index.js';
import { capturedIo } from '../support/captured-io.js';

const dir = mkdtempSync(join(tmpdir(), 'pidsim-stress-skips-'));
const squeezed = ['--seed', '1', '--depth', '3', '--fanout', '3', '--processes', '3000', '--concurrency', '64', '--pid-max', '400', '--no-progress', '--no-shrink'];

describe('stress pid_max', () => {
  it('is what the workload needs: its forks + 2 above the 300 PIDs a wrap skips, at least 32768, at most 4194304', () => {
    expect(pidMaxFor(generateWorkload(1, { depth: 3, fanout: 3, processes: 2000, concurrency: 64 }))).toBe(32_768);
    expect(pidMaxFor(generateWorkload(1, { depth: 4, fanout: 4, processes: 200_000, concurrency: 256 }))).toBe(200_302);
    expect(pidMaxFor({ forks: 5_000_000 } as Workload)).toBe(4_194_304);
  });

  it("a run's kernel has it: a 40,000-process workload runs (here its first 40 operations) with pid_max 40,302", async () => {
    const shape = { depth: 3, fanout: 3, processes: 40_000, concurrency: 64 };
    const workload = generateWorkload(1, shape);
    let read: Promise<number> | undefined;
    const r = await runStress({
      ...shape,
      seed: 1,
      transport: 'inline',
      workload,
      ops: new Set(Array.from({ length: 40 }, (_, i) => i)),
      onKernel: (k: Kernel) => (read = k.init.readSysctl('pid_max')),
    });
    expect(r.pidMax).toBe(40_302);
    expect(await read).toBe(40_302);
    expect(r.passed).toBe(true);
  });
});

describe('a run that skips most of its operations', () => {
  it('is INCOMPLETE: it says how many were skipped and why (EAGAIN below pid_max 400), exits 3, and the report says "incomplete"', async () => {
    const report = join(dir, 'incomplete.json');
    const io = capturedIo();
    expect(await runStressCli([...squeezed, '--report', report], io)).toBe(3);
    const out = io.out();
    expect(out).toMatch(
      /^INCOMPLETE seed 1: every invariant held at \d+ quiescent points and over [\d,]+ events, but (\d+)% of the operations were skipped \(([\d,]+) of ([\d,]+)\): the processes they name were never created, since [\d,]+ forks failed: .*EAGAIN [\d,]+ \(no free PID below pid_max 400\)/m,
    );
    expect(out).toContain('  a run that skips more than half of its operations tested much less than it was asked to; --allow-skips accepts it\n');
    expect(out).not.toMatch(/^PASSED/m);
    const json = JSON.parse(readFileSync(report, 'utf8'));
    expect(json).toMatchObject({ result: 'incomplete', failure: null, interrupted: null, options: { pidMax: 400, allowSkips: false } });
    expect(json.operations.skippedFraction).toBeGreaterThan(0.5);
    expect(json.operations.skipped).toBeGreaterThan(json.operations.done);
    expect(json.syscalls.byName.fork.errors.EAGAIN).toBeGreaterThan(0);
  });

  it('passes with --allow-skips, saying what it accepted', async () => {
    const report = join(dir, 'allowed.json');
    const io = capturedIo();
    expect(await runStressCli([...squeezed, '--allow-skips', '--report', report], io)).toBe(0);
    expect(io.out()).toMatch(/^PASSED seed 1: every invariant held/m);
    expect(io.out()).toMatch(/^ {2}\d+% of the operations were skipped \(.*\(no free PID below pid_max 400\).* \(accepted: --allow-skips\)$/m);
    const json = JSON.parse(readFileSync(report, 'utf8'));
    expect(json).toMatchObject({ result: 'passed', options: { pidMax: 400, allowSkips: true } });
    expect(json.command).toBe('pidsim stress --seed 1 --depth 3 --fanout 3 --processes 3000 --concurrency 64 --pid-max 400 --allow-skips');
  });

  it('a run with the pid_max it needs skips few: the same workload passes with no fork failing EAGAIN', async () => {
    const io = capturedIo();
    const args = squeezed.filter((a, i) => a !== '--pid-max' && squeezed[i - 1] !== '--pid-max');
    const report = join(dir, 'roomy.json');
    expect(await runStressCli([...args, '--report', report], io)).toBe(0);
    const json = JSON.parse(readFileSync(report, 'utf8'));
    expect(json).toMatchObject({ result: 'passed', options: { pidMax: 32_768 } });
    expect(json.syscalls.byName.fork.errors.EAGAIN).toBeUndefined();
    expect(json.operations.skippedFraction).toBeLessThan(0.1);
  });
});
