// WorkerHost: the namespace actors of one kernel on one worker thread (a
// worker of a shared pool has one host per kernel attached). It routes what
// they send - to a co-located actor through a local FIFO within the same
// tick, to another worker directly over that pair's MessageChannel, to the
// main thread (replies, events, timers) - and batches everything bound for
// one thread within one turn of the event loop into one postMessage: the
// batches that arrived in the turn are all run first, so many small batches
// in make one batch out per destination, not one each (which, with two
// workers, split every round trip in two until batches held one item).
// Replies to the main thread also leave every CHUNK of them (chunk.ts). In-
// flight accounting (KernelTables.sent/processed) lets the main thread detect
// quiescence: a batch run here counts as processed only once what it caused
// is posted.

import {
  type ActorMsg,
  type ActorSnapshot,
  type CallId,
  type KernelEvent,
  type NsId,
  type NsInit,
  type PidTableBuffers,
  type NsRef,
  type ProcKey,
  type ProgramSpec,
  type Result,
  type WireBatch,
  type WireItem,
  decodeCalls,
  encodeReply,
} from '@pidsim/core';
import { KernelTables, NamespaceActor, PidTable, bootRootInit, callerGone, type ActorHost } from '@pidsim/actors';
import { CHUNK } from './chunk.js';
import { checkPlaced, compilePolicy, makeLocalId, makeNsId, workerOf, type PlacementPolicy, type PlacementSpec } from './placement.js';

/** Something a batch can be posted to (a MessagePort, the parent port, or a test double). */
export interface Endpoint {
  postMessage(batch: WireBatch, transfer?: ArrayBuffer[]): void;
}

export interface WorkerConfig {
  /** The kernel, of those attached to the worker pool, these actors belong to. */
  readonly kernel: number;
  readonly index: number;
  readonly workers: number;
  readonly placement: PlacementSpec;
  /** Plain replies to the main thread as numeric records (wire-codec.ts), or all as objects. */
  readonly wire: 'numeric' | 'objects';
  readonly tables: SharedArrayBuffer;
  /** Worker 0 boots the root namespace (with its shared PID table) and its init with these ids. */
  readonly boot?: {
    readonly ns: NsRef;
    readonly table: PidTableBuffers;
    readonly initKey: ProcKey;
    readonly program: ProgramSpec;
    readonly name: string;
    readonly argv: readonly string[];
  };
}

export interface WorkerStats {
  readonly index: number;
  readonly actors: number;
  readonly delivered: number;
  readonly batchesIn: number;
  readonly batchesOut: number;
  readonly itemsOut: number;
  /** Of itemsOut, the messages posted to another worker (not to the main thread). */
  readonly itemsToWorkers: number;
  /** The PID tables of the namespaces whose actors live here (PidTable.memoryBytes(), summed). */
  readonly pidTableBytes: number;
  readonly pidTableResizableBytes: number;
}

export class WorkerHost {
  readonly kernel: number;
  readonly index: number;
  readonly workers: number;
  readonly #placement: PlacementPolicy;
  readonly tables: KernelTables;
  readonly #actors = new Map<NsId, NamespaceActor>();
  /** Retired actors, dropped when the main thread has seen the whole kernel quiet. */
  #retiring: NsId[] = [];
  /**
   * Messages that arrived before the spawn of their actor (ports are not
   * ordered with each other). At quiescence none may be left: the snapshot
   * reports any as faults.
   */
  readonly #early = new Map<NsId, ActorMsg[]>();
  /** Local FIFO of messages between co-located actors, run within the current tick. */
  #queue: { to: NsId; msg: ActorMsg }[] = [];
  /** Outgoing items per thread: index = worker, `workers` = the main thread. */
  readonly #out: WireItem[][];
  /** Plain replies to the main thread, as numeric records. */
  #replies: number[] = [];
  #replyCount = 0;
  readonly #numeric: boolean;
  readonly #peers: (Endpoint | null)[];
  readonly #main: Endpoint;
  #seq = 1;
  #nsSeq = 1;
  /** Namespaces this worker has created (a placement policy's `serial`). */
  #placed = 0;
  #delivered = 0;
  #batchesIn = 0;
  #batchesOut = 0;
  #itemsOut = 0;
  #itemsToWorkers = 0;
  /** Messages of the batches run this turn, counted as processed when the outboxes are posted. */
  #runCount = 0;
  #flushScheduled = false;

