// From measurements to the report: ratios against the baseline of each
// family, docs/performance.md verdicts (met, not met, not measured, not
// judged; none at all in a --quick run), and how the table and the chart
// show them. Synthetic figures: nothing here is timed.

import { describe, expect, it } from 'vitest';
import {
  FLOOR_ID,
  PERF_TARGETS,
  buildReport,
  formatFigure,
  machineInfo,
  renderMarkdown,
  renderSvg,
  type Measurement,
  type SuiteResult,
} from '../../src/bench/index.js';
import { renderBenchHtml } from '../../src/report/index.js';

function m(id: string, median: number, extra: Partial<Measurement> = {}): Measurement {
  return { id, label: id, unit: 'cycles/s', better: 'higher', samples: [median], median, params: {}, ...extra };
}

function report(measurements: Measurement[], quick = false) {
  const suite: SuiteResult = { suite: 'fork-cycle', title: 'cycles <&>', measurements, notes: ['a note'], seconds: 1 };
  return buildReport({ suites: [suite], machine: machineInfo(), loadAverageAtEnd: [0, 0, 0], quick, timestamp: new Date(0) });
}

const status = (ms: Measurement[], quick = false): Record<string, string> => Object.fromEntries(report(ms, quick).targets.map((t) => [t.id, t.status]));
const checks = (ms: Measurement[], id: string) => report(ms).targets.find((t) => t.id === id)!.checks;

const floor = m(FLOOR_ID, 3_000_000, { params: { system: 'runtime-floor', inFlight: 256 } });
const linux = m('linux/fork-cycle/d0', 5_000, { params: { system: 'linux', depth: 0 } });
const inline = m('fork-cycle/inline/d0/k256/client', 1_200_000, { params: { transport: 'inline', depth: 0, inFlight: 256, drive: 'client' }, baseline: FLOOR_ID });
const inline31 = m('fork-cycle/inline/d31/k256/client', 30_000, { params: { transport: 'inline', depth: 31, inFlight: 256, drive: 'client' }, baseline: FLOOR_ID });
const threads = m('fork-cycle/threads-w1/d0/k256/client', 600_000, {
  params: { transport: 'threads-w1', depth: 0, inFlight: 256, drive: 'client' },
  baseline: inline.id,
  crossWorker: { messages: 0, perUnit: 0, chainOnOneWorker: true },
});
const w2 = (depth: number, messages: number, extra: Partial<Measurement> = {}): Measurement =>
  m(`fork-cycle/threads-w2/d${depth}/k256/client`, 500_000, {
    params: { transport: 'threads-w2', depth, inFlight: 256, drive: 'client' },
    baseline: `fork-cycle/inline/d${depth}/k256/client`,
    crossWorker: { messages, perUnit: messages / 1000, chainOnOneWorker: true },
    ...extra,
  });

