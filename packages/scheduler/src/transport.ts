// The seam between the Kernel API and wherever the actors run. Every
// transport runs the same NamespaceActor code; only delivery differs.

import type { ActorMsg, ActorSnapshot, CallId, KernelEvent, NsId, Result } from '@pidsim/core';

/** What a transport reports back to the Kernel API. */
export interface TransportSink {
  reply(id: CallId, result: Result<unknown>): void;
  event(event: KernelEvent): void;
  /** Nothing is in flight any more (the kernel may advance virtual time). */
  idle(): void;
  /** The transport can no longer run (a worker died); every pending call must fail. */
  failed(cause: Error): void;
}

export interface Transport {
  readonly kind: 'inline' | 'threads';
  /** The root namespace and the key of its init, once booted. */
  readonly rootNs: NsId;
  /** Send a syscall (or a handle's close) from the client to an actor. */
  post(to: NsId, msg: ActorMsg): void;
  /** Resolves when no message is in flight anywhere. */
  settled(): Promise<void>;
  /** Every live actor's state, taken at quiescence. */
  snapshot(): Promise<ActorSnapshot[]>;
  setEventsEnabled(on: boolean): void;
  /** Virtual time of the kernel, advanced by the Kernel API. */
  advanceTo(at: number): Promise<void>;
  nextTimerAt(): number | undefined;
  now(): number;
  close(): Promise<void>;
}
