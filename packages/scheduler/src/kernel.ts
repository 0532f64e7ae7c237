// The public face of an emulated kernel: it owns the transport, sends each
// syscall to the actor that owns the caller's namespace and matches replies
// to calls. Expected failures reject with KernelError; bad arguments throw
// TypeError at once and change nothing. Nothing a caller passes in - a
// handle of another kernel, a closed one, a call after close() - reaches the
// engine in a form it cannot answer: the edge refuses it here, as an errno.

import {
  KernelError,
  type ActorMsg,
  checkInvariants,
  Call,
  fail,
  type CallId,
  type InvariantViolation,
  type KernelEvent,
  type KernelSnapshot,
  type NsId,
  type NsRef,
  type Op,
  type ProcKey,
  type ProcOp,
  type Result,
  type TimedEvent,
} from '@pidsim/core';
import { SYSCALL_NAMES } from '@pidsim/actors';
import PQueue from 'p-queue';
import { InlineTransport } from './inline-transport.js';
import { ThreadsTransport } from './threads-transport.js';
import type { Transport, TransportSink, TransportUsage } from './transport.js';
import { resolveOptions, type KernelOptions, type ResolvedOptions } from './options.js';
import { shown } from './args.js';
import { Process } from './process.js';
import { PendingCalls } from './pending-calls.js';
import { NsHandle, ProcFs } from './procfs.js';

/** Sees each syscall go out and come back, in the order the kernel sends and answers them. */
export interface CallObserver {
  sent(id: CallId, caller: ProcKey, to: NsId, op: Op | ProcOp): void;
  answered(id: CallId, result: Result<unknown>): void;
}

export class Kernel implements TransportSink {
  readonly options: ResolvedOptions;
  /** The global init: PID 1 of the root namespace. */
  readonly init: Process;
  readonly #transport: Transport;
  /** Bounds the calls outstanding at once (maxInFlight), so a caller issuing a million forks stays in memory. */
  readonly #queue: PQueue | null;
  /** Calls sent and not yet answered, with the op each made (for the syscall an error names). */
  readonly #pending = new PendingCalls();
  readonly #stray: string[] = [];
  readonly #listeners = new Set<(e: TimedEvent) => void>();
  /**
   * The namespace values (NsRef objects) this kernel handed out: the root's,
   * fork results, info(), open handles. A plain NsRef carries nothing that
   * tells one kernel's namespace from another's with the same id, so procfs()
   * and handle() accept only these.
   */
  readonly #issued = new WeakSet<NsRef>();
  /** Told of every call as it is sent and as it is answered (a trace's syscall slices). */
  readonly #callObservers = new Set<CallObserver>();
  #failure: Error | null = null;
  /** Set by the first close(); every later close() returns it. */
  #closing: Promise<void> | null = null;
  /** Kernel-wide waits under way (#untilClosed): close() ends each, so none outlives the kernel. */
  readonly #closeWaiters = new Set<() => void>();

  constructor(input?: KernelOptions) {
    this.options = resolveOptions(input);
    this.#transport =
      this.options.transport === 'threads'
        ? new ThreadsTransport({ ...this.options, sink: this })
        : new InlineTransport({ ...this.options, sink: this });
    this.#queue = this.options.maxInFlight === undefined ? null : new PQueue({ concurrency: this.options.maxInFlight });
    if (this.options.events) this.#transport.setEventsEnabled(true);
    const root = this.#transport.rootInit;
    this.init = new Process(this, root.key, this.issue(root.ns), [1]);
  }

  get transport(): Transport {
    return this.#transport;
  }

  /** How many calls are waiting for an answer (blocked waits included). */
  get pendingCalls(): number {
    return this.#pending.size;
  }

