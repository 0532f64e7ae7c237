// The JSON report of `pidsim stress --report FILE` (docs/stress.md lists
// every field), for one run or for a farm of seeds, and the few summary lines
// the CLI prints from the same figures.

import { summarize, type LatencySummary } from './latency-histogram.js';
import type { LedgerCounts } from './event-ledger.js';
import { totalCalls, type RunCounters } from './run-stats.js';
import type { ShrinkResult } from './shrinker.js';
import type { StressFailure } from './stress-failure.js';
import type { StressResult } from './stress-run.js';
import { count, duration } from './progress-display.js';
import { skipVerdict } from './skip-verdict.js';

export const REPORT_VERSION = 1;

export interface SyscallReport {
  readonly calls: number;
  readonly ok: number;
  readonly errors: Readonly<Record<string, number>>;
  readonly latencyMs: LatencySummary;
}

export interface ShrinkReport {
  readonly reproduced: boolean;
  readonly operations: number;
  readonly originalOperations: number;
  readonly choices: number;
  readonly originalChoices: number | null;
  readonly chaos: number | null;
  readonly trials: number;
  readonly seconds: number;
  readonly budgetExhausted: boolean;
  readonly interrupted: boolean;
  readonly ops: readonly number[];
  readonly replay: string;
  readonly failure: StressFailure | null;
}

const seconds = (ms: number): number => Math.round(ms) / 1000;
const rate = (n: number, ms: number): number => (ms > 0 ? Math.round((n * 1000) / ms) : 0);

export function syscallReports(c: RunCounters): Record<string, SyscallReport> {
  const out: Record<string, SyscallReport> = {};
  for (const name of Object.keys(c.syscalls).sort()) {
    const s = c.syscalls[name]!;
    out[name] = { calls: s.calls, ok: s.ok, errors: { ...s.errors }, latencyMs: summarize(s.latency) };
  }
  return out;
}

export function shrinkReport(s: ShrinkResult, replay: string): ShrinkReport {
  return {
    reproduced: s.reproduced,
    operations: s.ops.length,
    originalOperations: s.originalOps,
    choices: s.choices,
    originalChoices: s.originalChoices,
    chaos: s.chaos,
    trials: s.trials,
    seconds: seconds(s.elapsedMs),
    budgetExhausted: s.budgetExhausted,
    interrupted: s.interrupted,
    ops: s.ops,
    replay,
    failure: s.failure,
  };
}

/** The figures shared by a run's and a farm's report; rates are per second of running (`runMs`: planning issues no call). */
function figures(c: RunCounters, e: LedgerCounts, runMs: number, opsPlanned: number, checkMs: number) {
  const calls = totalCalls(c);
  const skips = skipVerdict(c);
  return {
    operations: {
      planned: opsPlanned,
      done: c.opsDone,
      skipped: c.opsSkipped,
      skippedFraction: Math.round(skips.fraction * 1000) / 1000,
      perSecond: rate(c.opsDone, runMs),
      byKind: { ...c.opsByKind },
    },
    syscalls: { total: calls, perSecond: rate(calls, runMs), perSecondOutsideChecks: rate(calls, runMs - checkMs), byName: syscallReports(c) },
    forks: { attempted: c.forksAttempted, succeeded: c.forksSucceeded, perSecond: rate(c.forksSucceeded, runMs) },
    processes: { created: e.processesCreated, exited: e.processesExited, reaped: e.processesReaped, peakLive: e.peakLiveProcesses },
    namespaces: { created: e.namespacesCreated, destroyed: e.namespacesDestroyed, peakLive: e.peakLiveNamespaces, deepestLevel: e.deepestLevel },
    signals: { delivered: e.signalsDelivered, ignored: e.signalsIgnored },
    reparents: e.reparents,
    pidfds: { reusesProbed: c.pidfdReusesProbed },
    threads: { created: c.threadsCreated, execsWon: c.threadExecsWon },
    memory: { peakRssBytes: c.peakRssBytes, peakHeapUsedBytes: c.peakHeapUsedBytes },
  };
}

/** A run's outcome: `incomplete` passed every check but skipped most of its operations; `interrupted` was stopped (SIGINT) before a failure was found. */
export type RunVerdict = 'passed' | 'failed' | 'incomplete' | 'interrupted';

