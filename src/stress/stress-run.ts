// This file implements one stress run: a kernel, a workload, and the loop
// that issues each round's operations concurrently (p-queue bounds how many
// are in flight), waits for the round to settle or hang, then checks every
// invariant over a snapshot at that quiescent point. Between quiescent points
// the event ledger and each call's result are checked as they arrive. The
// run stops at the first failure; the kernel is always closed.
//
// On `inline` the run is a pure function of (seed, shape, chaos, ops): the
// same arguments replay the same run, choice for choice. Its steps are all
// microtasks, so it settles a large round slice by slice, giving the event
// loop a turn in between (for a signal), at points fixed by operation count.

import { setImmediate as immediate } from 'node:timers/promises';
import PQueue from 'p-queue';
import type { InlineTransport } from '@pidsim/scheduler';
import { PID_MAX_DEFAULT, PID_MAX_LIMIT, RESERVED_PIDS, describeProcess, type KernelSnapshot, type ProcSnapshot } from '@pidsim/core';
import { checkInvariants, createKernel, type Kernel, type Process, type WorkerPool } from '../index.js';
import { CallTracker } from './call-tracker.js';
import { EventLedger, zeroLedgerCounts, type LedgerCounts } from './event-ledger.js';
import { awaitRound, type RoundOutcome } from './hang-watchdog.js';
import { CrashError, STOP, executeOp, type ExecContext } from './op-executor.js';
import { newCounters, sampleMemory, totalCalls, type RunCounters } from './run-stats.js';
import { makeFailure, type PendingCall, type StressFailure, type Violation } from './stress-failure.js';
import { generateWorkload, type Workload, type WorkloadShape } from './workload-generator.js';

export interface StressRunOptions extends WorkloadShape {
  readonly seed: number;
  readonly transport: 'inline' | 'threads';
  /** threads: worker threads (default: the CPU count). */
  readonly workers?: number | undefined;
  readonly placement?: 'co-locate' | 'spread' | undefined;
  /** threads: a worker pool to run on, shared with other runs (the caller closes it); `workers` is then the pool's size. */
  readonly pool?: WorkerPool | undefined;
  /** inline: how many delivery choices the seed makes (default: all of them). */
  readonly chaos?: number | undefined;
  /** The root namespace's pid_max (default: what the workload needs, `pidMaxFor`). */
  readonly pidMax?: number | undefined;
  /** Run only these operations of the workload (by index); default: all. */
  readonly ops?: ReadonlySet<number> | undefined;
  /** threads: wall-clock time without any call starting or settling that counts as a hang. */
  readonly watchdogMs?: number | undefined;
  /** Called now and then (every `progressEveryMs`) and at each quiescent point. */
  readonly onProgress?: ((p: RunProgress) => void) | undefined;
  readonly progressEveryMs?: number | undefined;
  /** The workload, when the caller already generated it (shrinking reruns one many times). */
  readonly workload?: Workload | undefined;
  /** How long the caller took to plan `workload`: counted in the run's wall time. */
  readonly planningMs?: number | undefined;
  /**
   * Catch exceptions thrown where no call can see them (an actor throwing
   * inside the inline transport's delivery loop) and report them as a crash.
   * For the CLI and the seed farm; tests leave it to vitest.
   */
  readonly catchUncaught?: boolean | undefined;
  /** Called with the kernel before the first operation (to subscribe to its events while debugging). */
  readonly onKernel?: ((kernel: Kernel) => void) | undefined;
  /**
   * Once aborted, the run stops issuing operations, lets those in flight
   * settle and ends without a last check (`interrupted`). On inline every
   * step is a microtask, so an abort from a signal is seen only when the
   * slice in progress has settled (see inlineSlice).
   */
  readonly signal?: AbortSignal | undefined;
}

export interface RunProgress {
  readonly round: number;
  readonly rounds: number;
  /** Operations run, and skipped (a process they name does not exist): the summary counts them the same way. */
  readonly opsDone: number;
  readonly opsSkipped: number;
  readonly opsPlanned: number;
  readonly forksDone: number;
  readonly forksPlanned: number;
  readonly calls: number;
  readonly elapsedMs: number;
  readonly liveProcesses: number;
  readonly liveNamespaces: number;
  /** The last report, when the run is over: its counts are the summary's. */
  readonly final: boolean;
}

