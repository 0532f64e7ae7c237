// A page that draws one trace's tracks (src/trace's output) with Chart.js:
// what a cascade looks like when Perfetto UI cannot be reached. It draws the
// trace file's own records, digested by trace-digest.ts; it is not Perfetto.

import { escapeHtml, renderPage } from './html-page.js';
import { TRACE_CHART_SCRIPT } from './trace-chart-script.js';
import { digestTrace } from './trace-digest.js';

export function renderTraceHtml(trace: { readonly traceEvents: readonly unknown[] }, about: { readonly title: string; readonly source: string }): string {
  const digest = digestTrace(trace);
  const height = Math.max(240, 30 * digest.rows.length + 90);
  const body = `<header><h1>${escapeHtml(about.title)}</h1><p>${escapeHtml(about.source)} · ${digest.rows.length} tracks, ${digest.slices.length} slices, ${digest.marks.length} marks, ${digest.flows.length} arrows${digest.omitted ? ` (${digest.omitted} records not drawn)` : ''} · drawn by pidsim from the trace file, not by Perfetto</p></header>
<main><section><div class="chart" style="height:${height}px"><canvas id="trace"></canvas></div>
<p class="note">Rows: each PID namespace's own track (its life, and its teardown in red), then its processes, named with NSpid. Bars: process lives (blue), syscalls (orange), stopped (lilac), zombie (grey). Marks: signals (triangles), exits and execs (diamonds), a dying init's teardown (star). Lines: signal arrows from sender to receiver, and teardown arrows from the dying init to every process its namespace's teardown kills.</p></section></main>`;
  return renderPage({ title: about.title, body, data: digest, script: `${TRACE_CHART_SCRIPT}\ndrawTrace('trace', DATA);` });
}