  constructor(config: WorkerConfig, main: Endpoint, peers: (Endpoint | null)[]) {
    this.kernel = config.kernel;
    this.index = config.index;
    this.workers = config.workers;
    this.#placement = compilePolicy(config.placement);
    this.#numeric = config.wire === 'numeric';
    this.tables = new KernelTables(config.tables);
    this.#main = main;
    this.#peers = peers;
    this.#out = Array.from({ length: config.workers + 1 }, () => []);
    if (config.boot) {
      const b = config.boot;
      const root = this.#create({ ns: b.ns, parent: b.ns.id, refs: [b.ns], tables: [b.table] });
      this.#seq = 2; // the init key was (1, worker 0)
      this.#nsSeq = 2; // the root namespace id was (1, worker 0, worker 0)
      bootRootInit(root, { key: b.initKey, program: b.program, name: b.name, argv: b.argv });
      this.#flush();
    }
  }

  /** A batch arrived from the main thread or another worker: run now, posted at the end of the turn. */
  receive(batch: WireBatch): void {
    this.#batchesIn++;
    this.#runCount += batch.count;
    if (!this.#flushScheduled) {
      this.#flushScheduled = true;
      setImmediate(this.#endTurn);
    }
    try {
      for (const item of batch.items) {
        if (item.t === 'msg') this.#queue.push({ to: item.to, msg: item.msg });
        else if (item.t === 'spawn') this.#create(item.init);
        else if (item.t === 'purge') this.#purge();
        else this.#fault(`worker ${this.index} got a ${item.t} item`);
      }
      if (batch.calls) decodeCalls(batch.calls, (to, msg) => this.#queue.push({ to, msg }));
      this.#run();
    } catch (err) {
      this.#fault(`worker ${this.index}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      this.#endTurn();
      throw err;
    }
  }

  /** The end of a turn that ran batches: post what they caused, then count them processed (in this order, or the kernel could look quiet with replies unposted). */
  readonly #endTurn = (): void => {
    if (!this.#flushScheduled) return;
    this.#flushScheduled = false;
    const ran = this.#runCount;
    this.#runCount = 0;
    try {
      this.#flush();
    } finally {
      this.tables.processed(ran);
    }
  };

  #run(): void {
    let i = 0;
    while (i < this.#queue.length) {
      const { to, msg } = this.#queue[i++]!;
      const actor = this.#actors.get(to);
      if (actor) {
        this.#delivered++;
        actor.handle(msg);
      } else if (msg.type === 'call') {
        // Calls come from handles of existing processes, so their namespace was spawned: it is gone now.
        this.toMain({ t: 'reply', id: msg.id, result: callerGone(msg) });
      } else {
        let list = this.#early.get(to);
        if (!list) this.#early.set(to, (list = []));
        list.push(msg);
      }
      if (i > 4096 && i * 2 > this.#queue.length) {
        this.#queue = this.#queue.slice(i);
        i = 0;
      }
    }
    this.#queue = [];
  }

  #create(init: NsInit): NamespaceActor {
    const actor = new NamespaceActor(new HostedActor(this, init.ns.level), init);
    this.#actors.set(init.ns.id, actor);
    const early = this.#early.get(init.ns.id);
    if (early) {
      this.#early.delete(init.ns.id);
      for (const msg of early) this.#queue.push({ to: init.ns.id, msg });
    }
    return actor;
  }

  /** Route a message an actor sent. */
  send(to: NsId, msg: ActorMsg): void {
    const w = workerOf(to);
    if (w === this.index) this.#queue.push({ to, msg });
    else this.#out[w]!.push({ t: 'msg', to, msg });
  }

  toMain(item: WireItem): void {
    this.#out[this.workers]!.push(item);
  }

