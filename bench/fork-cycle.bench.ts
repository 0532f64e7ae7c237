// fork+exit+reap cycles in the innermost of d nested namespaces (d = 0, 1,
// 3, 31), on inline and on threads with one and two workers, with 1 and 256
// cycles in flight, and the runtime floor they are judged against. Two ways
// to drive a cycle:
//   client-driven:  c = await p.fork(); await c.exit(0); await p.wait(c.pid)
//                   (3 syscalls through the Kernel API)
//   program-driven: a `reaper` parent forks children running `exit 0`
//                   (1 syscall; exit and reaping happen inside the kernel)
// The three kernels of a depth are alive together and their rows of one
// drive and in-flight count run interleaved, one batch each per round; the
// floor joins the rounds of the rows it judges (client-driven, 256 in
// flight, depth 0 and 31). Inline rows at 256 in flight are compared with
// the floor, at 1 in flight with real Linux at the same depth; threads rows
// with inline, and they report the messages their workers sent each other.

import type { Kernel, Process } from '../src/index.js';
import {
  FLOOR_ID,
  FLOOR_IN_FLIGHT,
  FloorTable,
  TRANSPORTS,
  chainOnOneWorker,
  crossWorkerCount,
  floorCycle,
  floorMeasurement,
  forWindow,
  formatFigure,
  isMainModule,
  nestNamespaces,
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

export const DEPTHS = [0, 1, 3, 31] as const;
export const IN_FLIGHT = [1, 256] as const;
/** The depths whose client-driven rows at 256 in flight the floor judges (docs/performance.md, targets 1). */
export const FLOOR_DEPTHS: readonly number[] = [0, 31];
export type Drive = 'client' | 'program';

export function cycleId(t: TransportLabel, depth: number, inFlight: number, drive: Drive): string {
  return `fork-cycle/${t}/d${depth}/k${inFlight}/${drive}`;
}

/** One kernel of a depth, ready to cycle: the forking process (the innermost init) and the driver of program-driven rows. */
interface Setup {
  readonly t: TransportLabel;
  readonly k: Kernel;
  readonly p: Process;
  readonly driver: Process;
  /** Program-driven batch sizes, per in-flight count. */
  readonly estimates: Map<number, SpawnEstimate>;
}

export async function run(options: SuiteOptions): Promise<Omit<SuiteResult, 'seconds'>> {
  const spec = options.quick ? { samples: 1, warmup: 0 } : { samples: 7, warmup: 1 };
  const windowMs = options.quick ? 15 : 200;
  const measurements: Measurement[] = [];
  const floorSamples: number[] = [];
  /** The floor's median in each group of rounds it joined, for the row's note. */
  const floorGroups: string[] = [];
  for (const depth of DEPTHS) {
    // Worker start-up and nesting stay outside the timing; each kernel is warmed before any row is measured.
    await withKernels(TRANSPORTS, {}, async (ks) => {
      const setups: Setup[] = [];
      for (const [i, k] of ks.entries()) {
        const p = await nestNamespaces(k.init, depth);
        const driver = await p.fork({ program: 'idle', name: 'driver' });
        await warmUp(k, p, warmUpMs(options.quick));
        setups.push({ t: TRANSPORTS[i]!, k, p, driver, estimates: new Map() });
      }
      for (const drive of ['client', 'program'] as const) {
        for (const inFlight of IN_FLIGHT) {
          const contenders: Contender[] = setups.map((s) => {
            if (!s.estimates.has(inFlight)) s.estimates.set(inFlight, { cyclesPerSecond: 20_000 });
            const estimate = s.estimates.get(inFlight)!;
            const work = drive === 'client' ? () => forWindow(windowMs, inFlight, clientCycle(s.p)) : () => spawnerWindow([s.driver], windowMs, inFlight, estimate);
            return { id: cycleId(s.t, depth, inFlight, drive), batch: () => settledAfter(s.k, work()) };
          });
          const withFloor = drive === 'client' && inFlight === FLOOR_IN_FLIGHT && FLOOR_DEPTHS.includes(depth);
          if (withFloor) {
            const table = new FloorTable();
            contenders.push({ id: FLOOR_ID, batch: () => forWindow(windowMs, FLOOR_IN_FLIGHT, floorCycle(table)) });
          }
          options.log(`  ${contenders.map((c) => c.id).join(', ')} (interleaved)`);
          const before = await Promise.all(setups.map((s) => crossWorkerCount(s.k)));
          const rates = await sampleInterleaved(contenders, spec);
          const after = await Promise.all(setups.map((s) => crossWorkerCount(s.k)));
          if (withFloor) {
            const f = rates.get(FLOOR_ID)!;
            floorSamples.push(...f.samples);
            floorGroups.push(`${formatFigure(f.median)} in the rounds of depth ${depth}`);
          }
          setups.forEach((s, i) => {
            const id = cycleId(s.t, depth, inFlight, drive);
            const r = rates.get(id)!;
            const messages = after[i]! - before[i]!;
            measurements.push({
              id,
              label: `fork+exit+reap, ${drive}-driven, ${transportTitle(s.t)}, depth ${depth}, ${inFlight} in flight`,
              unit: 'cycles/s',
              better: 'higher',
              samples: r.samples,
              median: r.median,
              params: { transport: s.t, depth, inFlight, drive },
              baseline: s.t !== 'inline' ? cycleId('inline', depth, inFlight, drive) : inFlight === FLOOR_IN_FLIGHT ? FLOOR_ID : `linux/fork-cycle/d${depth}`,
              ...(s.t === 'inline' ? {} : { crossWorker: { messages, perUnit: messages / r.units, chainOnOneWorker: chainOnOneWorker(s.k, [s.p]) } }),
            });
          });
        }
      }
    });
  }
  measurements.unshift(
    floorMeasurement(floorSamples, `interleaved with the client-driven rows at 256 in flight, depth ${FLOOR_DEPTHS.join(' and ')}: ${floorSamples.length} batches; median ${floorGroups.join(', ')}`),
  );
  return {
    suite: 'fork-cycle',
    title: 'fork+exit+reap cycles by depth, transport and syscalls in flight, and the runtime floor',
    measurements,
    notes: [
      'client-driven: fork, exit and wait each go through the Kernel API (3 syscalls per cycle); program-driven: a `spawner` program forks children that exit, as many in flight as the row says, and reaps them, inside the kernel (no client call per cycle: a batch is one fork of the spawner and one wait for it, sized to last about one window).',
      'depth d: the cycle runs in the innermost of d nested namespaces, so each fork allocates d+1 PIDs.',
      `rows of one depth, drive and in-flight count are measured interleaved (inline, threads W=1, W=2${options.quick ? '' : `, one ${windowMs} ms batch each per round, ${spec.warmup} round discarded, then ${spec.samples}`}; each kernel settled, untimed, after each of its batches); the runtime floor (three awaited calls on a table indexed by PID with a cyclic PID cursor, no emulator) joins the rounds of the client-driven rows at 256 in flight at depth ${FLOOR_DEPTHS.join(' and ')}.`,
      'threads rows: cross-worker messages per cycle are what the workers posted to each other while the row ran, divided by its cycles (kernel.usage()); co-locate keeps a namespace with its parent and deals the root\'s children over the workers, so at depth 1 and more on W=2 the chain lives on worker 1 and the root\'s actor on worker 0.',
    ],
  };
}

/**
 * A batch, then the kernel settled outside its timing: a client-driven
 * batch ends when its calls are answered, and what a threads kernel still
 * has in flight then (a group leave on the other worker) must not run into
 * the next row's batch.
 */
async function settledAfter(k: Kernel, batch: Promise<Batch>): Promise<Batch> {
  const b = await batch;
  await k.settled();
  return b;
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
