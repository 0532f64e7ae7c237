// The `threads` transport: the same namespace actors on a pool of worker
// threads (worker-pool.ts), many per worker; the pool is the kernel's own or
// shared with other kernels. Workers talk to each other directly over one
// MessageChannel per pair; the main thread posts syscalls and timer firings
// and receives replies, events and timer requests, everything batched per
// destination per tick. Quiescence is a shared in-flight counter, one per
// kernel. Posting waits for the end of the event loop's turn (setImmediate),
// not a microtask: the replies of every batch that arrived in the turn, and
// the calls their continuations make, go out as one batch per worker - or as
// several, one per CHUNK calls, so the worker starts on the first while this
// thread makes the rest (worker/chunk.ts). If a worker dies, every pending call fails once and the kernel
// refuses new ones. What runs here on the main thread (posting, flushing,
// receiving) never lets an error escape to the host: it fails the kernel the
// same way instead.

import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import {
  INIT_USER_NS,
  ROOT_PID_NS_INODE,
  type ActorMsg,
  type ActorSnapshot,
  type NsId,
  type NsRef,
  type ProcKey,
  type WireBatch,
  type WireItem,
  CALL_SLOTS,
  decodeReplies,
  encodeCall,
} from '@pidsim/core';
import { KernelTables, PidTable, callerGone } from '@pidsim/actors';
import { makeLocalId, makeNsId, placementSpec, workerOf, type Placement } from './worker/placement.js';
import type { WorkerConfig, WorkerStats } from './worker/worker-host.js';
import { WorkerPool, type PoolMember } from './worker-pool.js';
import { CHUNK } from './worker/chunk.js';
import { VirtualClock } from './virtual-clock.js';
import type { Transport, TransportSink, TransportUsage } from './transport.js';
import type { BootOptions } from './inline-transport.js';

export interface ThreadsOptions extends BootOptions {
  readonly workers?: number | undefined;
  /** A pool to attach to; without one the kernel starts its own, closed with it. */
  readonly pool?: WorkerPool | undefined;
  readonly placement: Placement;
  /** Hot calls and plain replies as numeric records (default), or everything as objects (to measure the difference). */
  readonly wire?: 'numeric' | 'objects';
  readonly sink: TransportSink;
}

export class ThreadsTransport implements Transport, PoolMember {
  readonly kind = 'threads' as const;
  readonly rootNs: NsId;
  readonly rootInit: { readonly key: ProcKey; readonly ns: NsRef };
  readonly workerCount: number;
  readonly tables = new KernelTables();
  readonly #sink: TransportSink;
  readonly #clock = new VirtualClock();
  readonly #pool: WorkerPool;
  /** Whether the pool is this kernel's own, closed with it. */
  readonly #ownPool: boolean;
  /** This kernel's number in its pool. */
  readonly #kernel: number;
  /** Items bound for each worker, posted at the end of the tick. */
  readonly #out: WireItem[][];
  /** Hot calls bound for each worker, as numeric records. */
  readonly #calls: number[][];
  readonly #numeric: boolean;
  #flushScheduled = false;
  #failure: Error | null = null;
  #closing = false;
  readonly #faults: string[] = [];
  /** Rejects when a worker dies, so nothing waiting on quiescence hangs. */
  readonly #failed: Promise<never>;
  #rejectFailed!: (e: Error) => void;
  #watching = false;
  /** Workers holding retired actors, told to drop them at the next quiescent point. */
  readonly #retiring = new Set<number>();

