// What `pidsim stress --html FILE` adds to a run: the shrunk reproducer run
// once more with a trace (written beside the page, and drawn on it), and the
// page itself (src/report/stress-html.ts) from the run's figures.

import { readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { digestTrace } from '../report/trace-digest.js';
import { renderStressHtml, type ShrunkEntry, type StressPageInput } from '../report/stress-html.js';
import type { KernelTrace } from '../index.js';
import type { ShrinkReport } from './stress-report.js';
import { runStress } from './stress-run.js';
import type { Workload, WorkloadShape } from './workload-generator.js';

/** `<page stem>.seed<N>-shrunk.trace.json`, beside the page. */
export function shrunkTracePath(html: string, seed: number): string {
  return join(dirname(html), `${basename(html).replace(/\.html?$/i, '')}.seed${seed}-shrunk.trace.json`);
}

/** Replays the shrunk reproducer (inline, exactly) with a trace into `file`, and returns it ready for the page. */
export async function traceShrunk(html: string, seed: number, shape: WorkloadShape, workload: Workload, s: ShrinkReport, pidMax?: number): Promise<ShrunkEntry> {
  const file = shrunkTracePath(html, seed);
  let trace: KernelTrace | undefined;
  await runStress({
    ...shape,
    seed,
    transport: 'inline',
    chaos: s.chaos ?? undefined,
    ops: new Set(s.ops),
    workload,
    pidMax,
    catchUncaught: true,
    onKernel: (k) => void (trace = k.trace({ file })),
  });
  trace?.close();
  const text = `${s.operations} operations (of ${s.originalOperations}), ${s.choices} scheduling choices${s.originalChoices === null ? '' : ` (of ${s.originalChoices})`}; ${s.trials} trials, ${s.seconds} s`;
  return { seed, text, replay: s.replay, traceLink: basename(file), trace: digestTrace(JSON.parse(readFileSync(file, 'utf8'))) };
}

export function writeStressHtml(html: string, input: StressPageInput): void {
  writeFileSync(html, renderStressHtml(input));
}
