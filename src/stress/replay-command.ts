// The one command that replays a run: the seed and the workload's shape
// regenerate the same plan, `--ops` names the operations kept (as ranges,
// `0-2,17,40-41`) and `--chaos` the delivery choices the seed makes.

import type { WorkloadShape } from './workload-generator.js';

export interface ReplaySpec {
  readonly seed: number;
  readonly shape: WorkloadShape;
  readonly transport: 'inline' | 'threads';
  readonly workers?: number | undefined;
  readonly placement?: 'co-locate' | 'spread' | undefined;
  readonly chaos?: number | null | undefined;
  readonly ops?: readonly number[] | undefined;
  /** An explicit --pid-max (the default is derived from the workload, so it replays by itself). */
  readonly pidMax?: number | undefined;
  readonly allowSkips?: boolean | undefined;
}

/** Sorted, de-duplicated indices as ranges: [0,1,2,17,40,41] -> "0-2,17,40-41". */
export function formatOpList(ops: readonly number[]): string {
  const sorted = [...new Set(ops)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    parts.push(j === i ? `${sorted[i]}` : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}

/** Parses "0-2,17"; returns the indices, or a description of what is wrong. */
export function parseOpList(text: string): number[] | { readonly error: string } {
  const out = new Set<number>();
  for (const part of text.split(',')) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    if (!m) return { error: `"${part}" is not an index or a range like 3-7` };
    const lo = Number(m[1]);
    const hi = m[2] === undefined ? lo : Number(m[2]);
    if (hi < lo) return { error: `the range "${part}" runs backwards` };
    if (hi - lo > 10_000_000) return { error: `the range "${part}" is too long` };
    for (let i = lo; i <= hi; i++) out.add(i);
  }
  return [...out].sort((a, b) => a - b);
}

export function replayCommand(r: ReplaySpec): string {
  const args = ['pidsim stress', `--seed ${r.seed}`];
  if (r.transport === 'threads') {
    args.push('--transport threads');
    if (r.workers !== undefined) args.push(`--workers ${r.workers}`);
    if (r.placement !== undefined && r.placement !== 'co-locate') args.push(`--placement ${r.placement}`);
  }
  const s = r.shape;
  args.push(`--depth ${s.depth}`, `--fanout ${s.fanout}`, `--processes ${s.processes}`, `--concurrency ${s.concurrency}`);
  if (r.pidMax !== undefined) args.push(`--pid-max ${r.pidMax}`);
  if (r.allowSkips) args.push('--allow-skips');
  if (r.chaos !== undefined && r.chaos !== null) args.push(`--chaos ${r.chaos}`);
  if (r.ops !== undefined) args.push(`--ops ${formatOpList(r.ops)}`);
  return args.join(' ');
}
