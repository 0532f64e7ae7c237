// The headline of the bench pictures: pidsim inline per depth against real
// Linux, and against the runtime floor only when the run measured one.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { headlineSeries, isFloorRow, type BenchReport, type ReportRow } from '../../src/bench/index.js';

const results = JSON.parse(readFileSync('bench/results/bench.json', 'utf8')) as BenchReport;
/** The committed results without their floor row, to add floor rows of each kind to. */
const committed: BenchReport = { ...results, suites: results.suites.map((s) => ({ ...s, rows: s.rows.filter((r) => !isFloorRow(r)) })) };

function withRows(report: BenchReport, rows: ReportRow[]): BenchReport {
  return { ...report, suites: [...report.suites, { suite: 'runtime-floor', title: 'floor', measurements: rows, notes: [], seconds: 1, rows }] };
}

const floorRow = (id: string, median: number, params: Record<string, string | number>): ReportRow => ({
  id,
  label: 'runtime floor',
  unit: 'cycles/s',
  better: 'higher',
  samples: [median],
  median,
  params,
  suite: 'runtime-floor',
  targets: [],
});

describe('headlineSeries', () => {
  it('without a floor row: pidsim client- and program-driven and real Linux, one value per depth 0, 1, 3, 31', () => {
    const s = headlineSeries(committed);
    expect(s.map((x) => x.name)).toEqual(['pidsim inline, client-driven', 'pidsim inline, program-driven', 'real Linux (C)']);
    const byId = new Map(committed.suites.flatMap((x) => x.rows).map((r) => [r.id, r.median]));
    expect(s[0]!.values).toEqual([0, 1, 3, 31].map((d) => byId.get(`fork-cycle/inline/d${d}/k256/client`)));
    expect(s[2]!.values).toEqual([0, 1, 3, 31].map((d) => byId.get(`linux/fork-cycle/d${d}`)));
  });

  it('a floor row per depth goes under its depth; one without a depth stands for every depth', () => {
    const perDepth = withRows(committed, [floorRow('runtime-floor/d0', 3e6, { system: 'floor', depth: 0 }), floorRow('runtime-floor/d31', 2.4e5, { system: 'floor', depth: 31 })]);
    expect(headlineSeries(perDepth).at(-1)).toMatchObject({ name: 'runtime floor', values: [3e6, null, null, 2.4e5] });
    const flat = withRows(committed, [floorRow('floor/fork-cycle', 3.5e6, { transport: 'none' })]);
    expect(headlineSeries(flat).at(-1)).toMatchObject({ name: 'runtime floor', values: [3.5e6, 3.5e6, 3.5e6, 3.5e6] });
  });

  it('the committed results have the floor row of fork-cycle, drawn at every depth', () => {
    const floor = results.suites.flatMap((x) => x.rows).find((r) => r.params['system'] === 'runtime-floor');
    expect(floor?.id).toBe('fork-cycle/runtime-floor/k256');
    expect(headlineSeries(results).at(-1)).toMatchObject({ name: 'runtime floor', values: [0, 1, 3, 31].map(() => floor!.median) });
  });

  it('recognises a floor row by its system param, its suite or its id, and nothing else', () => {
    expect(isFloorRow(floorRow('x/y', 1, { system: 'runtime-floor' }))).toBe(true);
    expect(isFloorRow({ ...floorRow('floor/cycle', 1, {}), suite: 'other' })).toBe(true);
    expect(isFloorRow(committed.suites[1]!.rows[0]!)).toBe(false);
  });
});
