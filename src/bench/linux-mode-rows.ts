// The real-Linux rows of a suite whose C program takes "MODE DEPTH MS":
// one row per depth and mode, sampled like pidsim's rows, each skipped with
// its reason (in the suite's notes) where it cannot run - not Linux, not
// root (PID namespaces), no compiler, or the program failed.

import { runBaseline } from './linux-baseline-build.js';
import { sampleRates } from './rate-sampler.js';
import type { Measurement, SuiteOptions, Unit } from './suite-types.js';

export interface LinuxModeRows<M extends string> {
  /** Compiles the suite's C program; resolves its path. */
  readonly build: () => Promise<string>;
  readonly depths: readonly number[];
  readonly modes: readonly M[];
  /** Each run lasts this long (the program's MS argument). */
  readonly windowMs: number;
  readonly spec: { readonly samples: number; readonly warmup: number };
  readonly id: (depth: number, mode: M) => string;
  readonly label: (depth: number, mode: M) => string;
  readonly unit: Unit;
  /** The name of the mode in the rows' params (`call`, `cycle`). */
  readonly param: string;
}

export async function linuxModeRows<M extends string>(options: SuiteOptions, notes: string[], o: LinuxModeRows<M>): Promise<Measurement[]> {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) {
    notes.push('Linux rows skipped: they need Linux and root (to create PID namespaces).');
    return [];
  }
  let bin: string;
  try {
    bin = await o.build();
  } catch (e) {
    notes.push(`Linux rows skipped: the C program could not be built: ${(e as Error).message}`);
    return [];
  }
  const rows: Measurement[] = [];
  for (const depth of o.depths) {
    for (const mode of o.modes) {
      const id = o.id(depth, mode);
      options.log(`  ${id}`);
      try {
        const r = await sampleRates(id, o.spec, () => runBaseline(bin, [mode, String(depth), String(o.windowMs)]));
        rows.push({ id, label: o.label(depth, mode), unit: o.unit, better: 'higher', samples: r.samples, median: r.median, params: { system: 'linux', depth, [o.param]: mode } });
      } catch (e) {
        notes.push(`${id} skipped: ${(e as Error).message}`);
      }
    }
  }
  return rows;
}
