// This file shrinks a failing run to a small reproducer, by delta debugging
// on the inline transport (where a run is a pure function of its arguments):
//   1. keep only the operations up to the round that failed;
//   2. try with no scheduling choices at all (`chaos` 0: delivery in a fixed
//      order) - many bugs need no particular interleaving;
//   3. remove operations (ddmin: halves, then quarters, ... each time keeping
//      a removal if the same failure still happens; after a success, also try
//      dropping the operations that run skipped, their processes never
//      having existed);
//   4. if choices are still needed, binary-search the fewest (`chaos` k: the
//      seed decides the first k deliveries, a fixed order the rest);
//   3 and 4 repeat while either makes progress.
// "The same failure" is the same kind, and for an invariant the same one.
// Everything is bounded by a time budget (and an abort signal: Ctrl-C); the
// best reproducer so far is returned when it runs out.

import { runStress, type StressResult } from './stress-run.js';
import { sameFailure, type StressFailure } from './stress-failure.js';
import { generateWorkload, type Workload, type WorkloadShape } from './workload-generator.js';

export interface ShrinkOptions {
  readonly seed: number;
  readonly shape: WorkloadShape;
  /** The failure to reproduce, as the original run reported it. */
  readonly failure: StressFailure;
  /** The operations the original run selected (default: all). */
  readonly ops?: readonly number[] | undefined;
  /** The original run's chaos (default: unlimited). */
  readonly chaos?: number | undefined;
  /** The original run's explicit pid_max (default: what the workload needs). */
  readonly pidMax?: number | undefined;
  /** Shrinking stops once aborted, with the best reproducer so far. */
  readonly signal?: AbortSignal | undefined;
  readonly workload?: Workload | undefined;
  readonly budgetMs?: number | undefined;
  /** Passed to every trial run (see StressRunOptions.catchUncaught). */
  readonly catchUncaught?: boolean | undefined;
  /** Told after every trial (for a progress line). */
  readonly onTrial?: ((t: { readonly trials: number; readonly ops: number; readonly chaos: number | null; readonly elapsedMs: number }) => void) | undefined;
}

export interface ShrinkResult {
  /** False when the failure did not happen again on inline with the same seed: nothing to shrink. */
  readonly reproduced: boolean;
  /** The operations kept (indices into the workload). */
  readonly ops: readonly number[];
  /** The chaos of the reproducer (null: unlimited). */
  readonly chaos: number | null;
  /** Delivery choices the reproducer's run made. */
  readonly choices: number;
  readonly failure: StressFailure | null;
  readonly originalOps: number;
  readonly originalChoices: number | null;
  readonly trials: number;
  readonly elapsedMs: number;
  /** The time budget ran out before shrinking was done. */
  readonly budgetExhausted: boolean;
  /** The signal stopped shrinking before it was done. */
  readonly interrupted: boolean;
}

interface Candidate {
  readonly ops: readonly number[];
  readonly chaos: number | undefined;
  readonly run: StressResult;
}

export async function shrinkFailure(o: ShrinkOptions): Promise<ShrinkResult> {
  const started = performance.now();
  const budget = o.budgetMs ?? 60_000;
  const workload = o.workload ?? generateWorkload(o.seed, o.shape);
  let trials = 0;
  let exhausted = false;
  const interrupted = (): boolean => o.signal?.aborted === true;
  const out = (): boolean => interrupted() || (exhausted ||= performance.now() - started > budget);

  const trial = async (ops: readonly number[], chaos: number | undefined): Promise<StressResult> => {
    trials++;
    const run = await runStress({
      ...o.shape,
      seed: o.seed,
      transport: 'inline',
      chaos,
      ops: new Set(ops),
      workload,
      pidMax: o.pidMax,
      catchUncaught: o.catchUncaught,
      signal: o.signal,
    });
    o.onTrial?.({ trials, ops: ops.length, chaos: chaos ?? null, elapsedMs: performance.now() - started });
    return run;
  };
  // An interrupted trial proves nothing either way: it is never accepted.
  const fails = (r: StressResult): boolean => !r.interrupted && sameFailure(r.failure, o.failure);

  // 1. Nothing after the round that failed can matter.
  const end = workload.rounds[o.failure.round]?.end ?? workload.ops.length;
  const all = o.ops ?? workload.ops.map((_, i) => i);
  const upTo = all.filter((i) => i < end);
  const first = await trial(upTo, o.chaos);
  const originalChoices = first.choices;
  if (!fails(first)) {
    return {
      reproduced: false,
      ops: upTo,
      chaos: o.chaos ?? null,
      choices: first.choices ?? 0,
      failure: first.failure,
      originalOps: all.length,
      originalChoices,
      trials,
      elapsedMs: performance.now() - started,
      budgetExhausted: false,
      interrupted: first.interrupted,
    };
  }
  let best: Candidate = { ops: upTo, chaos: o.chaos, run: first };
  const accept = async (ops: readonly number[], chaos: number | undefined): Promise<boolean> => {
    const run = await trial(ops, chaos);
    if (!fails(run)) return false;
    best = { ops, chaos, run };
    return true;
  };

  // 2. No scheduling choices at all?
  if (best.chaos !== 0) await accept(best.ops, 0);

  // 3 and 4, until neither makes progress: fewer operations, then fewer choices.
  for (let pass = 0; pass < 4 && !out(); pass++) {
    const before = `${best.ops.length}/${best.chaos}`;
    await ddmin();
    if (best.chaos !== 0 && !out()) await fewerChoices();
    if (`${best.ops.length}/${best.chaos}` === before) break;
  }

  return {
    reproduced: true,
    ops: best.ops,
    chaos: best.chaos ?? null,
    choices: best.run.choices ?? 0,
    failure: best.run.failure,
    originalOps: all.length,
    originalChoices,
    trials,
    elapsedMs: performance.now() - started,
    budgetExhausted: exhausted,
    interrupted: interrupted(),
  };

  async function ddmin(): Promise<void> {
    let n = 2;
    while (best.ops.length >= 2 && !out()) {
      const cur = best.ops;
      const size = Math.ceil(cur.length / n);
      let reduced = false;
      for (let i = 0; i < cur.length && !out(); i += size) {
        const cand = [...cur.slice(0, i), ...cur.slice(i + size)];
        if (cand.length === 0 || !(await accept(cand, best.chaos))) continue;
        reduced = true;
        await dropSkipped();
        break;
      }
      if (reduced) n = Math.max(n - 1, 2);
      else if (n >= cur.length) return;
      else n = Math.min(cur.length, n * 2);
    }
  }

  /** Binary search for the fewest delivery choices that still fail (the first try pins the count the run made). */
  async function fewerChoices(): Promise<void> {
    let lo = 0;
    let hi = best.run.choices ?? 0;
    if (best.chaos === undefined || best.chaos > hi) {
      if (!(await accept(best.ops, hi))) return;
    }
    while (hi - lo > 1 && !out()) {
      const mid = (lo + hi) >>> 1;
      if (await accept(best.ops, mid)) hi = mid;
      else lo = mid;
    }
  }

  /** Operations the last run skipped issued no call; try without them (one trial). */
  async function dropSkipped(): Promise<void> {
    const skipped = new Set(best.run.skippedOps);
    if (skipped.size === 0 || out()) return;
    const cand = best.ops.filter((i) => !skipped.has(i));
    if (cand.length > 0) await accept(cand, best.chaos);
  }
}
