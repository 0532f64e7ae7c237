// Recording a kernel's run into a trace file: subscribes to its events and
// watches its syscalls, hands both to a TraceRecorder writing into a
// TraceFile, and on close ends what is still open and finishes the file.

import type { Kernel } from '@pidsim/scheduler';
import { TraceFile } from './trace-file.js';
import { checkTraceOptions, type TraceOptions } from './trace-options.js';
import { TraceRecorder, type TraceCounts } from './trace-recorder.js';

/** How trace time is made, as written into every trace (docs/trace.md). */
export const TRACE_CLOCK = 'ts (µs) = 1000 × virtual ms + the record\'s index in the unfiltered trace';

export interface TraceSummary extends TraceCounts {
  readonly file: string;
  readonly bytes: number;
}

export interface KernelTrace {
  readonly file: string;
  /** Stops recording, ends the slices still open, and closes the file. Throws what went wrong while writing, if anything did. */
  close(): TraceSummary;
}

/** Starts writing `kernel`'s run from now on as a Chrome trace-event JSON file (Perfetto UI, chrome://tracing). */
export function startTrace(kernel: Kernel, input: TraceOptions): KernelTrace {
  const options = checkTraceOptions(input);
  const file = new TraceFile(options.file);
  const recorder = new TraceRecorder(file, {
    namespace: options.namespace,
    window: options.window,
    root: { ns: kernel.init.ns.id, init: kernel.init.key, initName: kernel.options.initName },
  });
  let failure: unknown = null;
  let detached = false;
  // Both run inside the kernel's delivery loop: nothing may throw back into it.
  const guarded = (fn: () => void): void => {
    if (detached) return;
    try {
      fn();
      if (recorder.done) detach();
    } catch (e) {
      failure ??= e;
      detach();
    }
  };
  const unsubscribe = kernel.subscribe((e) => guarded(() => recorder.event(e)));
  const unobserve = kernel.observeCalls({
    sent: (id, caller, _to, op) => guarded(() => recorder.callSent(id, caller, op, kernel.now())),
    answered: (id, result) => guarded(() => recorder.callAnswered(id, result, kernel.now())),
  });
  function detach(): void {
    detached = true;
    unsubscribe();
    unobserve();
  }
  return {
    file: options.file,
    close(): TraceSummary {
      if (!file.closed) {
        detach();
        if (failure === null) recorder.finish(kernel.now());
        file.close({
          tool: 'pidsim',
          clock: TRACE_CLOCK,
          transport: kernel.options.transport,
          ...(kernel.options.transport === 'inline' ? { seed: kernel.options.seed, chaos: kernel.options.chaos ?? null } : {}),
          namespace: options.namespace ?? null,
          window: options.window ?? null,
          counts: recorder.counts,
        });
      }
      if (failure !== null) throw failure;
      return { file: options.file, bytes: file.bytes, ...recorder.counts };
    },
  };
}
