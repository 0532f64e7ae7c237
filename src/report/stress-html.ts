// `pidsim stress --html FILE`: one self-contained page of a stress run (or a
// farm of seeds): operations and processes over time per namespace (a farm:
// each seed), latency histograms per syscall, and each failure with the
// command that replays it, the shrunk reproducer, its trace drawn and a link
// to the trace file. Drawn with Chart.js.

import { bucketUpperMs, type LatencyHistogram } from '../stress/latency-histogram.js';
import type { TimelineSummary } from '../stress/run-timeline.js';
import { escapeHtml, renderPage } from './html-page.js';
import { TRACE_CHART_SCRIPT } from './trace-chart-script.js';
import type { TraceDigest } from './trace-digest.js';

export interface StressFailureEntry {
  readonly seed: number;
  readonly headline: string;
  /** formatFailure's text: the invariant, the violations, the processes involved. */
  readonly details: string;
  readonly replay: string;
}

export interface ShrunkEntry {
  readonly seed: number;
  /** The reproducer as the CLI prints it (operations, choices, trials). */
  readonly text: string;
  readonly replay: string;
  /** The shrunk run's trace file, as a link relative to the page; null if none was written. */
  readonly traceLink: string | null;
  readonly trace: TraceDigest | null;
}

export interface StressPageInput {
  /** What ran, in a line: seed, transport, shape. */
  readonly title: string;
  readonly command: string;
  readonly passed: boolean;
  /** The summary lines the CLI prints. */
  readonly summary: readonly string[];
  readonly timeline: TimelineSummary | null;
  readonly perSeed: readonly { readonly seed: number; readonly passed: boolean; readonly wallSeconds: number; readonly forks: number }[] | null;
  readonly latency: Readonly<Record<string, { readonly calls: number; readonly latency: LatencyHistogram }>>;
  readonly failures: readonly StressFailureEntry[];
  readonly shrunk: ShrunkEntry | null;
}

/** Histogram bins about 1.5x wide (8 of the recorder's 5% buckets each), over the range that has samples. */
function latencyBins(h: LatencyHistogram): { labels: string[]; counts: number[] } {
  const idx = h.counts.map((c, i) => (c ? i : -1)).filter((i) => i >= 0);
  if (idx.length === 0) return { labels: [], counts: [] };
  const lo = Math.floor(idx[0]! / 8);
  const hi = Math.floor(idx[idx.length - 1]! / 8);
  const labels: string[] = [];
  const counts: number[] = [];
  for (let b = lo; b <= hi; b++) {
    let n = 0;
    for (let i = b * 8; i < b * 8 + 8; i++) n += h.counts[i] ?? 0;
    const ms = bucketUpperMs(b * 8 + 7);
    labels.push(`≤ ${ms >= 10 ? ms.toFixed(0) : ms >= 1 ? ms.toFixed(1) : ms.toPrecision(2)} ms`);
    counts.push(n);
  }
  return { labels, counts };
}

