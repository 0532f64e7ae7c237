// Where the actor of a new namespace goes: a placement policy, chosen by the
// user (one of the two built in, or a function of their own). Namespace ids
// carry their worker in the low byte, so any thread routes a message without
// a directory.

import type { NsId } from '@pidsim/core';
import { asNsId } from '@pidsim/core';

/** What a placement policy is told of a namespace being created. */
export interface NamespacePlacement {
  /** Its level: 1 for a child of the root namespace, up to 32. */
  readonly level: number;
  /** The worker hosting its parent namespace, where the fork or unshare creating it runs. */
  readonly parentWorker: number;
  /** How many namespaces that worker has created, this one included (1, 2, ...): material for dealing round-robin. */
  readonly serial: number;
  /** How many workers the kernel has. */
  readonly workers: number;
}

/**
 * A placement policy: the index of the worker (0 .. workers-1) that hosts a
 * new namespace. It runs on the worker threads, rebuilt from its source, so
 * it must be a self-contained function (no variables from around it).
 */
export type PlacementPolicy = (ns: NamespacePlacement) => number;

/**
 * co-locate: a namespace lives with its parent, so a deep fork stays on one
 * worker; only the root's children - independent containers - are dealt
 * round-robin over the workers. spread: every namespace is dealt round-robin.
 * Or a policy of the user's.
 */
export type Placement = 'co-locate' | 'spread' | PlacementPolicy;

/** A placement as it travels to a worker: a built-in's name, or a policy's source. */
export type PlacementSpec = 'co-locate' | 'spread' | { readonly source: string };

const BUILT_IN: Record<'co-locate' | 'spread', PlacementPolicy> = {
  'co-locate': ({ level, parentWorker, serial, workers }) => (level === 1 ? (parentWorker + serial) % workers : parentWorker),
  spread: ({ parentWorker, serial, workers }) => (parentWorker + serial) % workers,
};

/** The spec of a placement, or a TypeError naming what is wrong with it (a policy is compiled from its source and tried once). */
export function placementSpec(placement: Placement, workers: number): PlacementSpec {
  if (placement === 'co-locate' || placement === 'spread') return placement;
  if (typeof placement !== 'function') {
    throw new TypeError(`createKernel: option \`placement\` must be 'co-locate', 'spread' or a function (ns) => workerIndex, received ${JSON.stringify(placement)}`);
  }
  const spec = { source: placement.toString() };
  const policy = compilePolicy(spec);
  checkPlaced(policy, { level: 1, parentWorker: 0, serial: 1, workers });
  return spec;
}

/** The policy a spec names; a policy's source is compiled as an expression, as each worker does. */
export function compilePolicy(spec: PlacementSpec): PlacementPolicy {
  if (typeof spec === 'string') return BUILT_IN[spec];
  let policy: unknown;
  try {
    policy = new Function(`"use strict"; return (${spec.source});`)();
  } catch (err) {
    throw new TypeError(
      `createKernel: a placement function runs on the worker threads from its source, so it must be a function expression or an arrow function; compiling ${JSON.stringify(spec.source)} failed: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
  if (typeof policy !== 'function') throw new TypeError(`createKernel: the placement source ${JSON.stringify(spec.source)} is not a function`);
  return policy as PlacementPolicy;
}

/** The worker `policy` places `ns` on, or a TypeError naming the answer (or the error) it gave. */
export function checkPlaced(policy: PlacementPolicy, ns: NamespacePlacement): number {
  let w: unknown;
  try {
    w = policy(ns);
  } catch (err) {
    throw new TypeError(
      `createKernel: the placement function threw for ${JSON.stringify(ns)}: ${err instanceof Error ? err.message : String(err)} (it runs on the worker threads from its source: it may use only its argument)`,
    );
  }
  if (typeof w !== 'number' || !Number.isInteger(w) || w < 0 || w >= ns.workers) {
    throw new TypeError(`createKernel: the placement function must return a worker index 0..${ns.workers - 1}, returned ${String(w)} for ${JSON.stringify(ns)}`);
  }
  return w;
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