describe('the bench report', () => {
  it('computes each ratio against the baseline of its family: the floor, Linux, inline', () => {
    const atOne = m('fork-cycle/inline/d0/k1/client', 100_000, { params: { transport: 'inline' }, baseline: linux.id });
    const rows = report([floor, linux, inline, atOne, threads]).suites[0]!.rows;
    expect(rows.find((r) => r.id === inline.id)).toMatchObject({ ratio: 0.4, versus: 'floor' });
    expect(rows.find((r) => r.id === atOne.id)).toMatchObject({ ratio: 20, versus: 'Linux' });
    expect(rows.find((r) => r.id === threads.id)).toMatchObject({ ratio: 0.5, versus: 'inline' });
    expect(rows.find((r) => r.id === floor.id)!.ratio).toBeUndefined();
  });

  it('leaves the ratio out when the baseline was not measured in this run', () => {
    const row = report([inline]).suites[0]!.rows[0]!;
    expect(row.ratio).toBeUndefined();
    expect(row.versus).toBeUndefined();
  });

  it('has exactly the targets of docs/performance.md, in its order', () => {
    expect(PERF_TARGETS.map((t) => t.id)).toEqual([
      'floor-depth-0',
      'floor-depth-31',
      'program-depth-0',
      'threads-w1-vs-inline',
      'workers-scale',
      'locality',
      'kernel-create',
      'teardown',
      'memory-per-process',
    ]);
  });

  it('judges the client-driven rows as fractions of the floor of the same run: 0.30 at depth 0, 0.02 at depth 31', () => {
    expect(checks([floor, inline, inline31], 'floor-depth-0')).toEqual([{ row: inline.id, value: '0.4 of the floor', verdict: 'met' }]);
    expect(checks([floor, inline31], 'floor-depth-31')).toEqual([{ row: inline31.id, value: '0.01 of the floor', verdict: 'not met' }]);
    // Without a floor in the run, no ratio to it: not measured, whatever the row's figure.
    expect(status([inline])['floor-depth-0']).toBe('not measured');
  });

  it('judges W=1 against inline at 0.8x for every depth and drive, and W=2 against W=1 at 1.5x program-driven, 1.2x client-driven', () => {
    const w1 = checks([inline, threads], 'threads-w1-vs-inline');
    expect(w1).toHaveLength(8);
    expect(w1[0]).toEqual({ row: threads.id, value: '0.5x inline', verdict: 'not met' });
    expect(w1.filter((c) => c.verdict === 'not measured')).toHaveLength(7);
    const scale = (program: number, client: number) => [
      m('parallel-namespaces/threads-w1/program', 100),
      m('parallel-namespaces/threads-w2/program', program),
      m('parallel-namespaces/threads-w1/client', 100),
      m('parallel-namespaces/threads-w2/client', client),
    ];
    expect(status(scale(150, 120))['workers-scale']).toBe('met');
    expect(status(scale(149, 130))['workers-scale']).toBe('not met');
    expect(status(scale(160, 119))['workers-scale']).toBe('not met');
  });

  it('judges locality on the rows of two workers whose chain lives on one worker, at 256 in flight: no message between workers', () => {
    const spansWorkers = w2(3, 50, { crossWorker: { messages: 50, perUnit: 0.05, chainOnOneWorker: false } });
    const atOne = m('fork-cycle/threads-w2/d1/k1/client', 1000, { params: { transport: 'threads-w2', depth: 1, inFlight: 1 }, crossWorker: { messages: 7, perUnit: 7, chainOnOneWorker: true } });
    const c = checks([threads, w2(0, 0), w2(1, 7000), spansWorkers, atOne], 'locality');
    // W=1 has no other worker to send to; a chain across workers, and 1 in flight, are reported in the table but not judged.
    expect(c).toEqual([
      { row: 'fork-cycle/threads-w2/d0/k256/client', value: '0 cross-worker messages per cycle', verdict: 'met' },
      { row: 'fork-cycle/threads-w2/d1/k256/client', value: '7 cross-worker messages per cycle', verdict: 'not met' },
    ]);
    expect(status([threads])['locality']).toBe('not measured');
  });

  it('judges kernel creation on a running pool only, and only if its workers were kept between kernels', () => {
    const create = (ms: number, workers: string) => [
      m('kernel-create/threads-w1/pool', ms, { unit: 'ms/kernel', better: 'lower', params: { transport: 'threads-w1', workers } }),
      m('kernel-create/threads-w2/pool', ms, { unit: 'ms/kernel', better: 'lower', params: { transport: 'threads-w2', workers } }),
    ];
    expect(checks(create(25, 'shared'), 'kernel-create')).toEqual([
      { row: 'kernel-create/threads-w1/pool', value: '25 ms', verdict: 'met' },
      { row: 'kernel-create/threads-w2/pool', value: '25 ms', verdict: 'met' },
    ]);
    expect(checks(create(40, 'shared'), 'kernel-create')[0]!.verdict).toBe('not met');
    expect(checks(create(400, 'new'), 'kernel-create')[0]).toMatchObject({ verdict: 'not judged', value: '400 ms, the workers were new for each kernel: not what the target times' });
    // A kernel starting its own workers is reported, never judged.
    expect(status([m('kernel-create/threads-w1', 400, { unit: 'ms/kernel', better: 'lower', params: { transport: 'threads-w1', workers: 'new' } })])['kernel-create']).toBe('not measured');
  });

  it('judges memory at 1 M live only', () => {
    const mem = (median: number, live: number) => [m('live-memory/inline/d0', median, { unit: 'B/process', better: 'lower', params: { transport: 'inline', depth: 0, live } })];
    expect(checks(mem(190, 1_000_000), 'memory-per-process')[0]!.verdict).toBe('met');
    expect(checks(mem(210, 1_000_000), 'memory-per-process')[0]!.verdict).toBe('not met');
    expect(checks(mem(150, 750_000), 'memory-per-process')[0]).toEqual({ row: 'live-memory/inline/d0', value: '150 B/process at 750,000 live, not 1 M', verdict: 'not judged' });
  });

  it('a status is met only when every check is, partly judged when some have no verdict', () => {
    const program = m('fork-cycle/inline/d0/k256/program', 2_000_000);
    const teardown = [m('namespace-teardown/inline/flat', 2e6, { unit: 'processes/s' })];
    expect(status([program])['program-depth-0']).toBe('met');
    expect(status(teardown)['teardown']).toBe('partly judged');
    expect(status([...teardown, m('namespace-teardown/inline/nested', 5e5, { unit: 'processes/s' })])['teardown']).toBe('not met');
    expect(status([])['teardown']).toBe('not measured');
  });

  it('a --quick run judges nothing: every target with a figure is not judged, and no row carries a verdict', () => {
    const ms = [floor, inline, inline31, threads, m('fork-cycle/inline/d0/k256/program', 2_000_000)];
    const r = report(ms, true);
    for (const t of r.targets) {
      expect(['not judged', 'not measured']).toContain(t.status);
      for (const c of t.checks) expect(['not judged', 'not measured']).toContain(c.verdict);
    }
    expect(r.targets.find((t) => t.id === 'program-depth-0')!.status).toBe('not judged');
    expect(r.suites[0]!.rows.every((row) => row.targets.length === 0)).toBe(true);
    const md = renderMarkdown(r);
    expect(md).not.toContain('**not met**');
    expect(md).not.toMatch(/\| met \||: met\b/);
    expect(md).toContain('A --quick run is too short to judge a target');
    expect(md).toContain('| inline, program-driven (a reaper forking children that exit), depth 0: at least 1 M cycles/s | **not judged** | fork-cycle/inline/d0/k256/program: 2.00 M cycles/s |');
    const html = renderBenchHtml(r);
    expect(html).not.toContain('<td class="met">');
    expect(html).not.toContain('<td class="not-met">');
  });

  it('prints one markdown row per measurement with its ratio, its cross-worker messages and verdicts', () => {
    const md = renderMarkdown(report([floor, inline, threads, w2(1, 7000)]));
    expect(md).toContain('| measurement | median | unit | ratio | vs | cross-worker messages per cycle | docs/performance.md target |');
    expect(md).toContain('| fork-cycle/inline/d0/k256/client | 1.20 M | cycles/s | 0.4x | floor | — | ≥ 0.30 of the floor: met (0.4 of the floor) |');
    expect(md).toContain('| fork-cycle/threads-w1/d0/k256/client | 600,000 | cycles/s | 0.5x | inline | 0 | W=1 ≥ 0.8x inline: **not met** (0.5x inline) |');
    expect(md).toContain('| fork-cycle/threads-w2/d1/k256/client | 500,000 | cycles/s | — | — | 7 | no cross-worker message: **not met** (7 cross-worker messages per cycle) |');
    expect(md).toContain('- a note');
    expect(md).toContain('| teardown: a namespace of 100 k processes, flat and nested, killed and fully reaped at over 1 M processes/s inline | **not measured** | — |');
    // A suite without threads rows has no cross-worker column.
    expect(renderMarkdown(report([linux]))).toContain('| measurement | median | unit | ratio | vs | docs/performance.md target |');
  });

  it('lists the threads rows with their messages between workers in the HTML report', () => {
    const html = renderBenchHtml(report([floor, inline, threads, w2(1, 7000)]));
    expect(html).toContain('<h2>Messages between workers (threads rows)</h2>');
    expect(html).toContain('<tr><td>fork-cycle/threads-w2/d1/k256/client</td><td class="num">7</td><td class="num">7,000</td><td>yes</td></tr>');
    expect(renderBenchHtml(report([linux]))).not.toContain('Messages between workers');
  });

  it('escapes text in the SVG', () => {
    const svg = renderSvg(report([{ ...linux, label: 'cycles <&>' }]));
    expect(svg).toContain('cycles &lt;&amp;&gt;');
    expect(svg).not.toContain('cycles <&>');
  });

  it('writes figures with three significant digits', () => {
    expect(formatFigure(1_234_567)).toBe('1.23 M');
    expect(formatFigure(29_569)).toBe('29,600');
    expect(formatFigure(123.4)).toBe('123');
    expect(formatFigure(0.01234)).toBe('0.0123');
  });
});