export function renderStressHtml(input: StressPageInput): string {
  const syscalls = Object.entries(input.latency)
    .filter(([, s]) => s.calls > 0)
    .sort((a, b) => b[1].calls - a[1].calls)
    .slice(0, 8)
    .map(([name, s]) => ({ name, calls: s.calls, ...latencyBins(s.latency) }));
  const data = { timeline: input.timeline, perSeed: input.perSeed, syscalls, shrunkTrace: input.shrunk?.trace ?? null };
  const failures = input.failures
    .map((f) => `<h3>seed ${f.seed}: ${escapeHtml(f.headline)}</h3><pre>${escapeHtml(f.details)}</pre><p>replay: <code>${escapeHtml(f.replay)}</code></p>`)
    .join('\n');
  const s = input.shrunk;
  const shrunk = s
    ? `<h3>shrunk reproducer of seed ${s.seed}</h3><pre>${escapeHtml(s.text)}</pre><p>replay: <code>${escapeHtml(s.replay)}</code></p>
${s.traceLink ? `<p>its trace: <a href="${escapeHtml(s.traceLink)}">${escapeHtml(s.traceLink)}</a> (open it in Perfetto UI or chrome://tracing)</p>` : ''}
${s.trace ? `<div class="chart" style="height:${Math.max(240, 26 * s.trace.rows.length + 90)}px"><canvas id="shrunk-trace"></canvas></div>${s.trace.omitted ? `<p class="note">${s.trace.omitted} records not drawn; the trace file has them all.</p>` : ''}` : ''}`
    : '';
  const over = input.timeline
    ? `<section><h2>Over time</h2><div class="grid"><div><h3>operations and syscalls per second</h3><div class="chart" style="height:300px"><canvas id="rates"></canvas></div></div>
<div><h3>processes held per namespace (the ${input.timeline.namespaces.length} largest of ${input.timeline.namespaceCount}, and the rest)</h3><div class="chart" style="height:300px"><canvas id="live"></canvas></div></div></div></section>`
    : input.perSeed
      ? `<section><h2>Each seed</h2><div class="chart" style="height:300px"><canvas id="seeds"></canvas></div></section>`
      : '';
  const body = `<header><h1>pidsim stress: ${input.passed ? 'PASSED' : 'FAILED'}</h1><p>${escapeHtml(input.title)}</p></header>
<main>
<section><h2>Run</h2><p><code>${escapeHtml(input.command)}</code></p><pre>${escapeHtml(input.summary.join('\n'))}</pre></section>
${over}
<section><h2>Latency per syscall (calls per bin, wall-clock time from call to answer)</h2><div class="grid">
${syscalls.map((c, i) => `<div><h3>${escapeHtml(c.name)}: ${c.calls.toLocaleString('en-US')} calls</h3><div class="chart" style="height:220px"><canvas id="lat-${i}"></canvas></div></div>`).join('\n')}
</div></section>
<section><h2>Failures</h2>${input.failures.length === 0 ? '<p class="met">none: every invariant held</p>' : failures}${shrunk}</section>
</main>`;
  return renderPage({ title: `pidsim stress: ${input.title}`, body, data, script: `${TRACE_CHART_SCRIPT}\n${STRESS_SCRIPT}` });
}

const STRESS_SCRIPT = `
const tl = DATA.timeline;
if (tl) {
  const t = tl.samples.map((s) => s.t.toFixed(2) + ' s');
  const perSecond = (key) => tl.samples.map((s, i) => (i === 0 ? (s.t > 0 ? s[key] / s.t : 0) : (s[key] - tl.samples[i - 1][key]) / Math.max(1e-3, s.t - tl.samples[i - 1].t)));
  chart('rates', {
    type: 'line',
    data: { labels: t, datasets: [
      { label: 'operations/s', data: perSecond('ops'), borderColor: PALETTE[0], pointRadius: 0 },
      { label: 'syscalls/s', data: perSecond('calls'), borderColor: PALETTE[1], pointRadius: 0 },
      { label: 'forks/s', data: perSecond('forks'), borderColor: PALETTE[2], pointRadius: 0 },
    ] },
    options: { scales: { y: { ticks: { callback: (v) => fmt(v) } } } },
  });
  const ns = tl.namespaces.map((n, i) => ({ label: 'namespace #' + n.ns + ' (level ' + n.level + ')', data: n.values, backgroundColor: PALETTE[i % 10] + '99', borderColor: PALETTE[i % 10], fill: true, pointRadius: 0 }));
  if (tl.namespaceCount > tl.namespaces.length) ns.push({ label: 'the other ' + (tl.namespaceCount - tl.namespaces.length) + ' namespaces', data: tl.others, backgroundColor: '#cccccc99', borderColor: '#999', fill: true, pointRadius: 0 });
  chart('live', { type: 'line', data: { labels: t, datasets: ns }, options: { scales: { y: { stacked: true, beginAtZero: true, title: { display: true, text: 'processes (live and zombie)' } } } } });
}
if (DATA.perSeed) {
  chart('seeds', {
    type: 'bar',
    data: { labels: DATA.perSeed.map((s) => 'seed ' + s.seed), datasets: [
      { label: 'forks', data: DATA.perSeed.map((s) => s.forks), backgroundColor: DATA.perSeed.map((s) => (s.passed ? PALETTE[0] : PALETTE[3])), yAxisID: 'y' },
      { label: 'seconds', data: DATA.perSeed.map((s) => s.wallSeconds), type: 'line', borderColor: PALETTE[1], yAxisID: 'y2' },
    ] },
    options: { scales: { y: { title: { display: true, text: 'forks (red: failed)' } }, y2: { position: 'right', title: { display: true, text: 'seconds' }, grid: { drawOnChartArea: false } } } },
  });
}
DATA.syscalls.forEach((c, i) => chart('lat-' + i, {
  type: 'bar',
  data: { labels: c.labels, datasets: [{ label: c.name, data: c.counts, backgroundColor: PALETTE[i % 10] }] },
  options: { plugins: { legend: { display: false } }, scales: { x: { ticks: { font: { size: 10 } } }, y: { ticks: { callback: (v) => fmt(v) } } } },
}));
if (DATA.shrunkTrace) drawTrace('shrunk-trace', DATA.shrunkTrace);
`;