  /** Sends a syscall on behalf of `caller` to the actor of namespace `to`. */
  call<T>(caller: ProcKey, to: NsId, op: Op | ProcOp): Promise<T> {
    if (this.#queue) return this.#queue.add(() => this.#send<T>(caller, to, op)) as Promise<T>;
    return this.#send<T>(caller, to, op);
  }

  #send<T>(caller: ProcKey, to: NsId, op: Op | ProcOp): Promise<T> {
    if (this.#failure) return Promise.reject(this.#failure);
    if (this.#closing) return Promise.reject(shutdownError(SYSCALL_NAMES[op.op]));
    return new Promise<T>((resolve, reject) => {
      const id = this.#pending.open(resolve as (v: unknown) => void, reject, op.op);
      if (this.#callObservers.size > 0) for (const o of this.#callObservers) o.sent(id, caller, to, op);
      try {
        this.#transport.post(to, new Call(id, caller, op));
      } catch (err) {
        // The transport refused the message: the call was never made, and rejects with why.
        this.#pending.answer(id, false, err);
      }
    });
  }

  // --- what the handles (Process, ProcFs, NsHandle) ask of their kernel ---------------

  /** Whether close() was called. */
  get closed(): boolean {
    return this.#closing !== null;
  }

  /** @internal Notes a namespace value as handed out by this kernel (see #issued); returns it. */
  issue(ns: NsRef): NsRef {
    this.#issued.add(ns);
    return ns;
  }

  /** @internal ESHUTDOWN for a call `syscall` once close() was called, else null: what an answer the edge gives by itself checks first. */
  refuseClosed(syscall: string): KernelError | null {
    return this.#closing ? shutdownError(syscall) : null;
  }

  /**
   * @internal Why a call `syscall` of this kernel cannot use handle `h`, or null:
   * ESHUTDOWN after close(), EINVAL for a handle of another kernel (the fd
   * means nothing here), EBADF for a closed one (as a closed fd).
   */
  refuseHandle(h: NsHandle, syscall: string): KernelError | null {
    if (this.#closing) return shutdownError(syscall);
    if (h.kernel !== this) return new KernelError(fail('EINVAL', syscall, undefined, `${h} is a namespace of another kernel`));
    if (!h.open) return new KernelError(fail('EBADF', syscall, undefined, `the handle of ${h} is closed`));
    return null;
  }

  /** @internal close(2) of an open handle: its namespace may go. Once the kernel is closed or failed there is nothing to release. */
  releaseNs(ref: NsRef): void {
    if (this.#closing || this.#failure) return;
    this.#transport.post(ref.id, { type: 'ns-ref', delta: -1 });
  }

  /**
   * @internal Sends the message `build(id)` to the actor of namespace `to`
   * and resolves with the answer to `id`: requests no process makes, such as
   * a pidfd's readiness (pidfd.ts). They do not wait for `maxInFlight`: one
   * may block until a process exits.
   */
  request<T>(to: NsId, syscall: string, build: (id: CallId) => ActorMsg): Promise<T> {
    if (this.#failure) return Promise.reject(this.#failure);
    if (this.#closing) return Promise.reject(shutdownError(syscall));
    return new Promise<T>((resolve, reject) => {
      const id = this.#pending.open(resolve as (v: unknown) => void, reject, syscall);
      try {
        this.#transport.post(to, build(id));
      } catch (err) {
        this.#pending.answer(id, false, err);
      }
    });
  }

  // --- TransportSink --------------------------------------------------------------

  reply(id: CallId, result: Result<unknown>): void {
    if (this.#callObservers.size > 0 && this.#pending.syscallOf(id) !== undefined) for (const o of this.#callObservers) o.answered(id, result);
    const answered = result.ok ? this.#pending.answer(id, true, result.value) : this.#pending.answer(id, false, new KernelError(result));
    // Unless close() already settled it (a reply racing close on another thread), an answer to no pending call is a bug.
    if (!answered && !this.#closing) this.#stray.push(`a reply to call ${id}, which is not pending (answered twice, or never asked)`);
  }

  event(event: KernelEvent): void {
    if (this.#listeners.size === 0) return;
    const timed = { ...event, time: this.#transport.now() } as TimedEvent;
    for (const fn of this.#listeners) {
      try {
        fn(timed);
      } catch (err) {
        // Thrown into the engine, it would stop an actor half-way through a step.
        // The listener's own error still surfaces, on its own, as an EventEmitter's would.
        queueMicrotask(() => {
          throw err;
        });
      }
    }
  }

  idle(): void {
    // A blocked call waits on something; if only time can bring it, let time pass.
    if (this.options.clock === 'auto' && this.#pending.size > 0) this.#transport.fireNextTimer();
  }

  failed(cause: Error): void {
    this.#failure = cause;
    this.#pending.rejectAll(cause);
  }

  // --- the kernel as a whole ------------------------------------------------------

  /** Calls `listener` with every event from now on (and turns event reporting on). Returns an unsubscribe. */
  subscribe(listener: (e: TimedEvent) => void): () => void {
    this.#listeners.add(listener);
    this.#transport.setEventsEnabled(true);
    return () => {
      this.#listeners.delete(listener);
      if (this.#listeners.size === 0 && !this.options.events) this.#transport.setEventsEnabled(false);
    };
  }

  /** Calls `observer` as each syscall is sent and answered, from now on. Returns an unsubscribe. */
  observeCalls(observer: CallObserver): () => void {
    this.#callObservers.add(observer);
    return () => void this.#callObservers.delete(observer);
  }

  /** Resolves when no message is in flight anywhere (at once after close(): nothing ever is again). */
  settled(): Promise<void> {
    if (this.#closing) return Promise.resolve();
    return this.#transport.settled().catch((err: unknown) => {
      if (this.#closing) return;
      throw err;
    });
  }

  /** Every namespace's state at quiescence. Rejects ESHUTDOWN after close(), or when close() comes first. */
  async snapshot(): Promise<KernelSnapshot> {
    if (this.#closing) throw shutdownError('snapshot');
    const namespaces = await this.#untilClosed(this.#transport.snapshot(), 'snapshot');
    const faults = await this.#untilClosed(this.#transport.faultReport(), 'snapshot');
    return { namespaces, pendingCalls: this.#pending.size, strayReplies: [...this.#stray], faults, time: this.#transport.now() };
  }

  /** `work`, unless close() comes first: then ESHUTDOWN (on threads, a closed kernel's workers would never answer). */
  #untilClosed<T>(work: Promise<T>, syscall: string): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const onClose = (): void => reject(shutdownError(syscall));
      this.#closeWaiters.add(onClose);
      work.then(
        (v) => {
          this.#closeWaiters.delete(onClose);
          resolve(v);
        },
        (err: unknown) => {
          this.#closeWaiters.delete(onClose);
          reject(err);
        },
      );
    });
  }

  /** Checks every invariant of docs/architecture.md over a snapshot taken at quiescence. */
  async checkInvariants(): Promise<InvariantViolation[]> {
    return checkInvariants(await this.snapshot());
  }

  /** The transport's counters and memory (messages delivered and between workers, PID and kernel tables), for benchmarks. */
  usage(): Promise<TransportUsage> {
    return this.#transport.usage();
  }

  /** Virtual time, in milliseconds since boot. */
  now(): number {
    return this.#transport.now();
  }

  /** When the earliest program timer (a `sleep`) runs out, in virtual ms since boot; undefined if none. */
  nextTimerAt(): number | undefined {
    return this.#transport.nextTimerAt();
  }

  /** Lets `ms` of virtual time pass, firing every timer due. */
  async advance(ms: number): Promise<void> {
    if (!(ms >= 0) || !Number.isFinite(ms)) throw new TypeError(`advance: ms must be a finite number >= 0, received ${ms}`);
    if (this.#closing) throw shutdownError('advance');
    await this.#untilClosed(this.#transport.advanceTo(this.#transport.now() + ms), 'advance');
  }

  /**
   * A procfs instance mounted for namespace `ns` (SEMANTICS 3.6); `reader`
   * resolves `self`. `ns` is an NsHandle, or a namespace value this kernel
   * gave out (a process's `ns`, info()'s `ns` and `pidForChildren`); one of
   * another kernel, or a reader of another kernel, throws EINVAL here.
   */
  procfs(ns: NsRef | NsHandle, reader?: Process): ProcFs {
    if (reader !== undefined) {
      if (!(reader instanceof Process)) throw new TypeError(`procfs: reader must be a Process, received ${shown(reader)}`);
      if (reader.kernel !== this) throw new KernelError(fail('EINVAL', 'mount', 'proc', `the reader, ${reader}, is a process of another kernel`));
    }
    if (ns instanceof NsHandle) {
      if (ns.kernel !== this) throw new KernelError(fail('EINVAL', 'mount', 'proc', `${ns} is a namespace of another kernel`));
      return new ProcFs(this, ns.ref, reader);
    }
    if (!isNsRef(ns)) throw new TypeError(`procfs: ns must be a namespace (a process's \`ns\` or an NsHandle), received ${shown(ns)}`);
    if (reader?.ns !== ns && !this.#issued.has(ns)) {
      throw new KernelError(fail('EINVAL', 'mount', 'proc', `pid:[${ns.inode}] is not a namespace this kernel gave out`));
    }
    return new ProcFs(this, ns, reader);
  }

  /** A handle for a process the kernel reported: `ns` must be a namespace value this kernel gave out (EINVAL otherwise). */
  handle(key: ProcKey, ns: NsRef, nspid: readonly number[]): Process {
    if (!isNsRef(ns)) throw new TypeError(`handle: ns must be a namespace (a process's \`ns\`), received ${shown(ns)}`);
    if (!this.#issued.has(ns)) throw new KernelError(fail('EINVAL', 'handle', undefined, `pid:[${ns.inode}] is not a namespace this kernel gave out`));
    return new Process(this, key, ns, nspid);
  }

  /**
   * Stops everything. Calls still pending reject with ESHUTDOWN (unless their
   * answer arrives first), later calls too. Every close() returns the first one's
   * promise, which resolves once the transport has stopped (worker threads included).
   */
  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    for (const onClose of this.#closeWaiters) onClose();
    this.#closeWaiters.clear();
    try {
      await this.#transport.close();
    } finally {
      this.#pending.rejectAll((op) => shutdownError(SYSCALL_NAMES[op as (Op | ProcOp)['op']]));
    }
  }
}

/** What a call made after close() rejects with: `ESHUTDOWN: cannot send after transport endpoint shutdown, kill (the kernel is closed)`. */
function shutdownError(syscall: string): KernelError {
  return new KernelError(fail('ESHUTDOWN', syscall, undefined, 'the kernel is closed'));
}

function isNsRef(ns: unknown): ns is NsRef {
  const r = ns as NsRef | null;
  return typeof r === 'object' && r !== null && typeof r.id === 'number' && typeof r.level === 'number' && Array.isArray(r.chain) && typeof r.inode === 'number';
}
