// The worker-thread entry of a worker pool: one WorkerHost per kernel
// attached to the pool, the ports wired, the control plane (snapshot, stats)
// exposed over comlink. The data plane never goes through comlink.

import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { expose } from 'comlink';
import type { WireBatch } from '@pidsim/core';
import { WorkerHost, type WorkerConfig } from './worker-host.js';
import { nodeEndpoint } from './node-endpoint.js';
import type { PoolMessage } from './pool-message.js';

interface WorkerData {
  readonly index: number;
  readonly peers: (MessagePort | null)[];
  readonly control: MessagePort;
}

const data = workerData as WorkerData;
const hosts = new Map<number, WorkerHost>();
/** The newest kernel attached. Kernels attach in increasing order, over the parent port. */
let newest = 0;
/**
 * Batches another worker sent for a kernel whose attach has not arrived yet
 * (ports are not ordered with each other). A batch for an older kernel that
 * is not here any more was detached: it is dropped.
 */
const early = new Map<number, WireBatch[]>();

function deliver(batch: WireBatch): void {
  const host = hosts.get(batch.kernel);
  if (host) host.receive(batch);
  else if (batch.kernel > newest) {
    let list = early.get(batch.kernel);
    if (!list) early.set(batch.kernel, (list = []));
    list.push(batch);
  }
}

function attach(config: WorkerConfig): void {
  const host = new WorkerHost(config, parentPort!, data.peers);
  hosts.set(config.kernel, host);
  newest = config.kernel;
  const waiting = early.get(config.kernel);
  if (waiting) {
    early.delete(config.kernel);
    for (const batch of waiting) host.receive(batch);
  }
}

function hostOf(kernel: number): WorkerHost {
  const host = hosts.get(kernel);
  if (!host) throw new Error(`worker ${data.index} hosts no kernel ${kernel}`);
  return host;
}

parentPort!.on('message', (m: WireBatch | PoolMessage) => {
  if ('op' in m) {
    if (m.op === 'attach') attach(m.config);
    else hosts.delete(m.kernel);
  } else deliver(m);
});
for (const port of data.peers) port?.on('message', deliver);
// Test-only: with PIDSIM_TEST_HOOKS=1 the control plane can make this worker
// exit from inside, to prove crash settlement (test/threads/crash-settlement.test.ts).
const hooks = process.env.PIDSIM_TEST_HOOKS === '1' ? { exitFromInside: (code: number) => process.exit(code) } : {};
expose(
  {
    snapshot: (kernel: number) => hostOf(kernel).snapshot(),
    deadLetters: (kernel: number) => hostOf(kernel).deadLetters(),
    stats: (kernel: number) => hostOf(kernel).stats(),
    kernels: () => [...hosts.keys()],
    ...hooks,
  },
  nodeEndpoint(data.control),
);