  replyToMain(id: CallId, result: Result<unknown>): void {
    if (this.#numeric && encodeReply(id, result, this.#replies)) {
      if (++this.#replyCount >= CHUNK) this.#flushTo(this.workers);
    } else this.#out[this.workers]!.push({ t: 'reply', id, result });
  }

  /**
   * Place a namespace created at `level` by the kernel's placement policy; the
   * id says where it went. A policy that throws or answers no worker is a
   * fault (the user's bug, reported at the next check): the namespace stays here.
   */
  newNsId(level: number): NsId {
    let host = this.index;
    try {
      host = checkPlaced(this.#placement, { level, parentWorker: this.index, serial: ++this.#placed, workers: this.workers });
    } catch (err) {
      this.#fault(`worker ${this.index}: ${err instanceof Error ? err.message : String(err)}; the namespace was placed with its parent`);
    }
    return makeNsId(this.#nsSeq++, this.index, host);
  }

  nextLocalId(): number {
    return makeLocalId(this.#seq++, this.index);
  }

  spawn(init: NsInit): void {
    const w = workerOf(init.ns.id);
    if (w === this.index) {
      this.#create(init);
      return;
    }
    // Another worker gets the chain's tables: plain ones become shared first, and this worker uses Atomics on them too.
    for (const b of init.tables) PidTable.share(b);
    this.#out[w]!.push({ t: 'spawn', init });
  }

  retire(ns: NsId): void {
    if (!this.#actors.has(ns)) return;
    if (this.#retiring.length === 0) this.toMain({ t: 'retiring', worker: this.index });
    this.#retiring.push(ns);
  }

  /** The main thread saw no message in flight anywhere: nothing can reach a retired actor now. */
  #purge(): void {
    for (const ns of this.#retiring) this.#actors.delete(ns);
    this.#retiring = [];
  }

  #fault(message: string): void {
    this.toMain({ t: 'fault', message });
  }

  /** Post every non-empty outbox as one batch, counting its messages in flight first. */
  #flush(): void {
    for (let w = 0; w <= this.workers; w++) this.#flushTo(w);
  }

  #flushTo(w: number): void {
    const items = this.#out[w]!;
    const toMain = w === this.workers;
    const replies = toMain ? this.#replyCount : 0;
    if (items.length === 0 && replies === 0) return;
    this.#out[w] = [];
    const count = items.length + replies;
    this.tables.sent(count);
    this.#batchesOut++;
    this.#itemsOut += count;
    if (!toMain) this.#itemsToWorkers += count;
    const target = toMain ? this.#main : this.#peers[w];
    if (!target) throw new Error(`worker ${this.index} has no channel to worker ${w}`);
    if (replies > 0) {
      const buf = new Float64Array(this.#replies);
      this.#replies = [];
      this.#replyCount = 0;
      target.postMessage({ kernel: this.kernel, items, replies: buf, count }, [buf.buffer]);
    } else {
      target.postMessage({ kernel: this.kernel, items, count });
    }
  }

  snapshot(): ActorSnapshot[] {
    return [...this.#actors.values()].filter((a) => !a.retired).map((a) => a.snapshot());
  }

  /** Messages still waiting for an actor that never came (dead letters, at quiescence). */
  deadLetters(): string[] {
    return [...this.#early].map(([ns, msgs]) => `${msgs.length} message(s) (${msgs.map((m) => m.type).join(', ')}) for namespace ${ns}, which has no actor`);
  }

  stats(): WorkerStats {
    return {
      index: this.index,
      actors: this.#actors.size,
      delivered: this.#delivered,
      batchesIn: this.#batchesIn,
      batchesOut: this.#batchesOut,
      itemsOut: this.#itemsOut,
      itemsToWorkers: this.#itemsToWorkers,
      ...PidTable.memoryOf([...this.#actors.values()].map((a) => a.table)),
    };
  }
}

/** One actor's view of its worker: what it sends is routed by the host. */
class HostedActor implements ActorHost {
  readonly #host: WorkerHost;
  /** The level of the namespace this actor runs (its children are created one below). */
  readonly #level: number;

  constructor(host: WorkerHost, level: number) {
    this.#host = host;
    this.#level = level;
  }

  send(to: NsId, msg: ActorMsg): void {
    this.#host.send(to, msg);
  }
  reply(id: CallId, result: Result<unknown>): void {
    this.#host.replyToMain(id, result);
  }
  get eventsEnabled(): boolean {
    return this.#host.tables.eventsEnabled;
  }
  emit(event: KernelEvent): void {
    this.#host.toMain({ t: 'event', event });
  }
  spawn(init: NsInit): void {
    this.#host.spawn(init);
  }
  retire(ns: NsId): void {
    this.#host.retire(ns);
  }
  setTimer(ns: NsId, proc: ProcKey, token: number, delayMs: number): void {
    this.#host.toMain({ t: 'timer-set', ns, proc, token, delayMs });
  }
  cancelTimer(token: number): void {
    this.#host.toMain({ t: 'timer-cancel', token });
  }
  now(): number {
    return this.#host.tables.now;
  }
  nextProcKey(): ProcKey {
    return this.#host.nextLocalId() as ProcKey;
  }
  nextNsId(): NsId {
    return this.#host.newNsId(this.#level + 1);
  }
  nextToken(): number {
    return this.#host.nextLocalId();
  }
  get tables(): KernelTables {
    return this.#host.tables;
  }
}
