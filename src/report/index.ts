// pidsim reports: self-contained HTML pages with Chart.js inlined, for a
// bench run, a stress run, and a trace's tracks (docs/report.md).

export { renderBenchHtml } from './bench-html.js';
export { renderStressHtml } from './stress-html.js';
export type { ShrunkEntry, StressFailureEntry, StressPageInput } from './stress-html.js';
export { renderTraceHtml } from './trace-view-html.js';
export { digestTrace } from './trace-digest.js';
export type { TraceDigest } from './trace-digest.js';
export { runReportCli, REPORT_COMMAND } from './report-cli.js';
export type { ReportIo } from './report-cli.js';
