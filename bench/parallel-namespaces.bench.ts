// Two independent namespaces (siblings at depth 1, as two containers would
// be, each led by a process that called setsid() as container runtimes do)
// cycling at once, 128 cycles in flight in each: do two workers beat one?
// co-locate deals depth-1 namespaces round-robin over the workers; spread
// deals every namespace round-robin (here the same two). The root PID every
// fork takes is in the shared root table, so a container's fork stays on
// its worker.

import type { Process } from '../src/index.js';
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

const NAMESPACES = 2;
const IN_FLIGHT_EACH = 128;
const EXIT_0 = { program: { name: 'exit', code: 0 } } as const;

export async function run(options: SuiteOptions): Promise<Omit<SuiteResult, 'seconds'>> {
  const spec = options.quick ? { samples: 1, warmup: 0 } : { samples: 5, warmup: 1 };
  const windowMs = options.quick ? 15 : 200;
  const measurements: Measurement[] = [];
  for (const t of [...TRANSPORTS, 'threads-w2-spread'] as const) {
    await withKernel(t, {}, async (k) => {
      const inits: Process[] = [];
      for (let i = 0; i < NAMESPACES; i++) inits.push(await k.init.fork({ newPid: true, program: 'idle' }));
      for (const p of inits) await p.setsid();
      const reapers = await Promise.all(inits.map((p) => p.fork({ program: 'reaper' })));
      await Promise.all(inits.map((p) => warmUp(k, p, warmUpMs(options.quick))));
      for (const drive of ['client', 'program'] as const) {
        const id = `parallel-namespaces/${t}/${drive}`;
        options.log(`  ${id}`);
        // Cycles alternate between the namespaces, so each has half the loops' cycles in flight.
        let next = 0;
        const cycle =
          drive === 'client'
            ? async () => {
                const p = inits[next++ % NAMESPACES]!;
                const c = await p.fork();
                await c.exit(0);
                return p.wait(c.pid);
              }
            : () => reapers[next++ % NAMESPACES]!.fork(EXIT_0);
        const finish = drive === 'program' ? () => k.settled() : undefined;
        const r = await sampleRates(id, spec, () => forWindow(windowMs, NAMESPACES * IN_FLIGHT_EACH, cycle, finish));
        measurements.push({
          id,
          label: `${NAMESPACES} sibling namespaces cycling, ${drive}-driven, ${transportTitle(t)}, ${IN_FLIGHT_EACH} in flight each`,
          unit: 'cycles/s',
          better: 'higher',
          samples: r.samples,
          median: r.median,
          params: { transport: t, drive, namespaces: NAMESPACES, inFlight: NAMESPACES * IN_FLIGHT_EACH },
          ...(t === 'threads-w1' ? { baseline: `parallel-namespaces/inline/${drive}` } : t !== 'inline' ? { baseline: `parallel-namespaces/threads-w1/${drive}` } : {}),
        });
      }
    });
  }
  return {
    suite: 'parallel-namespaces',
    title: 'independent namespaces cycling at once',
    measurements,
    notes: ['fork+exit+reap cycles in two sibling namespaces at depth 1 at once (client- and program-driven as in fork-cycle). threads W=1 is compared with inline, W=2 with W=1 (docs/performance.md: more workers never slower than one for independent namespaces).'],
  };
}

// Run alone: node dist/bench/<name>.bench.js [--quick]. Not awaited: the runner imports this very module.
if (isMainModule(import.meta.url)) void runSuiteStandalone('parallel-namespaces');
