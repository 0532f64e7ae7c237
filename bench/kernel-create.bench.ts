// How long a kernel takes to create: from createKernel() until its global
// init has answered a first syscall (getpid), inline and on threads with one
// and two workers: a kernel that starts its own workers (their start and the
// engine's loading in each included), and one attached to a worker pool that
// already runs (createWorkerPool), which the target "< 30 ms once its
// workers exist" times. Closing is not timed.

import { ThreadsTransport } from '@pidsim/scheduler';
import { createKernel, createWorkerPool, type WorkerPool } from '../src/index.js';
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

/** Creates one kernel (on `pool` if given), times it until its init answers, closes it; returns the time and its worker threads' ids. */
async function createOnce(t: TransportLabel, pool: WorkerPool | null): Promise<{ ms: number; threadIds: number[] }> {
  const t0 = performance.now();
  const k = createKernel(pool ? { transport: 'threads', pool } : kernelOptions(t));
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
  const rows = TRANSPORTS.flatMap((t): { t: TransportLabel; pooled: boolean }[] => (t === 'inline' ? [{ t, pooled: false }] : [{ t, pooled: false }, { t, pooled: true }]));
  for (const { t, pooled } of rows) {
    const id = `kernel-create/${t}${pooled ? '/pool' : ''}`;
    options.log(`  ${id}`);
    const workers = t === 'inline' ? 0 : t === 'threads-w1' ? 1 : 2;
    const pool = pooled ? createWorkerPool({ workers }) : null;
    const times: number[] = [];
    const seen = new Set<number>();
    let reused = false;
    try {
      for (let i = 0; i < discarded + samples; i++) {
        const r = await createOnce(t, pool);
        for (const tid of r.threadIds) {
          if (seen.has(tid)) reused = true;
          seen.add(tid);
        }
        if (i >= discarded) times.push(r.ms);
      }
    } finally {
      await pool?.close();
    }
    times.sort((a, b) => a - b);
    measurements.push({
      id,
      label: `kernel created until its init answers getpid(), ${transportTitle(t)}${pooled ? ', on a running worker pool' : ''}`,
      unit: 'ms/kernel',
      better: 'lower',
      samples: times,
      median: median(times),
      params: { transport: t, ...(workers > 0 ? { workers: reused ? 'shared' : 'new' } : {}) },
      ...(workers > 0 ? { note: reused ? 'workers shared between kernels' : `${workers} new worker thread${workers === 1 ? '' : 's'} started per kernel` } : {}),
    });
  }
  return {
    suite: 'kernel-create',
    title: 'creating a kernel',
    measurements,
    notes: [
      `timed from createKernel() until the global init answers getpid(); closing is not timed; ${samples} kernel${samples === 1 ? '' : 's'} per row${discarded ? `, after ${discarded} discarded` : ''}.`,
      'threads rows without /pool start their own worker threads per kernel (their start and the engine loading in each are in the figure); /pool rows attach each kernel to a pool created once before the row (createWorkerPool), one kernel after another, as scenario runs and stress seeds do: the target (< 30 ms once the workers exist) reads these.',
    ],
  };
}

// Run alone: node dist/bench/<name>.bench.js [--quick]. Not awaited: the runner imports this very module.
if (isMainModule(import.meta.url)) void runSuiteStandalone('kernel-create');
