// What a namespace actor may ask of whatever runs it. The actor is a pure
// state machine: it never awaits, never reads a clock, never touches a
// thread; everything that leaves it goes through this interface.

import type {
  ActorMsg,
  CallId,
  KernelEvent,
  NsId,
  NsInit,
  ProcKey,
  Result,
} from '@pidsim/core';
import type { KernelTables } from './kernel-tables.js';

export interface ActorHost {
  /** Deliver `msg` to the actor of namespace `to` (never the sender itself). Per-link FIFO. */
  send(to: NsId, msg: ActorMsg): void;
  /** Answer a syscall of the client. */
  reply(id: CallId, result: Result<unknown>): void;
  /** Whether anyone listens to events; when false the actor skips building them. */
  readonly eventsEnabled: boolean;
  emit(event: KernelEvent): void;
  /** Create the actor of a new namespace; it is addressable as soon as this returns. */
  spawn(init: NsInit): void;
  /**
   * The namespace is dead and unreferenced: its inode and count go back now;
   * the actor itself is dropped at the next quiescent point, so messages
   * already on their way still find it.
   */
  retire(ns: NsId): void;
  /** Ask for a `timer-fired` message to `ns` after `delayMs` of virtual time. */
  setTimer(ns: NsId, proc: ProcKey, token: number, delayMs: number): void;
  cancelTimer(token: number): void;
  /** Virtual time in milliseconds since boot (the injected clock; never the real one). */
  now(): number;
  /** Identifiers unique across the whole kernel (every worker), deterministic per run. */
  nextProcKey(): ProcKey;
  nextNsId(): NsId;
  nextToken(): number;
  /**
   * Kernel-wide tables every actor shares: namespace inodes (lowest free
   * first, 2.13), PID-namespace counts and limits per user namespace (2.12).
   */
  readonly tables: KernelTables;
}
