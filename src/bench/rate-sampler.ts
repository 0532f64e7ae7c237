// Timing with tinybench: each tinybench iteration runs one batch of work
// (thousands of cycles, or one run of the C baseline) that times the part
// that counts itself, and hands tinybench the time per unit as the sample
// (`overriddenDuration`), so setup inside a batch is never measured.

import { Bench } from 'tinybench';
import { median } from './median.js';

/** One timed batch: how many units of work it did, and in how many milliseconds. */
export interface Batch {
  readonly units: number;
  readonly ms: number;
}

export interface RateSpec {
  /** Measured batches. */
  readonly samples: number;
  /** Batches run first and thrown away (JIT, caches, pools). */
  readonly warmup: number;
}

export interface Rates {
  /** Units per second, one per measured batch (in ascending order). */
  readonly samples: readonly number[];
  readonly median: number;
}

/** Runs `batch` warmup + samples times through tinybench; returns units per second per measured batch. */
export async function sampleRates(name: string, spec: RateSpec, batch: () => Promise<Batch>): Promise<Rates> {
  if (!Number.isInteger(spec.samples) || spec.samples < 1) throw new TypeError(`sampleRates: samples must be an integer >= 1, received ${spec.samples}`);
  const bench = new Bench({
    name,
    iterations: spec.samples,
    time: 0,
    warmup: spec.warmup > 0,
    warmupIterations: spec.warmup,
    warmupTime: 0,
    retainSamples: true,
    throws: true,
  });
  bench.add(
    name,
    async () => {
      const b = await batch();
      if (!(b.units > 0) || !(b.ms > 0)) throw new Error(`${name}: a batch did no measurable work (${b.units} units in ${b.ms} ms)`);
      return { overriddenDuration: b.ms / b.units };
    },
    { async: true },
  );
  await bench.run();
  const result = bench.getTask(name)!.result;
  if (result.state === 'errored') throw result.error;
  if (result.state !== 'completed') throw new Error(`${name}: tinybench ended in state '${result.state}'`);
  const samples = [...(result.latency.samples ?? [])].map((msPerUnit) => 1000 / msPerUnit).sort((a, b) => a - b);
  return { samples, median: median(samples) };
}

/**
 * Runs `work` in `parallel` concurrent loops until `ms` of wall-clock time
 * are spent, then awaits `finish` (work still in the kernel) inside the
 * timing; counts the units done.
 */
export async function forWindow(ms: number, parallel: number, work: () => Promise<unknown>, finish?: () => Promise<void>): Promise<Batch> {
  let units = 0;
  const t0 = performance.now();
  const end = t0 + ms;
  const loop = async (): Promise<void> => {
    while (performance.now() < end) {
      await work();
      units++;
    }
  };
  const loops: Promise<void>[] = [];
  for (let i = 0; i < parallel; i++) loops.push(loop());
  await Promise.all(loops);
  if (finish) await finish();
  return { units, ms: performance.now() - t0 };
}
