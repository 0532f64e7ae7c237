// pidsim traces: a kernel's run written as Chrome trace-event JSON for
// Perfetto UI and chrome://tracing (docs/trace.md), and a checker of the
// format's rules that the tests run over every trace they make.

export { startTrace, TRACE_CLOCK } from './kernel-trace.js';
export type { KernelTrace, TraceSummary } from './kernel-trace.js';
export { checkTraceOptions, parseTraceWindow } from './trace-options.js';
export type { TraceOptions, TraceWindow } from './trace-options.js';
export type { TraceCounts } from './trace-recorder.js';
export { checkTraceFormat } from './trace-format-check.js';
export type { TraceCheck } from './trace-format-check.js';
