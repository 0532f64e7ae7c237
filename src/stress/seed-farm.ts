// This file implements `pidsim stress --seeds N`: N independent seeds run
// on a piscina pool, each as one task holding one kernel (a seed is the unit
// of distribution: docs/architecture.md) - an inline kernel, or a threads
// kernel on the pool thread's own worker threads (seed-task.ts). It adds
// their figures up, collects the failing seeds, and can shrink the first
// failure (on inline) on the same pool. The pool's watchdog (seed-pool.ts)
// reports a task silent for `watchdogMs` as a hang. Once `signal` aborts
// (Ctrl-C), the seeds not finished are dropped - neither passed nor failed -
// and what finished is reported.

import { setMaxListeners } from 'node:events';
import type { LedgerCounts } from './event-ledger.js';
import { mergeCounters, newCounters, sampleMemory, type RunCounters } from './run-stats.js';
import { SeedPool, TASK_STOPPED, isTaskFailure } from './seed-pool.js';
import type { SeedBeat, ThreadsKernel } from './seed-task.js';
import type { ShrinkResult } from './shrinker.js';
import type { StressFailure } from './stress-failure.js';
import type { RunProgress, StressResult } from './stress-run.js';
import type { WorkloadShape } from './workload-generator.js';

export interface FarmOptions {
  readonly firstSeed: number;
  readonly seeds: number;
  readonly shape: WorkloadShape;
  /** Pool threads: seeds run at once. */
  readonly threads: number;
  /** Run each seed on a threads kernel of this shape (default: on an inline kernel). */
  readonly threadsKernel?: ThreadsKernel | undefined;
  /** A pool to run on, kept open afterwards (default: a new pool of `threads`, destroyed at the end). */
  readonly pool?: SeedPool | undefined;
  readonly watchdogMs: number;
  /** Shrink the first failing seed within this budget (omit: do not shrink). */
  readonly shrinkBudgetMs?: number | undefined;
  /** An explicit pid_max for every seed (default: what each seed's workload needs). */
  readonly pidMax?: number | undefined;
  /** Stops the farm: running and queued seeds are dropped, shrinking is skipped. */
  readonly signal?: AbortSignal | undefined;
  readonly onProgress?: ((p: FarmProgress) => void) | undefined;
  /** Told when shrinking starts (the seed) and after each trial. */
  readonly onShrink?: ((seed: number, trials: number, ops: number) => void) | undefined;
}

export interface FarmProgress {
  readonly done: number;
  readonly passed: number;
  readonly failed: number;
  readonly running: number;
  readonly seeds: number;
  /** Forks and syscalls so far, over every seed (finished and running). */
  readonly forks: number;
  readonly calls: number;
  readonly elapsedMs: number;
}

export interface FarmResult {
  readonly results: StressResult[];
  /** Seeds whose task never answered: its worker died, or the watchdog stopped it. */
  readonly lost: { readonly seed: number; readonly failure: StressFailure }[];
  readonly totals: RunCounters;
  readonly events: LedgerCounts;
  readonly wallMs: number;
  readonly mainPeakRssBytes: number;
  readonly shrunk: { readonly seed: number; readonly result: ShrinkResult } | null;
  /** `signal` stopped the farm: `unfinished` seeds never reported. */
  readonly interrupted: boolean;
  readonly unfinished: number;
}

/**
 * threads: a seed's run reports a hang itself, with its pending calls, after
 * `watchdogMs` without a call moving (and up to 2 s for a snapshot); the
 * pool's watchdog, there for a task thread stuck in a loop, waits this much
 * longer so as not to stop the run before it has said what hung.
 */
const THREADS_TASK_GRACE_MS = 5000;

export function addEvents(into: LedgerCounts, from: LedgerCounts): void {
  for (const key of Object.keys(into) as (keyof LedgerCounts)[]) {
    if (key === 'peakLiveProcesses' || key === 'peakLiveNamespaces' || key === 'deepestLevel') into[key] = Math.max(into[key], from[key]);
    else into[key] += from[key];
  }
}

