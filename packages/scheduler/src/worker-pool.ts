// A pool of worker threads that threads kernels attach to, one after another
// or at once: each kernel gets its own actors on every worker (a WorkerHost
// there), its own kernel tables and in-flight count; the workers, their
// pairwise MessageChannels and the control plane are the pool's. A kernel
// starts by posting one attach message per worker, so once the workers exist
// creating one costs no thread start. A worker that dies fails every kernel
// attached; close() of one kernel detaches it and leaves the others running.

import { availableParallelism } from 'node:os';
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import { wrap, type Remote } from 'comlink';
import type { ActorSnapshot, WireBatch } from '@pidsim/core';
import { MAX_WORKERS } from './worker/placement.js';
import { nodeEndpoint } from './worker/node-endpoint.js';
import type { WorkerConfig, WorkerStats } from './worker/worker-host.js';
import type { PoolMessage } from './worker/pool-message.js';
import { workerEntryPath } from './worker-entry-path.js';

export interface WorkerPoolOptions {
  /** How many worker threads (default: the machine's available parallelism). */
  readonly workers?: number | undefined;
}

/** What a worker's control plane answers, per kernel attached. */
export interface WorkerControl {
  snapshot(kernel: number): ActorSnapshot[];
  deadLetters(kernel: number): string[];
  stats(kernel: number): WorkerStats;
  /** The kernels attached on this worker. */
  kernels(): number[];
  /** Present only when the worker runs with PIDSIM_TEST_HOOKS=1. */
  exitFromInside?(code: number): void;
}

/** A kernel attached to the pool, as the pool talks to it. */
export interface PoolMember {
  /** A batch one of the workers posted for this kernel. */
  receive(batch: WireBatch): void;
  /** The pool failed (a worker died or sent what could not be taken): this kernel fails with `err`. */
  poolFailed(err: Error): void;
}

export class WorkerPool {
  readonly size: number;
  readonly #workers: Worker[] = [];
  readonly #controls: Remote<WorkerControl>[] = [];
  readonly #controlPorts: MessagePort[] = [];
  readonly #members = new Map<number, PoolMember>();
  #nextKernel = 1;
  #failure: Error | null = null;
  #closing: Promise<void> | null = null;

  constructor(options: WorkerPoolOptions = {}) {
    if (typeof options !== 'object' || options === null) throw new TypeError(`createWorkerPool: options must be { workers }, received ${JSON.stringify(options)}`);
    const count = options.workers ?? availableParallelism();
    if (!Number.isInteger(count) || count < 1 || count > MAX_WORKERS) throw new TypeError(`createWorkerPool: option \`workers\` must be an integer 1..${MAX_WORKERS}, received ${JSON.stringify(count)}`);
    this.size = count;
    const entry = workerEntryPath();
    // One MessageChannel per pair of workers: worker-to-worker traffic never hops through here.
    const peers: (MessagePort | null)[][] = Array.from({ length: count }, () => new Array<MessagePort | null>(count).fill(null));
    for (let i = 0; i < count; i++) {
      for (let j = i + 1; j < count; j++) {
        const ch = new MessageChannel();
        peers[i]![j] = ch.port1;
        peers[j]![i] = ch.port2;
      }
    }
    for (let i = 0; i < count; i++) {
      const control = new MessageChannel();
      const transfer = [...peers[i]!.filter((p): p is MessagePort => p !== null), control.port2];
      const worker = new Worker(entry, { workerData: { index: i, peers: peers[i], control: control.port2 }, transferList: transfer });
      worker.on('message', (batch: WireBatch) => {
        const member = this.#members.get(batch.kernel);
        if (!member) return; // a kernel closed while its last batches were on the way
        try {
          member.receive(batch);
        } catch (err) {
          this.#crash(i, `sent a batch the main thread could not take (${err instanceof Error ? err.message : String(err)})`);
        }
      });
      worker.on('error', (err) => this.#crash(i, `threw ${err instanceof Error ? err.message : String(err)}`));
      worker.on('exit', (code) => {
        if (!this.#closing) this.#crash(i, `exited with code ${code}`);
      });
      this.#workers.push(worker);
      this.#controlPorts.push(control.port1);
      this.#controls.push(wrap<WorkerControl>(nodeEndpoint(control.port1)));
    }
  }

  /** The worker threads, for tests that inject failures. */
  get workers(): readonly Worker[] {
    return this.#workers;
  }

  /** Why the pool cannot take kernels any more, or null. */
  get failure(): Error | null {
    return this.#failure;
  }

  get closed(): boolean {
    return this.#closing !== null;
  }

  /** How many kernels are attached now. */
  get kernels(): number {
    return this.#members.size;
  }

  /**
   * Attaches a kernel: `configOf(kernel, index)` is what worker `index` hosts
   * it with. Returns the kernel's number in the pool. The attach messages go
   * ahead of anything the kernel posts, over the same ports.
   */
  attach(member: PoolMember, configOf: (kernel: number, index: number) => WorkerConfig): number {
    if (this.#failure) throw this.#failure;
    if (this.#closing) throw new Error('pidsim: the worker pool is closed');
    const kernel = this.#nextKernel++;
    this.#members.set(kernel, member);
    for (let i = 0; i < this.size; i++) this.#send(i, { op: 'attach', config: configOf(kernel, i) });
    return kernel;
  }

  /** Detaches a kernel: its actors are dropped on every worker, what it still has on the way is discarded. */
  detach(kernel: number): void {
    if (!this.#members.delete(kernel)) return;
    if (this.#failure || this.#closing) return;
    for (let i = 0; i < this.size; i++) this.#send(i, { op: 'detach', kernel });
  }

  /** Posts a batch (or a pool message) to worker `index`. */
  post(index: number, batch: WireBatch, transfer?: ArrayBuffer[]): void {
    this.#workers[index]!.postMessage(batch, transfer);
  }

  #send(index: number, message: PoolMessage): void {
    this.#workers[index]!.postMessage(message);
  }

  /** Worker `index`'s control plane. */
  control(index: number): Remote<WorkerControl> {
    const c = this.#controls[index];
    if (!c) throw new RangeError(`the pool has no worker ${index}`);
    return c;
  }

  /** Worker `index` died or misbehaved: every kernel attached fails, once, and the pool takes no more. */
  #crash(index: number, cause: string): void {
    if (this.#failure) return;
    const err = new Error(`pidsim: worker thread ${index} ${cause}; the kernel has failed`);
    this.#failure = err;
    for (const member of this.#members.values()) member.poolFailed(err);
    this.#members.clear();
    for (const worker of this.#workers) void worker.terminate();
    for (const port of this.#controlPorts) port.close();
  }

  /** Stops the workers. Kernels still attached fail (ESHUTDOWN is theirs to give on their own close()). */
  close(): Promise<void> {
    if (this.#closing) return this.#closing;
    const err = new Error('pidsim: the worker pool was closed');
    for (const member of this.#members.values()) member.poolFailed(err);
    this.#members.clear();
    for (const port of this.#controlPorts) port.close();
    this.#closing = Promise.all(this.#workers.map((w) => w.terminate())).then(() => undefined);
    return this.#closing;
  }
}
