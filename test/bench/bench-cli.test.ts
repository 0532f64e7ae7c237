// `pidsim bench --quick` end to end: every suite runs, the JSON, SVG and
// markdown carry the expected structure. Structure only: no figure is ever
// asserted (a test never asserts a timing).

import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FLOOR_ID, PERF_TARGETS, SUITES, baselineAvailability, isFloorRow, runBenchCli, type BenchReport } from '../../src/bench/index.js';

function capture(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

describe('pidsim bench --quick', () => {
  let dir: string;
  let code: number;
  let stdout: string;
  let stderr: string;
  let report: BenchReport;
  let svg: string;
  let linux: boolean;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pidsim-bench-test-'));
    linux = (await baselineAvailability()).ok;
    const out = capture();
    const err = capture();
    code = await runBenchCli(['--quick', '--out', dir, '--html', join(dir, 'bench.html')], { stdout: out.stream, stderr: err.stream });
    stdout = out.text();
    stderr = err.text();
    report = JSON.parse(await readFile(join(dir, 'bench.json'), 'utf8')) as BenchReport;
    svg = await readFile(join(dir, 'bench.svg'), 'utf8');
  }, 120_000);

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('runs every suite and exits 0', () => {
    expect(stderr).not.toMatch(/failed/);
    expect(code).toBe(0);
    expect(report.suites.map((s) => s.suite)).toEqual(SUITES.map((s) => s.name));
  });

  it('writes JSON with every sample, medians, machine info and a timestamp', () => {
    expect(report.tool).toBe('pidsim bench');
    expect(report.quick).toBe(true);
    expect(Number.isNaN(Date.parse(report.timestamp))).toBe(false);
    expect(report.machine).toMatchObject({ cpus: expect.any(Number), node: process.version, kernel: expect.any(String), totalMemoryBytes: expect.any(Number) });
    for (const s of report.suites) {
      expect(s.seconds).toBeGreaterThanOrEqual(0);
      for (const r of s.rows) {
        expect(r.id.startsWith(`${s.suite.replace('linux-baseline', 'linux')}/`)).toBe(true);
        expect(r.samples.length).toBeGreaterThanOrEqual(1);
        expect(r.median).toBeGreaterThan(0);
        expect(Number.isFinite(r.median)).toBe(true);
      }
    }
    expect(report.targets.map((t) => t.id)).toEqual(PERF_TARGETS.map((t) => t.id));
  });

  it('measures fork+exit+reap for every transport, depth, drive and in-flight count, with ratios, and the runtime floor', () => {
    const rows = report.suites.find((s) => s.suite === 'fork-cycle')!.rows;
    expect(rows).toHaveLength(1 + 3 * 4 * 2 * 2);
    const floor = rows[0]!;
    expect(floor).toMatchObject({ id: FLOOR_ID, unit: 'cycles/s', params: { system: 'runtime-floor', inFlight: 256 } });
    expect(isFloorRow(floor)).toBe(true);
    // Interleaved with the two rows it judges: one batch in each of their rounds (one round each, in --quick).
    expect(floor.samples).toHaveLength(2);
    for (const t of ['inline', 'threads-w1', 'threads-w2']) {
      for (const d of [0, 1, 3, 31]) {
        for (const k of [1, 256]) {
          for (const drive of ['client', 'program']) {
            const row = rows.find((r) => r.id === `fork-cycle/${t}/d${d}/k${k}/${drive}`);
            expect(row, `fork-cycle/${t}/d${d}/k${k}/${drive}`).toBeDefined();
            if (t !== 'inline') expect(row!.versus).toBe('inline');
            else if (k === 256) expect(row!.versus).toBe('floor');
            else if (linux) expect(row!.versus).toBe('Linux');
            if (row!.versus) expect(row!.ratio).toBeGreaterThan(0);
          }
        }
      }
    }
  });

  it('reports for each threads row of fork cycles the messages its workers sent each other, and none for inline rows', () => {
    const rows = report.suites.filter((s) => s.suite === 'fork-cycle' || s.suite === 'parallel-namespaces').flatMap((s) => s.rows);
    for (const r of rows) {
      const t = String(r.params['transport'] ?? '');
      if (t.startsWith('threads')) {
        expect(r.crossWorker, r.id).toMatchObject({ messages: expect.any(Number), perUnit: expect.any(Number), chainOnOneWorker: expect.any(Boolean) });
        expect(r.crossWorker!.messages).toBeGreaterThanOrEqual(0);
      } else expect(r.crossWorker, r.id).toBeUndefined();
    }
    // One worker has no other worker to send to.
    for (const r of rows.filter((x) => x.params['transport'] === 'threads-w1')) expect(r.crossWorker!.messages, r.id).toBe(0);
    // co-locate keeps every chain below the root on one worker.
    for (const r of rows.filter((x) => x.params['transport'] === 'threads-w2')) expect(r.crossWorker!.chainOnOneWorker, r.id).toBe(true);
  });

  it('measures how long a kernel takes to create, starting its own workers and on a running pool', () => {
    const rows = report.suites.find((s) => s.suite === 'kernel-create')!.rows;
    expect(rows.map((r) => r.id)).toEqual([
      'kernel-create/inline',
      'kernel-create/threads-w1',
      'kernel-create/threads-w1/pool',
      'kernel-create/threads-w2',
      'kernel-create/threads-w2/pool',
    ]);
    for (const r of rows) expect(r).toMatchObject({ unit: 'ms/kernel', better: 'lower' });
    // --quick makes one kernel per row: whether its workers were shared is seen from the second on.
    for (const r of rows.slice(1)) expect(r.params['workers']).toBe('new');
  });

  it('compares a teardown with real Linux only at the same size', () => {
    const rows = report.suites.find((s) => s.suite === 'namespace-teardown')!.rows;
    const same = rows.find((r) => r.id === 'namespace-teardown/inline/flat/n100')!;
    expect(same.params).toMatchObject({ transport: 'inline', shape: 'flat', processes: 100 });
    if (linux) expect(same.versus).toBe('Linux');
    for (const id of ['namespace-teardown/inline/flat', 'namespace-teardown/inline/nested']) expect(rows.find((r) => r.id === id)!.baseline).toBeUndefined();
    expect(report.suites.find((s) => s.suite === 'namespace-teardown')!.notes.join(' ')).toContain('the 2,000-process rows have no Linux counterpart');
  });

  it('measures thread create+exit next to fork+exit+wait: inline rows against real Linux, threads rows against inline', () => {
    const s = report.suites.find((x) => x.suite === 'thread-cycle')!;
    const linuxIds = ['thread-cycle/linux/d0/thread', 'thread-cycle/linux/d0/fork', 'thread-cycle/linux/d3/thread', 'thread-cycle/linux/d3/fork'];
    if (linux) expect(s.rows.filter((r) => r.params['system'] === 'linux').map((r) => r.id)).toEqual(linuxIds);
    else expect(s.notes.join(' ')).toMatch(/Linux rows skipped: /);
    const rows = s.rows.filter((r) => r.params['system'] !== 'linux');
    expect(rows).toHaveLength(2 * 2 * 2 * 2);
    for (const r of rows) {
      const { transport, depth, inFlight, cycle } = r.params;
      expect(r.id).toBe(`thread-cycle/${transport}/d${depth}/k${inFlight}/${cycle}`);
      expect(r.unit).toBe('cycles/s');
      if (transport === 'threads-w1') expect(r.baseline).toBe(`thread-cycle/inline/d${depth}/k${inFlight}/${cycle}`);
      else expect(r.baseline).toBe(linux ? `thread-cycle/linux/d${depth}/${cycle}` : undefined);
    }
    expect(stdout).toContain('| clone(CLONE_THREAD)+exit of the thread at depth 3, inline, 256 in flight |');
  });

  it('has the Linux rows when this machine allows them, and says why not otherwise', () => {
    const s = report.suites.find((x) => x.suite === 'linux-baseline')!;
    if (linux) expect(s.rows.map((r) => r.id)).toEqual(['linux/fork-cycle/d0', 'linux/fork-cycle/d1', 'linux/fork-cycle/d3', 'linux/fork-cycle/d31', 'linux/ns-cycle', 'linux/teardown/n10', 'linux/teardown/n100']);
    else expect(s.notes.join(' ')).toMatch(/Linux rows skipped: /);
  });

  it('judges no target: a --quick run is too short', () => {
    for (const t of report.targets) expect(['not judged', 'not measured']).toContain(t.status);
    for (const r of report.suites.flatMap((s) => s.rows)) expect(r.targets).toEqual([]);
    expect(stdout).toContain('A --quick run is too short to judge a target');
    expect(stdout).not.toContain('**not met**');
  });

  it('prints a markdown table with the expected rows and the docs/performance.md targets', () => {
    expect(stdout).toContain('| measurement | median | unit | ratio | vs | docs/performance.md target |');
    for (const line of [
      '| fork+exit+reap, client-driven, inline, depth 0, 256 in flight |',
      '| fork+exit+reap, program-driven, threads W=2, depth 31, 1 in flight |',
      '| teardown of 2,000 processes (flat: children of its init), inline (',
      '| kill(-1, SIGUSR1) by 16 senders, 500 catching processes, threads W=2 |',
      '| kill(pid, SIGUSR1) to a catching process at depth 3, threads W=1, 256 in flight |',
      '| namespace created+destroyed, program-driven, inline, 256 in flight |',
      '| memory per live process at depth 0 (inline), 10,000 live: heap, ArrayBuffers and PID tables (',
      '| kernel created until its init answers getpid(), threads W=2',
      '| runtime floor: fork+exit+reap as 3 awaited calls on a table indexed by PID, cyclic PIDs, 256 in flight',
      '| worker round trip of 256 items as one Int32Array',
      '| 2 sibling namespaces cycling, client-driven, threads W=2, 128 in flight each |',
      '## docs/performance.md targets',
    ]) {
      expect(stdout).toContain(line);
    }
    expect(stdout).toMatch(/\| inline, program-driven \(a reaper forking children that exit\), depth 0: at least 1 M cycles\/s \| \*\*not judged\*\* \| fork-cycle\/inline\/d0\/k256\/program: [\d.,]+( M)? cycles\/s \|/);
    expect(stdout).toContain('| measurement | median | unit | ratio | vs | cross-worker messages per cycle | docs/performance.md target |');
  });

  it('writes the same markdown next to the JSON', async () => {
    expect(await readFile(join(dir, 'bench.md'), 'utf8')).toBe(stdout);
  });

  it('draws an SVG chart: the headline per depth first, then one bar per measurement in one panel per unit, memory included', () => {
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    const rows = report.suites.flatMap((s) => s.rows);
    const bars = svg.match(/<rect x="\d+" y="[\d.]+" width="[\d.]+" height="\d+" fill="#[0-9a-f]{6}"><title>(?!headline)/g) ?? [];
    expect(bars).toHaveLength(rows.length);
    for (const r of rows) expect(svg).toContain(`<title>${r.id}: `);
    const units = [...new Set(rows.map((r) => r.unit))];
    for (const u of units) expect(svg).toMatch(new RegExp(`font-weight="bold">${u.replace('/', '\\/')}( \\(log scale\\))?, (more|less) is better</text>`));
    expect(svg.indexOf('<title>headline depth 0: pidsim inline, client-driven: ')).toBeGreaterThan(0);
    expect(svg.indexOf('<title>headline depth 0:')).toBeLessThan(svg.indexOf('<title>fork-cycle/'));
    // Two columns of 14 px rows under the headline: about 1,700 px for the ~150 rows of a --quick run; one column would be over 2,500.
    expect(Number(/height="(\d+)"/.exec(svg)![1])).toBeLessThan(1800);
  });

  it('writes the HTML report with --html: Chart.js inlined, the headline and one canvas per unit', async () => {
    const page = await readFile(join(dir, 'bench.html'), 'utf8');
    expect(page).toContain('<canvas id="headline">');
    expect(page).toContain('Chart.js v4');
    const units = new Set(report.suites.flatMap((s) => s.rows.map((r) => r.unit)));
    expect((page.match(/<canvas id="unit-\d+">/g) ?? []).length).toBe(units.size);
    expect(page).not.toMatch(/<script[^>]+src=/);
  });
});
