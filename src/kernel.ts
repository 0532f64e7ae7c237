// The kernel pidsim hands out: the engine's Kernel (@pidsim/scheduler) with
// trace(), which writes its run for Perfetto UI (src/trace/, docs/trace.md).

import { Kernel as EngineKernel } from '@pidsim/scheduler';
import { startTrace, type KernelTrace, type TraceOptions } from './trace/index.js';

export class Kernel extends EngineKernel {
  /**
   * Writes this kernel's run from now on, as it happens, into `options.file`
   * in the Chrome trace-event JSON format (Perfetto UI, chrome://tracing).
   * `close()` on the result ends it. Bad options throw a TypeError.
   */
  trace(options: TraceOptions): KernelTrace {
    return startTrace(this, options);
  }
}
