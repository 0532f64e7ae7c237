// What the main thread tells a worker of its pool besides batches: a kernel
// attaches (its actors get a host there) or detaches (they are dropped).

import type { WorkerConfig } from './worker-host.js';

export type PoolMessage = { readonly op: 'attach'; readonly config: WorkerConfig } | { readonly op: 'detach'; readonly kernel: number };
