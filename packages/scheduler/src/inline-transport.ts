// The `inline` transport: every actor on this thread. Messages wait on
// per-link FIFO queues (one per sender->receiver pair); a seeded PRNG picks
// which non-empty link delivers next. The same seed replays the same run;
// another seed explores another legal interleaving. Delivery runs in a
// microtask, so nothing thrown there may escape: a message for no actor is a
// recorded fault, and an actor that throws fails the kernel as a dying
// worker does on threads.

import {
  ROOT_PID_NS_INODE,
  INIT_USER_NS,
  asNsId,
  asProcKey,
  type ActorMsg,
  type ActorSnapshot,
  type CallId,
  type KernelEvent,
  type NsId,
  type NsInit,
  type NsRef,
  type ProcKey,
  type KernelVariant,
  type ProgramSpec,
  type Result,
} from '@pidsim/core';
import {
  KernelTables,
  NamespaceActor,
  PidTable,
  bootRootInit,
  callerGone,
  type ActorHost,
} from '@pidsim/actors';
import { Prng } from './prng.js';
import { VirtualClock } from './virtual-clock.js';
import type { Transport, TransportSink, TransportUsage } from './transport.js';

/** Sender ids of the two non-actor endpoints. */
const CLIENT = -1;
const CLOCK = -2;

export interface Link {
  readonly from: number;
  readonly to: NsId;
  readonly queue: ActorMsg[];
  head: number;
  active: boolean;
  /** The receiving actor, looked up once (dropped actors are never delivered to again). */
  actor: NamespaceActor | undefined;
}

export interface BootOptions {
  readonly pidMax: number;
  /** Where kernel builds differ, whose behaviour to follow (upstream's when absent). */
  readonly variant?: KernelVariant | undefined;
  readonly initProgram: ProgramSpec;
  readonly initName: string;
  readonly initArgv: readonly string[];
}

export interface InlineOptions extends BootOptions {
  readonly seed: number;
  /**
   * How many delivery choices the seed makes; after that delivery follows a
   * fixed order that does not depend on the seed. Shrinking a failing run
   * lowers it to find the few scheduling choices that matter. Unlimited by default.
   */
  readonly chaos?: number | undefined;
  readonly sink: TransportSink;
}

export class InlineTransport implements Transport {
  readonly kind = 'inline' as const;
  readonly rootNs: NsId;
  readonly rootInit: { readonly key: ProcKey; readonly ns: NsRef };
  readonly #sink: TransportSink;
  readonly #rng: Prng;
  readonly #clock = new VirtualClock();
  readonly #actors = new Map<NsId, NamespaceActor>();
  /** Retired actors, dropped when the queues are empty. */
  #retiring: NsId[] = [];
  /** Dropped actors a link may still point to (a late call from a process of a freed namespace). */
  readonly #purged = new WeakSet<NamespaceActor>();
  /** from -> to -> link */
  readonly #links = new Map<number, Map<number, Link>>();
  /** to -> the senders that have a link to it, so a dropped actor's links can all go. */
  readonly #incoming = new Map<number, Set<number>>();
  /** Each actor's host (it caches its outgoing links). */
  readonly #hosts = new Map<number, InlineHost>();
  /** Links with messages waiting; the PRNG picks among them. */
  readonly #active: Link[] = [];
  /** The link used last (most traffic is client -> one namespace). */
  #lastLink: Link | null = null;
  #scheduled = false;
  #draining = false;
  /** Random delivery choices left (Infinity: always random). */
  #chaos: number;
  /** Delivery choices the PRNG made so far (for stress reports). */
  choices = 0;
  #closed = false;
  /** Set when an actor threw: nothing is delivered any more, and every call has failed. */
  #failure: Error | null = null;
  /** Protocol faults: messages that reached no actor, an actor that threw. */
  readonly #faults: string[] = [];
  eventsEnabled = false;
  #nextNs = 1;
  #nextProc = 1;
  #nextToken = 1;
  readonly tables = new KernelTables();
  /** Messages delivered so far (for stats and benchmarks). */
  delivered = 0;

  constructor(options: InlineOptions) {
    this.#sink = options.sink;
    this.#rng = new Prng(options.seed);
    this.#chaos = options.chaos ?? Infinity;
    if (options.variant) this.tables.variant = options.variant;
    const id = this.nextNsId();
    const ns: NsRef = { id, level: 0, chain: [id], inode: ROOT_PID_NS_INODE, userNs: [INIT_USER_NS] };
    // The same PID tables as on threads, in memory no other thread needs to see.
    const root = this.#spawn({ ns, parent: id, refs: [ns], tables: [new PidTable({ pidMax: options.pidMax, shared: false }).buffers] });
    this.rootNs = id;
    const key = this.nextProcKey();
    bootRootInit(root, { key, program: options.initProgram, name: options.initName, argv: options.initArgv });
    this.rootInit = { key, ns };
  }

