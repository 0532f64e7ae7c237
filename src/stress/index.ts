// pidsim stress: seeded workloads that hammer a kernel with concurrent
// forks, cascades and signal storms, check every invariant, and shrink a
// failure to a replayable reproducer. The CLI entry and the library pieces
// its tests use.

export { runStressCli } from './stress-cli.js';
export type { StressIo } from './stress-cli.js';
export { parseStressArgs, stressOptionsOf, STRESS_COMMAND, STRESS_DEFAULTS } from './stress-options.js';
export type { StressCliOptions } from './stress-options.js';
export { inlineSlice, pidMaxFor, runStress } from './stress-run.js';
export type { RunProgress, StressResult, StressRunOptions } from './stress-run.js';
export { generateWorkload, planWorkload, namespaceBudget, roundSize } from './workload-generator.js';
export type { PlanOptions, PlanProgress, Workload, WorkloadShape } from './workload-generator.js';
export { describeOp, forksOf, OP_KINDS } from './workload-ops.js';
export type { ChildProgram, Slot, StressOp, StressOpKind } from './workload-ops.js';
export { shrinkFailure } from './shrinker.js';
export type { ShrinkOptions, ShrinkResult } from './shrinker.js';
export { addEvents, emptyEvents, runSeedFarm } from './seed-farm.js';
export { SeedPool, isTaskFailure } from './seed-pool.js';
export type { SeedTaskInput } from './seed-pool.js';
export type { FarmOptions, FarmProgress, FarmResult } from './seed-farm.js';
export { formatFailure, makeFailure, sameFailure } from './stress-failure.js';
export { describeSkips, MOST_SKIPPED, skipVerdict } from './skip-verdict.js';
export type { SkipVerdict } from './skip-verdict.js';
export { exitStatusFor, StopSignals } from './stop-signals.js';
export type { StopSignalName } from './stop-signals.js';
export { mergeCounters, newCounters, sampleMemory } from './run-stats.js';
export type { RunCounters } from './run-stats.js';
export type { LedgerCounts } from './event-ledger.js';
export type { FailureKind, PendingCall, StressFailure, Violation } from './stress-failure.js';
export { formatOpList, parseOpList, replayCommand } from './replay-command.js';
export { farmReport, runReport, shrinkReport, summaryLines, REPORT_VERSION } from './stress-report.js';
export type { ShrinkReport } from './stress-report.js';
export { summarize, quantile } from './latency-histogram.js';
