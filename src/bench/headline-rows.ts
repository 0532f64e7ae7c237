// What the bench's pictures (the SVG chart and the HTML report) put first:
// fork+exit+reap per depth for pidsim inline (client- and program-driven,
// 256 in flight), real Linux, and the runtime floor when the run measured
// one; then the rows by unit; and which series (system or transport) each
// row belongs to.

import type { BenchReport, ReportRow } from './bench-report.js';

export const HEADLINE_DEPTHS = [0, 1, 3, 31] as const;

export interface HeadlineSeries {
  readonly name: string;
  readonly color: string;
  /** One value per HEADLINE_DEPTHS entry; null where not measured. */
  readonly values: readonly (number | null)[];
}

/** The colour of each series, shared by the SVG and the HTML report. */
export const SERIES_COLORS: Readonly<Record<string, string>> = {
  linux: '#6b6b6b',
  floor: '#2ca02c',
  inline: '#1f77b4',
  'threads-w1': '#ff7f0e',
  'threads-w2': '#d62728',
  'threads-w2-spread': '#9467bd',
  other: '#8c564b',
};

/**
 * A runtime-floor row: the cheapest fork+exit+reap cycle the JS runtime can
 * do (docs/performance.md). Recognised by its params (`system: 'floor'` or
 * `'runtime-floor'`) or by "floor" in its suite or id; its `depth` param, if
 * any, places it at that depth, otherwise it stands for every depth.
 */
export function isFloorRow(r: ReportRow): boolean {
  const system = r.params['system'];
  return system === 'floor' || system === 'runtime-floor' || /floor/i.test(r.suite) || /(^|\/)(runtime-)?floor(\/|$)/.test(r.id);
}

/** Which series a row is drawn in: real Linux, the floor, or its transport. */
export function seriesOf(r: ReportRow): string {
  if (r.params['system'] === 'linux') return 'linux';
  if (isFloorRow(r)) return 'floor';
  const t = r.params['transport'];
  return typeof t === 'string' && t in SERIES_COLORS ? t : 'other';
}

export function seriesTitle(series: string): string {
  if (series === 'linux') return 'real Linux';
  if (series === 'floor') return 'runtime floor';
  if (series === 'other') return 'other';
  return series.replace('threads-w', 'threads W=').replace('-spread', ' spread');
}

function allRows(report: BenchReport): ReportRow[] {
  return report.suites.flatMap((s) => s.rows);
}

/** The headline: cycles/s per depth, for each series the run measured. */
export function headlineSeries(report: BenchReport): HeadlineSeries[] {
  const byId = new Map(allRows(report).map((r) => [r.id, r]));
  const pick = (id: (d: number) => string) => HEADLINE_DEPTHS.map((d) => byId.get(id(d))?.median ?? null);
  const floors = allRows(report).filter((r) => isFloorRow(r) && r.unit === 'cycles/s');
  const floorAt = (d: number): number | null => {
    const at = floors.find((r) => r.params['depth'] === d) ?? floors.find((r) => r.params['depth'] === undefined);
    return at?.median ?? null;
  };
  const series: HeadlineSeries[] = [
    { name: 'pidsim inline, client-driven', color: SERIES_COLORS['inline']!, values: pick((d) => `fork-cycle/inline/d${d}/k256/client`) },
    { name: 'pidsim inline, program-driven', color: '#6baed6', values: pick((d) => `fork-cycle/inline/d${d}/k256/program`) },
    { name: 'real Linux (C)', color: SERIES_COLORS['linux']!, values: pick((d) => `linux/fork-cycle/d${d}`) },
    { name: 'runtime floor', color: SERIES_COLORS['floor']!, values: HEADLINE_DEPTHS.map(floorAt) },
  ];
  return series.filter((s) => s.values.some((v) => v !== null));
}

/** Every row with a positive median, grouped by unit in the order units first appear. */
export function rowsByUnit(report: BenchReport): { readonly unit: string; readonly rows: readonly ReportRow[] }[] {
  const groups = new Map<string, ReportRow[]>();
  for (const r of allRows(report)) {
    if (!(r.median > 0)) continue;
    let list = groups.get(r.unit);
    if (!list) groups.set(r.unit, (list = []));
    list.push(r);
  }
  return [...groups].map(([unit, rows]) => ({ unit, rows }));
}
