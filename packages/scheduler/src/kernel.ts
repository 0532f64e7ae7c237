// The public face of an emulated kernel: it owns the transport, sends each
// syscall to the actor that owns the caller's namespace and matches replies
// to calls. Expected failures reject with KernelError; bad arguments throw
// TypeError at once and change nothing.

import {
  KernelError,
  asCallId,
  type ActorMsg,
  checkInvariants,
  type CallId,
  type CallMsg,
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
import PQueue from 'p-queue';
import { InlineTransport } from './inline-transport.js';
import { ThreadsTransport } from './threads-transport.js';
import type { Transport, TransportSink } from './transport.js';
import { resolveOptions, type KernelOptions, type ResolvedOptions } from './options.js';
import { Process } from './process.js';
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
  /** Calls sent and not yet answered. */
  readonly #pending = new Map<CallId, { resolve: (v: unknown) => void; reject: (e: Error) => void; syscall: string }>();
  readonly #stray: string[] = [];
  readonly #listeners = new Set<(e: TimedEvent) => void>();
  /** Told of every call as it is sent and as it is answered (a trace's syscall slices). */
  readonly #callObservers = new Set<CallObserver>();
  #nextCall = 1;
  #failure: Error | null = null;
  #closed = false;

  constructor(input?: KernelOptions) {
    this.options = resolveOptions(input);
    this.#transport =
      this.options.transport === 'threads'
        ? new ThreadsTransport({ ...this.options, sink: this })
        : new InlineTransport({ ...this.options, sink: this });
    this.#queue = this.options.maxInFlight === undefined ? null : new PQueue({ concurrency: this.options.maxInFlight });
    if (this.options.events) this.#transport.setEventsEnabled(true);
    const root = this.#transport.rootInit;
    this.init = new Process(this, root.key, root.ns, [1]);
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
    if (this.#closed) return Promise.reject(new Error('pidsim: the kernel is closed'));
    const id = asCallId(this.#nextCall++);
    const msg: CallMsg = { type: 'call', id, caller, op };
    return new Promise<T>((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (v: unknown) => void, reject, syscall: op.op });
      if (this.#callObservers.size > 0) for (const o of this.#callObservers) o.sent(id, caller, to, op);
      this.#transport.post(to, msg);
    });
  }

  /**
   * Sends the message `build(id)` to the actor of namespace `to` and
   * resolves with the answer to `id`: requests no process makes, such as a
   * pidfd's readiness (pidfd.ts). They do not wait for `maxInFlight`: one
   * may block until a process exits.
   */
  request<T>(to: NsId, build: (id: CallId) => ActorMsg): Promise<T> {
    if (this.#failure) return Promise.reject(this.#failure);
    if (this.#closed) return Promise.reject(new Error('pidsim: the kernel is closed'));
    const id = asCallId(this.#nextCall++);
    const msg = build(id);
    return new Promise<T>((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (v: unknown) => void, reject, syscall: msg.type });
      this.#transport.post(to, msg);
    });
  }

  // --- TransportSink --------------------------------------------------------------

  reply(id: CallId, result: Result<unknown>): void {
    const p = this.#pending.get(id);
    if (!p) {
      this.#stray.push(`a reply to call ${id}, which is not pending (answered twice, or never asked)`);
      return;
    }
    this.#pending.delete(id);
    if (this.#callObservers.size > 0) for (const o of this.#callObservers) o.answered(id, result);
    if (result.ok) p.resolve(result.value);
    else p.reject(new KernelError(result));
  }

  event(event: KernelEvent): void {
    if (this.#listeners.size === 0) return;
    const timed = { ...event, time: this.#transport.now() } as TimedEvent;
    for (const fn of this.#listeners) fn(timed);
  }

  idle(): void {
    // A blocked call waits on something; if only time can bring it, let time pass.
    if (this.options.clock === 'auto' && this.#pending.size > 0) this.#transport.fireNextTimer();
  }

  failed(cause: Error): void {
    this.#failure = cause;
    for (const [id, p] of this.#pending) {
      this.#pending.delete(id);
      p.reject(cause);
    }
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

  /** Resolves when no message is in flight anywhere. */
  settled(): Promise<void> {
    return this.#transport.settled();
  }

  async snapshot(): Promise<KernelSnapshot> {
    const namespaces = await this.#transport.snapshot();
    const faults = await this.#transport.faultReport();
    return { namespaces, pendingCalls: this.#pending.size, strayReplies: [...this.#stray], faults, time: this.#transport.now() };
  }

  /** Checks every invariant of docs/architecture.md over a snapshot taken at quiescence. */
  async checkInvariants(): Promise<InvariantViolation[]> {
    return checkInvariants(await this.snapshot());
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
    await this.#transport.advanceTo(this.#transport.now() + ms);
  }

  /** A procfs instance mounted for namespace `ns` (SEMANTICS 3.6); `reader` resolves `self`. */
  procfs(ns: NsRef | NsHandle, reader?: Process): ProcFs {
    return new ProcFs(this, ns instanceof NsHandle ? ns.ref : ns, reader);
  }

  /** A handle for a process the kernel reported (fork result, event). */
  handle(key: ProcKey, ns: NsRef, nspid: readonly number[]): Process {
    return new Process(this, key, ns, nspid);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#transport.close();
    const err = new Error('pidsim: the kernel was closed');
    for (const [id, p] of this.#pending) {
      this.#pending.delete(id);
      p.reject(err);
    }
  }
}