export interface StressResult {
  readonly seed: number;
  readonly transport: 'inline' | 'threads';
  readonly shape: WorkloadShape;
  readonly chaos: number | null;
  /** The root namespace's pid_max the run had (null: it never started). */
  readonly pidMax: number | null;
  /** No failure was found (an interrupted run may still have passed every check it made). */
  readonly passed: boolean;
  /** `signal` stopped the run before its last round. */
  readonly interrupted: boolean;
  readonly failure: StressFailure | null;
  readonly counters: RunCounters;
  readonly events: LedgerCounts;
  readonly roundsPlanned: number;
  readonly roundsDone: number;
  /** Operations selected to run (all of the workload unless `ops` was given). */
  readonly opsSelected: number;
  /** Operations that ran but were skipped (a process they name never existed). */
  readonly skippedOps: readonly number[];
  readonly quiescentChecks: number;
  readonly checkMs: number;
  /** inline: delivery choices the seeded PRNG made. */
  readonly choices: number | null;
  /** A digest of every event and call outcome, in order: two runs of one seed agree on it (inline). */
  readonly digest: string;
  /** Planning and running, checks included. */
  readonly wallMs: number;
  /** The part of `wallMs` spent planning the workload. */
  readonly planningMs: number;
  /**
   * What was left at the end, from the last snapshot: processes (live and
   * zombie), namespaces with an actor, and of those the ones still active
   * (the others are exiting - an init waiting to drain or to be reaped - or
   * dead and kept by a reference: SEMANTICS 2.13).
   */
  readonly liveAtEnd: { readonly processes: number; readonly namespaces: number; readonly activeNamespaces: number };
}

const SNAPSHOT_TIMEOUT_MS = 2000;

/**
 * inline: a round is issued in slices of this many operations, each settled
 * before the next starts, so the event loop gets a turn (a signal is acted on)
 * at least every slice. A slice holds twice the concurrency, so the in-flight
 * bound still has work queued behind it; the default run's rounds fit in one.
 */
export function inlineSlice(concurrency: number): number {
  return Math.max(4096, 2 * concurrency);
}

function timeout<T>(p: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([p, new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), ms)))]).finally(() => clearTimeout(timer));
}

/**
 * The root namespace's pid_max a workload needs: every process it forks has
 * a root PID, so with forks + 2 numbers above the 300 a wrap skips, no fork
 * can fail EAGAIN however many are alive at once. Never below Linux's default
 * (32768: a small run keeps the host's usual limit), never above
 * PID_MAX_LIMIT (4194304: a larger run may run out).
 */
export function pidMaxFor(w: Workload): number {
  return Math.min(PID_MAX_LIMIT, Math.max(PID_MAX_DEFAULT, w.forks + 2 + RESERVED_PIDS));
}

/** The result of a run stopped while its workload was being planned: nothing ran. */
export function unplannedResult(o: StressRunOptions, planningMs: number): StressResult {
  return {
    seed: o.seed,
    transport: o.transport,
    shape: { depth: o.depth, fanout: o.fanout, processes: o.processes, concurrency: o.concurrency },
    chaos: o.transport === 'inline' ? (o.chaos ?? null) : null,
    pidMax: o.pidMax ?? null,
    passed: true,
    interrupted: true,
    failure: null,
    counters: newCounters(),
    events: zeroLedgerCounts(),
    roundsPlanned: 0,
    roundsDone: 0,
    opsSelected: 0,
    skippedOps: [],
    quiescentChecks: 0,
    checkMs: 0,
    choices: null,
    digest: '',
    wallMs: planningMs,
    planningMs,
    liveAtEnd: { processes: 0, namespaces: 0, activeNamespaces: 0 },
  };
}