  constructor(options: ThreadsOptions) {
    this.#sink = options.sink;
    this.#failed = new Promise<never>((_, reject) => (this.#rejectFailed = reject));
    this.#failed.catch(() => undefined);
    // The placement is checked before any thread starts: a bad policy leaves nothing running.
    const placement = placementSpec(options.placement, options.pool?.size ?? options.workers ?? availableParallelism());
    this.#ownPool = options.pool === undefined;
    this.#pool = options.pool ?? new WorkerPool({ workers: options.workers });
    const count = this.#pool.size;
    this.workerCount = count;
    this.#out = Array.from({ length: count }, () => []);
    this.#calls = Array.from({ length: count }, () => []);
    this.#numeric = (options.wire ?? 'numeric') === 'numeric';
    if (options.variant) this.tables.variant = options.variant;
    const rootId = makeNsId(1, 0, 0);
    const ns: NsRef = { id: rootId, level: 0, chain: [rootId], inode: ROOT_PID_NS_INODE, userNs: [INIT_USER_NS] };
    this.rootNs = rootId;
    this.rootInit = { key: makeLocalId(1, 0) as ProcKey, ns };
    // Worker 0 gets a copy of it, plain, and shares it when a namespace lives on another worker.
    const rootTable = new PidTable({ pidMax: options.pidMax, shared: false });
    this.#kernel = this.#pool.attach(
      this,
      (kernel, index): WorkerConfig => ({
        kernel,
        index,
        workers: count,
        placement,
        wire: this.#numeric ? 'numeric' : 'objects',
        tables: this.tables.buffer,
        ...(index === 0
          ? {
              boot: {
                ns,
                table: rootTable.buffers,
                initKey: this.rootInit.key,
                program: options.initProgram,
                name: options.initName,
                argv: options.initArgv,
              },
            }
          : {}),
      }),
    );
  }

  /** The pool's worker threads, for tests that inject failures. */
  get workers(): readonly Worker[] {
    return this.#pool.workers;
  }

  /** The pool this kernel is attached to. */
  get pool(): WorkerPool {
    return this.#pool;
  }

  /** A batch a worker posted for this kernel (PoolMember). */
  receive(batch: WireBatch): void {
    this.#receive(batch);
  }

  /** The pool failed under this kernel (PoolMember). */
  poolFailed(err: Error): void {
    this.#fail(err);
  }

  post(to: NsId, msg: ActorMsg): void {
    if (this.#failure) throw this.#failure;
    const w = workerOf(to);
    if (w >= this.workerCount) {
      // No worker of this kernel: a namespace id it never gave out. A call is answered as a
      // call to a freed namespace is; anything else is a fault, never a throw.
      if (msg.type === 'call') this.#sink.reply(msg.id, callerGone(msg));
      else this.#faults.push(`a ${msg.type} message for namespace ${to}, which no worker hosts`);
      return;
    }
    if (!(this.#numeric && msg.type === 'call' && encodeCall(to, msg, this.#calls[w]!))) this.#out[w]!.push({ t: 'msg', to, msg });
    if (this.#calls[w]!.length >= CHUNK * CALL_SLOTS) this.#postTo(w);
    this.#scheduleFlush();
    this.#watch();
  }

  #scheduleFlush(): void {
    if (this.#flushScheduled) return;
    this.#flushScheduled = true;
    setImmediate(this.#flush);
  }

  /** Posts what waits for each worker, at the end of the turn: a batch postMessage cannot clone fails the kernel instead of escaping. */
  readonly #flush = (): void => {
    if (!this.#flushScheduled) return;
    this.#flushScheduled = false;
    if (this.#failure) return;
    try {
      this.#post();
    } catch (err) {
      this.#crash(`could not post a batch (${err instanceof Error ? err.message : String(err)})`);
    }
  };

  #post(): void {
    for (let w = 0; w < this.workerCount; w++) this.#postTo(w);
  }

  #postTo(w: number): void {
    const items = this.#out[w]!;
    const calls = this.#calls[w]!;
    if (items.length === 0 && calls.length === 0) return;
    this.#out[w] = [];
    const count = items.length + calls.length / CALL_SLOTS;
    this.tables.sent(count);
    if (calls.length > 0) {
      this.#calls[w] = [];
      const buf = new Float64Array(calls);
      this.#pool.post(w, { kernel: this.#kernel, items, calls: buf, count }, [buf.buffer]);
    } else {
      this.#pool.post(w, { kernel: this.#kernel, items, count });
    }
  }

  #receive(batch: WireBatch): void {
    if (this.#failure) return;
    for (const item of batch.items) {
      switch (item.t) {
        case 'reply':
          this.#sink.reply(item.id, item.result);
          break;
        case 'event':
          this.#sink.event(item.event);
          break;
        case 'timer-set':
          this.#clock.schedule(item.delayMs, item.token, () => {
            this.tables.now = this.#clock.now();
            this.post(item.ns, { type: 'timer-fired', proc: item.proc, token: item.token });
          });
          break;
        case 'timer-cancel':
          this.#clock.cancel(item.token);
          break;
        case 'fault':
          this.#faults.push(item.message);
          break;
        case 'retiring':
          this.#retiring.add(item.worker);
          break;
        default:
          this.#faults.push(`main thread got a ${item.t} item`);
      }
    }
    if (batch.replies) decodeReplies(batch.replies, (id, result) => this.#sink.reply(id, result));
    this.tables.processed(batch.count);
  }

  /** Resolves once no message is in flight on any thread and nothing waits to be posted here. */
  async #quiet(): Promise<void> {
    for (;;) {
      if (this.#failure) throw this.#failure;
      if (this.#flushScheduled) this.#flush();
      const v = this.tables.inFlight;
      if (v === 0) {
        this.#purgeRetired();
        return;
      }
      const wait = Atomics.waitAsync(this.tables.control, 0, v);
      if (wait.async) await Promise.race([wait.value, this.#failed]);
    }
  }

  /** Nothing is in flight anywhere: workers may drop the actors they retired. */
  #purgeRetired(): void {
    if (this.#retiring.size === 0) return;
    for (const w of this.#retiring) this.#out[w]!.push({ t: 'purge' });
    this.#retiring.clear();
    this.#scheduleFlush();
  }

  /**
   * While calls are out, watch for quiescence: a call blocked on a program's
   * timer can only be answered if virtual time moves (the kernel decides, in idle()).
   */
  #watch(): void {
    if (this.#watching) return;
    this.#watching = true;
    void (async () => {
      try {
        for (;;) {
          await this.#quiet();
          this.#sink.idle();
          if (this.tables.inFlight === 0 && !this.#flushScheduled) return;
        }
      } catch {
        // A failed kernel has already settled every call.
      } finally {
        this.#watching = false;
      }
    })();
  }

  /** The main thread's side of this kernel failed: the kernel fails, once, and leaves the pool. */
  #crash(cause: string): void {
    this.#fail(new Error(`pidsim: the main thread ${cause}; the kernel has failed`));
    this.#pool.detach(this.#kernel);
    if (this.#ownPool) void this.#pool.close();
  }

  #fail(err: Error): void {
    if (this.#failure) return;
    this.#failure = err;
    this.#closing = true;
    this.#rejectFailed(err);
    this.#sink.failed(err);
  }

  get failure(): Error | null {
    return this.#failure;
  }

  /** Messages that reached no actor, or actors that threw: protocol bugs, reported by the workers. */
  get faults(): readonly string[] {
    return this.#faults;
  }

  async settled(): Promise<void> {
    for (;;) {
      await this.#quiet();
      this.#sink.idle();
      if (this.tables.inFlight === 0 && !this.#flushScheduled) return;
    }
  }

  async snapshot(): Promise<ActorSnapshot[]> {
    await this.settled();
    const parts = await Promise.all(this.#eachWorker((c) => c.snapshot(this.#kernel)));
    return parts.flat();
  }

  /** Protocol faults the workers reported, and messages left without an actor at quiescence. */
  async faultReport(): Promise<string[]> {
    await this.settled();
    const dead = await Promise.all(this.#eachWorker((c) => c.deadLetters(this.#kernel)));
    return [...this.#faults, ...dead.flat()];
  }

  /** Test-only (PIDSIM_TEST_HOOKS=1): worker `index` calls process.exit(code) from inside. */
  injectExit(index: number, code: number): void {
    const control = this.#pool.control(index);
    void (control.exitFromInside as ((code: number) => Promise<void>) | undefined)?.(code)?.catch(() => undefined);
  }

  async stats(): Promise<WorkerStats[]> {
    return Promise.all(this.#eachWorker((c) => c.stats(this.#kernel)));
  }

  /** Asks every worker's control plane for this kernel's part. */
  #eachWorker<T>(ask: (c: ReturnType<WorkerPool['control']>) => Promise<T>): Promise<T>[] {
    return Array.from({ length: this.workerCount }, (_, i) => ask(this.#pool.control(i)));
  }

  async usage(): Promise<TransportUsage> {
    const workers = await this.stats();
    const sum = (f: (w: WorkerStats) => number): number => workers.reduce((n, w) => n + f(w), 0);
    return {
      kind: 'threads',
      workers: this.workerCount,
      delivered: sum((w) => w.delivered),
      crossWorkerMessages: sum((w) => w.itemsToWorkers),
      memory: {
        pidTableBytes: sum((w) => w.pidTableBytes),
        pidTableResizableBytes: sum((w) => w.pidTableResizableBytes),
        kernelTableBytes: this.tables.memoryBytes,
      },
    };
  }

  /** The worker that hosts namespace `ns`'s actor (its id says so). */
  workerOf(ns: NsId): number {
    return workerOf(ns);
  }

  setEventsEnabled(on: boolean): void {
    this.tables.eventsEnabled = on;
  }

  now(): number {
    return this.#clock.now();
  }

  nextTimerAt(): number | undefined {
    return this.#clock.nextAt();
  }

  fireNextTimer(): boolean {
    const at = this.#clock.nextAt();
    if (at === undefined) return false;
    this.#clock.advanceTo(at);
    this.tables.now = this.#clock.now();
    return true;
  }

  async advanceTo(at: number): Promise<void> {
    this.#clock.advanceTo(at);
    this.tables.now = this.#clock.now();
    await this.settled();
  }

  /** Detaches from the pool (the kernel's actors are dropped there); closes the pool if it is this kernel's own. */
  async close(): Promise<void> {
    if (this.#closing && this.#failure === null) return;
    this.#closing = true;
    this.#clock.clear();
    this.#rejectFailed(new Error('pidsim: the kernel was closed'));
    this.#pool.detach(this.#kernel);
    if (this.#ownPool) await this.#pool.close();
  }
}
