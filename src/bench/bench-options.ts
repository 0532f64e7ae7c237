// `pidsim bench` options, decoded once at the edge; a bad option is a
// TypeError that names it and echoes what was received.

import { selectSuites, type SuiteEntry } from './suite-registry.js';

export const BENCH_USAGE = `usage: pidsim bench [--quick] [--only SUITE[,SUITE...]] [--out DIR] [--no-linux] [--list]

  --quick        small sizes, one sample each: a smoke run (CI, tests), not figures to quote
  --only SUITES  run these suites (comma-separated; repeatable) and the ones their ratios need
  --out DIR      where bench.json, bench.svg and bench.md go (default: bench/results of the package)
  --no-linux     skip the real-Linux baseline (and so the ratios against it)
  --list         list the suites and exit
`;

export interface BenchOptions {
  readonly quick: boolean;
  readonly suites: readonly SuiteEntry[];
  /** The names given to --only, in the order given (empty: all suites). */
  readonly only: readonly string[];
  readonly out: string | undefined;
  readonly list: boolean;
  readonly help: boolean;
}

export function parseBenchArgs(args: readonly string[]): BenchOptions {
  let quick = false;
  let list = false;
  let help = false;
  let linux = true;
  let out: string | undefined;
  const only: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const [flag, inline] = a.startsWith('--') && a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const value = (): string => {
      const v = inline ?? args[++i];
      if (v === undefined || v === '' || (inline === undefined && v.startsWith('--'))) {
        throw new TypeError(`pidsim bench: ${flag} needs a value, received ${v === undefined ? 'nothing' : JSON.stringify(v)}`);
      }
      return v;
    };
    const noValue = (): void => {
      if (inline !== undefined) throw new TypeError(`pidsim bench: ${flag} takes no value, received ${JSON.stringify(inline)}`);
    };
    switch (flag) {
      case '--quick':
        noValue();
        quick = true;
        break;
      case '--only':
        for (const name of value().split(',')) if (name.trim() !== '') only.push(name.trim());
        break;
      case '--out':
        out = value();
        break;
      case '--no-linux':
        noValue();
        linux = false;
        break;
      case '--list':
        noValue();
        list = true;
        break;
      case '--help':
      case '-h':
        help = true;
        break;
      default:
        throw new TypeError(`pidsim bench: unknown option ${JSON.stringify(a)} (expected --quick, --only, --out, --no-linux or --list)`);
    }
  }
  const suites = selectSuites(only, linux);
  return { quick, suites: linux ? suites : suites.filter((s) => s.name !== 'linux-baseline'), only, out, list, help };
}