  nextNsId(): NsId {
    return asNsId(this.#nextNs++);
  }
  nextProcKey(): ProcKey {
    return asProcKey(this.#nextProc++);
  }
  nextToken(): number {
    return this.#nextToken++;
  }

  get clock(): VirtualClock {
    return this.#clock;
  }

  get sink(): TransportSink {
    return this.#sink;
  }

  #spawn(init: NsInit): NamespaceActor {
    const host = new InlineHost(this, init.ns.id);
    const actor = new NamespaceActor(host, init);
    this.#actors.set(init.ns.id, actor);
    this.#hosts.set(init.ns.id, host);
    return actor;
  }

  spawn(init: NsInit): void {
    this.#spawn(init);
  }

  retire(ns: NsId): void {
    if (this.#actors.has(ns)) this.#retiring.push(ns);
  }

  /** At quiescence no message can still be on its way to a retired actor. */
  #purge(): void {
    if (this.#retiring.length === 0) return;
    for (const ns of this.#retiring) {
      const actor = this.#actors.get(ns);
      if (actor) this.#purged.add(actor);
      this.#actors.delete(ns);
      this.#dropLinks(ns);
    }
    this.#retiring = [];
  }

  /**
   * Drops every link from or to `ns`, whose actor is gone (their queues are
   * empty at quiescence): a link keeps its receiver, and so the receiver's
   * PID tables, alive, and a program that creates and destroys namespaces
   * by the thousand ran out of memory mappings (each table reserves its
   * growable buffers). A late call to `ns` makes a new link, which finds no actor.
   */
  #dropLinks(ns: NsId): void {
    for (const from of this.#incoming.get(ns) ?? []) {
      this.#links.get(from)?.delete(ns);
      this.#hosts.get(from)?.forget(ns);
    }
    this.#incoming.delete(ns);
    for (const to of this.#links.get(ns)?.keys() ?? []) this.#incoming.get(to)?.delete(ns);
    this.#links.delete(ns);
    this.#hosts.delete(ns);
    this.#lastLink = null;
  }

  /** How many links between senders and actors exist (those of dropped actors go with them). */
  get linkCount(): number {
    let n = 0;
    for (const byTo of this.#links.values()) n += byTo.size;
    return n;
  }

  /** How many namespaces have an actor (retired ones are dropped at quiescence). */
  get actorCount(): number {
    return this.#actors.size;
  }

  post(to: NsId, msg: ActorMsg): void {
    if (this.#failure) throw this.#failure;
    if (this.#closed) throw new Error('pidsim: the kernel is closed');
    this.enqueue(CLIENT, to, msg);
  }

  /** The link from `from` to `to`, created on first use. */
  link(from: number, to: NsId): Link {
    let byTo = this.#links.get(from);
    if (!byTo) this.#links.set(from, (byTo = new Map()));
    let link = byTo.get(to);
    if (!link) {
      byTo.set(to, (link = { from, to, queue: [], head: 0, active: false, actor: undefined }));
      let froms = this.#incoming.get(to);
      if (!froms) this.#incoming.set(to, (froms = new Set()));
      froms.add(from);
    }
    return link;
  }

  enqueue(from: number, to: NsId, msg: ActorMsg): void {
    let link = this.#lastLink;
    if (link === null || link.from !== from || link.to !== to) this.#lastLink = link = this.link(from, to);
    this.push(link, msg);
  }

  /** Queue `msg` on `link` and make sure a drain is coming. */
  push(link: Link, msg: ActorMsg): void {
    link.queue.push(msg);
    if (!link.active) {
      link.active = true;
      this.#active.push(link);
    }
    if (!this.#draining && !this.#scheduled) {
      this.#scheduled = true;
      queueMicrotask(() => {
        this.#scheduled = false;
        this.#drain();
      });
    }
  }

  timerMessage(ns: NsId, proc: ProcKey, token: number): void {
    this.enqueue(CLOCK, ns, { type: 'timer-fired', proc, token });
  }

  /** Deliver until nothing is queued, then tell the kernel it is idle (which may queue timers). */
  #drain(): void {
    if (this.#draining || this.#closed || this.#failure) return;
    this.#draining = true;
    try {
      for (;;) {
        const active = this.#active;
        while (active.length > 0) {
          let i = 0;
          if (active.length > 1 && this.#chaos > 0) {
            i = this.#rng.below(active.length);
            this.#chaos--;
            this.choices++;
          }
          const link = active[i]!;
          const msg = link.queue[link.head++]!;
          if (link.head === link.queue.length) {
            link.queue.length = 0;
            link.head = 0;
            link.active = false;
            active[i] = active[active.length - 1]!;
            active.pop();
          }
          this.#deliver(link, msg);
        }
        this.#purge();
        this.#sink.idle();
        if (this.#active.length === 0) break;
      }
    } catch (err) {
      this.#fail(err);
    } finally {
      this.#draining = false;
    }
  }

  /** An actor threw: its state is unknown, so the kernel stops here, as on threads when a worker dies. */
  #fail(err: unknown): void {
    const cause = err instanceof Error ? (err.stack ?? err.message) : String(err);
    this.#faults.push(`an actor threw: ${cause}`);
    this.#failure = new Error(`pidsim: an actor threw ${err instanceof Error ? err.message : String(err)}; the kernel has failed`);
    this.#active.length = 0;
    this.#clock.clear();
    this.#sink.failed(this.#failure);
  }

  #deliver(link: Link, msg: ActorMsg): void {
    this.delivered++;
    const to = link.to;
    let actor = link.actor;
    if (actor === undefined || this.#purged.has(actor)) link.actor = actor = this.#actors.get(to);
    if (actor) return actor.handle(msg);
    // A call from a process whose namespace was torn down and freed meanwhile.
    if (msg.type === 'call') return this.#sink.reply(msg.id, callerGone(msg));
    this.#faults.push(`a ${msg.type} message for namespace ${to}, which has no actor`);
  }

  settled(): Promise<void> {
    this.#drain();
    return this.#failure ? Promise.reject(this.#failure) : Promise.resolve();
  }

  async snapshot(): Promise<ActorSnapshot[]> {
    await this.settled();
    return [...this.#actors.values()].filter((a) => !a.retired).map((a) => a.snapshot());
  }

  /** Messages that reached no actor, and the actor that threw, if one did. */
  async faultReport(): Promise<string[]> {
    return [...this.#faults];
  }

  setEventsEnabled(on: boolean): void {
    this.eventsEnabled = on;
  }

  now(): number {
    return this.#clock.now();
  }

  nextTimerAt(): number | undefined {
    return this.#clock.nextAt();
  }

  async advanceTo(at: number): Promise<void> {
    this.#clock.advanceTo(at);
    await this.settled();
  }

  /** Fire the earliest timer(s) now; used by the kernel when a blocked call waits on time. */
  fireNextTimer(): boolean {
    const at = this.#clock.nextAt();
    if (at === undefined) return false;
    this.#clock.advanceTo(at);
    return true;
  }

  async usage(): Promise<TransportUsage> {
    return {
      kind: 'inline',
      workers: 0,
      delivered: this.delivered,
      crossWorkerMessages: 0,
      memory: { ...PidTable.memoryOf([...this.#actors.values()].map((a) => a.table)), kernelTableBytes: this.tables.memoryBytes },
    };
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#clock.clear();
    this.#active.length = 0;
  }
}

/** One actor's view of the inline transport: it knows who is sending, and its own links. */
class InlineHost implements ActorHost {
  readonly #t: InlineTransport;
  readonly #from: NsId;
  /** This actor's outgoing links, by receiver. */
  readonly #links = new Map<NsId, Link>();

  constructor(t: InlineTransport, from: NsId) {
    this.#t = t;
    this.#from = from;
  }

  send(to: NsId, msg: ActorMsg): void {
    let link = this.#links.get(to);
    if (!link) this.#links.set(to, (link = this.#t.link(this.#from, to)));
    this.#t.push(link, msg);
  }

  /** The actor of `to` was dropped: forget the link to it. */
  forget(to: NsId): void {
    this.#links.delete(to);
  }
  reply(id: CallId, result: Result<unknown>): void {
    this.#t.sink.reply(id, result);
  }
  get eventsEnabled(): boolean {
    return this.#t.eventsEnabled;
  }
  emit(event: KernelEvent): void {
    this.#t.sink.event(event);
  }
  spawn(init: NsInit): void {
    this.#t.spawn(init);
  }
  retire(ns: NsId): void {
    this.#t.retire(ns);
  }
  setTimer(ns: NsId, proc: ProcKey, token: number, delayMs: number): void {
    this.#t.clock.schedule(delayMs, token, () => this.#t.timerMessage(ns, proc, token));
  }
  cancelTimer(token: number): void {
    this.#t.clock.cancel(token);
  }
  now(): number {
    return this.#t.clock.now();
  }
  nextProcKey(): ProcKey {
    return this.#t.nextProcKey();
  }
  nextNsId(): NsId {
    return this.#t.nextNsId();
  }
  get tables(): KernelTables {
    return this.#t.tables;
  }
  nextToken(): number {
    return this.#t.nextToken();
  }
}
