// The generator's picture of the system it is driving: which slots it
// believes alive, in which logical namespace, with which children, handlers
// and group. It is only a guide for choosing meaningful operations - races
// decide what really happens, and an operation on a process that turned out
// dead simply fails with an errno. Processes created in a round become
// choosable only in the next round, so no operation depends on another of
// its own round.
//
// Planning a million processes must stay linear: every choice samples an
// array at random (a forker with room, a committed child, a live leader) and
// drops what it finds stale, so no choice scans a list that grows with the
// run. What makes an entry stale never reverts (a death, a full fan-out), so
// each entry is dropped at most once.

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
  /** Children believed alive (`children` keeps the dead ones too). */
  liveChildren: number;
  /** Members believed alive; dead ones are dropped lazily when sampled. */
  readonly members: ModelProc[];
  /** Members that had room for another child when committed; dropped lazily once they have none. */
  readonly forkers: ModelProc[];
  /** It is in the model's list of namespaces with forkers. */
  forkerListed: boolean;
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
  // The lists below are allocated on first use: a million planned processes
  // with four empty collections each would take most of the planning time.
  /** Children it still has, as far as the model knows (reparented ones are forgotten), in no particular order. */
  kids: ModelProc[] | null;
  /** Its index in its parent's `kids` (-1: not there). */
  kidAt: number;
  /** The committed ones among `kids` (what a wait may name). */
  committedKids: ModelProc[] | null;
  /** Its index in its parent's `committedKids` (-1: not there). */
  committedAt: number;
  /** Signals it catches or ignores. */
  handled: Set<number> | null;
  /** It unshared or setns()ed: its children go to another namespace, so it forks no more plain children. */
  pfcMoved: boolean;
  subreaper: boolean;
  sessionLeader: boolean;
  /** The round of its setsid(). */
  sessionSince: number;
  /** The session leader whose group it belongs to (null: the root init's). */
  group: ModelProc | null;
  groupMembers: ModelProc[] | null;
}

export class WorkloadModel {
  readonly rng: Prng;
  readonly fanout: number;
  readonly root: ModelNs;
  readonly rootInit: ModelProc;
  /** Live namespaces, lazily pruned. */
  readonly namespaces: ModelNs[] = [];
  /** Live namespaces with forkers, lazily pruned. */
  readonly #forkerNamespaces: ModelNs[] = [];
  /** Session leaders, lazily pruned of the dead. */
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
    this.root = newNs(0, null);
    this.rootInit = this.#proc(0, this.root, null, 'init', true);
    this.root.init = this.rootInit;
    this.root.members.push(this.rootInit);
    this.#addForker(this.rootInit);
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
      kids: null,
      kidAt: -1,
      committedKids: null,
      committedAt: -1,
      handled: null,
      pfcMoved: false,
      subreaper: false,
      sessionLeader: false,
      sessionSince: 0,
      group: parent?.group ?? null,
      groupMembers: null,
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
    if (child.alive) {
      parent.kids ??= [];
      child.kidAt = parent.kids.length;
      parent.kids.push(child);
    }
    if (isInit) ns.init = child;
    if (child.group) (child.group.groupMembers ??= []).push(child);
    this.#born.push(child);
    return child;
  }

  /** Plan a new namespace below `parent`; its init is planned by the caller. */
  newNamespace(parent: ModelNs): ModelNs {
    const ns = newNs(this.#nextNs++, parent);
    parent.children.push(ns);
    parent.liveChildren++;
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
      if (!p.alive) continue;
      if (p.parent) {
        p.parent.committedKids ??= [];
        p.committedAt = p.parent.committedKids.length;
        p.parent.committedKids.push(p);
      }
      if (!p.ns.alive) continue;
      p.ns.members.push(p);
      if (this.canFork(p)) this.#addForker(p);
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
    const parent = p.parent;
    if (parent?.kids && p.kidAt >= 0) swapRemove(parent.kids, p.kidAt, (moved, at) => (moved.kidAt = at));
    if (parent?.committedKids && p.committedAt >= 0) swapRemove(parent.committedKids, p.committedAt, (moved, at) => (moved.committedAt = at));
    p.kidAt = -1;
    p.committedAt = -1;
    for (const kid of p.kids ?? []) {
      kid.parent = null;
      kid.kidAt = -1;
      kid.committedAt = -1;
    }
    p.kids = null;
    p.committedKids = null;
    if (p.isInit && p.ns.level > 0) this.killNamespace(p.ns);
  }

  /** Teardown: everything in `ns` and below dies. */
  killNamespace(ns: ModelNs): void {
    if (!ns.alive) return;
    ns.alive = false;
    this.liveNamespaces--;
    if (ns.parent) ns.parent.liveChildren--;
    for (const m of ns.members) this.kill(m);
    if (ns.init) this.kill(ns.init);
    for (const child of ns.children) this.killNamespace(child);
  }

  #addForker(p: ModelProc): void {
    const ns = p.ns;
    ns.forkers.push(p);
    if (!ns.forkerListed) {
      ns.forkerListed = true;
      this.#forkerNamespaces.push(ns);
    }
  }

  // --- sampling (every choice goes through the seeded PRNG) -------------------

  /** A committed process of `ns` with room for another child, or undefined if it has none. */
  forker(ns: ModelNs): ModelProc | undefined {
    const list = ns.forkers;
    while (list.length > 0) {
      const i = this.rng.below(list.length);
      const p = list[i]!;
      if (this.canFork(p)) return p;
      swapRemove(list, i); // it can never fork again: its fan-out only grows, and the dead stay dead
    }
    return undefined;
  }

  /** A forker with room in a live namespace chosen at random among those that have one. */
  anyForker(): ModelProc | undefined {
    const list = this.#forkerNamespaces;
    while (list.length > 0) {
      const i = this.rng.below(list.length);
      const ns = list[i]!;
      const p = ns.alive ? this.forker(ns) : undefined;
      if (p) return p;
      ns.forkerListed = false; // listed again when a newly committed member can fork
      swapRemove(list, i);
    }
    return undefined;
  }

  /** A live process of `list`, chosen at random; the dead it meets are dropped from the list. */
  pickLive(list: ModelProc[]): ModelProc | undefined {
    while (list.length > 0) {
      const i = this.rng.below(list.length);
      const p = list[i]!;
      if (p.alive) return p;
      swapRemove(list, i);
    }
    return undefined;
  }

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
        swapRemove(this.namespaces, i);
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
        swapRemove(list, i);
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

function newNs(id: number, parent: ModelNs | null): ModelNs {
  return {
    id,
    level: parent ? parent.level + 1 : 0,
    parent,
    init: null,
    alive: true,
    children: [],
    liveChildren: 0,
    members: [],
    forkers: [],
    forkerListed: false,
  };
}

/** Removes list[i] in O(1) by moving the last entry into its place (told to `moved`). */
function swapRemove<T>(list: T[], i: number, moved?: (item: T, at: number) => void): void {
  const last = list.pop()!;
  if (i < list.length) {
    list[i] = last;
    moved?.(last, i);
  }
}
