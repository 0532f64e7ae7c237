// This file turns a kernel's run into trace records as it happens: its
// events (fork, exec, signals, exit, reap, reparent, namespace life) and its
// syscalls (sent and answered) become, on the tracks of trace-tracks.ts,
//   - a slice for each process's life, then one for its zombie time;
//   - a slice for each syscall, and for each time a process is stopped;
//   - marks for signals sent and delivered or dropped, with an arrow from
//     sender to receiver, and for exec, exit and reparenting;
//   - per namespace: a slice for its life and one for its teardown, an arrow
//     from the dying init to each process the teardown kills, and counters of
//     its running and zombie processes.
// Filters (one namespace subtree, a window of trace time) decide what is
// written; the state is followed whole so that what is written nests.

import { signalName, type ChildChange, type NsId, type Op, type ProcKey, type Result, type TimedEvent } from '@pidsim/core';
import type { ArgsJson } from './trace-event-json.js';
import type { TraceWindow } from './trace-options.js';
import { PendingSends, type CascadeSource } from './signal-flows.js';
import { Track, namespacePid, processTid, type Lane, type OpenSlice } from './trace-tracks.js';
import { TraceWriter, type RecordSink } from './trace-writer.js';

export interface RecorderOptions {
  readonly namespace?: number | undefined;
  readonly window?: TraceWindow | undefined;
  /** The root namespace and its init, which exist before any event. */
  readonly root: { readonly ns: NsId; readonly init: ProcKey; readonly initName: string };
}

/** What a trace holds, for its summary. */
export interface TraceCounts {
  records: number;
  processes: number;
  namespaces: number;
  syscalls: number;
  signalFlows: number;
  cascadeFlows: number;
  overlapLanes: number;
}

interface NsState {
  readonly id: number;
  readonly level: number;
  readonly track: Track;
  state: 'active' | 'exiting';
  /** The key of its init (PID 1 there), once forked. */
  init: number | null;
  parent: NsState | null;
  running: number;
  zombie: number;
  cascade: CascadeSource | null;
}

interface ProcState {
  readonly key: number;
  readonly ns: NsState;
  readonly nspid: readonly number[];
  readonly track: Track;
  /** Its open stop, if stopped. */
  stopped: { readonly lane: Lane; readonly slice: OpenSlice } | null;
  /** Whether it exited (it is a zombie until reaped). */
  exited: boolean;
  /** Reaped: only marks are drawn for its late events (threads). */
  gone: boolean;
  /** Whether a teardown's arrow reached it already (one per victim). */
  reachedByTeardown: boolean;
}

interface OpenCall {
  readonly proc: ProcState;
  readonly lane: Lane;
  readonly slice: OpenSlice;
}

/** How many reaped processes are remembered for events that arrive late (threads). */
const REAPED_KEPT = 4096;

const nspidText = (nspid: readonly number[]): string => `NSpid ${nspid.join(' ')}`;

function changeText(c: ChildChange): string {
  switch (c.kind) {
    case 'exited':
      return `exit ${c.code}`;
    case 'killed':
      return `killed by ${signalName(c.signal)}${c.core ? ' (core dumped)' : ''}`;
    case 'stopped':
      return `stopped by ${signalName(c.signal)}`;
    case 'continued':
      return 'continued';
  }
}

/** A syscall's arguments as the slice shows them (everything but its name). */
function opArgs(op: Op | { readonly op: string }): ArgsJson {
  const { op: _name, ...rest } = op as Record<string, unknown>;
  for (const _k in rest) return JSON.stringify(rest);
  return null;
}

/** What a syscall returned, as small as it stays readable: a number, a child's NSpid, or the errno. */
function resultArgs(op: string, result: Result<unknown>): ArgsJson {
  if (!result.ok) return `{"errno":"${result.code}"}`;
  const v = result.value;
  if (typeof v === 'number' || typeof v === 'boolean') return `{"ret":${v}}`;
  if (op === 'fork' && v && typeof v === 'object' && 'nums' in v) return `{"child":"${nspidText((v as { nums: number[] }).nums)}"}`;
  if (op === 'wait' && v && typeof v === 'object' && 'pid' in v) {
    const w = v as { pid: number; change?: ChildChange };
    return JSON.stringify({ pid: w.pid, ...(w.change ? { change: changeText(w.change) } : {}) });
  }
  return null;
}

