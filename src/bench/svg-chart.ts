// The report as one SVG of a readable size: the headline first (fork+exit+
// reap per depth: pidsim inline against real Linux and the runtime floor),
// then one panel per unit, each with its own axis (log where its figures
// span more than 50x), in two columns: cycles/s on the left, the other units
// (memory included) on the right. Hand-written SVG; the HTML report
// (src/report/) has the same figures as interactive charts.

import type { BenchReport, ReportRow } from './bench-report.js';
import { HEADLINE_DEPTHS, SERIES_COLORS, headlineSeries, rowsByUnit, seriesOf, seriesTitle } from './headline-rows.js';
import { formatFigure } from './number-format.js';

const WIDTH = 1400;
const COL_W = 680;
const LABEL_W = 250;
const VALUE_W = 150;
const ROW_H = 14;
const PANEL_HEAD = 34;
const AXIS_H = 22;
const GAP = 18;

function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** A row's label short enough for half the width: its parameters, in order ('threads-w1 d3 256 in flight client'). */
function compactLabel(r: ReportRow): string {
  const parts = Object.entries(r.params).map(([k, v]) => {
    if (k === 'system') return v === 'linux' ? 'Linux' : String(v);
    if (k === 'transport') return seriesTitle(String(v));
    if (k === 'depth') return `d${v}`;
    if (k === 'inFlight') return `k${v}`;
    if (typeof v === 'number') return `${k} ${formatFigure(v)}`;
    return String(v);
  });
  return `${r.suite === 'linux-baseline' ? '' : `${r.suite} `}${parts.join(' ')}`.slice(0, 56);
}

interface Axis {
  readonly x: (v: number) => number;
  readonly ticks: readonly number[];
}

/** A value axis over [0, max] (linear) or decades (log), `width` pixels from `left`. */
function axis(values: readonly number[], left: number, width: number, log: boolean): Axis {
  const max = Math.max(...values);
  if (log) {
    const lo = Math.floor(Math.log10(Math.min(...values)));
    const hi = Math.max(lo + 1, Math.ceil(Math.log10(max)));
    return { x: (v) => left + ((Math.log10(Math.max(v, 10 ** lo)) - lo) / (hi - lo)) * width, ticks: Array.from({ length: hi - lo + 1 }, (_, i) => 10 ** (lo + i)) };
  }
  const step = 10 ** Math.floor(Math.log10(max / 4 || 1));
  const nice = [1, 2, 5, 10].map((m) => m * step).find((s) => max / s <= 5) ?? step * 10;
  const top = Math.ceil(max / nice) * nice;
  return { x: (v) => left + (v / top) * width, ticks: Array.from({ length: Math.round(top / nice) + 1 }, (_, i) => i * nice) };
}

function drawAxis(out: string[], a: Axis, top: number, bottom: number): void {
  for (const t of a.ticks) {
    const gx = a.x(t).toFixed(1);
    out.push(`<line x1="${gx}" y1="${top}" x2="${gx}" y2="${bottom}" stroke="#e3e3e3"/>`);
    out.push(`<text x="${gx}" y="${bottom + 13}" text-anchor="middle" fill="#555">${escapeXml(formatFigure(t))}</text>`);
  }
}

/** One unit's rows as horizontal bars; returns the panel's height. */
function unitPanel(out: string[], unit: string, rows: readonly ReportRow[], left: number, top: number): number {
  const values = rows.map((r) => r.median);
  const log = Math.max(...values) / Math.min(...values) > 50;
  const barLeft = left + LABEL_W;
  const a = axis(values, barLeft, COL_W - LABEL_W - VALUE_W, log);
  const better = rows[0]!.better === 'higher' ? 'more is better' : 'less is better';
  out.push(`<text x="${left}" y="${top + 16}" font-size="13" font-weight="bold">${escapeXml(unit)}${log ? ' (log scale)' : ''}, ${better}</text>`);
  const y0 = top + PANEL_HEAD;
  drawAxis(out, a, y0, y0 + rows.length * ROW_H);
  rows.forEach((r, i) => {
    const y = y0 + i * ROW_H;
    const w = Math.max(1, a.x(r.median) - barLeft);
    const value = `${formatFigure(r.median)}${r.ratio === undefined ? '' : ` · ${formatFigure(r.ratio)}x ${r.versus}`}`;
    out.push(`<text x="${barLeft - 5}" y="${y + 10}" text-anchor="end" font-size="10">${escapeXml(compactLabel(r))}</text>`);
    out.push(`<rect x="${barLeft}" y="${y + 2}" width="${w.toFixed(1)}" height="${ROW_H - 4}" fill="${SERIES_COLORS[seriesOf(r)]}"><title>${escapeXml(`${r.id}: ${r.label}: ${formatFigure(r.median)} ${r.unit}`)}</title></rect>`);
    out.push(`<text x="${(barLeft + w + 4).toFixed(1)}" y="${y + 10}" font-size="10" fill="#222">${escapeXml(value)}</text>`);
  });
  return PANEL_HEAD + rows.length * ROW_H + AXIS_H;
}

