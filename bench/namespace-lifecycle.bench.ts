// PID namespaces created and destroyed, 256 at a time. Client-driven: the
// global init clones a child into a new namespace, the child (its init)
// exits, the global init reaps it (3 syscalls). Program-driven: a reaper
// clones children into new namespaces that run `exit 0` (1 syscall). Inline
// is compared with real Linux's clone(CLONE_NEWPID)+_exit+waitpid, threads
// with inline.

import {
  TRANSPORTS,
  forWindow,
  isMainModule,
  runSuiteStandalone,
  sampleRates,
  transportTitle,
  warmUp,
  warmUpMs,
  withKernel,
  type Measurement,
  type SuiteOptions,
  type SuiteResult,
} from '../src/bench/index.js';

const IN_FLIGHT = 256;
const NEW_NS_EXIT_0 = { newPid: true, program: { name: 'exit', code: 0 } } as const;
const NEW_NS_IDLE = { newPid: true, program: 'idle' } as const;

export async function run(options: SuiteOptions): Promise<Omit<SuiteResult, 'seconds'>> {
  const spec = options.quick ? { samples: 1, warmup: 0 } : { samples: 5, warmup: 1 };
  const windowMs = options.quick ? 15 : 200;
  const measurements: Measurement[] = [];
  for (const t of TRANSPORTS) {
    await withKernel(t, {}, async (k) => {
      const reaper = await k.init.fork({ program: 'reaper' });
      await warmUp(k, k.init, warmUpMs(options.quick));
      for (const drive of ['client', 'program'] as const) {
        const id = `namespace-lifecycle/${t}/${drive}`;
        options.log(`  ${id}`);
        const cycle =
          drive === 'client'
            ? async () => {
                const init = await k.init.fork(NEW_NS_IDLE);
                await init.exit(0);
                // The global init names the child by its PID in the root namespace (init.pid is 1).
                return k.init.wait(init.nspid[0]!);
              }
            : () => reaper.fork(NEW_NS_EXIT_0);
        const finish = drive === 'program' ? () => k.settled() : undefined;
        const r = await sampleRates(id, spec, () => forWindow(windowMs, IN_FLIGHT, cycle, finish));
        measurements.push({
          id,
          label: `namespace created+destroyed, ${drive}-driven, ${transportTitle(t)}, ${IN_FLIGHT} in flight`,
          unit: 'namespaces/s',
          better: 'higher',
          samples: r.samples,
          median: r.median,
          params: { transport: t, drive, inFlight: IN_FLIGHT },
          baseline: t === 'inline' ? 'linux/ns-cycle' : `namespace-lifecycle/inline/${drive}`,
        });
      }
    });
  }
  return {
    suite: 'namespace-lifecycle',
    title: 'namespaces created and destroyed',
    measurements,
    notes: ['a cycle: clone(CLONE_NEWPID), the new init exits, its parent reaps it; client-driven 3 syscalls, program-driven 1. Inline is compared with real Linux, threads with inline.'],
  };
}

// Run alone: node dist/bench/<name>.bench.js [--quick]. Not awaited: the runner imports this very module.
if (isMainModule(import.meta.url)) void runSuiteStandalone('namespace-lifecycle');
