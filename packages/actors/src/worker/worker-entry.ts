// The worker-thread entry: host actors, wire the ports, expose the control
// plane (snapshot, stats) over comlink. The data plane never goes through comlink.

import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { expose } from 'comlink';
import { WorkerHost, type WorkerConfig } from './worker-host.js';
import { nodeEndpoint } from './node-endpoint.js';

interface WorkerData {
  readonly config: WorkerConfig;
  readonly peers: (MessagePort | null)[];
  readonly control: MessagePort;
}

const data = workerData as WorkerData;
const host = new WorkerHost(data.config, parentPort!, data.peers);
parentPort!.on('message', (batch) => host.receive(batch));
for (const port of data.peers) port?.on('message', (batch) => host.receive(batch));
// Test-only: with PIDSIM_TEST_HOOKS=1 the control plane can make this worker
// exit from inside, to prove crash settlement (test/threads/crash-settlement.test.ts).
const hooks = process.env.PIDSIM_TEST_HOOKS === '1' ? { exitFromInside: (code: number) => process.exit(code) } : {};
expose(
  { snapshot: () => host.snapshot(), deadLetters: () => host.deadLetters(), stats: () => host.stats(), ...hooks },
  nodeEndpoint(data.control),
);