/** The headline: per depth, one bar per series; returns its height. */
function headlinePanel(out: string[], report: BenchReport, top: number): number {
  const series = headlineSeries(report);
  if (series.length === 0) return 0;
  const values = series.flatMap((s) => s.values.filter((v): v is number => v !== null));
  const barLeft = 12 + 90;
  const a = axis(values, barLeft, WIDTH - barLeft - 200, true);
  out.push(`<text x="12" y="${top + 16}" font-size="14" font-weight="bold">fork+exit+reap per depth, cycles/s (log scale): pidsim inline (256 in flight) against real Linux${series.some((s) => s.name === 'runtime floor') ? ' and the runtime floor' : ''}</text>`);
  const y0 = top + PANEL_HEAD;
  const groupH = series.length * ROW_H + 8;
  drawAxis(out, a, y0, y0 + HEADLINE_DEPTHS.length * groupH);
  HEADLINE_DEPTHS.forEach((d, g) => {
    const gy = y0 + g * groupH;
    out.push(`<text x="${barLeft - 8}" y="${gy + (series.length * ROW_H) / 2 + 4}" text-anchor="end" font-weight="bold">depth ${d}</text>`);
    series.forEach((s, i) => {
      const v = s.values[g];
      if (v === null || v === undefined) return;
      const y = gy + i * ROW_H;
      const w = Math.max(1, a.x(v) - barLeft);
      out.push(`<rect x="${barLeft}" y="${y + 2}" width="${w.toFixed(1)}" height="${ROW_H - 4}" fill="${s.color}"><title>${escapeXml(`headline depth ${d}: ${s.name}: ${formatFigure(v)} cycles/s`)}</title></rect>`);
      out.push(`<text x="${(barLeft + w + 4).toFixed(1)}" y="${y + 10}" font-size="10">${escapeXml(`${s.name}: ${formatFigure(v)}`)}</text>`);
    });
  });
  return PANEL_HEAD + HEADLINE_DEPTHS.length * groupH + AXIS_H;
}

export function renderSvg(report: BenchReport): string {
  const body: string[] = [];
  const m = report.machine;
  body.push(`<text x="12" y="22" font-size="16" font-weight="bold">pidsim bench: medians${report.quick ? ' — quick smoke run, not figures to quote' : ''}</text>`);
  body.push(`<text x="12" y="40" fill="#444">${escapeXml(`${report.timestamp} · ${m.cpus} CPUs · node ${m.node} · ${m.kernel} · load ${m.loadAverage.join(' ')}`)}</text>`);
  let lx = 12;
  for (const [name, color] of Object.entries(SERIES_COLORS)) {
    const text = seriesTitle(name);
    body.push(`<rect x="${lx}" y="48" width="10" height="10" fill="${color}"/><text x="${lx + 14}" y="57">${escapeXml(text)}</text>`);
    lx += 30 + text.length * 6.5;
  }
  let y = 66;
  y += headlinePanel(body, report, y) + GAP;
  // Two columns, balanced: the panels, longest first, each go to the column that is shorter so far
  // (the long cycles/s panel lands on the left).
  const units = [...rowsByUnit(report)].sort((a, b) => b.rows.length - a.rows.length);
  let ly = y;
  let ry = y;
  for (const u of units) {
    if (ly <= ry) ly += unitPanel(body, u.unit, u.rows, 12, ly) + GAP;
    else ry += unitPanel(body, u.unit, u.rows, 12 + COL_W + 20, ry) + GAP;
  }
  const height = Math.ceil(Math.max(ly, ry) + 10);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="Helvetica, Arial, sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    ...body,
    '</svg>',
  ].join('\n') + '\n';
}
