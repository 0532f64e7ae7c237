// Where the actor of a new namespace goes. Namespace ids carry their worker
// in the low byte, so any thread routes a message without a directory.

import type { NsId } from '@pidsim/core';
import { asNsId } from '@pidsim/core';

/**
 * co-locate: a namespace lives with its parent, so a deep fork stays on one
 * worker; only the root's children - independent containers - are dealt
 * round-robin over the workers. spread: every namespace is dealt round-robin.
 */
export type Placement = 'co-locate' | 'spread';

/** Whether a namespace created at `level` by a worker goes round-robin rather than with its parent. */
export function dealtRoundRobin(placement: Placement, level: number): boolean {
  return placement === 'spread' || level === 1;
}

/** At most this many workers: the worker index fits the low byte of an id. */
export const MAX_WORKERS = 256;

/** The worker hosting namespace `ns`. */
export function workerOf(ns: NsId): number {
  return ns % MAX_WORKERS;
}

/** A namespace id unique over the kernel: (creator's sequence, creator, host). */
export function makeNsId(seq: number, creator: number, host: number): NsId {
  return asNsId((seq * MAX_WORKERS + creator) * MAX_WORKERS + host);
}

/** A per-worker unique number (process keys, timer tokens). */
export function makeLocalId(seq: number, worker: number): number {
  return seq * MAX_WORKERS + worker;
}
