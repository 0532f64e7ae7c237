// fork+exit+reap cycles in the innermost of d nested namespaces (d = 0, 1,
// 3, 31), on inline and on threads with one and two workers, with 1 and 256
// cycles in flight. Two ways to drive a cycle:
//   client-driven:  c = await p.fork(); await c.exit(0); await p.wait(c.pid)
//                   (3 syscalls through the Kernel API)
//   program-driven: a `reaper` parent forks children running `exit 0`
//                   (1 syscall; exit and reaping happen inside the kernel)
// Inline rows are compared with real Linux at the same depth, threads rows
// with inline.

import type { Process } from '../src/index.js';
import {
  TRANSPORTS,
  forWindow,
  isMainModule,
  nestNamespaces,
  runSuiteStandalone,
  sampleRates,
  transportTitle,
  warmUp,
  warmUpMs,
  withKernel,
  type Measurement,
  type SuiteOptions,
  type SuiteResult,
  type TransportLabel,
} from '../src/bench/index.js';

export const DEPTHS = [0, 1, 3, 31] as const;
export const IN_FLIGHT = [1, 256] as const;
export type Drive = 'client' | 'program';

const EXIT_0 = { program: { name: 'exit', code: 0 } } as const;

export function cycleId(t: TransportLabel, depth: number, inFlight: number, drive: Drive): string {
  return `fork-cycle/${t}/d${depth}/k${inFlight}/${drive}`;
}

export async function run(options: SuiteOptions): Promise<Omit<SuiteResult, 'seconds'>> {
  const spec = options.quick ? { samples: 1, warmup: 0 } : { samples: 7, warmup: 1 };
  const windowMs = options.quick ? 15 : 200;
  const measurements: Measurement[] = [];
  for (const t of TRANSPORTS) {
    for (const depth of DEPTHS) {
      // One kernel per transport and depth (worker start-up stays outside the timing).
      await withKernel(t, {}, async (k) => {
        const p = await nestNamespaces(k.init, depth);
        const reaper = await p.fork({ program: 'reaper' });
        await warmUp(k, p, warmUpMs(options.quick));
        for (const drive of ['client', 'program'] as const) {
          for (const inFlight of IN_FLIGHT) {
            const id = cycleId(t, depth, inFlight, drive);
            options.log(`  ${id}`);
            const cycle = drive === 'client' ? clientCycle(p) : () => reaper.fork(EXIT_0);
            const finish = drive === 'program' ? () => k.settled() : undefined;
            const r = await sampleRates(id, spec, () => forWindow(windowMs, inFlight, cycle, finish));
            measurements.push({
              id,
              label: `fork+exit+reap, ${drive}-driven, ${transportTitle(t)}, depth ${depth}, ${inFlight} in flight`,
              unit: 'cycles/s',
              better: 'higher',
              samples: r.samples,
              median: r.median,
              params: { transport: t, depth, inFlight, drive },
              baseline: t === 'inline' ? `linux/fork-cycle/d${depth}` : cycleId('inline', depth, inFlight, drive),
            });
          }
        }
      });
    }
  }
  return {
    suite: 'fork-cycle',
    title: 'fork+exit+reap cycles by depth, transport and syscalls in flight',
    measurements,
    notes: [
      'client-driven: fork, exit and wait each go through the Kernel API (3 syscalls per cycle); program-driven: a reaper parent forks children running `exit 0` (1 syscall; exit and reaping inside the kernel; the kernel is settled before the clock stops).',
      'depth d: the cycle runs in the innermost of d nested namespaces, so each fork allocates d+1 PIDs.',
    ],
  };
}

/** One client-driven cycle: fork, the child exits, the parent reaps it. */
function clientCycle(p: Process): () => Promise<unknown> {
  return async () => {
    const c = await p.fork();
    await c.exit(0);
    return p.wait(c.pid);
  };
}

// Run alone: node dist/bench/<name>.bench.js [--quick]. Not awaited: the runner imports this very module.
if (isMainModule(import.meta.url)) void runSuiteStandalone('fork-cycle');
