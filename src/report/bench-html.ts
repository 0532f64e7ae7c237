// `pidsim bench --html FILE`: the run as one self-contained page. First the
// headline (pidsim against real Linux and the runtime floor, per depth),
// then one panel per unit, scaling by workers, the messages between workers
// of the threads rows, and the docs/performance.md targets met or not (no
// verdict for a --quick run). Drawn with Chart.js from the report's own figures.

import type { BenchReport, ReportRow } from '../bench/bench-report.js';
import { HEADLINE_DEPTHS, SERIES_COLORS, headlineSeries, rowsByUnit, seriesOf, seriesTitle } from '../bench/headline-rows.js';
import { formatFigure } from '../bench/number-format.js';
import { escapeHtml, renderPage } from './html-page.js';

const TRANSPORTS = ['inline', 'threads-w1', 'threads-w2', 'threads-w2-spread'] as const;

/** Rows measured on several transports, side by side: what more workers buy (256 in flight, where that varies). */
function scaling(report: BenchReport) {
  const groups = new Map<string, { label: string; byTransport: Map<string, number> }>();
  for (const r of report.suites.flatMap((s) => s.rows)) {
    const t = r.params['transport'];
    if (typeof t !== 'string' || !(TRANSPORTS as readonly string[]).includes(t) || r.params['inFlight'] === 1 || !(r.median > 0)) continue;
    const rest = Object.entries(r.params).filter(([k]) => k !== 'transport' && k !== 'inFlight');
    const key = `${r.suite} ${JSON.stringify(rest)}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { label: [r.suite, ...rest.map(([k, v]) => (k === 'depth' ? `d${v}` : String(v)))].join(' '), byTransport: new Map() }));
    g.byTransport.set(t, r.median);
  }
  const shown = [...groups.values()].filter((g) => g.byTransport.size >= 2);
  return {
    workloads: shown.map((g) => g.label),
    series: TRANSPORTS.map((t) => ({ name: seriesTitle(t), color: SERIES_COLORS[t]!, values: shown.map((g) => g.byTransport.get(t) ?? null) })).filter((s) => s.values.some((v) => v !== null)),
  };
}

function unitPanel(unit: string, rows: readonly ReportRow[]) {
  const values = rows.map((r) => r.median);
  const spread = Math.max(...values) / Math.min(...values);
  return {
    unit,
    better: rows[0]!.better,
    log: spread > 50,
    labels: rows.map((r) => r.label),
    values,
    colors: rows.map((r) => SERIES_COLORS[seriesOf(r)]!),
    ratios: rows.map((r) => (r.ratio === undefined ? null : `${r.ratio.toPrecision(3)}x ${r.versus}`)),
  };
}

export function renderBenchHtml(report: BenchReport): string {
  const m = report.machine;
  const units = rowsByUnit(report).map((g) => unitPanel(g.unit, g.rows));
  const data = {
    depths: HEADLINE_DEPTHS,
    headline: headlineSeries(report),
    units,
    scaling: scaling(report),
    legend: Object.keys(SERIES_COLORS).map((s) => ({ name: seriesTitle(s), color: SERIES_COLORS[s] })),
  };
  const targets = report.targets
    .map((t) => {
      const cls = t.status === 'met' ? 'met' : t.status === 'not met' ? 'not-met' : 'other';
      const checks = t.checks.map((c) => `${escapeHtml(c.row)}: ${escapeHtml(c.value)}${c.verdict === 'not met' ? ' <span class="not-met">✗</span>' : ''}`).join('<br>');
      return `<tr><td class="${cls}">${escapeHtml(t.status)}</td><td>${escapeHtml(t.text)}</td><td>${checks}</td></tr>`;
    })
    .join('\n');
  const crossWorker = report.suites
    .flatMap((s) => s.rows)
    .filter((r) => r.crossWorker !== undefined)
    .map((r) => `<tr><td>${escapeHtml(r.label)}</td><td class="num">${escapeHtml(formatFigure(r.crossWorker!.perUnit))}</td><td class="num">${escapeHtml(formatFigure(r.crossWorker!.messages))}</td><td>${r.crossWorker!.chainOnOneWorker ? 'yes' : 'no'}</td></tr>`)
    .join('\n');
  const notes = report.suites.flatMap((s) => s.notes.map((n) => `<li>${escapeHtml(s.suite)}: ${escapeHtml(n)}</li>`)).join('\n');
  const body = `<header><h1>pidsim bench${report.quick ? ' — quick smoke run, not figures to quote' : ''}</h1>
<p>${escapeHtml(`${report.timestamp} · ${m.cpus} × ${m.cpuModel} · node ${m.node} · ${m.kernel} · load ${m.loadAverage.join(' ')}`)} · medians of each measurement's samples</p></header>
<main>
<section><h2>fork+exit+reap per depth: pidsim against real Linux${data.headline.some((s) => s.name === 'runtime floor') ? ' and the runtime floor' : ''} (cycles/s, log scale)</h2>
<div class="chart" style="height:360px"><canvas id="headline"></canvas></div>
<p class="note">pidsim inline with 256 calls in flight; real Linux: C fork+_exit+waitpid by the init of a namespace nested that deep, measured in the same run.${data.headline.some((s) => s.name === 'runtime floor') ? '' : ' This run has no runtime-floor row.'}</p></section>
<section><h2>Every measurement, one panel per unit</h2><div class="grid">
${units.map((u, i) => `<div><h3>${escapeHtml(u.unit)}${u.log ? ' (log scale)' : ''}, ${u.better} is better</h3><div class="chart" style="height:${Math.max(140, 22 * u.labels.length + 60)}px"><canvas id="unit-${i}"></canvas></div></div>`).join('\n')}
</div></section>
<section><h2>Scaling by workers: the same workload on inline and on threads with 1 and 2 workers (log scale)</h2>
<div class="chart" style="height:380px"><canvas id="scaling"></canvas></div></section>
${crossWorker ? `<section><h2>Messages between workers (threads rows)</h2><table><tr><th>row</th><th>cross-worker messages per cycle</th><th>in all</th><th>chain below the root on one worker</th></tr>
${crossWorker}
</table><p class="note">What the workers posted to each other while the row was measured (kernel.usage()), divided by its cycles. docs/performance.md: a fork whose chain lives on one worker sends none, the root level included.</p></section>` : ''}
<section><h2>docs/performance.md targets</h2>${report.quick ? '<p class="note">A --quick run is too short to judge a target: figures only, no verdict.</p>' : ''}<table><tr><th>status</th><th>target</th><th>measured</th></tr>
${targets}
</table></section>
${notes ? `<section><h2>Notes</h2><ul>${notes}</ul></section>` : ''}
</main>`;
  return renderPage({ title: `pidsim bench ${report.timestamp}`, body, data, script: BENCH_SCRIPT });
}

const BENCH_SCRIPT = `
const logAxis = (title) => ({ type: 'logarithmic', title: { display: true, text: title }, ticks: { callback: (v) => { const l = Math.log10(v); return Math.abs(l - Math.round(l)) < 1e-9 ? fmt(v) : ''; } } });
chart('headline', {
  type: 'bar',
  data: { labels: DATA.depths.map((d) => 'depth ' + d), datasets: DATA.headline.map((s) => ({ label: s.name, data: s.values, backgroundColor: s.color })) },
  options: { scales: { y: logAxis('cycles/s') }, plugins: { tooltip: { callbacks: { label: (c) => c.dataset.label + ': ' + fmt(c.raw) + ' cycles/s' } } } },
});
DATA.units.forEach((u, i) => {
  chart('unit-' + i, {
    type: 'bar',
    data: { labels: u.labels, datasets: [{ label: u.unit, data: u.values, backgroundColor: u.colors }] },
    options: {
      indexAxis: 'y',
      scales: { x: u.log ? logAxis(u.unit) : { title: { display: true, text: u.unit }, ticks: { callback: (v) => fmt(v) } }, y: { ticks: { font: { size: 10 }, autoSkip: false } } },
      plugins: { legend: { display: false }, tooltip: { callbacks: { label: (c) => fmt(c.raw) + ' ' + u.unit + (u.ratios[c.dataIndex] ? ' · ' + u.ratios[c.dataIndex] : '') } } },
    },
  });
});
chart('scaling', {
  type: 'bar',
  data: { labels: DATA.scaling.workloads, datasets: DATA.scaling.series.map((s) => ({ label: s.name, data: s.values, backgroundColor: s.color })) },
  options: { scales: { y: logAxis('per second'), x: { ticks: { font: { size: 10 }, autoSkip: false, maxRotation: 60 } } }, plugins: { tooltip: { callbacks: { label: (c) => c.dataset.label + ': ' + fmt(c.raw) + '/s' } } } },
});
`;
