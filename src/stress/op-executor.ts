// This file runs one workload operation against a kernel: it maps slots to
// process handles, makes the operation's syscalls one after another (an
// operation holds at most one call in flight, except the exits of an orphan
// chain and the forks of a join), and checks each result where that is cheap.
// An errno is a legitimate outcome of a race and is only counted; anything
// else than a KernelError is a crash and ends the run.

import { SIGCONT, SIGKILL, SIGSTOP } from '@pidsim/core';
import { KernelError, type Process, type ProgramSpec } from '../index.js';
import type { CallTracker } from './call-tracker.js';
import type { EventLedger } from './event-ledger.js';
import { recordCall, type RunCounters } from './run-stats.js';
import type { Violation } from './stress-failure.js';
import type { ChildProgram, Slot, StressOp } from './workload-ops.js';
import { runPidfdReuse } from './pidfd-reuse-op.js';
import { runThreadGroup } from './thread-group-op.js';

/** Thrown into an operation when the run stops: it ends quietly. */
export const STOP = Symbol('stress run stopping');

/** A call ended with something other than a KernelError. */
export class CrashError extends Error {
  constructor(
    readonly op: number,
    readonly syscall: string,
    readonly reason: unknown,
  ) {
    super(`op #${op}: ${syscall} ended with ${reason instanceof Error ? `${reason.name}: ${reason.message}` : String(reason)}`);
    this.name = 'CrashError';
  }
}

export interface ExecContext {
  /** Process handles by slot (slot 0: the root init). */
  readonly handles: (Process | undefined)[];
  readonly counters: RunCounters;
  readonly ledger: EventLedger;
  readonly tracker: CallTracker;
  /** Set when the run stops: the next call of every operation throws STOP. */
  stopping: boolean;
  /** A call's result broke an invariant (checked as it arrives). */
  violation(v: Violation): void;
}

/** Whether `e` is the kernel's errno (also across module copies, by shape). */
export function isKernelError(e: unknown): e is KernelError {
  return e instanceof KernelError || (e instanceof Error && e.name === 'KernelError' && typeof (e as KernelError).code === 'string');
}

type Outcome<T> = T | KernelError;

const failed = (x: unknown): x is KernelError => x instanceof Error;

export class Op {
  constructor(
    readonly ctx: ExecContext,
    readonly index: number,
    readonly kind: string,
  ) {}

  /** One syscall: tracked while pending, timed, counted; an errno comes back as a value. */
  async sys<T>(name: string, by: Process, call: () => Promise<T>): Promise<Outcome<T>> {
    const ctx = this.ctx;
    if (ctx.stopping) throw STOP;
    const id = ctx.tracker.begin(this.index, this.kind, name, by);
    const t0 = performance.now();
    try {
      const v = await call();
      ctx.tracker.end(id);
      recordCall(ctx.counters, name, performance.now() - t0, null);
      ctx.ledger.mix(this.index);
      return v;
    } catch (e) {
      ctx.tracker.end(id);
      if (!isKernelError(e)) throw new CrashError(this.index, name, e);
      recordCall(ctx.counters, name, performance.now() - t0, e.code);
      ctx.ledger.mix(this.index);
      ctx.ledger.mix(e.errno);
      return e;
    }
  }

  async fork(by: Process, slot: Slot, program: ChildProgram | 'init', newPid = false, pidfd = false): Promise<Process | null> {
    const ctx = this.ctx;
    ctx.counters.forksAttempted++;
    const spec: ProgramSpec =
      program === 'exit'
        ? { name: 'exit', code: slot % 256 }
        : program === 'sleep'
          ? { name: 'sleep', seconds: 1 + (slot % 5) }
          : { name: program === 'init' ? 'reaper' : program };
    const child = await this.sys('fork', by, () => by.fork({ program: spec, name: `s${slot}`, ...(newPid ? { newPid: true } : {}), ...(pidfd ? { pidfd: true } : {}) }));
    if (failed(child)) return null;
    ctx.counters.forksSucceeded++;
    ctx.handles[slot] = child;
    checkFork(ctx, by, child, newPid);
    return child;
  }
}

