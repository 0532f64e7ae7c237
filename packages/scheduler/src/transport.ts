// The seam between the Kernel API and wherever the actors run. Every
// transport runs the same NamespaceActor code; only delivery differs.

import type { ActorMsg, ActorSnapshot, CallId, KernelEvent, NsId, NsRef, ProcKey, Result } from '@pidsim/core';

/** What a transport reports back to the Kernel API. */
export interface TransportSink {
  reply(id: CallId, result: Result<unknown>): void;
  event(event: KernelEvent): void;
  /** Nothing is in flight any more (the kernel may advance virtual time). */
  idle(): void;
  /** The transport can no longer run (a worker died); every pending call must fail. */
  failed(cause: Error): void;
}

/** What a transport has done and holds so far, read without changing anything (benchmarks). */
export interface TransportUsage {
  readonly kind: 'inline' | 'threads';
  /** Worker threads (0 inline). */
  readonly workers: number;
  /** Messages delivered to actors so far. */
  readonly delivered: number;
  /** Messages a worker posted to another worker so far (none to or from the main thread count); 0 inline. */
  readonly crossWorkerMessages: number;
  readonly memory: {
    /** Every live namespace's PID table (allocator header and bitmap, rows) at its buffers' current size. */
    readonly pidTableBytes: number;
    /** The part of pidTableBytes in resizable or growable buffers, which process.memoryUsage().arrayBuffers does not count. */
    readonly pidTableResizableBytes: number;
    /** The kernel-wide shared tables (one fixed-size SharedArrayBuffer, which arrayBuffers counts). */
    readonly kernelTableBytes: number;
  };
}

export interface Transport {
  readonly kind: 'inline' | 'threads';
  /** The root namespace. */
  readonly rootNs: NsId;
  /** The global init (PID 1 of the root namespace), booted with the transport. */
  readonly rootInit: { readonly key: ProcKey; readonly ns: NsRef };
  /** Send a syscall (or a handle's close) from the client to an actor. */
  post(to: NsId, msg: ActorMsg): void;
  /** Resolves when no message is in flight anywhere. */
  settled(): Promise<void>;
  /** Every live actor's state, taken at quiescence. */
  snapshot(): Promise<ActorSnapshot[]>;
  /** Protocol faults seen so far: messages that reached no actor, actors that threw. */
  faultReport(): Promise<string[]>;
  setEventsEnabled(on: boolean): void;
  /** Virtual time of the kernel, advanced by the Kernel API. */
  advanceTo(at: number): Promise<void>;
  nextTimerAt(): number | undefined;
  /** Moves virtual time to the earliest pending timer and fires it; false if there is none. */
  fireNextTimer(): boolean;
  now(): number;
  /** Counters and memory, for benchmarks: nothing is changed, nothing waits for quiescence. */
  usage(): Promise<TransportUsage>;
  close(): Promise<void>;
}