export function emptyEvents(): LedgerCounts {
  return {
    events: 0,
    processesCreated: 0,
    processesExited: 0,
    processesReaped: 0,
    peakLiveProcesses: 0,
    namespacesCreated: 0,
    namespacesDestroyed: 0,
    peakLiveNamespaces: 0,
    deepestLevel: 0,
    signalsDelivered: 0,
    signalsIgnored: 0,
    reparents: 0,
  };
}

export async function runSeedFarm(o: FarmOptions): Promise<FarmResult> {
  const started = performance.now();
  const pool = o.pool ?? new SeedPool(o.threads);
  const results: StressResult[] = [];
  const lost: { seed: number; failure: StressFailure }[] = [];
  const totals = newCounters();
  const events = emptyEvents();
  /** Progress of the seeds running now. */
  const live = new Map<number, RunProgress>();
  const running = new Set<number>();
  let peakRss = 0;

  const report = (): void => {
    const m = process.memoryUsage().rss;
    if (m > peakRss) peakRss = m;
    if (!o.onProgress) return;
    let forks = totals.forksSucceeded;
    let calls = 0;
    for (const s of Object.values(totals.syscalls)) calls += s.calls;
    for (const p of live.values()) {
      forks += p.forksDone;
      calls += p.calls;
    }
    const failed = results.filter((r) => !r.passed).length + lost.length;
    o.onProgress({ done: results.length + lost.length, passed: results.length + lost.length - failed, failed, running: running.size, seeds: o.seeds, forks, calls, elapsedMs: performance.now() - started });
  };

  // Every seed is queued at once, and each waits on `signal` (to drop it unstarted, or stop it): not a leak.
  if (o.signal) setMaxListeners(Math.max(10, o.seeds + 10), o.signal);
  try {
    const ticker = setInterval(report, 200);
    try {
      const seeds = Array.from({ length: o.seeds }, (_, i) => (o.firstSeed + i) >>> 0);
      await Promise.all(
        seeds.map(async (seed) => {
          const beat = (b: SeedBeat): void => {
            if (b.type === 'start') running.add(seed);
            else if (b.type === 'progress') live.set(seed, b.progress);
          };
          const task = { mode: 'run', seed, shape: o.shape, pidMax: o.pidMax, threads: o.threadsKernel, watchdogMs: o.watchdogMs } as const;
          const answer = await pool.run<StressResult>(task, o.watchdogMs + (o.threadsKernel ? THREADS_TASK_GRACE_MS : 0), beat, o.signal);
          running.delete(seed);
          live.delete(seed);
          if (answer === TASK_STOPPED) return;
          if (isTaskFailure(answer)) lost.push({ seed, failure: answer });
          else {
            results.push(answer);
            mergeCounters(totals, answer.counters);
            addEvents(events, answer.events);
          }
          report();
        }),
      );
    } finally {
      clearInterval(ticker);
    }
    results.sort((a, b) => a.seed - b.seed);
    const wallMs = performance.now() - started;
    sampleMemory(totals);

    let shrunk: FarmResult['shrunk'] = null;
    const first = results.find((r) => !r.passed && r.failure && r.failure.round >= 0);
    if (first && o.shrinkBudgetMs !== undefined && o.shrinkBudgetMs > 0 && !o.signal?.aborted) {
      o.onShrink?.(first.seed, 0, 0);
      const answer = await pool.run<ShrinkResult>(
        { mode: 'shrink', seed: first.seed, shape: o.shape, pidMax: o.pidMax, failure: first.failure!, budgetMs: o.shrinkBudgetMs },
        o.watchdogMs,
        (b) => {
          if (b.type === 'trial') o.onShrink?.(first.seed, b.trials, b.ops);
        },
        o.signal,
      );
      if (answer !== TASK_STOPPED && !isTaskFailure(answer)) shrunk = { seed: first.seed, result: answer };
    }
    const interrupted = o.signal?.aborted === true;
    return { results, lost, totals, events, wallMs, mainPeakRssBytes: peakRss, shrunk, interrupted, unfinished: o.seeds - results.length - lost.length };
  } finally {
    if (!o.pool) await pool.destroy();
  }
}
