// `pidsim report FILE --html OUT`: a page from a file already written, with
// no run: a bench results JSON (bench/results/bench.json) becomes the bench
// report, a trace (pidsim ... --trace) becomes a drawing of its tracks.
// Exit status: 0 written, 2 bad arguments or a file of neither kind.

import { readFileSync, writeFileSync } from 'node:fs';
import type { BenchReport } from '../bench/bench-report.js';
import { renderBenchHtml } from './bench-html.js';
import { renderTraceHtml } from './trace-view-html.js';

export const REPORT_USAGE = `usage: pidsim report FILE --html OUT

Writes a self-contained HTML page from FILE (docs/report.md):
  a bench results JSON (bench/results/bench.json)  the bench report
  a trace (pidsim demo|run|stress|shell --trace)   its tracks, slices, marks and arrows drawn
`;

export interface ReportIo {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
}

export function runReportCli(args: readonly string[], io: ReportIo, html: string | undefined): number {
  const fail = (message: string): number => {
    io.stderr.write(`pidsim report: ${message}\n${REPORT_USAGE}`);
    return 2;
  };
  if (args.includes('--help') || args.includes('-h')) {
    io.stdout.write(REPORT_USAGE);
    return 0;
  }
  if (args.length !== 1 || args[0]!.startsWith('-')) return fail(`expected one FILE, received ${JSON.stringify(args)}`);
  if (html === undefined) return fail('--html OUT is needed: where the page goes');
  const file = args[0]!;
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    return fail(`cannot read ${file} as JSON: ${(e as Error).message}`);
  }
  const d = data as { tool?: unknown; traceEvents?: unknown };
  if (d && d.tool === 'pidsim bench') writeFileSync(html, renderBenchHtml(data as BenchReport));
  else if (d && Array.isArray(d.traceEvents)) writeFileSync(html, renderTraceHtml(data as { traceEvents: unknown[] }, { title: `trace ${file}`, source: file }));
  else return fail(`${file} is neither a bench results JSON (tool "pidsim bench") nor a trace (traceEvents); its keys: ${JSON.stringify(d && typeof d === 'object' ? Object.keys(d).slice(0, 8) : typeof d)}`);
  io.stdout.write(`pidsim report: wrote ${html}\n`);
  return 0;
}
