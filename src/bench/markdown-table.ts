// The report as markdown: per suite, one row per measurement (median, unit,
// ratio against its family's baseline, cross-worker messages per cycle for
// threads rows, docs/performance.md target and verdict), then every
// docs/performance.md target with where pidsim stands (figures without
// verdicts in a --quick run). This is what `pidsim bench` prints and what
// the README quotes.

import type { BenchReport, ReportRow } from './bench-report.js';
import { formatFigure, formatRatio } from './number-format.js';

/** A table cell: pipes escaped, newlines flattened. */
function cell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/** The verdicts of a row; a figure other than the row's own median (a ratio, a projection) is shown with it. */
function targetCell(r: ReportRow): string {
  const own = `${formatFigure(r.median)} ${r.unit}`;
  return r.targets.map((t) => `${t.short}: ${t.met ? 'met' : '**not met**'}${t.value === own ? '' : ` (${t.value})`}`).join('; ');
}

export function renderMarkdown(report: BenchReport): string {
  const m = report.machine;
  const out: string[] = [];
  out.push(`# pidsim bench${report.quick ? ' (--quick: smoke sizes, not figures)' : ''}`);
  out.push('');
  out.push(
    `${report.timestamp} · ${m.cpus} CPUs (${m.cpuModel}) · ${(m.totalMemoryBytes / 1024 ** 3).toFixed(1)} GiB · node ${m.node} · ${m.kernel} · load ${m.loadAverage.join(' ')} at start, ${report.loadAverageAtEnd.join(' ')} at end`,
  );
  out.push('');
  out.push('Medians of the samples of each row; ratio = median / the median of the row named in "vs" (measured in the same run).');
  for (const s of report.suites) {
    out.push('');
    out.push(`## ${s.title} (\`${s.suite}\`, ${s.seconds.toFixed(1)} s)`);
    out.push('');
    if (s.rows.length > 0) {
      // Suites with threads rows of fork cycles have a column of what crossed between workers.
      const xw = s.rows.some((r) => r.crossWorker !== undefined);
      out.push(`| measurement | median | unit | ratio | vs |${xw ? ' cross-worker messages per cycle |' : ''} docs/performance.md target |`);
      out.push(`| --- | ---: | --- | ---: | --- |${xw ? ' ---: |' : ''} --- |`);
      for (const r of s.rows) {
        const label = r.note ? `${r.label} (${r.note})` : r.label;
        const x = !xw ? '' : r.crossWorker === undefined ? ' — |' : ` ${formatFigure(r.crossWorker.perUnit)}${r.crossWorker.chainOnOneWorker ? '' : ' (chain across workers)'} |`;
        out.push(`| ${cell(label)} | ${formatFigure(r.median)} | ${r.unit} | ${r.ratio === undefined ? '—' : formatRatio(r.ratio)} | ${r.versus ?? '—'} |${x} ${cell(targetCell(r))} |`);
      }
    }
    for (const note of s.notes) out.push(`- ${note}`);
  }
  out.push('');
  out.push('## docs/performance.md targets');
  out.push('');
  if (report.quick) {
    out.push('A --quick run is too short to judge a target: its figures are shown, and no target is called met or not met.');
    out.push('');
  }
  out.push('| target | status | figures |');
  out.push('| --- | --- | --- |');
  for (const t of report.targets) {
    const measured = t.checks.filter((c) => c.verdict !== 'not measured');
    const figures = measured.map((c) => `${c.row}: ${c.value}${c.verdict === 'not met' ? ' ✗' : ''}`).join('; ');
    out.push(`| ${cell(t.text)} | ${t.status === 'met' ? 'met' : `**${t.status}**`} | ${cell(figures || '—')} |`);
  }
  out.push('');
  return out.join('\n');
}
