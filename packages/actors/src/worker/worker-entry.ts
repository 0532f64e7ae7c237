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
expose({ snapshot: () => host.snapshot(), stats: () => host.stats() }, nodeEndpoint(data.control));
