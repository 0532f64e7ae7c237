// What a step observed, in one canonical JSON shape whatever the backend, and
// how an observation is matched against a step's expectation. Both backends
// build their observations with these functions, so a difference in shape can
// only be a difference in behaviour.

import { signalName } from '../index.js';
import type { Observation } from './scenario-schema.js';
import type { StatusField } from './scenario-backend.js';

export type { Observation };

/** How a child changed, as wait(2) reports it (SEMANTICS 5.1). */
export type ChildEvent =
  | { readonly kind: 'exited'; readonly code: number }
  | { readonly kind: 'killed'; readonly signal: number; readonly core: boolean }
  | { readonly kind: 'stopped'; readonly signal: number }
  | { readonly kind: 'continued' };

/** `{pid: 0}` when WNOHANG found nothing, else `{pid, status: "exited 3" | "killed SIGKILL" | ...}`. */
export function waitObservation(pid: number, event: ChildEvent | null): Observation {
  if (pid === 0 || event === null) return { pid };
  return { pid, status: describeEvent(event) };
}

export function describeEvent(e: ChildEvent): string {
  switch (e.kind) {
    case 'exited':
      return `exited ${e.code}`;
    case 'killed':
      return `killed ${signalName(e.signal)}${e.core ? ' (core dumped)' : ''}`;
    case 'stopped':
      return `stopped ${signalName(e.signal)}`;
    case 'continued':
      return 'continued';
  }
}

/** /proc/PID/status as the reader's procfs shows it; State as its letter (S, T, Z); Uid/Gid: real, effective, saved, filesystem. */
export interface ProcStatus {
  readonly state: string;
  readonly ppid: number;
  readonly nspid: readonly number[];
  readonly nspgid: readonly number[];
  readonly nssid: readonly number[];
  readonly uid: readonly number[];
  readonly gid: readonly number[];
}

export function statusObservation(s: ProcStatus, fields: readonly StatusField[]): Observation {
  const out: { [k: string]: Observation } = {};
  for (const f of fields) {
    const v = s[f];
    out[f] = typeof v === 'number' || typeof v === 'string' ? v : [...v];
  }
  return out;
}

const SIGCHLD = 17;
const CHILD_CODES: Readonly<Record<number, string>> = {
  1: 'CLD_EXITED',
  2: 'CLD_KILLED',
  3: 'CLD_DUMPED',
  4: 'CLD_TRAPPED',
  5: 'CLD_STOPPED',
  6: 'CLD_CONTINUED',
};
const SENDER_CODES: Readonly<Record<number, string>> = { 0: 'SI_USER', 128: 'SI_KERNEL', [-1]: 'SI_QUEUE', [-6]: 'SI_TKILL' };

/** The last siginfo a handler received, with si_code by name. */
export interface CaughtInfo {
  readonly pid: number;
  readonly code: number;
  readonly status: number;
}

/** `{count: 0}`, or `{count, pid, code}` (plus `status` for SIGCHLD): how often the handler ran and what it last saw. */
export function caughtObservation(sig: number, count: number, last: CaughtInfo | null): Observation {
  if (count === 0 || last === null) return { count };
  if (sig === SIGCHLD && CHILD_CODES[last.code]) return { count, pid: last.pid, code: CHILD_CODES[last.code]!, status: last.status };
  return { count, pid: last.pid, code: SENDER_CODES[last.code] ?? last.code };
}

/** A signal set as sorted names: ["SIGUSR1", "SIGTERM"]. */
export function signalList(sigs: Iterable<number>): Observation {
  return [...new Set(sigs)].sort((a, b) => a - b).map((s) => signalName(s));
}

/** Signals in the order they came (handler runs): ["SIGUSR2", "SIGUSR1"]. */
export function deliveryList(sigs: Iterable<number>): Observation {
  return [...sigs].map((s) => signalName(s));
}

/** kill with `report`: `{ result: 0, caught: { SIGUSR1: 1 } }`, the handlers that had run when kill returned. */
export function killReportObservation(handled: Readonly<Record<number, number>>): Observation {
  const caught: { [k: string]: Observation } = {};
  for (const sig of Object.keys(handled).map(Number).sort((a, b) => a - b)) if (handled[sig]! > 0) caught[signalName(sig)] = handled[sig]!;
  return { result: 0, caught };
}

/** /proc/self/fdinfo/FD of a pidfd: `{pid, nspid, flags}`, flags in octal as Linux prints them ("02000002"). */
export function fdinfoObservation(pid: number, nspid: readonly number[], flags: string): Observation {
  return { pid, nspid: [...nspid], flags };
}

/** poll(2) on a pidfd with a zero timeout: the events, `[POLLIN, POLLHUP]`, `[POLLIN]` or `[]`. */
export function pollObservation(readable: boolean, hangup: boolean): Observation {
  return [...(readable ? ['POLLIN'] : []), ...(hangup ? ['POLLHUP'] : [])];
}

/** An errno name such as "ESRCH". */
export function isErrnoName(o: Observation): o is string {
  return typeof o === 'string' && /^E[A-Z0-9]+$/.test(o);
}

/**
 * Whether `observed` satisfies `expected`: equal values, except that an
 * expected mapping only constrains the keys it names.
 */
export function matchesExpectation(expected: Observation, observed: Observation): boolean {
  if (Array.isArray(expected)) {
    return Array.isArray(observed) && expected.length === observed.length && expected.every((v, i) => matchesExpectation(v, observed[i]!));
  }
  if (expected !== null && typeof expected === 'object') {
    if (observed === null || typeof observed !== 'object' || Array.isArray(observed)) return false;
    return Object.entries(expected).every(([k, v]) => k in observed && matchesExpectation(v, observed[k]!));
  }
  return expected === observed;
}

/** Exact equality, for comparing two backends. */
export function sameObservation(a: Observation, b: Observation): boolean {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

function canonical(o: Observation): Observation {
  if (Array.isArray(o)) return o.map(canonical);
  if (o !== null && typeof o === 'object') {
    const out: { [k: string]: Observation } = {};
    for (const k of Object.keys(o).sort()) out[k] = canonical(o[k]!);
    return out;
  }
  return o;
}

/**
 * Why `observed` does not satisfy `expected`, for messages: the two
 * renderings, and their types where the renderings alone look the same
 * (`expected 1 (a string), observed 1 (a number)`).
 */
export function explainMismatch(expected: readonly Observation[], observed: Observation): string {
  const want = expected.length === 1 ? renderObservation(expected[0]!) : `one of ${expected.map(renderObservation).join(' | ')}`;
  const seen = renderObservation(observed);
  const same = expected.find((e) => renderObservation(e) === seen);
  if (same === undefined) return `expected ${want}, observed ${seen}`;
  return `expected ${want} (${kindOf(same)}), observed ${seen} (${kindOf(observed)})`;
}

function kindOf(o: Observation): string {
  if (o === null) return 'null';
  if (Array.isArray(o)) return 'a list';
  if (typeof o === 'object') return 'a mapping';
  return typeof o === 'number' ? 'a number' : typeof o === 'boolean' ? 'a boolean' : 'a string';
}

/** Compact text for tables: `{pid: 2, status: exited 3}`, `[1 2 3]`, `ESRCH`. */
export function renderObservation(o: Observation): string {
  if (o === null) return 'null';
  if (Array.isArray(o)) return `[${o.map(renderObservation).join(' ')}]`;
  if (typeof o === 'object') return `{${Object.entries(o).map(([k, v]) => `${k}: ${renderObservation(v)}`).join(', ')}}`;
  return String(o);
}
