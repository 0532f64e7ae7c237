// The seed farm's piscina task: one seed run on a kernel of its own - inline,
// or threads on the pool thread's WorkerPool - or the shrinking of one failing
// seed (always inline). It runs in a pool worker thread (as built JavaScript,
// see seed-task-path.ts) and answers with plain data. Progress goes back on a
// MessagePort, which is also the farm's heartbeat: a task that stops beating
// (an engine stuck in a loop) is stopped by the farm's watchdog.

import type { MessagePort } from 'node:worker_threads';
import { createWorkerPool, type WorkerPool } from '../index.js';
import { runStress, type RunProgress, type StressResult } from './stress-run.js';
import { planWorkload } from './workload-generator.js';
import { shrinkFailure, type ShrinkResult } from './shrinker.js';
import type { StressFailure } from './stress-failure.js';
import type { WorkloadShape } from './workload-generator.js';

/** A seed's kernel on the threads transport: `workers` kernel worker threads, namespaces placed by `placement`. */
export interface ThreadsKernel {
  readonly workers: number;
  readonly placement: 'co-locate' | 'spread';
}

export type SeedTask =
  | {
      readonly mode: 'run';
      readonly seed: number;
      readonly shape: WorkloadShape;
      readonly pidMax?: number | undefined;
      /** Run on a threads kernel (default: an inline kernel). */
      readonly threads?: ThreadsKernel | undefined;
      /** threads: wall-clock time without any call moving that the run reports as a hang (stress-run.ts). */
      readonly watchdogMs?: number | undefined;
      readonly port: MessagePort;
    }
  | {
      readonly mode: 'shrink';
      readonly seed: number;
      readonly shape: WorkloadShape;
      readonly pidMax?: number | undefined;
      readonly failure: StressFailure;
      readonly budgetMs: number;
      readonly port: MessagePort;
    };

/** What a task posts on its port. */
export type SeedBeat =
  | { readonly type: 'start'; readonly seed: number }
  /** Planning a large workload takes seconds: it beats too, so the watchdog does not take it for a hang. */
  | { readonly type: 'planning'; readonly seed: number; readonly forks: number }
  | { readonly type: 'progress'; readonly seed: number; readonly progress: RunProgress }
  | { readonly type: 'trial'; readonly seed: number; readonly trials: number; readonly ops: number };

/**
 * This pool thread's WorkerPools, by size: started by its first threads seed
 * and shared by every later one (each seed's kernel attaches, and detaches
 * on close). Never closed here: when piscina terminates this thread
 * (destroy, the watchdog, Ctrl-C), Node terminates its worker threads with it.
 */
const kernelPools = new Map<number, WorkerPool>();

function kernelPool(workers: number): WorkerPool {
  const pool = kernelPools.get(workers);
  if (pool && pool.failure === null && !pool.closed) return pool;
  // A worker died under an earlier seed (that seed failed with it): the next seed gets new workers.
  if (pool) void pool.close();
  const fresh = createWorkerPool({ workers });
  kernelPools.set(workers, fresh);
  return fresh;
}

export default async function seedTask(task: SeedTask): Promise<StressResult | ShrinkResult> {
  const beat = (b: SeedBeat): void => task.port.postMessage(b);
  beat({ type: 'start', seed: task.seed });
  try {
    if (task.mode === 'run') {
      const planStarted = performance.now();
      // No abort signal: planning always runs to the end (the farm stops a task by terminating its thread).
      const workload = (await planWorkload(task.seed, task.shape, { onProgress: (p) => beat({ type: 'planning', seed: task.seed, forks: p.forks }) }))!;
      const kernel = task.threads
        ? ({ transport: 'threads', pool: kernelPool(task.threads.workers), placement: task.threads.placement, watchdogMs: task.watchdogMs } as const)
        : ({ transport: 'inline' } as const);
      return await runStress({
        ...task.shape,
        ...kernel,
        seed: task.seed,
        workload,
        planningMs: performance.now() - planStarted,
        pidMax: task.pidMax,
        catchUncaught: true,
        progressEveryMs: 250,
        onProgress: (progress) => beat({ type: 'progress', seed: task.seed, progress }),
      });
    }
    return await shrinkFailure({
      seed: task.seed,
      shape: task.shape,
      pidMax: task.pidMax,
      failure: task.failure,
      budgetMs: task.budgetMs,
      catchUncaught: true,
      onTrial: (t) => beat({ type: 'trial', seed: task.seed, trials: t.trials, ops: t.ops }),
    });
  } finally {
    task.port.close();
  }
}
