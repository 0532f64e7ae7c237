// The report as markdown: per suite, one row per measurement (median, unit,
// ratio against its family's baseline, docs/performance.md target and verdict), then
// every docs/performance.md target with where pidsim stands. This is what `pidsim bench`
// prints and what the README quotes.

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
      out.push('| measurement | median | unit | ratio | vs | docs/performance.md target |');
      out.push('| --- | ---: | --- | ---: | --- | --- |');
      for (const r of s.rows) {
        const label = r.note ? `${r.label} (${r.note})` : r.label;
        out.push(`| ${cell(label)} | ${formatFigure(r.median)} | ${r.unit} | ${r.ratio === undefined ? '—' : formatRatio(r.ratio)} | ${r.versus ?? '—'} | ${cell(targetCell(r))} |`);
      }
    }
    for (const note of s.notes) out.push(`- ${note}`);
  }
  out.push('');
  out.push('## docs/performance.md targets');
  out.push('');
  out.push('| target | status | figures |');
  out.push('| --- | --- | --- |');
  for (const t of report.targets) {
    const measured = t.checks.filter((c) => c.met !== null);
    const figures = measured.map((c) => `${c.row}: ${c.value}${c.met ? '' : ' ✗'}`).join('; ');
    out.push(`| ${cell(t.text)} | ${t.status === 'met' ? 'met' : `**${t.status}**`} | ${cell(figures || '—')} |`);
  }
  out.push('');
  return out.join('\n');
}
