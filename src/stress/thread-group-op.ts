// The stress operation for thread groups (SEMANTICS 8.19-8.21): a process
// grows threads, then its group ends one of four ways - exit_group from a
// thread, a SIGKILL tgkill'ed at one thread, exit_group racing an execve
// from another thread, or not at all (it stays multi-threaded and dies with
// whatever cascade or storm reaches it). The exec race's outcome is checked
// against the legal set: exactly one of the two calls returns.

import { SIGKILL } from '@pidsim/core';
import type { KernelError, Process } from '../index.js';
import type { Op } from './op-executor.js';
import type { StressOp } from './workload-ops.js';

const failed = (x: unknown): x is KernelError => x instanceof Error;

/** Runs a `thread-group` operation; false when its process does not exist. */
export async function runThreadGroup(o: Op, op: Extract<StressOp, { kind: 'thread-group' }>): Promise<boolean> {
  const ctx = o.ctx;
  const p = ctx.handles[op.proc];
  if (!p) return false;
  const threads: Process[] = [];
  for (let i = 0; i < op.threads; i++) {
    // EINVAL after an unshare moved pid_for_children, ESRCH once the process died: both legal.
    const t = await o.sys('clone-thread', p, () => p.fork({ thread: true, name: `s${op.proc}t${i}` }));
    if (failed(t)) break;
    threads.push(t);
    ctx.counters.threadsCreated++;
  }
  const bad = (message: string, ...procs: Process[]): void =>
    ctx.violation({ invariant: null, message: `op #${o.index} (thread-group): ${message}`, processes: [p, ...procs].map(String) });
  const [first, second] = threads;
  switch (op.ending) {
    case 'stay':
      return true;
    case 'exit-group': {
      const by = first ?? p;
      await o.sys('exit_group', by, () => by.exitGroup(op.code));
      return true;
    }
    case 'fatal-tgkill': {
      // A SIGKILL at one thread ends the group: afterwards no thread of it answers.
      const target = first ?? p;
      const sent = await o.sys('tgkill', p, () => p.tgkill(p.pid, target.tid, SIGKILL));
      if (!failed(sent) && second) {
        const r = await o.sys('gettid', second, () => second.gettid());
        if (!failed(r)) bad(`after a SIGKILL to thread ${target.tid}, its sibling ${second.tid} still ran gettid() -> ${r}`, second);
      }
      if (failed(sent)) await o.sys('exit_group', p, () => p.exitGroup(op.code));
      return true;
    }
    case 'exec-race': {
      if (!first || !second) {
        await o.sys('exit_group', p, () => p.exitGroup(op.code));
        return true;
      }
      const [exec, exit] = await Promise.all([
        o.sys('exec', first, () => first.exec('idle', { name: `s${op.proc}x` })),
        o.sys('exit_group', second, () => second.exitGroup(op.code)),
      ]);
      // De-threading ends the exit_group caller, or the group exit ends the execve's: never both return.
      if (!failed(exec) && !failed(exit)) bad(`execve by thread ${first.tid} and exit_group by thread ${second.tid} both returned`, first, second);
      if (!failed(exec)) {
        ctx.counters.threadExecsWon++;
        // The execve took the leader's place: the handle now stands for the process, TID = TGID.
        if (first.tid !== first.pid || first.key !== p.key) bad(`after its execve, thread handle ${first} is not the process ${p}`, first);
        await o.sys('exit_group', first, () => first.exitGroup(op.code));
      }
      return true;
    }
  }
}
