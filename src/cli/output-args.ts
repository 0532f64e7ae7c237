// The output options several commands share, taken out of their arguments
// before the command's own parsing sees them: --trace FILE (with --trace-ns N
// and --trace-window FROM:TO) on run, stress, demo and shell, and --html FILE
// on stress and bench. A bad value is an OutputArgsError naming the option
// and echoing what was received.

import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseTraceWindow, type TraceOptions } from '../trace/index.js';

export class OutputArgsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OutputArgsError';
  }
}

export interface OutputArgs {
  /** What the command's own parser gets: every other argument, in order. */
  readonly rest: string[];
  readonly trace: TraceOptions | undefined;
  readonly html: string | undefined;
}

const VALUED = new Set(['--trace', '--trace-ns', '--trace-window', '--html']);

/** The directory a file goes in must exist (so a typo fails before a long run, not after). */
function checkDir(flag: string, file: string): void {
  const dir = dirname(resolve(file));
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new OutputArgsError(`${flag}: the directory ${dir} does not exist, received ${JSON.stringify(file)}`);
}

/** Takes the output options `allowed` for this command out of `args`. */
export function takeOutputArgs(args: readonly string[], allowed: { readonly trace: boolean; readonly html: boolean }): OutputArgs {
  const rest: string[] = [];
  const found = new Map<string, string>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const eq = arg.indexOf('=');
    const flag = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg;
    if (!VALUED.has(flag)) {
      rest.push(arg);
      continue;
    }
    if (flag === '--html' ? !allowed.html : !allowed.trace) throw new OutputArgsError(`${flag} is not an option of this command`);
    const value = eq > 0 && flag !== arg ? arg.slice(eq + 1) : args[++i];
    if (value === undefined || value === '') throw new OutputArgsError(`${flag} needs a value, received ${value === undefined ? 'nothing' : '""'}`);
    if (found.has(flag)) throw new OutputArgsError(`${flag} is given twice`);
    found.set(flag, value);
  }
  const file = found.get('--trace');
  const nsText = found.get('--trace-ns');
  const windowText = found.get('--trace-window');
  if (file === undefined && (nsText !== undefined || windowText !== undefined)) {
    throw new OutputArgsError(`${nsText !== undefined ? '--trace-ns' : '--trace-window'} narrows a trace: it needs --trace FILE`);
  }
  let trace: TraceOptions | undefined;
  if (file !== undefined) {
    checkDir('--trace', file);
    let namespace: number | undefined;
    if (nsText !== undefined) {
      namespace = /^\d+$/.test(nsText) ? Number(nsText) : NaN;
      if (!Number.isSafeInteger(namespace) || namespace < 1) throw new OutputArgsError(`--trace-ns must be a namespace number as the trace names it (PID namespace #N), N >= 1, received ${JSON.stringify(nsText)}`);
    }
    let window: TraceOptions['window'];
    if (windowText !== undefined) {
      const w = parseTraceWindow(windowText);
      if ('error' in w) throw new OutputArgsError(`--trace-window: ${w.error}`);
      window = w;
    }
    trace = { file, ...(namespace !== undefined ? { namespace } : {}), ...(window ? { window } : {}) };
  }
  const html = found.get('--html');
  if (html !== undefined) checkDir('--html', html);
  return { rest, trace, html };
}
