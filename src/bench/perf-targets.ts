// The targets of docs/performance.md, each checked against the measurements of one run.
// A target names the rows it reads; a row it cannot find is "not measured",
// never met by default.

import { totalmem } from 'node:os';
import { getHeapStatistics } from 'node:v8';
import type { Measurement } from './suite-types.js';
import { formatFigure, formatRatio } from './number-format.js';

/** One row judged against one target. */
export interface TargetCheck {
  readonly row: string;
  /** The figure the verdict rests on, as the table shows it. */
  readonly value: string;
  /** null: the row was not measured in this run. */
  readonly met: boolean | null;
}

export interface TargetVerdict {
  readonly id: string;
  /** docs/performance.md's wording. */
  readonly text: string;
  /** Short form for a table cell. */
  readonly short: string;
  readonly checks: readonly TargetCheck[];
  /** 'met' only when every row it reads was measured and met. */
  readonly status: 'met' | 'not met' | 'partly measured' | 'not measured';
}

type Lookup = (id: string) => Measurement | undefined;

export interface PerfTarget {
  readonly id: string;
  readonly text: string;
  readonly short: string;
  check(find: Lookup): TargetCheck[];
}

const DRIVES = ['client', 'program'] as const;

const NOT_MEASURED = 'not measured';

/** Rows whose median must reach `min`. */
function atLeast(rows: readonly string[], min: number, find: Lookup): TargetCheck[] {
  return rows.map((row) => {
    const m = find(row);
    return m ? { row, value: `${formatFigure(m.median)} ${m.unit}`, met: m.median >= min } : { row, value: NOT_MEASURED, met: null };
  });
}

/** Rows whose median over their pair's must reach `min` (pairs: [row, reference]). */
function ratioAtLeast(pairs: readonly (readonly [string, string])[], min: number, find: Lookup, describe: (r: number) => string): TargetCheck[] {
  return pairs.map(([row, ref]) => {
    const m = find(row);
    const b = find(ref);
    if (!m || !b) return { row, value: NOT_MEASURED, met: null };
    const r = m.median / b.median;
    return { row, value: describe(r), met: r >= min };
  });
}

const GIB = 1024 ** 3;

export const PERF_TARGETS: readonly PerfTarget[] = [
  {
    id: 'inline-depth-0',
    text: 'inline transport: fork+exit+reap at depth 0 with many in flight at least 1 M cycles/s',
    short: '≥ 1 M cycles/s',
    check: (find) => atLeast(DRIVES.map((d) => `fork-cycle/inline/d0/k256/${d}`), 1e6, find),
  },
  {
    id: 'inline-depth-31',
    text: 'inline transport: fork+exit+reap at depth 31 with many in flight at least 50 k cycles/s',
    short: '≥ 50 k cycles/s',
    check: (find) => atLeast(DRIVES.map((d) => `fork-cycle/inline/d31/k256/${d}`), 50e3, find),
  },
  {
    id: 'threads-vs-inline',
    text: 'threads transport: within 1.5x of inline at depth 0-3 with 256 in flight',
    short: 'within 1.5x of inline',
    check: (find) =>
      ratioAtLeast(
        ['threads-w1', 'threads-w2'].flatMap((t) =>
          [0, 1, 3].flatMap((d) => DRIVES.map((dr) => [`fork-cycle/${t}/d${d}/k256/${dr}`, `fork-cycle/inline/d${d}/k256/${dr}`] as const)),
        ),
        1 / 1.5,
        find,
        (r) => `${formatRatio(r)} of inline`,
      ),
  },
  {
    id: 'workers-scale',
    text: 'threads transport: more workers never slower than one for independent namespaces',
    short: 'W=2 ≥ W=1',
    check: (find) => ratioAtLeast(DRIVES.map((d) => [`parallel-namespaces/threads-w2/${d}`, `parallel-namespaces/threads-w1/${d}`] as const), 1, find, (r) => `${formatRatio(r)} of W=1`),
  },
  {
    id: 'vs-linux',
    text: 'at least 100x the real-Linux fork+exit+wait rate measured on the same machine in the same run',
    short: '≥ 100x Linux',
    check: (find) => ratioAtLeast(DRIVES.map((d) => [`fork-cycle/inline/d0/k256/${d}`, 'linux/fork-cycle/d0'] as const), 100, find, (r) => `${formatRatio(r)} Linux`),
  },
  {
    id: 'teardown',
    text: 'teardown: a namespace of 100 k processes (any nesting) killed and fully reaped at over 1 M processes/s inline',
    short: '> 1 M processes/s',
    check: (find) => atLeast(['namespace-teardown/inline/flat', 'namespace-teardown/inline/nested'], 1e6, find),
  },
  {
    id: 'memory-per-process',
    text: 'memory: at most 200 B per live process at depth 0 (1 M live in 200 MB)',
    short: '≤ 200 B/process',
    check: (find) => {
      const m = find('live-memory/inline/d0');
      return [m ? { row: m.id, value: `${formatFigure(m.median)} B/process`, met: m.median <= 200 } : { row: 'live-memory/inline/d0', value: NOT_MEASURED, met: null }];
    },
  },
  {
    id: 'memory-10m',
    text: "memory: 10 M live processes fit in this machine's memory (24 GiB on the reference VM)",
    short: '10 M live fit in RAM',
    check: (find) => {
      const m = find('live-memory/inline/d0');
      if (!m) return [{ row: 'live-memory/inline/d0', value: NOT_MEASURED, met: null }];
      {
        const need = m.median * 10e6;
        const have = totalmem();
        const heap = getHeapStatistics().heap_size_limit;
        // RAM decides the verdict; node's heap limit is a flag away, but a reader should know it is needed.
        const flag = need > heap ? `; above node's heap limit of ${(heap / GIB).toFixed(1)} GiB, so it needs --max-old-space-size` : '';
        return [{ row: m.id, value: `10 M x ${formatFigure(m.median)} B = ${(need / GIB).toFixed(1)} GiB of ${(have / GIB).toFixed(1)} GiB RAM${flag}`, met: need <= have }];
      }
    },
  },
];

export function judgeTargets(measurements: readonly Measurement[]): TargetVerdict[] {
  const byId = new Map(measurements.map((m) => [m.id, m]));
  const find: Lookup = (id) => byId.get(id);
  return PERF_TARGETS.map((t) => {
    const checks = t.check(find);
    const status = checks.some((c) => c.met === false)
      ? 'not met'
      : checks.every((c) => c.met === null)
        ? 'not measured'
        : checks.some((c) => c.met === null)
          ? 'partly measured'
          : 'met';
    return { id: t.id, text: t.text, short: t.short, checks, status };
  });
}