export interface RunReportInput {
  readonly result: StressResult;
  readonly verdict: RunVerdict;
  /** The signal that stopped the command, if one did. */
  readonly stoppedBy: string | null;
  readonly allowSkips: boolean;
  /** The command that replays this run. */
  readonly command: string;
  readonly workers?: number | undefined;
  readonly placement?: string | undefined;
  readonly opsOption?: readonly number[] | undefined;
  readonly shrunk: ShrinkReport | null;
  /** The inline command that replays the workload of a threads run. */
  readonly inlineReplay?: string | undefined;
}

export function runReport(i: RunReportInput) {
  const r = i.result;
  const f = figures(r.counters, r.events, r.wallMs - r.planningMs, r.opsSelected, r.checkMs);
  return {
    tool: 'pidsim stress',
    reportVersion: REPORT_VERSION,
    generatedAt: new Date().toISOString(),
    command: i.command,
    ...(i.inlineReplay ? { inlineReplay: i.inlineReplay } : {}),
    seed: r.seed,
    transport: r.transport,
    options: {
      ...r.shape,
      workers: i.workers ?? null,
      placement: i.placement ?? null,
      chaos: r.chaos,
      ops: i.opsOption ? i.opsOption.length : null,
      pidMax: r.pidMax,
      allowSkips: i.allowSkips,
    },
    result: i.verdict,
    interrupted: i.stoppedBy,
    failure: r.failure,
    shrunk: i.shrunk,
    wallSeconds: seconds(r.wallMs),
    planningSeconds: seconds(r.planningMs),
    rounds: { planned: r.roundsPlanned, done: r.roundsDone },
    ...f,
    processes: { ...f.processes, liveAtEnd: r.liveAtEnd.processes },
    namespaces: { ...f.namespaces, liveAtEnd: r.liveAtEnd.namespaces, activeAtEnd: r.liveAtEnd.activeNamespaces },
    checks: {
      quiescent: r.quiescentChecks,
      quiescentSeconds: seconds(r.checkMs),
      eventStream: r.transport === 'inline',
      eventsSeen: r.events.events,
    },
    scheduling: { choices: r.choices, chaos: r.chaos },
    traceDigest: r.digest,
  };
}

export interface FarmReportInput {
  readonly command: string;
  readonly firstSeed: number;
  readonly seeds: number;
  /** Pool threads. */
  readonly threads: number;
  /** The kernel each seed ran on (default: inline): threads gives its kernel workers and placement. */
  readonly kernel?: { readonly transport: 'inline' } | { readonly transport: 'threads'; readonly workers: number; readonly placement: string } | undefined;
  readonly shape: StressResult['shape'];
  readonly results: readonly StressResult[];
  /** Seeds whose task itself failed (a worker died, or the watchdog stopped it). */
  readonly lost: readonly { readonly seed: number; readonly failure: StressFailure }[];
  readonly totals: RunCounters;
  readonly events: LedgerCounts;
  readonly wallMs: number;
  readonly mainPeakRssBytes: number;
  readonly replays: ReadonlyMap<number, string>;
  /** threads: the inline command that replays a failed seed's workload. */
  readonly inlineReplays?: ReadonlyMap<number, string> | undefined;
  readonly shrunk: (ShrinkReport & { readonly seed: number }) | null;
  /** Default: "failed" if a seed failed, else "passed". */
  readonly verdict?: RunVerdict | undefined;
  /** The signal that stopped the farm (default: none). */
  readonly stoppedBy?: string | null | undefined;
  /** Seeds that never reported, the farm having been stopped (default 0). */
  readonly unfinished?: number | undefined;
  /** An explicit --pid-max (default: none, each seed had what its plan needs). */
  readonly pidMax?: number | undefined;
  readonly allowSkips?: boolean | undefined;
}

