// Timing batches of work: each batch (thousands of cycles, or one run of the
// C baseline) times the part that counts itself, so setup inside a batch is
// never measured. One row alone runs its batches through tinybench, which is
// handed the time per unit as the sample (`overriddenDuration`); rows whose
// ratio is a target run interleaved, one batch of each per round, so the
// machine's load weighs on them alike.

import { Bench } from 'tinybench';
import { median } from './median.js';
import type { Process } from '../index.js';

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

/** What a program-driven row learned of its rate, to size its next batch. */
export interface SpawnEstimate {
  cyclesPerSecond: number;
}

/**
 * Program-driven cycles: each driver (an `idle` process) forks a `spawner`
 * that forks children which exit, `parallel` at a time, and reaps them; the
 * driver waits for it. No client call per cycle: the batch is two syscalls
 * per driver. Counts are sized from the last batch's rate so a batch lasts
 * about `ms`.
 */
export async function spawnerWindow(drivers: readonly Process[], ms: number, parallel: number, estimate: SpawnEstimate): Promise<Batch> {
  const count = Math.max(parallel, Math.round((estimate.cyclesPerSecond * ms) / 1000 / drivers.length));
  const t0 = performance.now();
  await Promise.all(
    drivers.map(async (d) => {
      const s = await d.fork({ program: { name: 'spawner', count, parallel }, name: 'spawner' });
      const r = await d.wait(s.pid);
      const c = r.change;
      if (c?.kind !== 'exited' || c.code !== 0) throw new Error(`bench: a spawner of ${count} children ended ${JSON.stringify(c)} (a fork failed)`);
    }),
  );
  const elapsed = performance.now() - t0;
  const units = count * drivers.length;
  estimate.cyclesPerSecond = units / (elapsed / 1000);
  return { units, ms: elapsed };
}

/** One row of an interleaved measurement: its id and one batch of its work. */
export interface Contender {
  readonly id: string;
  readonly batch: () => Promise<Batch>;
}

export interface InterleavedRates extends Rates {
  /** Units of work every batch of this contender did, the discarded ones included (to divide counters read around the whole run by). */
  readonly units: number;
}

/**
 * Runs `warmup` rounds, thrown away, then `samples` rounds; a round is one
 * batch of each contender, starting one further along each round so no row
 * always follows the same one. Returns each contender's units per second per
 * measured batch (ascending) and their median, by id.
 */
export async function sampleInterleaved(contenders: readonly Contender[], spec: RateSpec): Promise<Map<string, InterleavedRates>> {
  if (!Number.isInteger(spec.samples) || spec.samples < 1) throw new TypeError(`sampleInterleaved: samples must be an integer >= 1, received ${spec.samples}`);
  if (new Set(contenders.map((c) => c.id)).size !== contenders.length) throw new TypeError(`sampleInterleaved: contender ids must differ, received ${contenders.map((c) => c.id).join(', ')}`);
  const rates = contenders.map(() => [] as number[]);
  const units = contenders.map(() => 0);
  const rounds = spec.warmup + spec.samples;
  for (let round = 0; round < rounds; round++) {
    for (let j = 0; j < contenders.length; j++) {
      const i = (round + j) % contenders.length;
      const c = contenders[i]!;
      const b = await c.batch();
      if (!(b.units > 0) || !(b.ms > 0)) throw new Error(`${c.id}: a batch did no measurable work (${b.units} units in ${b.ms} ms)`);
      units[i] += b.units;
      if (round >= spec.warmup) rates[i]!.push((b.units / b.ms) * 1000);
    }
  }
  return new Map(
    contenders.map((c, i) => {
      const samples = rates[i]!.sort((a, b) => a - b);
      return [c.id, { samples, median: median(samples), units: units[i]! }];
    }),
  );
}
