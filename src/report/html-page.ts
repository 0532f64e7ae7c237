// One self-contained report page: its styles, Chart.js inlined, its data as
// JSON, and the script that draws the charts from that data. Nothing is
// fetched when the page is viewed. The page script reports what it drew in
// `window.pidsimReport` ({ charts, points, errors }), which the browser test reads.

import { chartJsSource } from './chart-library.js';

export interface PageParts {
  readonly title: string;
  /** The page's HTML body, with the canvases the script draws into. */
  readonly body: string;
  /** Plain data the script reads as `DATA`. */
  readonly data: unknown;
  /** The drawing script (plain JS; `DATA`, `Chart` and the helpers of PAGE_HELPERS are in scope). */
  readonly script: string;
}

export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** JSON that can sit inside a <script> element ("</script>" in a string would end it). */
function scriptJson(data: unknown): string {
  return JSON.stringify(data).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

const STYLE = `
body { font: 14px/1.4 system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; margin: 0; color: #1d1d1f; background: #fafafa; }
header { background: #24292f; color: #fff; padding: 14px 24px; }
header h1 { margin: 0; font-size: 20px; }
header p { margin: 4px 0 0; color: #c9d1d9; font-size: 13px; }
main { padding: 8px 24px 32px; max-width: 1400px; }
section { background: #fff; border: 1px solid #d0d7de; border-radius: 6px; padding: 12px 16px; margin: 16px 0; }
section h2 { font-size: 16px; margin: 0 0 8px; }
.grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(560px, 1fr)); gap: 16px; }
.chart { position: relative; }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid #eaeef2; vertical-align: top; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.met { color: #1a7f37; font-weight: 600; } .not-met { color: #cf222e; font-weight: 600; } .other { color: #9a6700; font-weight: 600; }
code, pre { font: 12px ui-monospace, SFMono-Regular, Menlo, monospace; background: #f6f8fa; padding: 2px 4px; border-radius: 4px; }
pre { padding: 8px; overflow-x: auto; white-space: pre-wrap; }
.note { color: #57606a; font-size: 12px; }
`;

/** Small helpers every page script uses: a chart that counts what it drew, number formats, a palette. */
const PAGE_HELPERS = `
const report = (window.pidsimReport = { charts: 0, points: 0, errors: [] });
window.addEventListener('error', (e) => report.errors.push(String(e.message)));
const PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];
function fmt(v) {
  if (v === null || v === undefined || !isFinite(v)) return '';
  const a = Math.abs(v);
  if (a >= 1e6) return (v / 1e6).toFixed(a >= 1e7 ? 0 : 1) + ' M';
  if (a >= 1e3) return (v / 1e3).toFixed(a >= 1e4 ? 0 : 1) + ' k';
  if (a >= 10 || Number.isInteger(v)) return String(Math.round(v));
  return v.toPrecision(2);
}
function chart(id, config) {
  const canvas = document.getElementById(id);
  if (!canvas) throw new Error('no canvas #' + id);
  config.options = Object.assign({ animation: false, responsive: true, maintainAspectRatio: false }, config.options || {});
  const c = new Chart(canvas, config);
  report.charts++;
  for (const d of c.data.datasets) report.points += d.data.filter((x) => x !== null && x !== undefined).length;
  return c;
}
`;

export function renderPage(p: PageParts): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(p.title)}</title>
<style>${STYLE}</style>
<script>${chartJsSource()}</script>
</head>
<body>
${p.body}
<script id="pidsim-data" type="application/json">${scriptJson(p.data)}</script>
<script>
"use strict";
const DATA = JSON.parse(document.getElementById('pidsim-data').textContent);
${PAGE_HELPERS}
try {
${p.script}
} catch (e) {
  report.errors.push(String(e && e.stack || e));
  throw e;
}
</script>
</body>
</html>
`;
}