export async function runStress(o: StressRunOptions): Promise<StressResult> {
  const shape: WorkloadShape = { depth: o.depth, fanout: o.fanout, processes: o.processes, concurrency: o.concurrency };
  const planStarted = performance.now();
  const workload = o.workload ?? generateWorkload(o.seed, shape);
  const planningMs = o.workload ? (o.planningMs ?? 0) : performance.now() - planStarted;
  const started = performance.now();
  const inline = o.transport === 'inline';
  const pidMax = o.pidMax ?? pidMaxFor(workload);
  const kernel = createKernel(
    inline
      ? { transport: 'inline', seed: o.seed, pidMax, ...(o.chaos !== undefined ? { chaos: o.chaos } : {}) }
      : { transport: 'threads', pidMax, ...(o.pool ? { pool: o.pool } : o.workers !== undefined ? { workers: o.workers } : {}), placement: o.placement ?? 'co-locate' },
  );
  const run = new Run(kernel, workload, o, started);
  o.onKernel?.(kernel);
  const onUncaught = (err: unknown): void => run.crash(err);
  const onAbort = (): void => run.interrupt();
  if (o.catchUncaught) process.on('uncaughtException', onUncaught);
  if (o.signal?.aborted) run.interrupt();
  o.signal?.addEventListener('abort', onAbort);
  try {
    await run.execute();
  } finally {
    o.signal?.removeEventListener('abort', onAbort);
    run.ledger.dispose();
    await kernel.close();
    if (o.catchUncaught) process.off('uncaughtException', onUncaught);
  }
  return run.result(planningMs + performance.now() - started, planningMs, pidMax);
}

class Run {
  readonly kernel: Kernel;
  readonly workload: Workload;
  readonly o: StressRunOptions;
  readonly ledger: EventLedger;
  readonly counters = newCounters();
  readonly tracker = new CallTracker();
  readonly ctx: ExecContext;
  readonly queue: PQueue;
  readonly #started: number;
  readonly #skipped: number[] = [];
  failure: StressFailure | null = null;
  interrupted = false;
  round = 0;
  roundsDone = 0;
  quiescentChecks = 0;
  checkMs = 0;
  #lastProgress = 0;
  #opsSelected = 0;
  #liveAtEnd = { processes: 1, namespaces: 1, activeNamespaces: 1 };

  constructor(kernel: Kernel, workload: Workload, o: StressRunOptions, started: number) {
    this.kernel = kernel;
    this.workload = workload;
    this.o = o;
    this.#started = started;
    this.queue = new PQueue({ concurrency: o.concurrency });
    this.ledger = new EventLedger(kernel, o.transport === 'inline', (v) => this.#violated(v, 'event stream'));
    this.ctx = {
      handles: [kernel.init],
      counters: this.counters,
      ledger: this.ledger,
      tracker: this.tracker,
      stopping: false,
      violation: (v) => this.#violated(v, 'call result'),
    };
  }

  /** A continuous check failed: stop issuing, let what is in flight settle, then take the full picture. */
  #violated(v: Violation, by: 'event stream' | 'call result'): void {
    if (this.failure) return;
    this.failure = makeFailure(v.invariant === null ? 'result' : 'invariant', by, this.round, [v]);
    this.#stop();
  }

  /** Something other than an errno ended a call, or an actor threw: the run has failed. */
  crash(err: unknown): void {
    if (this.failure) return;
    const message = err instanceof CrashError ? err.message : err instanceof Error ? `${err.name}: ${err.message}${whereThrown(err)}` : String(err);
    this.failure = makeFailure('crash', 'exception', this.round, [{ invariant: null, message, processes: [] }]);
    this.#stop();
  }

