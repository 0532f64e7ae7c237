// The runtime floor: a process table and nothing else, whose fork+exit+reap
// cycle the fork-cycle targets are fractions of. What it does is checked
// here (numbers, states, errors); how fast it is, only the bench says.

import { PassThrough } from 'node:stream';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FLOOR_ID, FloorTable, floorCycle, headlineSeries, isFloorRow, runBenchCli, type BenchReport } from '../../src/bench/index.js';

describe('the runtime floor', () => {
  it('forks children with cyclic numbers: a reaped number is not reused before the cursor wraps', async () => {
    const t = new FloorTable();
    const a = await t.fork(1);
    const b = await t.fork(1);
    expect([a, b]).toEqual([2, 3]);
    await t.exit(a, 0);
    expect(await t.wait(1, a)).toBe(0);
    expect(await t.fork(1)).toBe(4);
    expect(t.size).toBe(3);
  });

  it('wraps to 300 after pid_max 32768, skipping numbers still taken', async () => {
    const t = new FloorTable();
    const held = new Set<number>();
    for (let i = 0; i < 32766; i++) {
      const pid = await t.fork(1);
      if (pid >= 300 && pid < 305) held.add(pid);
      else {
        await t.exit(pid, 0);
        await t.wait(1, pid);
      }
    }
    expect(await t.fork(1)).toBe(305);
  });

  it('refuses an exit of what is not running and a wait for what is not a zombie child', async () => {
    const t = new FloorTable();
    const c = await t.fork(1);
    await expect(t.wait(1, c)).rejects.toThrow('FloorTable: ECHILD: wait by 1 for 2');
    await t.exit(c, 3);
    await expect(t.exit(c, 0)).rejects.toThrow('FloorTable: ESRCH: exit of 2, which is not running');
    await expect(t.wait(7, c)).rejects.toThrow('ECHILD');
    expect(await t.wait(1, c)).toBe(3);
  });

  it('a floor cycle forks, exits and reaps: 256 at once leave only PID 1', async () => {
    const t = new FloorTable();
    const cycle = floorCycle(t);
    await Promise.all(Array.from({ length: 256 }, async () => {
      for (let i = 0; i < 10; i++) expect(await cycle()).toBe(0);
    }));
    expect(t.size).toBe(1);
  });

  it('pidsim bench --floor --quick measures the floor alone, as a row the reports recognise', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pidsim-floor-'));
    try {
      const out = new PassThrough();
      const err = new PassThrough();
      let stdout = '';
      out.on('data', (c: Buffer) => (stdout += c.toString()));
      err.resume();
      expect(await runBenchCli(['--floor', '--quick', '--out', dir], { stdout: out, stderr: err })).toBe(0);
      const report = JSON.parse(await readFile(join(dir, 'bench-floor.json'), 'utf8')) as BenchReport;
      const rows = report.suites.flatMap((s) => s.rows);
      expect(rows.map((r) => r.id)).toEqual([FLOOR_ID]);
      expect(rows[0]).toMatchObject({ unit: 'cycles/s', params: { system: 'runtime-floor', inFlight: 256 } });
      expect(isFloorRow(rows[0]!)).toBe(true);
      expect(headlineSeries(report).map((s) => s.name)).toEqual(['runtime floor']);
      expect(stdout).toContain('| runtime floor: fork+exit+reap as 3 awaited calls on a table indexed by PID, cyclic PIDs, 256 in flight');
      expect(report.targets.find((t) => t.id === 'floor-depth-0')!.status).toBe('not measured');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