export function farmReport(i: FarmReportInput) {
  const failed = [
    ...i.results.filter((r) => !r.passed).map((r) => ({ seed: r.seed, failure: r.failure })),
    ...i.lost.map((l) => ({ seed: l.seed, failure: l.failure })),
  ].sort((a, b) => a.seed - b.seed);
  const opsPlanned = i.results.reduce((n, r) => n + r.opsSelected, 0);
  const f = figures(i.totals, i.events, i.wallMs, opsPlanned, 0);
  const kernel = i.kernel ?? { transport: 'inline' };
  const threads = kernel.transport === 'threads' ? kernel : null;
  return {
    tool: 'pidsim stress',
    reportVersion: REPORT_VERSION,
    generatedAt: new Date().toISOString(),
    command: i.command,
    seeds: { first: i.firstSeed, count: i.seeds, threads: i.threads },
    transport: kernel.transport,
    options: { ...i.shape, workers: threads?.workers ?? null, placement: threads?.placement ?? null, pidMax: i.pidMax ?? null, allowSkips: i.allowSkips ?? false },
    result: i.verdict ?? (failed.length === 0 ? 'passed' : 'failed'),
    interrupted: i.stoppedBy ?? null,
    passed: i.results.filter((r) => r.passed).length,
    unfinished: i.unfinished ?? 0,
    failed: failed.map((x) => ({ ...x, replay: i.replays.get(x.seed) ?? null, ...(threads ? { inlineReplay: i.inlineReplays?.get(x.seed) ?? null } : {}) })),
    shrunk: i.shrunk,
    wallSeconds: seconds(i.wallMs),
    seedsPerSecond: Math.round((i.results.length * 1e6) / Math.max(1, i.wallMs)) / 1000,
    ...f,
    memory: { ...f.memory, mainPeakRssBytes: i.mainPeakRssBytes },
    perSeed: i.results.map((r) => ({
      seed: r.seed,
      transport: r.transport,
      result: r.passed ? 'passed' : 'failed',
      wallSeconds: seconds(r.wallMs),
      pidMax: r.pidMax,
      forks: r.counters.forksSucceeded,
      skippedOperations: r.counters.opsSkipped,
      syscalls: totalCalls(r.counters),
      choices: r.choices,
      traceDigest: r.digest,
    })),
  };
}

/**
 * The lines the CLI prints after a run: throughput, what was created and
 * destroyed, latency per syscall. `wallMs` includes `planningMs`; rates are
 * per second of running.
 */
export function summaryLines(c: RunCounters, e: LedgerCounts, wallMs: number, times: { readonly checkMs?: number; readonly planningMs?: number } = {}): string[] {
  const calls = totalCalls(c);
  const runMs = wallMs - (times.planningMs ?? 0);
  const checks = times.checkMs === undefined ? '' : ` (${count(rate(calls, runMs - times.checkMs))}/s outside the ${duration(times.checkMs)} of quiescent checks)`;
  const planning = times.planningMs === undefined ? '' : ` (${duration(times.planningMs)} of it planning)`;
  const lines = [
    `  ${count(c.forksSucceeded)} forks, ${opsText(c.opsDone, c.opsSkipped, 'operations')}, ${count(calls)} syscalls in ${duration(wallMs)}${planning}: ${count(rate(calls, runMs))} syscalls/s${checks}, ${count(rate(c.forksSucceeded, runMs))} forks/s`,
    `  processes: ${count(e.processesCreated)} created, ${count(e.processesReaped)} reaped, peak ${count(e.peakLiveProcesses)} live; namespaces: ${count(e.namespacesCreated)} created, ${count(e.namespacesDestroyed)} destroyed, deepest level ${e.deepestLevel}`,
  ];
  const lat = Object.entries(syscallReports(c))
    .filter(([, s]) => s.calls > 0)
    .sort((a, b) => b[1].calls - a[1].calls)
    .slice(0, 6)
    .map(([name, s]) => `${name} ${fmtMs(s.latencyMs.p50Ms)}/${fmtMs(s.latencyMs.p99Ms)}`);
  if (lat.length) lines.push(`  latency p50/p99 ms: ${lat.join(', ')}`);
  lines.push(`  peak memory: ${Math.round(c.peakRssBytes / 1048576)} MiB rss`);
  return lines;
}

/** Operations as the progress line and the summary both count them: "21,755 operations (+2,004 skipped)". */
export function opsText(done: number, skipped: number, unit: string): string {
  return `${count(done)} ${unit}${skipped > 0 ? ` (+${count(skipped)} skipped)` : ''}`;
}

function fmtMs(ms: number): string {
  return ms >= 10 ? ms.toFixed(0) : ms >= 1 ? ms.toFixed(1) : ms.toFixed(2);
}
