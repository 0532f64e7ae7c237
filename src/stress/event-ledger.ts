// The kernel's event stream, followed as a run goes: it counts processes and
// namespaces created and destroyed, folds every event into a trace digest
// (two runs of one seed must agree on it), and - where events arrive in
// causal order, on the inline transport - checks the cheap invariants as they
// happen, between the full checks at quiescent points:
//   1. a fork never gets a PID that a live or zombie process still holds;
//   2. a fork reports one PID per level of its namespace;
//   5. a namespace's init is reaped only after every other process there;
//   7. a process is reaped once, and only after it was forked.
// On `threads` events from different workers may arrive out of causal order,
// so there the ledger only counts - and keeps the count of live processes
// causal where the events prove the order: a root PID is freed only once its
// holder is reaped, so a fork that reuses it means that reap has happened,
// even if its event (batched on another worker) arrives later. Counted as it
// arrives, the reap would leave both processes live for a while, and the
// peak above what pid_max allows.

import type { Kernel, TimedEvent } from '../index.js';
import type { Violation } from './stress-failure.js';

export interface LedgerCounts {
  events: number;
  processesCreated: number;
  processesExited: number;
  processesReaped: number;
  peakLiveProcesses: number;
  namespacesCreated: number;
  namespacesDestroyed: number;
  peakLiveNamespaces: number;
  deepestLevel: number;
  signalsDelivered: number;
  signalsIgnored: number;
  reparents: number;
}

const EVENT_CODES: Readonly<Record<TimedEvent['type'], number>> = {
  fork: 1,
  exec: 2,
  'signal-sent': 3,
  'signal-delivered': 4,
  'signal-ignored': 5,
  exit: 6,
  reap: 7,
  reparent: 8,
  'ns-created': 9,
  'ns-exiting': 10,
  'ns-destroyed': 11,
};

/** Every count at zero (a run that never started). */
export function zeroLedgerCounts(): LedgerCounts {
  return {
    events: 0,
    processesCreated: 0,
    processesExited: 0,
    processesReaped: 0,
    peakLiveProcesses: 0,
    namespacesCreated: 0,
    namespacesDestroyed: 0,
    peakLiveNamespaces: 0,
    deepestLevel: 0,
    signalsDelivered: 0,
    signalsIgnored: 0,
    reparents: 0,
  };
}

export class EventLedger {
  /** The root init and the root namespace exist from the start. */
  readonly counts: LedgerCounts = { ...zeroLedgerCounts(), peakLiveProcesses: 1, peakLiveNamespaces: 1 };
  /** Violations seen in the stream, in order. */
  readonly violations: Violation[] = [];
  /** Whether the invariant checks run (inline only). */
  readonly checking: boolean;
  /** A running hash of every event and call outcome (FNV-1a over integers). */
  digest = 0x811c9dc5;
  #liveProcesses = 1;
  #liveNamespaces = 1;
  readonly #onViolation: (v: Violation) => void;
  readonly #unsubscribe: () => void;
  /** Namespace -> [level, parent] (from ns-created; the root is seeded). */
  readonly #ns = new Map<number, readonly [number, number | null]>();
  /** Namespace -> PID -> the process key holding it (live or zombie). */
  readonly #claims = new Map<number, Map<number, number>>();
  /** Processes forked and not yet reaped. */
  readonly #live = new Set<number>();
  /** Namespace -> its init's key. */
  readonly #initOf = new Map<number, number>();
  /** threads: root PID -> the process its last fork event gave it to (until that one's reap event). */
  readonly #rootHolder = new Map<number, number>();
  /** threads: processes counted as reaped when their root PID was reused, their reap event not seen yet. */
  readonly #reapedEarly = new Set<number>();

  constructor(kernel: Kernel, checking: boolean, onViolation: (v: Violation) => void) {
    this.checking = checking;
    this.#onViolation = onViolation;
    const root = kernel.init;
    this.#ns.set(root.ns.id, [0, null]);
    this.#claims.set(root.ns.id, new Map([[1, root.key]]));
    this.#live.add(root.key);
    this.#initOf.set(root.ns.id, root.key);
    this.#unsubscribe = kernel.subscribe((e) => this.#safely(e));
  }

  dispose(): void {
    this.#unsubscribe();
  }

  /** Processes forked and not reaped (zombies included), root init included. */
  get liveProcesses(): number {
    return this.#liveProcesses;
  }

  /** Namespaces created and not destroyed, the root included. */
  get liveNamespaces(): number {
    return this.#liveNamespaces;
  }

  mix(x: number): void {
    this.digest = Math.imul(this.digest ^ (x | 0), 16777619) >>> 0;
  }