  #stop(): void {
    this.ctx.stopping = true;
    this.queue.clear();
  }

  /** Told to stop from outside (SIGINT): no new operation starts; what is in flight settles. */
  interrupt(): void {
    if (this.interrupted) return;
    this.interrupted = true;
    this.#stop();
  }

  async #runOp(index: number): Promise<void> {
    try {
      const op = this.workload.ops[index]!;
      const ran = await executeOp(this.ctx, index, op);
      if (ran) {
        this.counters.opsDone++;
        this.counters.opsByKind[op.kind] = (this.counters.opsByKind[op.kind] ?? 0) + 1;
      } else {
        this.counters.opsSkipped++;
        this.#skipped.push(index);
      }
    } catch (e) {
      if (e !== STOP) this.crash(e);
    }
    this.#maybeProgress();
  }

  async execute(): Promise<void> {
    try {
      await this.#rounds();
    } catch (e) {
      // An actor that throws while the kernel settles or takes a snapshot throws here.
      this.crash(e);
    }
    this.#emitProgress(true);
  }

  async #rounds(): Promise<void> {
    const { rounds } = this.workload;
    const selected = this.o.ops;
    const slice = this.o.transport === 'inline' ? inlineSlice(this.o.concurrency) : Infinity;
    for (let r = 0; r < rounds.length && !this.failure && !this.interrupted; r++) {
      this.round = r;
      const { start, end } = rounds[r]!;
      let issued = 0;
      let unsettled = 0;
      let outcome: RoundOutcome = 'done';
      for (let i = start; i < end; i++) {
        if (selected && !selected.has(i)) continue;
        issued++;
        void this.queue.add(() => this.#runOp(i));
        if (++unsettled < slice) continue;
        unsettled = 0;
        outcome = await this.#settle();
        if (outcome === 'hang' || this.failure || this.interrupted) break;
      }
      this.#opsSelected += issued;
      if (issued === 0) continue;
      if (unsettled > 0) outcome = await this.#settle();
      if (outcome === 'hang') {
        await this.#hang();
        break;
      }
      if (this.failure) {
        await this.#addQuiescentViolations();
        break;
      }
      if (this.interrupted) break;
      await this.#quiescentCheck();
      this.roundsDone = r + 1;
      this.#emitProgress();
    }
  }

  /**
   * Waits until what was issued has settled (or hangs), then gives the event
   * loop a turn: on inline every step is a microtask, so without it a signal
   * (Ctrl-C) or a timer would wait for the end of the run.
   */
  async #settle(): Promise<RoundOutcome> {
    const outcome = await awaitRound(this.queue.onIdle(), {
      kernel: this.kernel,
      transport: this.o.transport,
      tracker: this.tracker,
      watchdogMs: this.o.watchdogMs ?? 30_000,
    });
    await immediate();
    return outcome;
  }

  /** The full check at a quiescent point. */
  async #quiescentCheck(): Promise<void> {
    const t0 = performance.now();
    const snap = await this.kernel.snapshot();
    const violations = checkInvariants(snap);
    this.#noteEnd(snap);
    this.quiescentChecks++;
    this.checkMs += performance.now() - t0;
    sampleMemory(this.counters);
    this.ledger.mix(this.#liveAtEnd.processes);
    if (violations.length > 0 && !this.failure) {
      this.failure = makeFailure('invariant', 'quiescent check', this.round, violations.map(toViolation));
    }
  }

  #noteEnd(snap: KernelSnapshot): void {
    let processes = 0;
    let activeNamespaces = 0;
    for (const a of snap.namespaces) {
      processes += a.procs.length;
      if (a.ns.state === 'active') activeNamespaces++;
    }
    this.#liveAtEnd = { processes, namespaces: snap.namespaces.length, activeNamespaces };
  }

  /** After a continuous failure: add what the full check sees (when the kernel can still be asked). */
  async #addQuiescentViolations(): Promise<void> {
    const snap = await timeout(this.kernel.snapshot().catch(() => undefined), SNAPSHOT_TIMEOUT_MS);
    if (!snap || !this.failure) return;
    this.#noteEnd(snap);
    const more = checkInvariants(snap).map(toViolation);
    const f = this.failure;
    this.failure = { ...f, violations: [...f.violations, ...more] };
  }

  /** Calls are pending and nothing moves: report them, with what the kernel says of their callers. */
  async #hang(): Promise<void> {
    const pendingRaw = this.tracker.list();
    const snap = this.o.transport === 'inline' ? await this.kernel.snapshot().catch(() => undefined) : await timeout(this.kernel.snapshot().catch(() => undefined), SNAPSHOT_TIMEOUT_MS);
    const byKey = new Map<number, ProcSnapshot>();
    if (snap) {
      this.#noteEnd(snap);
      for (const a of snap.namespaces) for (const p of a.procs) byKey.set(p.key, p);
    }
    const now = performance.now();
    const describe = (p: Process): string => {
      const s = byKey.get(p.key);
      return s ? `${describeProcess(s)}${s.blockedCalls ? `, ${s.blockedCalls} calls blocked` : ''}` : `${p} (no longer in any namespace)`;
    };
    const pending: PendingCall[] = pendingRaw.map((c) => ({ op: c.op, kind: c.kind, syscall: c.syscall, process: describe(c.proc), forMs: Math.round(now - c.since) }));
    if (this.failure) {
      // A crash or a continuous violation came first; the hang is its consequence.
      this.failure = { ...this.failure, pending };
      return;
    }
    const hang: Violation = {
      invariant: 6,
      message: `${pending.length} calls never settled${snap ? ' although the kernel is quiescent' : ' (the kernel never became quiescent)'}`,
      processes: pending.map((c) => c.process),
    };
    const others = snap ? checkInvariants(snap).map(toViolation).filter((v) => v.invariant !== 6) : [];
    others.sort((a, b) => (a.invariant ?? 0) - (b.invariant ?? 0));
    // A broken invariant elsewhere is the likelier cause: name it first.
    this.failure =
      others.length > 0
        ? makeFailure('invariant', 'watchdog', this.round, [...others, hang], pending)
        : makeFailure('hang', 'watchdog', this.round, [hang], pending);
  }

  #maybeProgress(): void {
    if (!this.o.onProgress) return;
    const now = performance.now();
    if (now - this.#lastProgress < (this.o.progressEveryMs ?? 100)) return;
    this.#emitProgress();
  }

  #emitProgress(final = false): void {
    this.#lastProgress = performance.now();
    if (!this.o.onProgress) return;
    sampleMemory(this.counters);
    this.o.onProgress({
      round: this.round,
      rounds: this.workload.rounds.length,
      opsDone: this.counters.opsDone,
      opsSkipped: this.counters.opsSkipped,
      opsPlanned: this.o.ops ? this.o.ops.size : this.workload.ops.length,
      forksDone: this.counters.forksSucceeded,
      forksPlanned: this.workload.forks,
      calls: totalCalls(this.counters),
      elapsedMs: this.#lastProgress - this.#started,
      liveProcesses: this.ledger.liveProcesses,
      liveNamespaces: this.ledger.liveNamespaces,
      final,
    });
  }

  result(wallMs: number, planningMs: number, pidMax: number): StressResult {
    const inline = this.o.transport === 'inline';
    return {
      seed: this.o.seed,
      transport: this.o.transport,
      shape: this.workload.shape,
      chaos: inline ? (this.o.chaos ?? null) : null,
      pidMax,
      passed: this.failure === null,
      interrupted: this.interrupted,
      failure: this.failure,
      counters: this.counters,
      events: { ...this.ledger.counts },
      roundsPlanned: this.workload.rounds.length,
      roundsDone: this.roundsDone,
      opsSelected: this.#opsSelected,
      skippedOps: this.#skipped,
      quiescentChecks: this.quiescentChecks,
      checkMs: this.checkMs,
      choices: inline ? (this.kernel.transport as InlineTransport).choices : null,
      digest: this.ledger.digest.toString(16).padStart(8, '0'),
      wallMs,
      planningMs,
      liveAtEnd: this.#liveAtEnd,
    };
  }
}

/** " at reapChild (.../task-wait.js:114:21)": the frame that threw, to start a diagnosis from. */
function whereThrown(err: Error): string {
  const frame = err.stack?.split('\n').find((l) => l.trimStart().startsWith('at '));
  return frame ? ` ${frame.trim()}` : '';
}

function toViolation(v: { readonly invariant: number; readonly message: string; readonly processes: readonly string[] }): Violation {
  return { invariant: v.invariant, message: v.message, processes: v.processes };
}
