// The report as a chart: one horizontal bar per rate measurement (log scale,
// since real Linux, inline and threads differ by orders of magnitude),
// grouped by suite and coloured by system/transport. Hand-written SVG.

import type { BenchReport, ReportRow } from './bench-report.js';
import { formatFigure } from './number-format.js';

const WIDTH = 1240;
const LABEL_W = 540;
const BAR_W = 400;
const ROW_H = 17;
const HEAD_H = 24;
const TOP = 64;

const COLORS: Readonly<Record<string, string>> = {
  linux: '#6b6b6b',
  inline: '#1f77b4',
  'threads-w1': '#ff7f0e',
  'threads-w2': '#d62728',
  'threads-w2-spread': '#9467bd',
  other: '#2ca02c',
};

function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function series(r: ReportRow): string {
  if (r.params['system'] === 'linux') return 'linux';
  const t = r.params['transport'];
  return typeof t === 'string' && t in COLORS ? t : 'other';
}

/** About as many characters as fit left of the bars at this font size. */
const LABEL_CHARS = 90;

function shortLabel(r: ReportRow): string {
  return r.label.length > LABEL_CHARS ? `${r.label.slice(0, LABEL_CHARS - 1)}…` : r.label;
}

/** What follows a bar: the median, and the ratio against the row's baseline. */
function valueText(r: ReportRow): string {
  const v = `${formatFigure(r.median)} ${r.unit}`;
  return r.ratio === undefined ? v : `${v} · ${formatFigure(r.ratio)}x ${r.versus}`;
}

export function renderSvg(report: BenchReport): string {
  const groups = report.suites
    .map((s) => ({ title: s.title, rows: s.rows.filter((r) => r.unit.endsWith('/s') && r.median > 0) }))
    .filter((g) => g.rows.length > 0);
  const values = groups.flatMap((g) => g.rows.map((r) => r.median));
  const lo = Math.floor(Math.log10(Math.min(...values, 10)));
  const hi = Math.ceil(Math.log10(Math.max(...values, 100)));
  const x = (v: number): number => LABEL_W + ((Math.log10(v) - lo) / (hi - lo)) * BAR_W;
  const height = TOP + groups.reduce((h, g) => h + HEAD_H + g.rows.length * ROW_H, 0) + 40;

  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="Helvetica, Arial, sans-serif" font-size="11">`);
  out.push(`<rect width="100%" height="100%" fill="#ffffff"/>`);
  out.push(`<text x="12" y="22" font-size="15" font-weight="bold">pidsim bench: medians per second (log scale)${report.quick ? ' — quick smoke run' : ''}</text>`);
  const m = report.machine;
  out.push(`<text x="12" y="40" fill="#444">${escapeXml(`${report.timestamp} · ${m.cpus} CPUs · node ${m.node} · ${m.kernel} · load ${m.loadAverage.join(' ')}`)}</text>`);
  // Legend.
  let lx = 12;
  for (const [name, color] of Object.entries(COLORS)) {
    const text = name === 'other' ? 'wire format' : name === 'linux' ? 'real Linux' : name.replace('threads-w', 'threads W=');
    out.push(`<rect x="${lx}" y="48" width="10" height="10" fill="${color}"/><text x="${lx + 14}" y="57">${escapeXml(text)}</text>`);
    lx += 24 + text.length * 6.5;
  }
  // Decade grid.
  const gridBottom = height - 30;
  for (let d = lo; d <= hi; d++) {
    const gx = x(10 ** d);
    out.push(`<line x1="${gx.toFixed(1)}" y1="${TOP}" x2="${gx.toFixed(1)}" y2="${gridBottom}" stroke="#e3e3e3"/>`);
    out.push(`<text x="${gx.toFixed(1)}" y="${gridBottom + 14}" text-anchor="middle" fill="#444">${escapeXml(formatFigure(10 ** d))}</text>`);
  }
  let y = TOP;
  for (const g of groups) {
    y += HEAD_H;
    out.push(`<text x="12" y="${y - 7}" font-weight="bold">${escapeXml(g.title)}</text>`);
    for (const r of g.rows) {
      const w = Math.max(1, x(r.median) - LABEL_W);
      out.push(`<text x="${LABEL_W - 6}" y="${y + 12}" text-anchor="end">${escapeXml(shortLabel(r))}</text>`);
      out.push(`<rect x="${LABEL_W}" y="${y + 3}" width="${w.toFixed(1)}" height="${ROW_H - 5}" fill="${COLORS[series(r)]}"><title>${escapeXml(`${r.id}: ${valueText(r)}`)}</title></rect>`);
      out.push(`<text x="${(LABEL_W + w + 4).toFixed(1)}" y="${y + 12}" fill="#222">${escapeXml(valueText(r))}</text>`);
      y += ROW_H;
    }
  }
  out.push('</svg>');
  return out.join('\n') + '\n';
}
