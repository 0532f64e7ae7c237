// `pidsim report FILE --html OUT`: a page from a file already written, with
// no run: a bench results JSON (bench/results/bench.json) becomes the bench
// report, a trace (pidsim ... --trace) becomes a drawing of its tracks.
// Exit status: 0 written, 2 bad arguments or a file of neither kind.

import { readFileSync, writeFileSync } from 'node:fs';
import { runCommand } from '../cli/command-entry.js';
import { CommandUsageError, defineCommand } from '../cli/command-spec.js';
import { htmlFileOf } from '../cli/output-options.js';
import type { BenchReport } from '../bench/bench-report.js';
import { renderBenchHtml } from './bench-html.js';
import { renderTraceHtml } from './trace-view-html.js';

export const REPORT_COMMAND = defineCommand({
  name: 'report',
  synopsis: ['FILE --html OUT'],
  about: `Writes a self-contained HTML page from FILE (docs/report.md), without running anything:
  a bench results JSON (bench/results/bench.json)  the bench report
  a trace (pidsim demo|run|stress|shell --trace)   its tracks, slices, marks and arrows drawn`,
  arguments: { name: 'FILE', min: 1, max: 1, description: 'a bench results JSON or a trace file' },
  options: {
    html: { type: 'string', value: 'OUT', required: true, description: 'where the page goes' },
  },
  footer: 'exit status: 0 written, 2 bad usage or a file of neither kind.',
});

export interface ReportIo {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
}

/** `pidsim report ARGS`: resolves the exit status. */
export function runReportCli(args: readonly string[], io: ReportIo): Promise<number> {
  return runCommand(REPORT_COMMAND, args, io, ({ options, args: [file] }) => {
    const html = htmlFileOf(options)!;
    let data: unknown;
    try {
      data = JSON.parse(readFileSync(file!, 'utf8'));
    } catch (e) {
      throw new CommandUsageError(`cannot read ${file} as JSON: ${(e as Error).message}`);
    }
    const d = data as { tool?: unknown; traceEvents?: unknown };
    if (d && d.tool === 'pidsim bench') writeFileSync(html, renderBenchHtml(data as BenchReport));
    else if (d && Array.isArray(d.traceEvents)) writeFileSync(html, renderTraceHtml(data as { traceEvents: unknown[] }, { title: `trace ${file}`, source: file! }));
    else {
      const keys = JSON.stringify(d && typeof d === 'object' ? Object.keys(d).slice(0, 8) : typeof d);
      throw new CommandUsageError(`${file} is neither a bench results JSON (tool "pidsim bench") nor a trace (traceEvents); its keys: ${keys}`);
    }
    io.stdout.write(`pidsim report: wrote ${html}\n`);
    return 0;
  });
}
