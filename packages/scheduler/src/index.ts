// @pidsim/scheduler: transports, routing, the virtual clock, and the Kernel API.

export { Kernel } from './kernel.js';
export type { CallObserver } from './kernel.js';
export { Process } from './process.js';
export type { ForkOptions, ForkResult, KillReport, PidfdSignalOptions } from './process.js';
export { PidFd } from './pidfd.js';
export type { PidfdOpenFlags, PidfdPoll } from './pidfd.js';
export { ProcFs, NsHandle } from './procfs.js';
export { toProgram } from './args.js';
export type { ProgramLike, SignalLike } from './args.js';
export { resolveOptions } from './options.js';
export type { KernelOptions, ResolvedOptions } from './options.js';
export { InlineTransport } from './inline-transport.js';
export type { Transport, TransportSink, TransportUsage } from './transport.js';
export { VirtualClock } from './virtual-clock.js';
export { Prng } from './prng.js';
export { ThreadsTransport } from './threads-transport.js';
export { WorkerPool } from './worker-pool.js';
export type { WorkerPoolOptions, WorkerControl, PoolMember } from './worker-pool.js';
export { WorkerHost } from './worker/worker-host.js';
export type { Endpoint, WorkerConfig, WorkerStats } from './worker/worker-host.js';
export { workerOf, makeNsId, makeLocalId, placementSpec, compilePolicy, checkPlaced, MAX_WORKERS } from './worker/placement.js';
export type { Placement, PlacementPolicy, PlacementSpec, NamespacePlacement } from './worker/placement.js';
export { nodeEndpoint } from './worker/node-endpoint.js';
export { workerEntryPath } from './worker-entry-path.js';
