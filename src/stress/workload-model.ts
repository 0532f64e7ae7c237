// The generator's picture of the system it is driving: which slots it
// believes alive, in which logical namespace, with which children, handlers
// and group. It is only a guide for choosing meaningful operations - races
// decide what really happens, and an operation on a process that turned out
// dead simply fails with an errno. Processes created in a round become
// choosable only in the next round, so no operation depends on another of
// its own round.

import type { Prng } from '@pidsim/scheduler';
import type { ChildProgram, Slot } from './workload-ops.js';

export interface ModelNs {
  readonly id: number;
  readonly level: number;
  readonly parent: ModelNs | null;
  /** Set when the namespace's first process is committed (null for an unshare whose init is pending). */
  init: ModelProc | null;
  alive: boolean;
  readonly children: ModelNs[];
  /** Members believed alive; dead ones are dropped lazily when sampled. */
  readonly members: ModelProc[];
}

export interface ModelProc {
  readonly slot: Slot;
  readonly ns: ModelNs;
  parent: ModelProc | null;
  /** Who forked it (its parent at birth; `parent` follows reparenting, as far as the model knows). */
  readonly forker: ModelProc | null;
  /** Its fork cannot race its forker's death (an orphan chain forks each link before any exits). */
  safe: boolean;
  readonly program: ChildProgram | 'init';
  readonly isInit: boolean;
  alive: boolean;
  /** Its round is over: later operations may name it. */
  committed: boolean;
  /** Children it forked (its fan-out so far). */
  forks: number;
  /** The last round it forked in (-1: never). */
  lastForkRound: number;
  /** Children it still has, as far as the model knows (reparented ones are forgotten). */
  readonly kids: Set<ModelProc>;
  /** Signals it catches or ignores. */
  readonly handled: Set<number>;
  /** It unshared or setns()ed: its children go to another namespace, so it forks no more plain children. */
  pfcMoved: boolean;
  subreaper: boolean;
  sessionLeader: boolean;
  /** The round of its setsid(). */
  sessionSince: number;
  /** The session leader whose group it belongs to (null: the root init's). */
  group: ModelProc | null;
  readonly groupMembers: ModelProc[];
}

export class WorkloadModel {
  readonly rng: Prng;
  readonly fanout: number;
  readonly root: ModelNs;
  readonly rootInit: ModelProc;
  /** Live namespaces, lazily pruned. */
  readonly namespaces: ModelNs[] = [];
  readonly leaders: ModelProc[] = [];
  liveNamespaces = 1;
  /** Rounds committed so far. */
  round = 0;
  namespacesCreated = 0;
  #nextSlot = 1;
  #nextNs = 1;
  /** Created this round: choosable from the next round on. */
  #born: ModelProc[] = [];
  #bornNs: ModelNs[] = [];

  constructor(rng: Prng, fanout: number) {
    this.rng = rng;
    this.fanout = fanout;
    this.root = { id: 0, level: 0, parent: null, init: null, alive: true, children: [], members: [] };
    this.rootInit = this.#proc(0, this.root, null, 'init', true);
    this.root.init = this.rootInit;
    this.root.members.push(this.rootInit);
    this.namespaces.push(this.root);
  }

