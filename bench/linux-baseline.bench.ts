// The real-Linux baseline: the kernel of this machine forking, nesting and
// tearing down PID namespaces, measured in the same run as pidsim so every
// pidsim figure can be read as a ratio. C compiled at run time; skipped,
// with the reason, where there is no Linux, no root or no compiler. The
// largest teardown is as large as this host's pid_max lets a namespace be
// on a shared machine (linuxTeardownSize), and says what capped it.

import {
  baselineAvailability,
  isMainModule,
  linuxTeardownSize,
  runBaseline,
  runSuiteStandalone,
  sampleRates,
  type Measurement,
  type SuiteOptions,
  type SuiteResult,
} from '../src/bench/index.js';

export const DEPTHS = [0, 1, 3, 31] as const;

export async function run(options: SuiteOptions): Promise<Omit<SuiteResult, 'seconds'>> {
  const title = 'real Linux (C, same machine, same run)';
  const available = await baselineAvailability();
  if (!available.ok) return { suite: 'linux-baseline', title, measurements: [], notes: [`Linux rows skipped: ${available.reason}`] };
  const bin = available.binary;
  const spec = options.quick ? { samples: 1, warmup: 0 } : { samples: 5, warmup: 1 };
  const windowMs = options.quick ? 20 : 200;
  const measurements: Measurement[] = [];
  const notes: string[] = [];

  for (const depth of DEPTHS) {
    const id = `linux/fork-cycle/d${depth}`;
    options.log(`  ${id}`);
    try {
      const r = await sampleRates(id, spec, () => runBaseline(bin, ['fork-cycle', String(depth), String(windowMs)]));
      measurements.push({
        id,
        label: depth === 0 ? 'Linux fork+_exit+waitpid' : `Linux fork+_exit+waitpid by the init of a namespace nested ${depth} deep`,
        unit: 'cycles/s',
        better: 'higher',
        samples: r.samples,
        median: r.median,
        params: { system: 'linux', depth },
      });
    } catch (e) {
      notes.push(`${id} skipped: ${(e as Error).message}`);
    }
  }

  {
    const id = 'linux/ns-cycle';
    options.log(`  ${id}`);
    try {
      const r = await sampleRates(id, spec, () => runBaseline(bin, ['ns-cycle', String(windowMs)]));
      measurements.push({
        id,
        label: 'Linux namespace created and destroyed: clone(CLONE_NEWPID)+_exit+waitpid',
        unit: 'namespaces/s',
        better: 'higher',
        samples: r.samples,
        median: r.median,
        params: { system: 'linux' },
      });
    } catch (e) {
      notes.push(`${id} skipped: ${(e as Error).message}`);
    }
  }

  const largest = linuxTeardownSize(options.quick);
  const sizes = [...new Set([...(options.quick ? [10, 100] : [10, 1000]), largest.members])];
  for (const members of sizes) {
    const id = `linux/teardown/n${members}`;
    options.log(`  ${id}`);
    try {
      // One teardown per sample; a small namespace is torn down a few times per sample so the figure is not one clock tick.
      const repeat = Math.max(1, Math.floor(100 / members));
      // Thousands of real processes weigh on a shared machine for tens of seconds each: fewer samples for those.
      const big = members >= 5000;
      const r = await sampleRates(id, { samples: big ? 3 : spec.samples, warmup: big ? 0 : spec.warmup }, async () => {
        let units = 0;
        let ms = 0;
        for (let i = 0; i < repeat; i++) {
          const b = await runBaseline(bin, ['teardown', String(members)]);
          units += b.units;
          ms += b.ms;
        }
        return { units, ms };
      });
      measurements.push({
        id,
        label: `Linux namespace of ${members} torn down by its init's death`,
        unit: 'processes/s',
        better: 'higher',
        samples: r.samples,
        median: r.median,
        params: { system: 'linux', members },
        note: `${(1e6 / r.median).toFixed(1)} µs per member`,
      });
    } catch (e) {
      notes.push(`${id} skipped: ${(e as Error).message}`);
    }
  }
  notes.push(`the largest namespace torn down has ${largest.members.toLocaleString('en-US')} members: ${largest.why}. pidsim's teardown of the same size is in namespace-teardown.`);
  return { suite: 'linux-baseline', title, measurements, notes };
}

// Run alone: node dist/bench/<name>.bench.js [--quick]. Not awaited: the runner imports this very module.
if (isMainModule(import.meta.url)) void runSuiteStandalone('linux-baseline');
