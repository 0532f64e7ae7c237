// Memory per live process: the heap the inline kernel holds for each
// process that exists and runs (not a zombie), measured as heapUsed deltas
// after full garbage collections while the population grows to 1,000,000
// at depth 0 in four steps (one sample per step), and to 250,000 at depth 1
// (each process then has a PID at two levels). When the projection says
// the next step would not fit in this heap, the suite stops and says so.

import { getHeapStatistics } from 'node:v8';
import type { Process } from '../src/index.js';
import {
  PID_MAX_LIMIT,
  forceGc,
  isMainModule,
  median,
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

function heapUsed(): number {
  forceGc();
  return process.memoryUsage().heapUsed;
}

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
      const h0 = heapUsed();
      let before = h0;
      let live = 0;
      const samples: number[] = [];
      for (let i = 0; i < STEPS; i++) {
        await fill(parent, step);
        await k.settled();
        live += step;
        const after = heapUsed();
        samples.push((after - before) / step);
        before = after;
        const projected = after + (step * (after - h0)) / live;
        if (i < STEPS - 1 && projected > 0.9 * limit) {
          notes.push(
            `${id}: ${total.toLocaleString('en-US')} live processes do not fit in this heap (limit ${(limit / MB).toFixed(0)} MB; the next step would need about ${(projected / MB).toFixed(0)} MB); stopped at ${live.toLocaleString('en-US')}. Run node with --max-old-space-size to go further.`,
          );
          break;
        }
      }
      const perProcess = median(samples);
      measurements.push({
        id,
        label: `heap per live process at depth ${depth} (inline), ${live.toLocaleString('en-US')} live`,
        unit: 'B/process',
        better: 'lower',
        samples,
        median: perProcess,
        params: { transport: 'inline', depth, live },
        note: `heap grew ${((before - h0) / MB).toFixed(0)} MB for ${live.toLocaleString('en-US')} processes`,
      });
    });
  }
  notes.push(
    `main-thread heapUsed after forced full GCs (node's heap limit here: ${(limit / MB).toFixed(0)} MB); the threads transport keeps its processes in the workers' heaps and is not measured here.`,
  );
  return { suite: 'live-memory', title: 'memory per live process', measurements, notes };
}

// Run alone: node dist/bench/<name>.bench.js [--quick]. Not awaited: the runner imports this very module.
if (isMainModule(import.meta.url)) void runSuiteStandalone('live-memory');
