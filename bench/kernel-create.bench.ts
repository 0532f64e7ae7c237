// How long a kernel takes to create: from createKernel() until its global
// init has answered a first syscall (getpid), inline and on threads with one
// and two workers. Closing it is not timed. A threads kernel of this build
// starts its own worker threads, so its figure includes starting them and
// loading the engine in each; the suite tells, by the workers' thread ids,
// whether kernels got new workers or shared ones (a pool), and the target
// "< 30 ms once its workers exist" is judged only in the second case.

import { ThreadsTransport } from '@pidsim/scheduler';
import { createKernel } from '../src/index.js';
import {
  isMainModule,
  kernelOptions,
  median,
  runSuiteStandalone,
  transportTitle,
  type Measurement,
  type SuiteOptions,
  type SuiteResult,
  type TransportLabel,
} from '../src/bench/index.js';

const TRANSPORTS: readonly TransportLabel[] = ['inline', 'threads-w1', 'threads-w2'];

/** Creates one kernel, times it until its init answers, closes it; returns the time and its worker threads' ids. */
async function createOnce(t: TransportLabel): Promise<{ ms: number; threadIds: number[] }> {
  const t0 = performance.now();
  const k = createKernel(kernelOptions(t));
  try {
    await k.init.getpid();
    const ms = performance.now() - t0;
    const transport = k.transport;
    return { ms, threadIds: transport instanceof ThreadsTransport ? transport.workers.map((w) => w.threadId) : [] };
  } finally {
    await k.close();
  }
}

export async function run(options: SuiteOptions): Promise<Omit<SuiteResult, 'seconds'>> {
  const samples = options.quick ? 1 : 7;
  const discarded = options.quick ? 0 : 1;
  const measurements: Measurement[] = [];
  for (const t of TRANSPORTS) {
    const id = `kernel-create/${t}`;
    options.log(`  ${id}`);
    const times: number[] = [];
    const seen = new Set<number>();
    let reused = false;
    for (let i = 0; i < discarded + samples; i++) {
      const r = await createOnce(t);
      for (const tid of r.threadIds) {
        if (seen.has(tid)) reused = true;
        seen.add(tid);
      }
      if (i >= discarded) times.push(r.ms);
    }
    times.sort((a, b) => a - b);
    const workers = t === 'inline' ? 0 : t === 'threads-w1' ? 1 : 2;
    measurements.push({
      id,
      label: `kernel created until its init answers getpid(), ${transportTitle(t)}`,
      unit: 'ms/kernel',
      better: 'lower',
      samples: times,
      median: median(times),
      params: { transport: t, ...(workers > 0 ? { workers: reused ? 'shared' : 'new' } : {}) },
      ...(workers > 0 ? { note: reused ? 'workers shared between kernels' : `${workers} new worker thread${workers === 1 ? '' : 's'} started per kernel` } : {}),
    });
  }
  const threads = measurements.filter((m) => m.params['workers'] !== undefined);
  return {
    suite: 'kernel-create',
    title: 'creating a kernel',
    measurements,
    notes: [
      `timed from createKernel() until the global init answers getpid(); closing is not timed; ${samples} kernel${samples === 1 ? '' : 's'} per row${discarded ? `, after ${discarded} discarded` : ''}.`,
      threads.every((m) => m.params['workers'] === 'new')
        ? 'every threads kernel started its own worker threads (no two kernels had a worker thread in common): there is no shared worker pool in this build, so these figures include starting the workers and loading the engine in each, which the target (< 30 ms once the workers exist) leaves out.'
        : 'threads kernels shared worker threads (a pool): the figures are the creation of a kernel on workers that already exist.',
    ],
  };
}

// Run alone: node dist/bench/<name>.bench.js [--quick]. Not awaited: the runner imports this very module.
if (isMainModule(import.meta.url)) void runSuiteStandalone('kernel-create');
