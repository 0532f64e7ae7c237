// A process's PID numbers as a value: the emulator's `struct pid`. It carries
// the namespace chain (root first) and the number at each level, so any actor
// can translate it for any viewer without asking anyone (SEMANTICS 1.1, 3.2).

import type { NsId, ProcKey } from './ids.js';

export interface PidRef {
  /** The process (or, once reaped, the group/session) this struct pid belongs to. */
  readonly key: ProcKey;
  /** Namespaces from the root (index 0) to the one the PID was allocated in. */
  readonly chain: readonly NsId[];
  /** nums[level] is the PID in chain[level]. */
  readonly nums: readonly number[];
}

/** The namespace that allocated this PID (the owner of its records). */
export function ownerNs(ref: PidRef): NsId {
  return ref.chain[ref.chain.length - 1]!;
}

export function levelOf(ref: PidRef): number {
  return ref.chain.length - 1;
}

/**
 * pid_nr_ns(): the number of `ref` in the namespace `ns` at `level`, or 0 when
 * the process is not visible there (SEMANTICS 3.2).
 */
export function nrIn(ref: PidRef, ns: NsId, level: number): number {
  return level < ref.chain.length && ref.chain[level] === ns ? ref.nums[level]! : 0;
}

/** Whether namespace `ns` at `level` is `chain`'s namespace or one of its ancestors. */
export function onChain(chain: readonly NsId[], ns: NsId, level: number): boolean {
  return level < chain.length && chain[level] === ns;
}