export class TraceRecorder {
  readonly #counts: TraceCounts = { records: 0, processes: 0, namespaces: 0, syscalls: 0, signalFlows: 0, cascadeFlows: 0, overlapLanes: 0 };
  readonly #w: TraceWriter;
  readonly #filterNs: number | undefined;
  readonly #ns = new Map<number, NsState>();
  readonly #procs = new Map<number, ProcState>();
  readonly #calls = new Map<number, OpenCall>();
  readonly #sends = new PendingSends();
  /** Victims a teardown's SIGKILL was sent to, waiting for its outcome. */
  readonly #teardownSent = new Map<number, NsState>();
  /**
   * Processes reaped lately (a key is never reused). On threads an event from
   * another worker can arrive after the reaping: it is drawn as a mark after
   * the zombie time, and is not taken for a new process.
   */
  readonly #reaped = new Map<number, ProcState>();
  #nextFlow = 1;
  #overlaps = 0;

  constructor(sink: RecordSink, o: RecorderOptions) {
    this.#w = new TraceWriter(sink, o.window);
    this.#filterNs = o.namespace;
    this.#w.setHooks({
      tracks: () => this.#tracks(),
      opened: (ts) => {
        for (const ns of this.#ns.values()) this.#w.counter(ns.track, ts, ns.running, ns.zombie);
      },
      closing: () => this.#flushWaiting(),
    });
    const root = this.#newNs(o.root.ns, null, 0, null);
    this.#newProc(o.root.init, root, [1], o.root.initName);
  }

  /** True once the window has passed: nothing more will be written. */
  get done(): boolean {
    return this.#w.done;
  }

  /** What the trace holds so far. */
  get counts(): TraceCounts {
    return { ...this.#counts, records: this.#w.records };
  }

  *#tracks(): Iterable<Track> {
    for (const ns of this.#ns.values()) yield ns.track;
    for (const p of this.#procs.values()) yield p.track;
  }

  #counter(ns: NsState): void {
    this.#w.counter(ns.track, this.#w.lastStamp, ns.running, ns.zombie);
  }

  /** Marks still waiting for an arrow's other end: written without it. */
  #flushWaiting(): void {
    for (const m of this.#sends.takeAll()) this.#w.flushMark(m);
    for (const ns of this.#ns.values()) if (ns.cascade && !ns.cascade.written) this.#flushCascade(ns.cascade);
  }

  // --- namespaces and processes --------------------------------------------------

  #newNs(id: number, parent: NsState | null, level: number, inode: number | null): NsState {
    const kept = this.#filterNs === undefined || id === this.#filterNs || (parent !== null && parent.track.kept);
    const pid = namespacePid(id);
    const ns: NsState = { id, level, track: new Track(pid, pid, nsName({ id, level }), kept), state: 'active', init: null, parent, running: 0, zombie: 0, cascade: null };
    this.#ns.set(id, ns);
    this.#w.nameProcess(pid, nsName(ns));
    this.#counts.namespaces++;
    const args = JSON.stringify({ level, ...(inode === null ? {} : { inode }), ...(parent ? { parent: `#${parent.id}` } : {}) });
    this.#w.begin(ns.track, ns.track.main, 'life', nsName(ns), 'namespace', args);
    return ns;
  }

  /** A namespace the trace has not seen created (it began before the trace). */
  #nsOf(id: number, level: number): NsState {
    return this.#ns.get(id) ?? this.#newNs(id, null, level, null);
  }

  #newProc(key: number, ns: NsState, nspid: readonly number[], name: string, parent?: ProcState): ProcState {
    const track = new Track(ns.track.pid, processTid(key), `${name} · ${nspidText(nspid)}`, ns.track.kept);
    const p: ProcState = { key, ns, nspid, track, stopped: null, exited: false, gone: false, reachedByTeardown: false };
    this.#procs.set(key, p);
    this.#counts.processes++;
    if (nspid[ns.level] === 1) ns.init = key;
    const args = `{"nspid":"${nspid.join(' ')}"${parent ? `,"parent":"${parent.nspid.join(' ')}"` : ''}}`;
    this.#w.begin(track, track.main, 'life', name, 'process', args);
    ns.running++;
    this.#counter(ns);
    return p;
  }

  /**
   * The process an event names; one the trace has not seen fork is taken up
   * as it first appears (a reaped one lately is found among the reaped).
   */
  #procOf(e: { key: ProcKey; nspid: readonly number[]; ns: NsId }): ProcState {
    return this.#procs.get(e.key) ?? this.#reaped.get(e.key) ?? this.#newProc(e.key, this.#nsOf(e.ns, e.nspid.length - 1), e.nspid, `pid ${e.nspid[e.nspid.length - 1]}`);
  }

  /** Ends every slice inside the process's life or zombie time: it exited, or was reaped. */
  #endInner(p: ProcState, why: string): void {
    const args = `{"ended":"${why}"}`;
    for (const lane of p.track.lanes) {
      const floor = lane === p.track.main ? 1 : 0;
      while (lane.stack.length > floor) this.#w.end(p.track, lane, args);
    }
    p.stopped = null;
  }

  // --- events ----------------------------------------------------------------------

  event(e: TimedEvent): void {
    if (this.#w.done) return;
    this.#w.at(e.time);
    switch (e.type) {
      case 'fork': {
        const early = this.#procs.get(e.key);
        if (early) {
          // On threads, an event of the child can arrive before its fork: it was taken up already; now it has its name.
          early.track.name = `${e.name} · ${nspidText(early.nspid)}`;
          this.#w.rename(early.track);
        } else if (!this.#reaped.has(e.key)) {
          this.#newProc(e.key, this.#nsOf(e.ns, e.nspid.length - 1), e.nspid, e.name, this.#procs.get(e.parent));
        }
        return;
      }
      case 'exec': {
        const p = this.#procOf(e);
        this.#w.markNow(p.track, `exec ${e.name}`, 'process', JSON.stringify({ program: e.program }));
        // A track is named for what the process became (a shell forks, then the child execs ps): the viewer keeps the last name.
        p.track.name = `${e.name} · ${nspidText(p.nspid)}`;
        this.#w.rename(p.track);
        return;
      }
      case 'reparent': {
        const to = this.#procs.get(e.to);
        const p = this.#procOf(e);
        this.#w.markNow(p.track, 'reparented', 'process', to ? `{"to":"${nspidText(to.nspid)}"}` : null);
        return;
      }
      case 'signal-sent':
        this.#signalSent(e.key, e.nspid, e.ns, e.sig, e.from);
        return;
      case 'signal-delivered': {
        const p = this.#procOf(e);
        this.#signalOutcome(p, e.sig, `${signalName(e.sig)}: ${e.action}`, 'oldest');
        if (p.gone) return;
        if (e.action === 'stop' && !p.stopped) {
          const lane = p.track.laneForInner(() => this.#overlap());
          p.stopped = { lane, slice: this.#w.begin(p.track, lane, 'stopped', 'stopped', 'state', `{"by":"${signalName(e.sig)}"}`) };
        } else if (e.action === 'continue' && p.stopped) {
          const { lane, slice } = p.stopped;
          p.stopped = null;
          if (lane.stack[lane.stack.length - 1] === slice) this.#w.end(p.track, lane, null);
        }
        return;
      }
      case 'signal-ignored': {
        this.#signalOutcome(this.#procOf(e), e.sig, `${signalName(e.sig)} ignored: ${e.reason}`, 'newest');
        return;
      }
      case 'exit': {
        const p = this.#procOf(e);
        if (p.gone) {
          this.#w.markNow(p.track, changeText(e.change), 'process', '{"late":"arrived after its reaping"}');
          return;
        }
        this.#endInner(p, 'exit');
        this.#w.markNow(p.track, changeText(e.change), 'process', null);
        this.#w.end(p.track, p.track.main, null);
        this.#w.begin(p.track, p.track.main, 'zombie', 'zombie', 'state', null);
        p.exited = true;
        p.ns.running--;
        p.ns.zombie++;
        this.#counter(p.ns);
        return;
      }
      case 'reap': {
        const p = this.#procs.get(e.key);
        if (!p) return;
        this.#endInner(p, 'reaped');
        const by = this.#procs.get(e.by);
        this.#w.end(p.track, p.track.main, JSON.stringify({ reapedBy: by ? nspidText(by.nspid) : `key ${e.by}`, auto: e.auto }));
        this.#procs.delete(e.key);
        p.gone = true;
        this.#reaped.set(e.key, p);
        // Late events come soon after: the last few thousand reaped are enough.
        if (this.#reaped.size > REAPED_KEPT) this.#reaped.delete(this.#reaped.keys().next().value!);
        for (const m of this.#sends.takeAllFor(e.key)) this.#w.flushMark(m);
        this.#teardownSent.delete(e.key);
        if (p.exited) p.ns.zombie--;
        else p.ns.running--;
        this.#counter(p.ns);
        return;
      }
      case 'ns-created': {
        const parent = e.parent === null ? null : (this.#ns.get(e.parent) ?? null);
        if (!this.#ns.has(e.ns)) this.#newNs(e.ns, parent, e.level, e.inode);
        return;
      }
      case 'ns-exiting': {
        const ns = this.#nsOf(e.ns, e.level);
        ns.state = 'exiting';
        this.#w.begin(ns.track, ns.track.main, 'exiting', 'exiting (init died)', 'namespace', null);
        const init = ns.init === null ? undefined : (this.#procs.get(ns.init) ?? this.#reaped.get(ns.init));
        if (init) {
          const source = this.#w.pendingMark(init.track, 'teardown: SIGKILL to every process of the namespace', 'cascade', `{"namespace":"#${ns.id}"}`);
          ns.cascade = { mark: source, flowId: null, written: false };
        }
        return;
      }
      case 'ns-destroyed': {
        const ns = this.#ns.get(e.ns);
        if (!ns) return;
        while (ns.track.main.stack.length > 0) this.#w.end(ns.track, ns.track.main, null);
        if (ns.cascade && !ns.cascade.written) this.#flushCascade(ns.cascade);
        this.#ns.delete(e.ns);
        return;
      }
    }
  }

  #overlap(): number {
    this.#counts.overlapLanes++;
    return this.#overlaps++;
  }

  #signalSent(target: ProcKey, nspid: readonly number[], nsId: NsId, sig: number, from: ProcKey | null): void {
    const p = this.#procOf({ key: target, nspid, ns: nsId });
    if (from !== null) {
      const sender = this.#procs.get(from);
      const s = sender ?? this.#reaped.get(from);
      if (s) this.#sends.add(target, sig, this.#w.pendingMark(s.track, `send ${signalName(sig)}`, 'signal', `{"to":"${nspidText(nspid)}"}`));
      return;
    }
    // The kernel's SIGKILL to a process under an exiting namespace: that namespace's teardown reached it.
    if (sig !== 9 || p.reachedByTeardown) return;
    for (let ns: NsState | null = p.ns; ns !== null; ns = ns.parent) {
      if (ns.state === 'exiting') {
        if (ns.cascade) this.#teardownSent.set(target, ns);
        return;
      }
    }
  }

  #signalOutcome(p: ProcState, sig: number, name: string, which: 'oldest' | 'newest'): void {
    const send = this.#sends.take(p.key, sig, which);
    const outcome = this.#w.pendingMark(p.track, name, 'signal', null);
    const teardown = sig === 9 && !send ? this.#teardownSent.get(p.key) : undefined;
    if (send) {
      if (this.#w.writable(send) && this.#w.writable(outcome)) {
        const id = this.#nextFlow++;
        this.#w.writeMark(send, { id, dir: 'out' });
        this.#w.writeMark(outcome, { id, dir: 'in' });
        this.#counts.signalFlows++;
        return;
      }
      this.#w.flushMark(send);
    } else if (teardown) {
      this.#teardownSent.delete(p.key);
      p.reachedByTeardown = true;
      const c = teardown.cascade!;
      if (this.#w.writable(outcome) && (c.flowId !== null || (!c.written && this.#w.writable(c.mark)))) {
        if (c.flowId === null) {
          c.flowId = this.#nextFlow++;
          c.written = true;
          this.#w.writeMark(c.mark, { id: c.flowId, dir: 'out' });
        }
        this.#w.writeMark(outcome, { id: c.flowId, dir: 'in' });
        this.#counts.cascadeFlows++;
        return;
      }
    }
    this.#w.flushMark(outcome);
  }

  #flushCascade(c: CascadeSource): void {
    c.written = true;
    this.#w.flushMark(c.mark);
  }

  // --- syscalls --------------------------------------------------------------------

  callSent(id: number, caller: number, op: Op | { readonly op: string }, virtualMs: number): void {
    if (this.#w.done) return;
    const p = this.#procs.get(caller);
    if (!p) return;
    this.#w.at(virtualMs);
    const lane = p.track.laneForInner(() => this.#overlap());
    const slice = this.#w.begin(p.track, lane, 'syscall', op.op, 'syscall', opArgs(op));
    this.#calls.set(id, { proc: p, lane, slice });
    this.#counts.syscalls++;
  }

  callAnswered(id: number, result: Result<unknown>, virtualMs: number): void {
    const c = this.#calls.get(id);
    if (!c) return;
    this.#calls.delete(id);
    if (this.#w.done) return;
    // Ended already if the process exited while the call was in the kernel.
    if (c.lane.stack[c.lane.stack.length - 1] !== c.slice) return;
    this.#w.at(virtualMs);
    this.#w.end(c.proc.track, c.lane, resultArgs(c.slice.name, result));
  }

  /** Ends what is still open at the end of the run and writes the marks still waiting. */
  finish(virtualMs: number): void {
    if (this.#w.done) return;
    this.#w.at(virtualMs);
    const close = (track: Track): void => {
      for (const lane of track.lanes) while (lane.stack.length > 0) this.#w.end(track, lane, '{"open":"at the end of the trace"}');
    };
    for (const p of this.#procs.values()) close(p.track);
    for (const ns of this.#ns.values()) close(ns.track);
    this.#flushWaiting();
    this.#w.endBeforeWindow();
  }
}

function nsName(ns: { id: number; level: number }): string {
  return `PID namespace #${ns.id} · level ${ns.level}${ns.level === 0 ? ' (root)' : ''}`;
}
