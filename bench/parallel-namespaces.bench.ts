// Two independent namespaces (siblings at depth 1, as two containers would
// be, each led by a process that called setsid() as container runtimes do)
// cycling at once, 128 cycles in flight in each: do two workers beat one?
// co-locate deals depth-1 namespaces round-robin over the workers; spread
// deals every namespace round-robin (here the same two). The root PID every
// fork takes is in the shared root table, so a container's fork can stay on
// its worker: the threads rows report the messages workers sent each other.
// The four kernels are alive together and their rows of one drive run
// interleaved, in windows of 2.5 s after a warm-up: shorter windows let the
// noise of a shared 2-vCPU machine decide the W=2 / W=1 ratio.

import type { Kernel, Process } from '../src/index.js';
import {
  TRANSPORTS,
  chainOnOneWorker,
  crossWorkerCount,
  forWindow,
  isMainModule,
  runSuiteStandalone,
  sampleInterleaved,
  spawnerWindow,
  transportTitle,
  warmUp,
  warmUpMs,
  withKernels,
  type Batch,
  type Contender,
  type Measurement,
  type SpawnEstimate,
  type SuiteOptions,
  type SuiteResult,
  type TransportLabel,
} from '../src/bench/index.js';

const NAMESPACES = 2;
const IN_FLIGHT_EACH = 128;
export const PARALLEL_TRANSPORTS: readonly TransportLabel[] = [...TRANSPORTS, 'threads-w2-spread'];

export async function run(options: SuiteOptions): Promise<Omit<SuiteResult, 'seconds'>> {
  const spec = options.quick ? { samples: 1, warmup: 0 } : { samples: 5, warmup: 1 };
  const windowMs = options.quick ? 15 : 2500;
  const measurements: Measurement[] = [];
  await withKernels(PARALLEL_TRANSPORTS, {}, async (ks) => {
    const setups: { t: TransportLabel; k: Kernel; inits: Process[]; drivers: Process[]; estimate: SpawnEstimate }[] = [];
    for (const [i, k] of ks.entries()) {
      const inits: Process[] = [];
      for (let n = 0; n < NAMESPACES; n++) inits.push(await k.init.fork({ newPid: true, program: 'idle' }));
      for (const p of inits) await p.setsid();
      const drivers = await Promise.all(inits.map((p) => p.fork({ program: 'idle', name: 'driver' })));
      await Promise.all(inits.map((p) => warmUp(k, p, warmUpMs(options.quick))));
      setups.push({ t: PARALLEL_TRANSPORTS[i]!, k, inits, drivers, estimate: { cyclesPerSecond: 20_000 } });
    }
    for (const drive of ['client', 'program'] as const) {
      const contenders: Contender[] = setups.map(({ t, k, inits, drivers, estimate }) => {
        // Client-driven cycles alternate between the namespaces, so each has half the loops' cycles in flight.
        let next = 0;
        const clientCycle = async () => {
          const p = inits[next++ % NAMESPACES]!;
          const c = await p.fork();
          await c.exit(0);
          return p.wait(c.pid);
        };
        const work = drive === 'client' ? () => forWindow(windowMs, NAMESPACES * IN_FLIGHT_EACH, clientCycle) : () => spawnerWindow(drivers, windowMs, IN_FLIGHT_EACH, estimate);
        // Settled after each batch, untimed: what one kernel still has in flight must not run into the next row's batch.
        const batch = async (): Promise<Batch> => {
          const b = await work();
          await k.settled();
          return b;
        };
        return { id: `parallel-namespaces/${t}/${drive}`, batch };
      });
      options.log(`  ${contenders.map((c) => c.id).join(', ')} (interleaved)`);
      const before = await Promise.all(setups.map((s) => crossWorkerCount(s.k)));
      const rates = await sampleInterleaved(contenders, spec);
      const after = await Promise.all(setups.map((s) => crossWorkerCount(s.k)));
      setups.forEach(({ t, k, inits }, i) => {
        const id = `parallel-namespaces/${t}/${drive}`;
        const r = rates.get(id)!;
        const messages = after[i]! - before[i]!;
        measurements.push({
          id,
          label: `${NAMESPACES} sibling namespaces cycling, ${drive}-driven, ${transportTitle(t)}, ${IN_FLIGHT_EACH} in flight each`,
          unit: 'cycles/s',
          better: 'higher',
          samples: r.samples,
          median: r.median,
          params: { transport: t, drive, namespaces: NAMESPACES, inFlight: NAMESPACES * IN_FLIGHT_EACH },
          ...(t === 'threads-w1' ? { baseline: `parallel-namespaces/inline/${drive}` } : t !== 'inline' ? { baseline: `parallel-namespaces/threads-w1/${drive}` } : {}),
          ...(t === 'inline' ? {} : { crossWorker: { messages, perUnit: messages / r.units, chainOnOneWorker: chainOnOneWorker(k, inits) } }),
        });
      });
    }
  });
  return {
    suite: 'parallel-namespaces',
    title: 'independent namespaces cycling at once',
    measurements,
    notes: [
      'fork+exit+reap cycles in two sibling namespaces at depth 1 at once (client-driven as in fork-cycle; program-driven: a `spawner` in each namespace forks and reaps 128 children at a time, the client only starts it and waits for it). threads W=1 is compared with inline, W=2 with W=1 (docs/performance.md: W=2 at least 1.5x W=1 program-driven, 1.2x client-driven).',
      `the four kernels (inline, W=1, W=2, W=2 spread) are alive together; their rows of one drive run interleaved${options.quick ? '' : `, one ${windowMs / 1000} s window each per round after a second of warm-up per kernel, ${spec.warmup} round discarded, then ${spec.samples}`}, each kernel settled, untimed, after each of its batches.`,
    ],
  };
}

// Run alone: node dist/bench/<name>.bench.js [--quick]. Not awaited: the runner imports this very module.
if (isMainModule(import.meta.url)) void runSuiteStandalone('parallel-namespaces');
