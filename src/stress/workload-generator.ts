// This file implements the stress workload: from a seed and a shape (depth,
// fan-out, processes, concurrency) it plans rounds of operations. Each round
// mixes a burst of forks spread over the live namespaces with the events that
// race them - namespace inits dying at random moments (cascades), signal
// storms, kill(-1), orphan chains, setns joins, unshares, exits and waits -
// shuffled so each lands at a random point of the burst. The runner issues a
// round's operations concurrently and checks every invariant once the round
// has settled (a quiescent point). A last round tears every namespace down.
//
// The plan depends only on the seed and the shape, never on what a run
// observes, so `--ops` can name a subset of it by index and replay it.
// Planning is linear in the operations planned (workload-model.ts says how);
// `planWorkload` plans the same workload a slice at a time, giving the event
// loop a turn between slices (a progress line, a Ctrl-C).

import { setImmediate as immediate } from 'node:timers/promises';
import { Prng } from '@pidsim/scheduler';
import { forksOf, type ChildProgram, type StressOp } from './workload-ops.js';
import { WorkloadModel, type ModelNs } from './workload-model.js';
import { planRaceEvents, type RacePlanner } from './race-events.js';

export interface WorkloadShape {
  /** Deepest namespace level created (0: the root namespace only). */
  readonly depth: number;
  /** Most children one process forks, and most live child namespaces of one namespace. */
  readonly fanout: number;
  /** Processes the workload forks in all (every fork counts, failed or not). */
  readonly processes: number;
  /** Operations in flight at once; a round holds twice as many. */
  readonly concurrency: number;
}

export interface Workload {
  readonly seed: number;
  readonly shape: WorkloadShape;
  /** Every operation, in plan order; an operation's index is its name in `--ops`. */
  readonly ops: readonly StressOp[];
  /** Round r holds ops[rounds[r].start .. rounds[r].end). */
  readonly rounds: readonly { readonly start: number; readonly end: number }[];
  /** Forks the plan makes. */
  readonly forks: number;
  /** How many namespaces may be alive at once. */
  readonly namespaceBudget: number;
}

/**
 * Operations of one round: at least twice the concurrency, so the in-flight
 * bound has work queued behind it, and large enough that a run has about two
 * dozen quiescent points (each full check costs about processes x namespaces).
 */
export function roundSize(shape: WorkloadShape): number {
  return Math.max(16, 2 * shape.concurrency, Math.ceil(shape.processes / 24));
}

/** Live namespaces the workload aims for: one per 40 processes, at least `depth`, at most 4096. */
export function namespaceBudget(shape: WorkloadShape): number {
  if (shape.depth === 0) return 0;
  return Math.min(4096, Math.max(shape.depth, Math.floor(shape.processes / 40)));
}

/** How far planning has got. */
export interface PlanProgress {
  /** Forks planned so far, of `shape.processes`. */
  readonly forks: number;
  readonly ops: number;
  readonly rounds: number;
  readonly elapsedMs: number;
}

export interface PlanOptions {
  /** Told after every slice of planning (about every `sliceMs`). */
  readonly onProgress?: ((p: PlanProgress) => void) | undefined;
  /** Planning stops at the next slice once it is aborted. */
  readonly signal?: AbortSignal | undefined;
  /** How long planning holds the thread before it gives the event loop a turn (default 50 ms). */
  readonly sliceMs?: number | undefined;
}

/** Operations planned between two looks at the clock. */
const CLOCK_EVERY = 1024;

/** Plans the whole workload. Deterministic in (seed, shape). */
export function generateWorkload(seed: number, shape: WorkloadShape): Workload {
  const planner = new Planner(seed, shape);
  for (const _ of planner.steps());
  return planner.workload();
}

/**
 * Plans the same workload as `generateWorkload`, yielding to the event loop
 * every `sliceMs`; resolves undefined if `signal` aborted it first.
 */
export async function planWorkload(seed: number, shape: WorkloadShape, o: PlanOptions = {}): Promise<Workload | undefined> {
  const started = performance.now();
  const sliceMs = o.sliceMs ?? 50;
  const planner = new Planner(seed, shape);
  let sliceStart = started;
  for (const _ of planner.steps()) {
    const now = performance.now();
    if (now - sliceStart < sliceMs) continue;
    o.onProgress?.({ ...planner.progress, elapsedMs: now - started });
    await immediate();
    if (o.signal?.aborted) return undefined;
    sliceStart = performance.now();
  }
  const workload = planner.workload();
  o.onProgress?.({ ...planner.progress, elapsedMs: performance.now() - started });
  return workload;
}

class Planner {
  readonly #shape: WorkloadShape;
  readonly #seed: number;
  readonly #m: WorkloadModel;
  readonly #budget: number;
  readonly #ops: StressOp[] = [];
  readonly #rounds: { start: number; end: number }[] = [];
  #forks = 0;
  /** The round being planned. */
  #round: StressOp[] = [];
  /** What the race-event planners may use of this planner. */
  readonly #events: RacePlanner;

