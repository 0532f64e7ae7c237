// A failure found by a stress run, as plain data: which invariant of
// docs/architecture.md broke (or that a call hung, or the kernel threw), the
// processes involved, and the calls still pending. Also how it reads on a
// terminal, and when a shrinking trial counts as "the same failure".

import { INVARIANTS } from '@pidsim/core';

export type FailureKind =
  /** A violation of invariants 1-7, found by the quiescent check, the event stream or a call's result. */
  | 'invariant'
  /** A call that never settled: the system is quiescent and it is still pending (invariant 6). */
  | 'hang'
  /** A call answered something impossible (waitpid() after SIGKILL reporting another child). */
  | 'result'
  /** Something other than a KernelError: a worker thread died, an actor threw, an API misbehaved. */
  | 'crash';

export type DetectedBy = 'quiescent check' | 'event stream' | 'call result' | 'watchdog' | 'exception';

export interface Violation {
  readonly invariant: number | null;
  readonly message: string;
  /** Processes described: key, NSpid from the root, name (the workload slot, `s12`), state. */
  readonly processes: readonly string[];
}

export interface PendingCall {
  /** Index of the operation in the workload (what `--ops` names). */
  readonly op: number;
  readonly kind: string;
  readonly syscall: string;
  /** The calling process, described; with its state in the kernel when a snapshot could be taken. */
  readonly process: string;
  readonly forMs: number;
}

export interface StressFailure {
  readonly kind: FailureKind;
  /** 1-7 (docs/architecture.md "Invariants"); 6 for a hang; null for a crash. */
  readonly invariant: number | null;
  /** The invariant's statement, or what went wrong. */
  readonly title: string;
  readonly detectedBy: DetectedBy;
  /** The round (quiescent point) it was found in, from 0 (-1: not known, a farm task that never answered). */
  readonly round: number;
  /** Every problem found at that point; the first is the failure. */
  readonly violations: readonly Violation[];
  /** Calls that had not settled when the run stopped. */
  readonly pending: readonly PendingCall[];
}

export function invariantTitle(n: number | null): string {
  return n === null ? 'the kernel failed' : (INVARIANTS[n] ?? `invariant ${n}`);
}

export function makeFailure(
  kind: FailureKind,
  detectedBy: DetectedBy,
  round: number,
  violations: readonly Violation[],
  pending: readonly PendingCall[] = [],
): StressFailure {
  const first = violations[0];
  const invariant = kind === 'hang' ? 6 : kind === 'crash' ? null : (first?.invariant ?? null);
  const title =
    kind === 'crash'
      ? 'the kernel failed: an actor threw, or a call ended with something other than an errno'
      : kind === 'result' && invariant === null
        ? 'a syscall returned an impossible result'
        : invariantTitle(invariant);
  return { kind, invariant, title, detectedBy, round, violations, pending };
}

/** A message without its numbers (keys, PIDs, namespaces and op indices change as a run shrinks). */
const shapeOf = (message: string | undefined): string => (message ?? '').replace(/\d+/g, 'N').slice(0, 80);

/**
 * Whether a shrinking trial reproduced `target`: the same kind; for an
 * invariant the same one among what the trial found; for a crash the same
 * error (its message, numbers aside).
 */
export function sameFailure(trial: StressFailure | null, target: StressFailure): boolean {
  if (!trial || trial.kind !== target.kind) return false;
  if (target.kind === 'crash') return shapeOf(trial.violations[0]?.message.replace(/^op #\d+: \S+ /, '')) === shapeOf(target.violations[0]?.message.replace(/^op #\d+: \S+ /, ''));
  if (target.kind !== 'invariant') return true;
  return trial.invariant === target.invariant || trial.violations.some((v) => v.invariant === target.invariant);
}

const FOUND: Readonly<Record<DetectedBy, string>> = {
  'quiescent check': 'by the full check at the quiescent point ending',
  'event stream': 'in the event stream during',
  'call result': "in a call's result during",
  watchdog: 'by the watchdog during',
  exception: 'as an uncaught exception during',
};

/** The failure as the CLI prints it (indented lines, no trailing newline). */
export function formatFailure(f: StressFailure, indent = '  ', maxItems = 8): string {
  const lines: string[] = [];
  const head = f.invariant === null ? f.title : `invariant ${f.invariant}: ${f.title}`;
  lines.push(`${indent}${head}`);
  lines.push(`${indent}found ${FOUND[f.detectedBy]} ${f.round >= 0 ? `round ${f.round + 1}` : 'the run'}`);
  const shown = f.violations.slice(0, maxItems);
  for (const v of shown) {
    const tag = v.invariant === null ? '' : `[${v.invariant}] `;
    lines.push(`${indent}  ${tag}${v.message}`);
  }
  if (f.violations.length > shown.length) lines.push(`${indent}  ... and ${f.violations.length - shown.length} more`);
  const procs = [...new Set(f.violations.flatMap((v) => v.processes))];
  if (procs.length > 0) {
    lines.push(`${indent}processes involved:`);
    for (const p of procs.slice(0, maxItems)) lines.push(`${indent}  ${p}`);
    if (procs.length > maxItems) lines.push(`${indent}  ... and ${procs.length - maxItems} more`);
  }
  if (f.pending.length > 0) {
    lines.push(`${indent}calls that never settled:`);
    for (const c of f.pending.slice(0, maxItems)) {
      lines.push(`${indent}  op #${c.op} (${c.kind}): ${c.syscall} by ${c.process}, pending ${Math.round(c.forMs)} ms`);
    }
    if (f.pending.length > maxItems) lines.push(`${indent}  ... and ${f.pending.length - maxItems} more`);
  }
  return lines.join('\n');
}
