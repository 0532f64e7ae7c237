// Signal delivery: the global init sends kill(pid, SIGUSR1) to processes
// that catch it, one target per loop, with 1 and 256 signals in flight; the
// targets live in the root namespace (depth 0) or three namespaces down
// (depth 3: the sender names them by their root PID, the signal crosses to
// the actor that owns them). Counted in signals delivered per second.

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
} from '../src/bench/index.js';

const TARGETS = 256;

export async function run(options: SuiteOptions): Promise<Omit<SuiteResult, 'seconds'>> {
  const spec = options.quick ? { samples: 1, warmup: 0 } : { samples: 5, warmup: 1 };
  const windowMs = options.quick ? 15 : 200;
  const measurements: Measurement[] = [];
  for (const t of TRANSPORTS) {
    for (const depth of [0, 3]) {
      await withKernel(t, {}, async (k) => {
        // The targets' parent: an idle process at depth 0, else the init of the innermost namespace.
        const holder = depth === 0 ? await k.init.fork({ program: 'idle' }) : await nestNamespaces(k.init, depth);
        await warmUp(k, holder, warmUpMs(options.quick));
        await holder.sigaction('USR1', 'catch');
        const targets: Process[] = [];
        for (let i = 0; i < TARGETS; i++) targets.push(await holder.fork());
        const rootPids = targets.map((p) => p.nspid[0]!);
        for (const inFlight of [1, 256]) {
          const id = `signal-delivery/${t}/d${depth}/k${inFlight}`;
          options.log(`  ${id}`);
          let next = 0;
          const r = await sampleRates(id, spec, () => forWindow(windowMs, inFlight, () => k.init.kill(rootPids[next++ % TARGETS]!, 'USR1')));
          measurements.push({
            id,
            label: `kill(pid, SIGUSR1) to a catching process at depth ${depth}, ${transportTitle(t)}, ${inFlight} in flight`,
            unit: 'signals/s',
            better: 'higher',
            samples: r.samples,
            median: r.median,
            params: { transport: t, depth, inFlight },
            ...(t === 'inline' ? {} : { baseline: `signal-delivery/inline/d${depth}/k${inFlight}` }),
          });
        }
      });
    }
  }
  return {
    suite: 'signal-delivery',
    title: 'signal delivery, one target per kill',
    measurements,
    notes: ['the sender is the global init, naming each target by its PID in the root namespace.', 'no real-Linux baseline for signals; threads rows are compared with inline.'],
  };
}

// Run alone: node dist/bench/<name>.bench.js [--quick]. Not awaited: the runner imports this very module.
if (isMainModule(import.meta.url)) void runSuiteStandalone('signal-delivery');
