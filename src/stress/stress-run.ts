// This file implements one stress run: a kernel, a workload, and the loop
// that issues each round's operations concurrently (p-queue bounds how many
// are in flight), waits for the round to settle or hang, then checks every
// invariant over a snapshot at that quiescent point. Between quiescent points
// the event ledger and each call's result are checked as they arrive. The
// run stops at the first failure; the kernel is always closed.
//
// On `inline` the run is a pure function of (seed, shape, chaos, ops): the
// same arguments replay the same run, choice for choice.

import PQueue from 'p-queue';
import type { InlineTransport } from '@pidsim/scheduler';
import { describeProcess, type KernelSnapshot, type ProcSnapshot } from '@pidsim/core';
import { checkInvariants, createKernel, type Kernel, type Process } from '../index.js';
import { CallTracker } from './call-tracker.js';
import { EventLedger, type LedgerCounts } from './event-ledger.js';
import { awaitRound } from './hang-watchdog.js';
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
  /** inline: how many delivery choices the seed makes (default: all of them). */
  readonly chaos?: number | undefined;
  /** Run only these operations of the workload (by index); default: all. */
  readonly ops?: ReadonlySet<number> | undefined;
  /** threads: wall-clock time without any call starting or settling that counts as a hang. */
  readonly watchdogMs?: number | undefined;
  /** Called now and then (every `progressEveryMs`) and at each quiescent point. */
  readonly onProgress?: ((p: RunProgress) => void) | undefined;
  readonly progressEveryMs?: number | undefined;
  /** The workload, when the caller already generated it (shrinking reruns one many times). */
  readonly workload?: Workload | undefined;
  /**
   * Catch exceptions thrown where no call can see them (an actor throwing
   * inside the inline transport's delivery loop) and report them as a crash.
   * For the CLI and the seed farm; tests leave it to vitest.
   */
  readonly catchUncaught?: boolean | undefined;
  /** Called with the kernel before the first operation (to subscribe to its events while debugging). */
  readonly onKernel?: ((kernel: Kernel) => void) | undefined;
}

export interface RunProgress {
  readonly round: number;
  readonly rounds: number;
  readonly opsDone: number;
  readonly opsPlanned: number;
  readonly forksDone: number;
  readonly forksPlanned: number;
  readonly calls: number;
  readonly elapsedMs: number;
  readonly liveProcesses: number;
  readonly liveNamespaces: number;
}

export interface StressResult {
  readonly seed: number;
  readonly transport: 'inline' | 'threads';
  readonly shape: WorkloadShape;
  readonly chaos: number | null;
  readonly passed: boolean;
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
  readonly wallMs: number;
  /**
   * What was left at the end, from the last snapshot: processes (live and
   * zombie), namespaces with an actor, and of those the ones still active
   * (the others are exiting - an init waiting to drain or to be reaped - or
   * dead and kept by a reference: SEMANTICS 2.13).
   */
  readonly liveAtEnd: { readonly processes: number; readonly namespaces: number; readonly activeNamespaces: number };
}

const SNAPSHOT_TIMEOUT_MS = 2000;

function timeout<T>(p: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([p, new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), ms)))]).finally(() => clearTimeout(timer));
}

export async function runStress(o: StressRunOptions): Promise<StressResult> {
  const shape: WorkloadShape = { depth: o.depth, fanout: o.fanout, processes: o.processes, concurrency: o.concurrency };
  const workload = o.workload ?? generateWorkload(o.seed, shape);
  const started = performance.now();
  const inline = o.transport === 'inline';
  const kernel = createKernel(
    inline
      ? { transport: 'inline', seed: o.seed, ...(o.chaos !== undefined ? { chaos: o.chaos } : {}) }
      : { transport: 'threads', ...(o.workers !== undefined ? { workers: o.workers } : {}), placement: o.placement ?? 'co-locate' },
  );
  const run = new Run(kernel, workload, o, started);
  o.onKernel?.(kernel);
  const onUncaught = (err: unknown): void => run.crash(err);
  if (o.catchUncaught) process.on('uncaughtException', onUncaught);
  try {
    await run.execute();
  } finally {
    run.ledger.dispose();
    await kernel.close();
    if (o.catchUncaught) process.off('uncaughtException', onUncaught);
  }
  return run.result(performance.now() - started);
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
  }

  async #rounds(): Promise<void> {
    const { rounds } = this.workload;
    const selected = this.o.ops;
    for (let r = 0; r < rounds.length && !this.failure; r++) {
      this.round = r;
      const { start, end } = rounds[r]!;
      let issued = 0;
      for (let i = start; i < end; i++) {
        if (selected && !selected.has(i)) continue;
        issued++;
        void this.queue.add(() => this.#runOp(i));
      }
      this.#opsSelected += issued;
      if (issued === 0) continue;
      const outcome = await awaitRound(this.queue.onIdle(), {
        kernel: this.kernel,
        transport: this.o.transport,
        tracker: this.tracker,
        watchdogMs: this.o.watchdogMs ?? 30_000,
      });
      if (outcome === 'hang') {
        await this.#hang();
        break;
      }
      if (this.failure) {
        await this.#addQuiescentViolations();
        break;
      }
      await this.#quiescentCheck();
      this.roundsDone = r + 1;
      this.#emitProgress();
    }
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

  #emitProgress(): void {
    this.#lastProgress = performance.now();
    if (!this.o.onProgress) return;
    sampleMemory(this.counters);
    const e = this.ledger.counts;
    this.o.onProgress({
      round: this.round,
      rounds: this.workload.rounds.length,
      opsDone: this.counters.opsDone + this.counters.opsSkipped,
      opsPlanned: this.o.ops ? this.o.ops.size : this.workload.ops.length,
      forksDone: this.counters.forksSucceeded,
      forksPlanned: this.workload.forks,
      calls: totalCalls(this.counters),
      elapsedMs: this.#lastProgress - this.#started,
      liveProcesses: e.processesCreated - e.processesReaped + 1,
      liveNamespaces: e.namespacesCreated - e.namespacesDestroyed + 1,
    });
  }

  result(wallMs: number): StressResult {
    const inline = this.o.transport === 'inline';
    return {
      seed: this.o.seed,
      transport: this.o.transport,
      shape: this.workload.shape,
      chaos: inline ? (this.o.chaos ?? null) : null,
      passed: this.failure === null,
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
