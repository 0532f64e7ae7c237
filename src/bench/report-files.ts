// Writing one run's report: <stem>.json (every sample, medians, ratios,
// verdicts, machine, timestamp), <stem>.svg (the chart) and <stem>.md (the
// table printed on stdout), into the output directory.

import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BenchReport } from './bench-report.js';
import { renderMarkdown } from './markdown-table.js';
import { renderSvg } from './svg-chart.js';

export interface WrittenFiles {
  readonly json: string;
  readonly svg: string;
  readonly markdown: string;
}

/** 'bench' for a full run, 'bench-fork-cycle' for --only fork-cycle. */
export function reportStem(only: readonly string[]): string {
  return only.length === 0 ? 'bench' : `bench-${only.join('-')}`;
}

export async function writeReportFiles(report: BenchReport, dir: string, stem: string): Promise<WrittenFiles> {
  await mkdir(dir, { recursive: true });
  const files = { json: join(dir, `${stem}.json`), svg: join(dir, `${stem}.svg`), markdown: join(dir, `${stem}.md`) };
  await writeFile(files.json, JSON.stringify(report, null, 2) + '\n');
  await writeFile(files.svg, renderSvg(report));
  await writeFile(files.markdown, renderMarkdown(report));
  return files;
}