  #violate(invariant: number, message: string, processes: readonly string[]): void {
    const v: Violation = { invariant, message, processes };
    this.violations.push(v);
    this.#onViolation(v);
  }

  /** Events arrive inside the kernel's delivery loop: nothing may throw back into it. */
  #safely(e: TimedEvent): void {
    try {
      this.#on(e);
    } catch (err) {
      this.violations.push({ invariant: null, message: `the stress event ledger failed on a ${e.type} event: ${String(err)}`, processes: [] });
    }
  }

  #on(e: TimedEvent): void {
    const c = this.counts;
    c.events++;
    this.mix(EVENT_CODES[e.type]);
    switch (e.type) {
      case 'fork':
        this.mix(e.key);
        for (const n of e.nspid) this.mix(n);
        c.processesCreated++;
        if (!this.checking) this.#reuse(e.key, e.nspid[0]!);
        if (++this.#liveProcesses > c.peakLiveProcesses) c.peakLiveProcesses = this.#liveProcesses;
        if (this.checking) this.#forked(e.key, e.ns, e.nspid, e.name);
        return;
      case 'reap':
        this.mix(e.key);
        c.processesReaped++;
        if (this.checking) {
          this.#liveProcesses--;
          this.#reaped(e.key, e.ns, e.nspid);
        } else if (!this.#reapedEarly.delete(e.key)) {
          this.#liveProcesses--;
          if (this.#rootHolder.get(e.nspid[0]!) === e.key) this.#rootHolder.delete(e.nspid[0]!);
        }
        return;
      case 'exit':
        this.mix(e.key);
        c.processesExited++;
        return;
      case 'signal-delivered':
        this.mix(e.key);
        this.mix(e.sig);
        c.signalsDelivered++;
        return;
      case 'signal-ignored':
        this.mix(e.key);
        c.signalsIgnored++;
        return;
      case 'reparent':
        this.mix(e.key);
        this.mix(e.to);
        c.reparents++;
        return;
      case 'ns-created':
        this.mix(e.ns);
        this.#ns.set(e.ns, [e.level, e.parent]);
        c.namespacesCreated++;
        if (e.level > c.deepestLevel) c.deepestLevel = e.level;
        if (++this.#liveNamespaces > c.peakLiveNamespaces) c.peakLiveNamespaces = this.#liveNamespaces;
        return;
      case 'ns-destroyed':
        this.mix(e.ns);
        c.namespacesDestroyed++;
        this.#liveNamespaces--;
        if (this.#claims.get(e.ns)?.size === 0) this.#claims.delete(e.ns);
        return;
      default:
        return;
    }
  }

  /** threads: `key` was forked with root PID `nr`; whoever the events last gave `nr` to has been reaped. */
  #reuse(key: number, nr: number): void {
    const previous = this.#rootHolder.get(nr);
    if (previous !== undefined && previous !== key) {
      this.#reapedEarly.add(previous);
      this.#liveProcesses--;
    }
    this.#rootHolder.set(nr, key);
  }

  #forked(key: number, ns: number, nspid: readonly number[], name: string): void {
    const known = this.#ns.get(ns);
    if (!known) return; // a namespace announced before we subscribed: nothing to check against
    const [level] = known;
    const who = `process ${key} (NSpid ${nspid.join(' ')}, ${name})`;
    if (nspid.length !== level + 1) {
      this.#violate(2, `fork of ${who} into namespace ${ns} (level ${level}) reported ${nspid.length} PIDs`, [who]);
      return;
    }
    let at: number | null = ns;
    for (let lvl = level; lvl >= 0 && at !== null; lvl--) {
      const nr = nspid[lvl]!;
      let map = this.#claims.get(at);
      if (!map) this.#claims.set(at, (map = new Map()));
      const holder = map.get(nr);
      if (holder !== undefined && holder !== key) {
        this.#violate(1, `PID ${nr} of namespace ${at} was given to ${who} while process ${holder} still holds it`, [who, `process ${holder}`]);
      }
      map.set(nr, key);
      at = this.#ns.get(at)?.[1] ?? null;
    }
    this.#live.add(key);
    if (nspid[level] === 1 && !this.#initOf.has(ns)) this.#initOf.set(ns, key);
  }

  #reaped(key: number, ns: number, nspid: readonly number[]): void {
    const who = `process ${key} (NSpid ${nspid.join(' ')})`;
    if (!this.#live.delete(key)) {
      this.#violate(7, `${who} was reaped, but it is not a process forked and not yet reaped (reaped twice?)`, [who]);
      return;
    }
    const known = this.#ns.get(ns);
    if (!known) return;
    let at: number | null = ns;
    for (let lvl = known[0]; lvl >= 0 && at !== null; lvl--) {
      const map = this.#claims.get(at);
      if (map?.get(nspid[lvl]!) === key) map.delete(nspid[lvl]!);
      at = this.#ns.get(at)?.[1] ?? null;
    }
    if (this.#initOf.get(ns) === key) {
      const left = this.#claims.get(ns);
      if (left && left.size > 0) {
        const others = [...left.values()].slice(0, 5).map((k) => `process ${k}`);
        this.#violate(5, `the init of namespace ${ns} (${who}) was reaped while ${left.size} other processes still hold PIDs there`, [who, ...others]);
      }
    }
  }
}