  constructor(seed: number, shape: WorkloadShape) {
    this.#seed = seed;
    this.#shape = shape;
    // Its own stream, unrelated to the kernel's delivery choices for the same seed.
    this.#m = new WorkloadModel(new Prng((seed ^ 0x5bd1e995) >>> 0), shape.fanout);
    this.#budget = namespaceBudget(shape);
    const self = this;
    this.#events = {
      m: this.#m,
      depth: shape.depth,
      namespaceBudget: this.#budget,
      get forksLeft() {
        return self.#forksLeft;
      },
      push: (op) => this.#push(op),
      forker: (ns) => this.#m.forker(ns),
      anyForker: () => this.#m.anyForker(),
    };
  }

  /** Plans the workload, yielding now and then (every CLOCK_EVERY operations or so). */
  *steps(): Generator<void, void, void> {
    const size = roundSize(this.#shape);
    let stalled = 0;
    while (this.#forks < this.#shape.processes && stalled < 3) {
      const before = this.#forks;
      yield* this.#planRound(size);
      stalled = this.#forks === before ? stalled + 1 : 0;
    }
    this.#teardownRound();
  }

  get progress(): Omit<PlanProgress, 'elapsedMs'> {
    return { forks: this.#forks, ops: this.#ops.length + this.#round.length, rounds: this.#rounds.length };
  }

  /** The plan, once `steps()` has run to the end. */
  workload(): Workload {
    return {
      seed: this.#seed,
      shape: this.#shape,
      ops: this.#ops,
      rounds: this.#rounds,
      forks: this.#forks,
      namespaceBudget: this.#budget,
    };
  }

  get #forksLeft(): number {
    return this.#shape.processes - this.#forks;
  }

  #push(op: StressOp): void {
    this.#forks += forksOf(op);
    this.#round.push(op);
  }

  #endRound(): void {
    const m = this.#m;
    // Fisher-Yates: every event lands at a random point of the burst.
    const ops = this.#round;
    for (let i = ops.length - 1; i > 0; i--) {
      const j = m.rng.below(i + 1);
      [ops[i], ops[j]] = [ops[j]!, ops[i]!];
    }
    const start = this.#ops.length;
    for (const op of ops) this.#ops.push(op); // a round may hold 200,000 operations: too many arguments for push(...ops)
    if (ops.length > 0) this.#rounds.push({ start, end: this.#ops.length });
    this.#round = [];
    m.commitRound();
  }

  *#planRound(size: number): Generator<void, void, void> {
    const m = this.#m;
    const chaos = Math.ceil(size * 0.2);
    // New namespaces first (up to the budget), then the fork burst.
    const nsWanted = Math.min(this.#budget - m.liveNamespaces, Math.ceil(size / 16), this.#forksLeft);
    for (let i = 0; i < nsWanted; i++) if (!this.#newNamespace()) break;
    while (this.#round.length < size - chaos && this.#forksLeft > 0) {
      if (!this.#plainFork()) break;
      if (this.#round.length % CLOCK_EVERY === 0) yield;
    }
    yield;
    planRaceEvents(this.#events, chaos, size);
    yield;
    this.#endRound();
  }

  /**
   * The last round: SIGKILL from the root init to the init of every top-level
   * namespace ever planned - also those the model believes dead, since a race
   * may have kept them alive (an init already gone answers ESRCH) - and a few reaps.
   */
  #teardownRound(): void {
    const m = this.#m;
    for (const ns of m.root.children) {
      if (!ns.init) continue;
      this.#push({ kind: 'kill-init', by: 0, init: ns.init.slot });
      m.killNamespace(ns);
    }
    for (let i = 0; i < 8; i++) {
      const p = m.member(m.root, (q) => q.program === 'idle' && !!q.kids?.length);
      if (p) this.#push({ kind: 'reap', by: p.slot });
    }
    this.#endRound();
  }

  #plainFork(): boolean {
    const m = this.#m;
    let by = m.anyForker();
    // Everyone is at their fan-out: the root init forks regardless (it always lives).
    by ??= m.rootInit;
    const r = m.rng.below(100);
    const program: ChildProgram = r < 72 ? 'idle' : r < 86 ? 'reaper' : r < 93 ? 'exit' : 'sleep';
    const child = m.birth(by, program);
    this.#push({ kind: 'fork', by: by.slot, child: child.slot, program, newPid: false });
    return true;
  }

  /** clone(CLONE_NEWPID) below a namespace that has room, preferring deep ones so `depth` is reached. */
  #newNamespace(): boolean {
    const m = this.#m;
    const room = (ns: ModelNs): boolean => ns.level < this.#shape.depth && ns.liveChildren < this.#shape.fanout && !!ns.init?.alive;
    let parent: ModelNs | undefined;
    for (let i = 0; i < 3; i++) {
      const c = m.liveNs(room);
      if (c && (!parent || c.level > parent.level)) parent = c;
    }
    if (!parent) return false;
    const by = m.forker(parent) ?? (parent.init && m.canFork(parent.init) ? parent.init : undefined);
    if (!by) return false;
    const ns = m.newNamespace(parent);
    const init = m.birth(by, 'init', ns);
    this.#push({ kind: 'fork', by: by.slot, child: init.slot, program: 'reaper', newPid: true });
    return true;
  }

}
