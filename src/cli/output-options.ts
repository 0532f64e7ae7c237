// The output options several commands share, declared once and spread into
// each command's spec: --trace FILE (with --trace-ns N and --trace-window
// FROM:TO) on run, stress, demo and shell, and --html FILE on stress, bench
// and report. Their values are checked here, before the command starts: a
// file's directory must exist, so a typo fails before a long run, not after.

import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseTraceWindow, type TraceOptions } from '../trace/index.js';
import { CommandUsageError, type OptionSpecs } from './command-spec.js';

export const TRACE_OPTIONS = {
  trace: { type: 'string', value: 'FILE', group: 'output', description: 'write the run as a Chrome trace-event JSON file for Perfetto UI (docs/trace.md)' },
  'trace-ns': {
    type: 'integer',
    value: 'N',
    min: 1,
    expected: 'a namespace number as the trace names it (PID namespace #N), N >= 1',
    group: 'output',
    description: 'with --trace: only PID namespace #N (as the trace names it) and those below it',
  },
  'trace-window': { type: 'string', value: 'A:B', group: 'output', description: 'with --trace: only trace time A to B (µs, or with a unit: 2s:3s, 1500ms:2500ms)' },
} as const satisfies OptionSpecs;

export const HTML_OPTION = {
  html: { type: 'string', value: 'FILE', group: 'output', description: 'also write a self-contained HTML report with charts (docs/report.md)' },
} as const satisfies OptionSpecs;

/** The directory `file` goes in must exist: a CommandUsageError naming `flag` otherwise. */
export function checkOutputDir(flag: string, file: string): void {
  const dir = dirname(resolve(file));
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new CommandUsageError(`${flag}: the directory ${dir} does not exist, received ${JSON.stringify(file)}`);
}

/** The trace the TRACE_OPTIONS ask for, checked; undefined without --trace. */
export function traceOptionsOf(o: { readonly trace?: string; readonly 'trace-ns'?: number; readonly 'trace-window'?: string }): TraceOptions | undefined {
  const file = o.trace;
  if (file === undefined) {
    if (o['trace-ns'] !== undefined || o['trace-window'] !== undefined) {
      throw new CommandUsageError(`${o['trace-ns'] !== undefined ? '--trace-ns' : '--trace-window'} narrows a trace: it needs --trace FILE`);
    }
    return undefined;
  }
  checkOutputDir('--trace', file);
  let window: TraceOptions['window'];
  if (o['trace-window'] !== undefined) {
    const w = parseTraceWindow(o['trace-window']);
    if ('error' in w) throw new CommandUsageError(`--trace-window: ${w.error}`);
    window = w;
  }
  const namespace = o['trace-ns'];
  return { file, ...(namespace !== undefined ? { namespace } : {}), ...(window ? { window } : {}) };
}

/** The page --html asks for, its directory checked; undefined without --html. */
export function htmlFileOf(o: { readonly html?: string }): string | undefined {
  if (o.html !== undefined) checkOutputDir('--html', o.html);
  return o.html;
}