/** Invariant 2 on a fork's result: one PID per level, visible in the parent's namespace, new namespaces one level down. */
function checkFork(ctx: ExecContext, by: Process, child: Process, newPid: boolean): void {
  const who = `${child} (${child.ns.level > 0 ? `level ${child.ns.level}` : 'root'} namespace ${child.ns.id}), forked by ${by}`;
  const bad = (message: string): void => ctx.violation({ invariant: 2, message: `${who}: ${message}`, processes: [String(child), String(by)] });
  if (child.nspid.length !== child.ns.level + 1 || child.ns.chain.length !== child.ns.level + 1) {
    return bad(`${child.nspid.length} PIDs and ${child.ns.chain.length} namespaces for level ${child.ns.level}`);
  }
  if (child.nspid.some((n) => !(n > 0))) return bad(`a PID is not positive (NSpid ${child.nspid.join(' ')})`);
  if (child.pidIn(by.ns) === 0) return bad("the child is not visible in its parent's namespace");
  if (newPid && (child.ns.level !== by.ns.level + 1 || child.pid !== 1)) {
    return bad(`a new namespace's first process should be PID 1 one level below its parent, got PID ${child.pid} at level ${child.ns.level}`);
  }
}

/** Runs operation `index`; resolves false when it was skipped (a process it names does not exist). */
export async function executeOp(ctx: ExecContext, index: number, op: StressOp): Promise<boolean> {
  const h = (slot: Slot): Process | undefined => ctx.handles[slot];
  const o = new Op(ctx, index, op.kind);
  switch (op.kind) {
    case 'fork': {
      const by = h(op.by);
      if (!by) return false;
      await o.fork(by, op.child, op.newPid ? 'init' : op.program, op.newPid);
      return true;
    }
    case 'kill-init': {
      const by = h(op.by);
      const init = h(op.init);
      const pid = by && init ? init.pidIn(by.ns) : 0;
      if (!by || pid <= 0) return false;
      await o.sys('kill', by, () => by.kill(pid, SIGKILL));
      return true;
    }
    case 'init-exit': {
      const init = h(op.init);
      if (!init) return false;
      await o.sys('exit', init, () => init.exit(op.code));
      return true;
    }
    case 'signal': {
      const by = h(op.by);
      const target = h(op.target);
      const pid = by && target ? target.pidIn(by.ns) : 0;
      if (!by || pid <= 0) return false;
      await o.sys('kill', by, () => by.kill(pid, op.sig));
      return true;
    }
    case 'kill-all': {
      const by = h(op.by);
      if (!by) return false;
      await o.sys('kill', by, () => by.kill(-1, op.sig));
      return true;
    }
    case 'kill-group': {
      const by = h(op.by);
      if (!by) return false;
      if (op.leader === null) {
        await o.sys('kill', by, () => by.kill(0, op.sig));
        return true;
      }
      const leader = h(op.leader);
      const pgid = leader ? leader.pidIn(by.ns) : 0;
      if (pgid <= 1) return false;
      await o.sys('kill', by, () => by.kill(-pgid, op.sig));
      return true;
    }
    case 'exit': {
      const p = h(op.proc);
      if (!p) return false;
      await o.sys('exit', p, () => p.exit(op.code));
      return true;
    }
    case 'reap': {
      const by = h(op.by);
      if (!by) return false;
      for (let i = 0; i < 64; i++) {
        const w = await o.sys('wait', by, () => by.wait(-1, { nohang: true }));
        if (failed(w) || w.pid === 0) break;
      }
      return true;
    }
    case 'kill-wait': {
      const by = h(op.by);
      const child = h(op.child);
      const pid = by && child ? child.pidIn(by.ns) : 0;
      if (!by || pid <= 0) return false;
      const k = await o.sys('kill', by, () => by.kill(pid, SIGKILL));
      if (failed(k)) return true;
      const w = await o.sys('wait', by, () => by.wait(pid));
      if (!failed(w)) {
        const kind = w.change?.kind;
        if (w.pid !== pid || (kind !== 'killed' && kind !== 'exited')) {
          ctx.violation({
            invariant: null,
            message: `waitpid(${pid}) by ${by} after SIGKILL reported pid ${w.pid} with ${JSON.stringify(w.change)}`,
            processes: [String(by), String(child)],
          });
        }
      }
      return true;
    }
    case 'orphan-chain': {
      let parent = h(op.by);
      if (!parent) return false;
      const made: Process[] = [];
      for (const slot of op.chain) {
        const c = await o.fork(parent, slot, 'idle');
        if (!c) break;
        made.push(c);
        parent = c;
      }
      // Every link but the planned last one exits at once: the orphans' reparenting races.
      const leaving = made.length === op.chain.length ? made.slice(0, -1) : made;
      await Promise.all(leaving.map((p) => o.sys('exit', p, () => p.exit(0))));
      return true;
    }
    case 'setns-join': {
      const by = h(op.by);
      const init = h(op.init);
      if (!by || !init) return false;
      const joiner = await o.fork(by, op.joiner, 'reaper');
      if (!joiner) return true;
      const pid = init.pidIn(joiner.ns);
      if (pid <= 0) return true;
      const handle = await o.sys('open-ns', joiner, () => joiner.openNs(pid, 'pid'));
      if (failed(handle)) return true;
      try {
        const r = await o.sys('setns', joiner, () => joiner.setns(handle));
        if (!failed(r)) await Promise.all(op.children.map((slot) => o.fork(joiner, slot, 'idle')));
      } finally {
        closeQuietly(handle);
      }
      return true;
    }
    case 'unshare-fork': {
      const u = h(op.proc);
      if (!u) return false;
      const r = await o.sys('unshare', u, () => u.unshare({ newPid: true }));
      if (failed(r)) return true;
      const [first, ...rest] = op.children;
      // The first child after unshare(CLONE_NEWPID) is the new namespace's init; the others race in behind it.
      if (first !== undefined && (await o.fork(u, first, 'init'))) await Promise.all(rest.map((slot) => o.fork(u, slot, 'idle')));
      return true;
    }
    case 'sigaction': {
      const p = h(op.proc);
      if (!p) return false;
      await o.sys('sigaction', p, () => p.sigaction(op.sig, op.handler));
      return true;
    }
    case 'sigprocmask': {
      const p = h(op.proc);
      if (!p) return false;
      await o.sys('sigprocmask', p, () => p.sigprocmask(op.how, op.sigs));
      return true;
    }
    case 'subreaper': {
      const p = h(op.proc);
      if (!p) return false;
      await o.sys('prctl', p, () => p.setChildSubreaper(true));
      return true;
    }
    case 'setsid': {
      const p = h(op.proc);
      if (!p) return false;
      await o.sys('setsid', p, () => p.setsid());
      return true;
    }
    case 'stop-cont': {
      const by = h(op.by);
      const target = h(op.target);
      const pid = by && target ? target.pidIn(by.ns) : 0;
      if (!by || pid <= 0) return false;
      const r = await o.sys('kill', by, () => by.kill(pid, SIGSTOP));
      // The SIGCONT comes from the root init, which never dies (the sender might, and leave the
      // target stopped for good); it goes out even when the run is stopping.
      const root = h(0)!;
      const rootPid = target!.pidIn(root.ns);
      if (!failed(r)) {
        if (ctx.stopping) await root.kill(rootPid, SIGCONT).catch(() => undefined);
        else await o.sys('kill', root, () => root.kill(rootPid, SIGCONT));
      }
      return true;
    }
    case 'pidfd-reuse':
      return runPidfdReuse(o, op);
    case 'thread-group':
      return runThreadGroup(o, op);
  }
}

/** close(2) on a handle; after the kernel closed there is nothing left to release. */
function closeQuietly(handle: { close(): void }): void {
  try {
    handle.close();
  } catch {
    // the kernel is closed
  }
}
