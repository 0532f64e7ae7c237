// `pidsim bench` options: declared once for the shared option layer
// (src/cli/command-spec.ts), then checked together here, before any suite
// runs; a bad one is a CommandUsageError that names it and echoes what was
// received.

import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { CommandUsageError, defineCommand, parseCommand, type ParsedCommand } from '../cli/command-spec.js';
import { HTML_OPTION, htmlFileOf } from '../cli/output-options.js';
import { selectSuites, type SuiteEntry } from './suite-registry.js';

export const BENCH_COMMAND = defineCommand({
  name: 'bench',
  synopsis: ['[--quick] [--only SUITE[,SUITE...] | --floor] [--out DIR] [--no-linux] [--list]', '[--html FILE]'],
  about: `Runs the benchmark suites in this process against the runtime floor and a
real-Linux baseline (bench/README.md): the markdown table on stdout, progress
on stderr, bench.json, bench.svg and bench.md into a fresh directory under the
OS's temporary directory (printed), or --out DIR. \`--out bench/results\`
updates the results committed in the repository (what npm run bench does).`,
  options: {
    quick: { type: 'flag', description: 'small sizes, one sample each: a smoke run (CI, tests), not figures to quote; no target is judged' },
    only: { type: 'string', value: 'SUITES', multiple: true, description: 'run these suites (comma-separated) and the ones their ratios need' },
    floor: { type: 'flag', description: 'measure only the runtime floor (docs/performance.md), into bench-floor.*' },
    out: {
      type: 'string',
      value: 'DIR',
      defaultText: 'a new pidsim-bench-* directory under the OS temporary directory',
      description: 'where bench.json, bench.svg and bench.md go; DIR may be new, its parent must exist',
    },
    'no-linux': { type: 'flag', description: 'skip the real-Linux baseline (and so the ratios against it)' },
    list: { type: 'flag', description: 'list the suites and exit' },
    ...HTML_OPTION,
  },
  footer: 'exit status: 0 every suite ran, 1 a suite failed (the others still ran), 2 bad usage.',
});

export interface BenchOptions {
  readonly quick: boolean;
  readonly suites: readonly SuiteEntry[];
  /** The names given to --only, in the order given (empty: all suites). */
  readonly only: readonly string[];
  /** --floor: only the runtime floor, no suite. */
  readonly floor: boolean;
  /** --out, resolved; undefined: a fresh directory under the OS temporary directory. */
  readonly out: string | undefined;
  readonly list: boolean;
  /** --html: also write the report page. */
  readonly html: string | undefined;
}

/** Decodes `pidsim bench` arguments (null: --help). */
export function parseBenchArgs(args: readonly string[]): BenchOptions | null {
  const parsed = parseCommand(BENCH_COMMAND, args);
  return parsed && benchOptionsOf(parsed);
}

/** --out DIR: DIR is made if missing, but its parent must exist (a typo fails now, not after the suites). */
function outDir(text: string): string {
  const dir = resolve(text);
  const received = JSON.stringify(text);
  if (existsSync(dir)) {
    if (!statSync(dir).isDirectory()) throw new CommandUsageError(`--out: ${dir} is not a directory, received ${received}`);
    return dir;
  }
  const parent = dirname(dir);
  if (!existsSync(parent) || !statSync(parent).isDirectory()) throw new CommandUsageError(`--out: the parent directory ${parent} does not exist, received ${received}`);
  return dir;
}

export function benchOptionsOf({ options: o }: ParsedCommand<typeof BENCH_COMMAND.options>): BenchOptions {
  const only = o.only.flatMap((list) => list.split(',')).map((name) => name.trim()).filter((name) => name !== '');
  if (o.floor && only.length > 0) throw new CommandUsageError(`--floor measures the runtime floor alone and takes no --only, received --only ${only.join(',')}`);
  const linux = !o['no-linux'];
  let suites: SuiteEntry[];
  try {
    suites = o.floor ? [] : selectSuites(only, linux);
  } catch (e) {
    throw new CommandUsageError((e as Error).message);
  }
  return {
    quick: o.quick,
    suites: linux ? suites : suites.filter((s) => s.name !== 'linux-baseline'),
    only,
    floor: o.floor,
    out: o.out === undefined ? undefined : outDir(o.out),
    list: o.list,
    html: htmlFileOf(o),
  };
}
