// @pidsim/scheduler: transports, routing, the virtual clock, and the Kernel API.

export { Kernel, Process, ProcFs, NsHandle, toProgram } from './kernel.js';
export type { ForkOptions, ForkResult, ProgramLike, SignalLike } from './kernel.js';
export { resolveOptions } from './options.js';
export type { KernelOptions, ResolvedOptions } from './options.js';
export { InlineTransport } from './inline-transport.js';
export type { Transport, TransportSink } from './transport.js';
export { VirtualClock } from './virtual-clock.js';
export { Prng } from './prng.js';
export { ThreadsTransport } from './threads-transport.js';
export { workerEntryPath } from './worker-entry-path.js';
