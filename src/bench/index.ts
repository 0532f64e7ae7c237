// pidsim bench: the runner behind `pidsim bench` and the helpers the suites
// under bench/ share (timing through tinybench, kernels per transport, the
// real-Linux baseline).

export { runBenchCli, runSuiteStandalone, isMainModule } from './bench-cli.js';
export type { BenchIo } from './bench-cli.js';
export { BENCH_COMMAND, benchOptionsOf, parseBenchArgs } from './bench-options.js';
export type { BenchOptions } from './bench-options.js';
export { SUITES, selectSuites, suiteNames, loadSuite } from './suite-registry.js';
export type { SuiteEntry } from './suite-registry.js';
export type { CrossWorker, Measurement, SuiteModule, SuiteOptions, SuiteResult, Unit } from './suite-types.js';
export { buildReport } from './bench-report.js';
export type { BenchReport, ReportRow } from './bench-report.js';
export { judgeTargets, PERF_TARGETS } from './perf-targets.js';
export type { PerfTarget, TargetCheck, TargetVerdict } from './perf-targets.js';
export { renderMarkdown } from './markdown-table.js';
export { renderSvg } from './svg-chart.js';
export { HEADLINE_DEPTHS, SERIES_COLORS, headlineSeries, isFloorRow, rowsByUnit, seriesOf, seriesTitle } from './headline-rows.js';
export type { HeadlineSeries } from './headline-rows.js';
export { writeReportFiles, reportStem } from './report-files.js';
export { machineInfo } from './machine-info.js';
export type { MachineInfo } from './machine-info.js';
export { median } from './median.js';
export { sampleRates, sampleInterleaved, forWindow, spawnerWindow } from './rate-sampler.js';
export type { Batch, Contender, InterleavedRates, RateSpec, Rates, SpawnEstimate } from './rate-sampler.js';
export { FloorTable, floorCycle, floorMeasurement, measureFloorOnly, FLOOR_ID, FLOOR_IN_FLIGHT, FLOOR_LABEL } from './runtime-floor.js';
export { forceGc } from './force-gc.js';
export { TRANSPORTS, PID_MAX_LIMIT, chainOnOneWorker, crossWorkerCount, kernelOptions, nestNamespaces, transportTitle, warmUp, warmUpMs, withKernel, withKernels } from './kernel-setup.js';
export type { TransportLabel } from './kernel-setup.js';
export { baselineAvailability, buildBaseline, linuxTeardownSize, runBaseline } from './linux-baseline-build.js';
export { linuxModeRows } from './linux-mode-rows.js';
export type { LinuxModeRows } from './linux-mode-rows.js';
export { buildPidfdBaseline } from './pidfd-baseline.js';
export { buildThreadBaseline } from './thread-baseline.js';
export type { BaselineAvailability } from './linux-baseline-build.js';
export { formatFigure, formatRatio } from './number-format.js';
