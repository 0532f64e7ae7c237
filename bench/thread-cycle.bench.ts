// Thread create+exit cycles: a process creates a thread (clone with
// CLONE_THREAD) and the thread calls exit(2) - one thread ends, not the
// group; its TID is freed at once, nobody waits for it. Next to it the
// fork+exit+wait cycle of a child process by the same process. The process
// is an idle child of the global init (depth 0) or the init of the innermost
// of three nested namespaces (depth 3: each TID or PID is taken at 4
// levels); 1 and 256 cycles in flight; inline and threads W=1. Real Linux
// does both from C (pthread_create+pthread_join, fork+_exit+waitpid), one at
// a time, at depth 0 and 3; inline rows are compared with it, threads rows
// with inline.

import type { Kernel, Process } from '../src/index.js';
import {
  buildThreadBaseline,
  forWindow,
  isMainModule,
  linuxModeRows,
  nestNamespaces,
  runSuiteStandalone,
  sampleInterleaved,
  transportTitle,
  warmUp,
  warmUpMs,
  withKernels,
  type Batch,
  type Contender,
  type Measurement,
  type SuiteOptions,
  type SuiteResult,
  type TransportLabel,
} from '../src/bench/index.js';

const DEPTHS = [0, 3] as const;
const IN_FLIGHT = [1, 256] as const;
const CYCLES = ['thread', 'fork'] as const;
type Cycle = (typeof CYCLES)[number];
const TRANSPORTS: readonly TransportLabel[] = ['inline', 'threads-w1'];

const LABEL: Readonly<Record<Cycle, string>> = {
  thread: 'clone(CLONE_THREAD)+exit of the thread',
  fork: 'fork+exit+wait',
};

export function cycleId(t: TransportLabel | 'linux', depth: number, inFlight: number | null, cycle: Cycle): string {
  return t === 'linux' ? `thread-cycle/linux/d${depth}/${cycle}` : `thread-cycle/${t}/d${depth}/k${inFlight}/${cycle}`;
}

export async function run(options: SuiteOptions): Promise<Omit<SuiteResult, 'seconds'>> {
  const spec = options.quick ? { samples: 1, warmup: 0 } : { samples: 5, warmup: 1 };
  const windowMs = options.quick ? 15 : 200;
  const measurements: Measurement[] = [];
  const notes: string[] = [
    'a thread cycle is 2 calls through the Kernel API: clone({ thread: true }) by the process, then exit(0) by the thread (its TID is freed at exit: a thread reaps itself, SEMANTICS 8.19); a fork cycle is 3: fork, exit, wait. Linux: pthread_create + pthread_join of a thread that returns at once (the join waits on the futex the kernel clears at the thread\'s exit), and fork + _exit(0) + waitpid.',
    'depth 0: an idle child of the global init cycles (Linux: the C program itself); depth 3: the init of the innermost of three nested namespaces (Linux: the same, unshare(CLONE_NEWPID) + fork per level).',
    `rows of one depth and in-flight count are measured interleaved (inline and threads W=1, thread and fork cycles${options.quick ? '' : `, one ${windowMs} ms batch each per round, ${spec.warmup} round discarded, then ${spec.samples}`}; each kernel settled, untimed, after each of its batches). Linux runs one cycle at a time: the inline rows at 1 and at 256 in flight are both compared with it.`,
  ];
  const linux = await linuxModeRows(options, notes, {
    build: buildThreadBaseline,
    depths: DEPTHS,
    modes: CYCLES,
    windowMs,
    spec,
    id: (depth, cycle) => cycleId('linux', depth, null, cycle),
    label: (depth, cycle) => `Linux ${cycle === 'thread' ? 'pthread_create+pthread_join' : 'fork+_exit+waitpid'} at depth ${depth}`,
    unit: 'cycles/s',
    param: 'cycle',
  });
  measurements.push(...linux);
  for (const depth of DEPTHS) {
    await withKernels(TRANSPORTS, {}, async (ks) => {
      const cyclers: Process[] = [];
      for (const k of ks) cyclers.push(await cycler(k, depth, options.quick));
      for (const inFlight of IN_FLIGHT) {
        const contenders: Contender[] = [];
        TRANSPORTS.forEach((t, i) => {
          for (const cycle of CYCLES) {
            const work = cycle === 'thread' ? threadCycle(cyclers[i]!) : forkCycle(cyclers[i]!);
            contenders.push({ id: cycleId(t, depth, inFlight, cycle), batch: () => settledAfter(ks[i]!, forWindow(windowMs, inFlight, work)) });
          }
        });
        options.log(`  ${contenders.map((c) => c.id).join(', ')} (interleaved)`);
        const rates = await sampleInterleaved(contenders, spec);
        for (const t of TRANSPORTS) {
          for (const cycle of CYCLES) {
            const id = cycleId(t, depth, inFlight, cycle);
            const r = rates.get(id)!;
            const linuxId = cycleId('linux', depth, null, cycle);
            const baseline = t !== 'inline' ? cycleId('inline', depth, inFlight, cycle) : linux.some((m) => m.id === linuxId) ? linuxId : undefined;
            measurements.push({
              id,
              label: `${LABEL[cycle]} at depth ${depth}, ${transportTitle(t)}, ${inFlight} in flight`,
              unit: 'cycles/s',
              better: 'higher',
              samples: r.samples,
              median: r.median,
              params: { transport: t, depth, inFlight, cycle },
              ...(baseline ? { baseline } : {}),
            });
          }
        }
      }
    });
  }
  return { suite: 'thread-cycle', title: 'thread create+exit cycles, against fork+exit+wait', measurements, notes };
}

/** The process that cycles: an idle child of the global init at depth 0, else the innermost init; its kernel warmed up first. */
async function cycler(k: Kernel, depth: number, quick: boolean): Promise<Process> {
  const p = depth === 0 ? await k.init.fork({ program: 'idle', name: 'cycler' }) : await nestNamespaces(k.init, depth);
  await warmUp(k, p, warmUpMs(quick));
  return p;
}

/** One thread cycle: the process creates a thread, which exits (exit(2): only that thread ends). */
function threadCycle(p: Process): () => Promise<unknown> {
  return async () => {
    const t = await p.clone({ thread: true });
    return t.exit(0);
  };
}

/** One fork cycle: fork, the child exits, the process reaps it. */
function forkCycle(p: Process): () => Promise<unknown> {
  return async () => {
    const c = await p.fork();
    await c.exit(0);
    return p.wait(c.pid);
  };
}

/** A batch, then its kernel settled outside the timing, so what a threads kernel still has in flight does not run into the next batch. */
async function settledAfter(k: Kernel, batch: Promise<Batch>): Promise<Batch> {
  const b = await batch;
  await k.settled();
  return b;
}

// Run alone: node dist/bench/<name>.bench.js [--quick]. Not awaited: the runner imports this very module.
if (isMainModule(import.meta.url)) void runSuiteStandalone('thread-cycle');
