// `pidsim bench` options, decoded once at the edge; a bad option is a
// TypeError that names it and echoes what was received.

import { selectSuites, type SuiteEntry } from './suite-registry.js';

export const BENCH_USAGE = `usage: pidsim bench [--quick] [--only SUITE[,SUITE...] | --floor] [--out DIR] [--no-linux] [--list]

  --quick        small sizes, one sample each: a smoke run (CI, tests), not figures to quote; no target is judged
  --only SUITES  run these suites (comma-separated; repeatable) and the ones their ratios need
  --floor        measure only the runtime floor (docs/performance.md), into bench-floor.*
  --out DIR      where bench.json, bench.svg and bench.md go (default: bench/results of the package)
  --no-linux     skip the real-Linux baseline (and so the ratios against it)
  --list         list the suites and exit
`;

export interface BenchOptions {
  readonly quick: boolean;
  readonly suites: readonly SuiteEntry[];
  /** The names given to --only, in the order given (empty: all suites). */
  readonly only: readonly string[];
  /** --floor: only the runtime floor, no suite. */
  readonly floor: boolean;
  readonly out: string | undefined;
  readonly list: boolean;
  readonly help: boolean;
}

export function parseBenchArgs(args: readonly string[]): BenchOptions {
  let quick = false;
  let list = false;
  let help = false;
  let linux = true;
  let floor = false;
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
      case '--floor':
        noValue();
        floor = true;
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
        throw new TypeError(`pidsim bench: unknown option ${JSON.stringify(a)} (expected --quick, --only, --floor, --out, --no-linux or --list)`);
    }
  }
  if (floor && only.length > 0) throw new TypeError(`pidsim bench: --floor measures the runtime floor alone and takes no --only, received --only ${only.join(',')}`);
  const suites = floor ? [] : selectSuites(only, linux);
  return { quick, suites: linux ? suites : suites.filter((s) => s.name !== 'linux-baseline'), only, floor, out, list, help };
}