  #proc(slot: Slot, ns: ModelNs, parent: ModelProc | null, program: ChildProgram | 'init', isInit: boolean): ModelProc {
    return {
      slot,
      ns,
      parent,
      forker: parent,
      safe: false,
      program,
      isInit,
      alive: program !== 'exit',
      committed: slot === 0,
      forks: 0,
      lastForkRound: -1,
      kids: new Set(),
      handled: new Set(),
      pfcMoved: false,
      subreaper: false,
      sessionLeader: false,
      sessionSince: 0,
      group: parent?.group ?? null,
      groupMembers: [],
    };
  }

  /** The most children a process forks: inits (which also adopt orphans) get four times the fan-out. */
  capOf(p: ModelProc): number {
    return p.isInit ? this.fanout * 4 : this.fanout;
  }

  canFork(p: ModelProc): boolean {
    return p.alive && !p.pfcMoved && p.forks < this.capOf(p) && (p.program === 'idle' || p.program === 'reaper' || p.program === 'init');
  }

  /** Plan a child of `parent` in namespace `ns` (a new one when the child is its init). */
  birth(parent: ModelProc, program: ChildProgram | 'init', ns: ModelNs = parent.ns): ModelProc {
    const isInit = program === 'init';
    const child = this.#proc(this.#nextSlot++, ns, parent, program, isInit);
    parent.forks++;
    parent.lastForkRound = this.round;
    if (child.alive) parent.kids.add(child);
    if (isInit) ns.init = child;
    if (child.group) child.group.groupMembers.push(child);
    this.#born.push(child);
    return child;
  }

  /** Plan a new namespace below `parent`; its init is planned by the caller. */
  newNamespace(parent: ModelNs): ModelNs {
    const ns: ModelNs = { id: this.#nextNs++, level: parent.level + 1, parent, init: null, alive: true, children: [], members: [] };
    parent.children.push(ns);
    this.namespacesCreated++;
    this.liveNamespaces++;
    this.#bornNs.push(ns);
    return ns;
  }

  /** The round is over: what it created becomes choosable. */
  commitRound(): void {
    for (const p of this.#born) {
      p.committed = true;
      // A fork racing its forker's death (planned later in the same round) may well fail: the model
      // gives up on the child rather than plan a whole subtree of operations on a process that may
      // never have existed.
      if (p.alive && !p.safe && p.forker && !p.forker.alive) this.kill(p);
      if (p.alive && p.ns.alive) p.ns.members.push(p);
    }
    for (const ns of this.#bornNs) if (ns.alive) this.namespaces.push(ns);
    this.#born = [];
    this.#bornNs = [];
    this.round++;
  }

  /** The model believes `p` died (killed, exited). An init takes its namespace along. */
  kill(p: ModelProc): void {
    if (!p.alive) return;
    p.alive = false;
    p.parent?.kids.delete(p);
    for (const kid of p.kids) kid.parent = null;
    p.kids.clear();
    if (p.isInit && p.ns.level > 0) this.killNamespace(p.ns);
  }

  /** Teardown: everything in `ns` and below dies. */
  killNamespace(ns: ModelNs): void {
    if (!ns.alive) return;
    ns.alive = false;
    this.liveNamespaces--;
    for (const m of ns.members) this.kill(m);
    if (ns.init) this.kill(ns.init);
    for (const child of ns.children) this.killNamespace(child);
  }

  // --- sampling (every choice goes through the seeded PRNG) -------------------

  pick<T>(list: readonly T[]): T | undefined {
    return list.length === 0 ? undefined : list[this.rng.below(list.length)];
  }

  chance(p: number): boolean {
    return this.rng.next() / 0x100000000 < p;
  }

  int(lo: number, hi: number): number {
    return lo + this.rng.below(hi - lo + 1);
  }

  /** A live namespace matching `filter`, or undefined after a few tries. */
  liveNs(filter: (ns: ModelNs) => boolean = () => true): ModelNs | undefined {
    for (let tries = 0; tries < 12 && this.namespaces.length > 0; tries++) {
      const i = this.rng.below(this.namespaces.length);
      const ns = this.namespaces[i]!;
      if (!ns.alive) {
        this.namespaces[i] = this.namespaces[this.namespaces.length - 1]!;
        this.namespaces.pop();
        continue;
      }
      if (filter(ns)) return ns;
    }
    return undefined;
  }

  /** A live member of `ns` matching `filter`, or undefined after a few tries. */
  member(ns: ModelNs, filter: (p: ModelProc) => boolean = () => true): ModelProc | undefined {
    const list = ns.members;
    for (let tries = 0; tries < 12 && list.length > 0; tries++) {
      const i = this.rng.below(list.length);
      const p = list[i]!;
      if (!p.alive) {
        list[i] = list[list.length - 1]!;
        list.pop();
        continue;
      }
      if (filter(p)) return p;
    }
    return undefined;
  }

  /** A live process of a random live namespace. */
  anyProc(filter: (p: ModelProc) => boolean = () => true, nsFilter?: (ns: ModelNs) => boolean): ModelProc | undefined {
    for (let tries = 0; tries < 8; tries++) {
      const ns = this.liveNs(nsFilter);
      if (!ns) return undefined;
      const p = this.member(ns, filter);
      if (p) return p;
    }
    return undefined;
  }

  /** `ns` or one of its live ancestors, chosen at random. */
  ancestorOrSelf(ns: ModelNs): ModelNs {
    const chain: ModelNs[] = [];
    for (let n: ModelNs | null = ns; n; n = n.parent) if (n.alive) chain.push(n);
    return this.pick(chain) ?? ns;
  }

  /** A live process that can see `target` (in its namespace or an ancestor's). */
  observerOf(target: ModelProc, filter: (p: ModelProc) => boolean = () => true): ModelProc | undefined {
    for (let tries = 0; tries < 4; tries++) {
      const p = this.member(this.ancestorOrSelf(target.ns), filter);
      if (p) return p;
    }
    return undefined;
  }
}
