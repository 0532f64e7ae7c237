// Memory per live process: what the inline kernel holds for each process
// that exists and runs (not a zombie), counted after full garbage
// collections as the JS heap, ArrayBuffer and SharedArrayBuffer memory
// (process.memoryUsage().arrayBuffers), and the PID tables' resizable
// buffers, which arrayBuffers does not see (kernel.usage()). The population
// grows to 1,000,000 at depth 0 in four steps (one sample per step: the
// bytes per process the step added), and to 250,000 at depth 1 (each
// process then has a PID at two levels). When the projection says the next
// step would not fit in this heap, the suite stops and says so.

import { getHeapStatistics } from 'node:v8';
import type { Kernel, Process } from '../src/index.js';
import {
  PID_MAX_LIMIT,
  forceGc,
  isMainModule,
  nestNamespaces,
  runSuiteStandalone,
  withKernel,
  type Measurement,
  type SuiteOptions,
  type SuiteResult,
} from '../src/bench/index.js';

const STEPS = 4;
const MB = 1024 * 1024;

/** Forks `n` idle children of `parent`, 256 at a time, keeping no handles. */
async function fill(parent: Process, n: number): Promise<void> {
  let left = n;
  const loop = async (): Promise<void> => {
    while (left > 0) {
      left--;
      await parent.fork();
    }
  };
  const loops: Promise<void>[] = [];
  for (let i = 0; i < Math.min(256, n); i++) loops.push(loop());
  await Promise.all(loops);
}

/** What the kernel's memory is counted as, after full GCs. */
interface Footprint {
  readonly heap: number;
  /** ArrayBuffers and SharedArrayBuffers of fixed size (resizable ones are not in this figure). */
  readonly arrayBuffers: number;
  /** The PID tables' resizable buffers (kernel.usage()). */
  readonly pidTables: number;
}

async function footprint(k: Kernel): Promise<Footprint> {
  forceGc();
  const m = process.memoryUsage();
  return { heap: m.heapUsed, arrayBuffers: m.arrayBuffers, pidTables: (await k.usage()).memory.pidTableResizableBytes };
}

const totalOf = (f: Footprint): number => f.heap + f.arrayBuffers + f.pidTables;

export async function run(options: SuiteOptions): Promise<Omit<SuiteResult, 'seconds'>> {
  const measurements: Measurement[] = [];
  const notes: string[] = [];
  const limit = getHeapStatistics().heap_size_limit;
  for (const [depth, total] of [
    [0, options.quick ? 10_000 : 1_000_000],
    [1, options.quick ? 5_000 : 250_000],
  ] as const) {
    const id = `live-memory/inline/d${depth}`;
    options.log(`  ${id}: ${total.toLocaleString('en-US')} live processes`);
    await withKernel('inline', { pidMax: PID_MAX_LIMIT }, async (k) => {
      const parent = await nestNamespaces(k.init, depth);
      const step = Math.floor(total / STEPS);
      const f0 = await footprint(k);
      let before = f0;
      let live = 0;
      const samples: number[] = [];
      for (let i = 0; i < STEPS; i++) {
        await fill(parent, step);
        await k.settled();
        live += step;
        const after = await footprint(k);
        samples.push((totalOf(after) - totalOf(before)) / step);
        before = after;
        const projected = after.heap + (step * (after.heap - f0.heap)) / live;
        if (i < STEPS - 1 && projected > 0.9 * limit) {
          notes.push(
            `${id}: ${total.toLocaleString('en-US')} live processes do not fit in this heap (limit ${(limit / MB).toFixed(0)} MB; the next step would need about ${(projected / MB).toFixed(0)} MB); stopped at ${live.toLocaleString('en-US')}. Run node with --max-old-space-size to go further.`,
          );
          break;
        }
      }
      // The figure is what all of them cost, per process: a step's share swings with the steps in
      // which a table grew (the samples, a quarter each, show that spread).
      const perProcess = (totalOf(before) - totalOf(f0)) / live;
      const per = (f: (x: Footprint) => number): string => ((f(before) - f(f0)) / live).toFixed(0);
      measurements.push({
        id,
        label: `memory per live process at depth ${depth} (inline), ${live.toLocaleString('en-US')} live: heap, ArrayBuffers and PID tables`,
        unit: 'B/process',
        better: 'lower',
        samples,
        median: perProcess,
        params: { transport: 'inline', depth, live },
        note: `grew ${((totalOf(before) - totalOf(f0)) / MB).toFixed(0)} MB for ${live.toLocaleString('en-US')} processes: ${per((x) => x.heap)} B heap + ${per((x) => x.arrayBuffers)} B ArrayBuffers + ${per((x) => x.pidTables)} B PID tables per process`,
      });
    });
  }
  notes.push(
    `main-thread heapUsed + arrayBuffers (process.memoryUsage()) + the resizable buffers of every PID table (kernel.usage(): arrayBuffers does not count resizable buffers), after forced full GCs; the figure is the growth from before the first process to after the last, per process; a sample is what one step (a quarter of the processes) added, per process (node's heap limit here: ${(limit / MB).toFixed(0)} MB). The threads transport keeps its processes in the workers' heaps and is not measured here.`,
  );
  return { suite: 'live-memory', title: 'memory per live process', measurements, notes };
}

// Run alone: node dist/bench/<name>.bench.js [--quick]. Not awaited: the runner imports this very module.
if (isMainModule(import.meta.url)) void runSuiteStandalone('live-memory');
