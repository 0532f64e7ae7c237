// The stress operation where pidfd holders race reaping and PID reuse
// (SEMANTICS 8.14): a pidfd names a process, never a number, so once the
// process is reaped every signal through its pidfds is ESRCH - also after a
// new process took its PID - and never reaches the new process. Any other
// outcome is a violation, reported as the call's result arrives.

import { SIGKILL, SIGRTMIN } from '@pidsim/core';
import type { KernelError, PidFd, Process } from '../index.js';
import type { Op } from './op-executor.js';
import type { StressOp } from './workload-ops.js';

const failed = (x: unknown): x is KernelError => x instanceof Error;

/** The probe: a signal no other operation of the workload sends, caught by the reuser (SIGRTMIN+7). */
const PROBE = SIGRTMIN + 7;

/** Runs a `pidfd-reuse` operation; false when a process it names does not exist. */
export async function runPidfdReuse(o: Op, op: Extract<StressOp, { kind: 'pidfd-reuse' }>): Promise<boolean> {
  const ctx = o.ctx;
  const by = ctx.handles[op.by];
  const holder = ctx.handles[op.holder];
  if (!by || !holder) return false;
  const child = await o.fork(by, op.child, 'idle', false, true);
  if (!child) return true;
  const own = child.clonePidfd!;
  const pidfds: [Process, PidFd][] = [[by, own]];
  const bad = (message: string, ...procs: Process[]): void =>
    ctx.violation({ invariant: null, message: `op #${o.index} (pidfd-reuse): ${message}`, processes: [child, ...procs].map(String) });
  try {
    // A second holder, anywhere that sees the child; it races the kill and the reap below.
    const nr = child.pidIn(holder.ns);
    if (nr > 0) {
      const held = await o.sys('pidfd_open', holder, () => holder.pidfdOpen(nr));
      if (!failed(held)) pidfds.push([holder, held]);
    }
    await o.sys('pidfd_send_signal', by, () => by.pidfdSendSignal(own, SIGKILL));
    const w = await o.sys('waitid', by, () => by.waitPidfd(own));
    if (failed(w)) return true; // by died (ESRCH), or lost the child to a reaper that adopted it (ECHILD)
    const pid = child.pidIn(by.ns);
    if (w.pid !== pid || (w.change?.kind !== 'killed' && w.change?.kind !== 'exited')) {
      bad(`waitid(P_PIDFD) on ${child} reported pid ${w.pid} with ${JSON.stringify(w.change)}`, by);
      return true;
    }
    // Reaped: readiness is final (POLLIN | POLLHUP), and waiting for it ends at once.
    await o.sys('pidfd-exited', by, () => own.exited());
    const poll = await own.poll();
    if (!poll.readable || !poll.hangup) bad(`after waitid reaped it, poll on its pidfd read ${JSON.stringify(poll)}`, by);
    // Reuse: move this namespace's cursor back, so that the next fork takes the child's PID unless a racing fork does.
    const moved = await o.sys('sysctl', by, () => by.writeSysctl('ns_last_pid', pid - 1));
    if (failed(moved)) return true;
    const reuser = await o.fork(by, op.reuser, 'idle');
    if (!reuser) return true;
    const caught = await o.sys('sigaction', reuser, () => reuser.sigaction(PROBE, 'catch'));
    if (failed(caught)) return true;
    for (const [who, fd] of pidfds) {
      const r = await o.sys('pidfd_send_signal', who, () => who.pidfdSendSignal(fd, PROBE));
      // ESRCH: the process is gone (or the sender is: its call fails ESRCH too). Nothing else is right.
      if (!failed(r)) bad(`pidfd_send_signal through a pidfd of a reaped process returned ${r}, not ESRCH`, who);
      else if (r.code !== 'ESRCH') bad(`pidfd_send_signal through a pidfd of a reaped process failed ${r.code}, not ESRCH`, who);
    }
    const info = await o.sys('info', reuser, () => reuser.info());
    if (!failed(info) && (info.handled[PROBE] ?? 0) > 0) bad(`${reuser}, forked on its PID afterwards, caught the signal sent through its pidfd`, reuser);
    if (reuser.pid === child.pid) ctx.counters.pidfdReusesProbed++;
    return true;
  } finally {
    for (const [, fd] of pidfds) closeQuietly(fd);
  }
}

/** close(2) on a pidfd; after the kernel closed there is nothing left to release. */
function closeQuietly(fd: PidFd): void {
  try {
    fd.close();
  } catch {
    // the kernel is closed
  }
}
