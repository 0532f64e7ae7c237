// What a stress run counts as it goes: syscalls by name (outcomes and
// latency), operations done and skipped, forks, peak memory. Kept as plain
// data so a piscina task can hand it back and a farm can add seeds up.

import { mergeHistogram, newHistogram, recordLatency, type LatencyHistogram } from './latency-histogram.js';

export interface SyscallStats {
  calls: number;
  ok: number;
  /** Kernel errors (legitimate outcomes of a race) by errno name. */
  readonly errors: Record<string, number>;
  readonly latency: LatencyHistogram;
}

export interface RunCounters {
  readonly syscalls: Record<string, SyscallStats>;
  opsDone: number;
  /** Operations whose processes never came to exist (their fork failed, or `--ops` left it out). */
  opsSkipped: number;
  readonly opsByKind: Record<string, number>;
  forksAttempted: number;
  forksSucceeded: number;
  /** pidfd-reuse operations whose reaped child's PID a new process did take: the old pidfds were probed across a reuse. */
  pidfdReusesProbed: number;
  /** Threads created by thread-group operations, and exec races the execve won (the exit_group lost). */
  threadsCreated: number;
  threadExecsWon: number;
  peakRssBytes: number;
  peakHeapUsedBytes: number;
}

export function newCounters(): RunCounters {
  return {
    syscalls: {},
    opsDone: 0,
    opsSkipped: 0,
    opsByKind: {},
    forksAttempted: 0,
    forksSucceeded: 0,
    pidfdReusesProbed: 0,
    threadsCreated: 0,
    threadExecsWon: 0,
    peakRssBytes: 0,
    peakHeapUsedBytes: 0,
  };
}

export function syscallStats(c: RunCounters, name: string): SyscallStats {
  return (c.syscalls[name] ??= { calls: 0, ok: 0, errors: {}, latency: newHistogram() });
}

export function recordCall(c: RunCounters, name: string, ms: number, errno: string | null): void {
  const s = syscallStats(c, name);
  s.calls++;
  if (errno === null) s.ok++;
  else s.errors[errno] = (s.errors[errno] ?? 0) + 1;
  recordLatency(s.latency, ms);
}

export function sampleMemory(c: RunCounters): void {
  const m = process.memoryUsage();
  if (m.rss > c.peakRssBytes) c.peakRssBytes = m.rss;
  if (m.heapUsed > c.peakHeapUsedBytes) c.peakHeapUsedBytes = m.heapUsed;
}

export function totalCalls(c: RunCounters): number {
  let n = 0;
  for (const s of Object.values(c.syscalls)) n += s.calls;
  return n;
}

/** Adds `from` into `into` (a farm's totals over its seeds). */
export function mergeCounters(into: RunCounters, from: RunCounters): void {
  for (const [name, s] of Object.entries(from.syscalls)) {
    const t = syscallStats(into, name);
    t.calls += s.calls;
    t.ok += s.ok;
    for (const [code, n] of Object.entries(s.errors)) t.errors[code] = (t.errors[code] ?? 0) + n;
    mergeHistogram(t.latency, s.latency);
  }
  into.opsDone += from.opsDone;
  into.opsSkipped += from.opsSkipped;
  for (const [kind, n] of Object.entries(from.opsByKind)) into.opsByKind[kind] = (into.opsByKind[kind] ?? 0) + n;
  into.forksAttempted += from.forksAttempted;
  into.forksSucceeded += from.forksSucceeded;
  into.pidfdReusesProbed += from.pidfdReusesProbed ?? 0;
  into.threadsCreated += from.threadsCreated ?? 0;
  into.threadExecsWon += from.threadExecsWon ?? 0;
  into.peakRssBytes = Math.max(into.peakRssBytes, from.peakRssBytes);
  into.peakHeapUsedBytes = Math.max(into.peakHeapUsedBytes, from.peakHeapUsedBytes);
}
