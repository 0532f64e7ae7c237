// Syscall entry: decodes a `call` message and hands it to the phase that
// implements it. Semantics live in the phase files, not here. A call is made
// by a task (a process, or one thread of it): what is per thread (exit,
// execve, the mask, gettid, tgkill, pid_for_children) gets the task, the
// rest gets its process, the group leader's record (task-threads.ts).

import type { CallMsg, Op, ProcOp } from '@pidsim/core';
import type { NamespaceActor } from './namespace-actor.js';
import type { Proc } from './process-record.js';
import { sysFork } from './task-fork.js';
import { sysExec, sysExit, sysExitGroup } from './task-exit.js';
import { sysWait } from './task-wait.js';
import { sysSigaction, sysSigpending, sysSigprocmask } from './task-signals.js';
import { sysKill } from './task-kill.js';
import { sysGetpgid, sysGetsid, sysSetpgid, sysSetsid } from './pgrp-session.js';
import { sysPrctlSubreaper, sysReboot, sysSetns, sysSysctl, sysUnshare } from './ns-ops.js';
import { sysDropPrivileges, sysGetresid, sysSetid, sysSetresid, sysWriteIdMap } from './task-creds.js';
import { procCall, processInfo } from './proc-view.js';
import { sysPidfdOpen, sysPidfdSendSignal, sysWaitidPidfd } from './task-pidfd.js';
import { leaderThreadGone, liveThreads, sysTgkill } from './task-threads.js';
import { fail, nrIn, type Failure } from '@pidsim/core';

/** The syscall name errors carry for each op, as strace would print it. */
export const SYSCALL_NAMES: Readonly<Record<Op['op'] | ProcOp['op'], string>> = {
  fork: 'clone',
  unshare: 'unshare',
  setns: 'setns',
  exit: 'exit',
  'exit-group': 'exit_group',
  gettid: 'gettid',
  tgkill: 'tgkill',
  tkill: 'tkill',
  exec: 'execve',
  kill: 'kill',
  wait: 'wait4',
  sigaction: 'rt_sigaction',
  sigprocmask: 'rt_sigprocmask',
  sigpending: 'rt_sigpending',
  'prctl-subreaper': 'prctl',
  setpgid: 'setpgid',
  getpgid: 'getpgid',
  getsid: 'getsid',
  setsid: 'setsid',
  getpid: 'getpid',
  getppid: 'getppid',
  sysctl: 'write',
  reboot: 'reboot',
  'drop-privileges': 'setresuid',
  setid: 'setuid',
  setresid: 'setresuid',
  getresid: 'getresuid',
  'write-id-map': 'write',
  info: 'info',
  'pidfd-open': 'pidfd_open',
  'pidfd-send-signal': 'pidfd_send_signal',
  'waitid-pidfd': 'waitid',
  'proc-list': 'getdents64',
  'proc-status': 'open',
  'proc-tasks': 'getdents64',
  'proc-ns': 'readlink',
  'ns-ioctl': 'ioctl',
};

/**
 * The answer to a syscall whose namespace no longer has an actor: the
 * namespace was torn down and freed, so whoever made the call is gone.
 */
export function callerGone(call: CallMsg): Failure {
  return fail('ESRCH', SYSCALL_NAMES[call.op.op], undefined, 'the calling process has exited (its namespace is gone)');
}

export function dispatchCall(a: NamespaceActor, call: CallMsg): void {
  const op = call.op;
  if (op.op === 'proc-list' || op.op === 'proc-status' || op.op === 'proc-tasks' || op.op === 'proc-ns' || op.op === 'ns-ioctl') return procCall(a, call, op);
  const p = a.procs.get(call.caller);
  const name = SYSCALL_NAMES[op.op];
  if (!p) return a.replyFail(call.id, 'ESRCH', name, undefined, 'the calling process no longer exists (it was reaped)');
  if (op.op === 'info') return a.replyOk(call.id, processInfo(a, p));
  if (p.state === 'zombie' || p.state === 'exiting') {
    return a.replyFail(call.id, 'ESRCH', name, undefined, 'the calling process has exited');
  }
  if (leaderThreadGone(p)) return a.replyFail(call.id, 'ESRCH', name, undefined, "the calling thread (its group's leader) has exited");
  // A stopped process does not run: what it asks waits for SIGCONT.
  if (p.state === 'stopped') {
    (p.deferred ??= []).push(call);
    return;
  }
  runCall(a, call, p);
}

/** Runs one syscall of a running task: `t` the calling thread, `p` its process. */
export function runCall(a: NamespaceActor, call: CallMsg, t: Proc): void {
  const op = call.op as Op;
  const p = t.tg === null ? t : t.tg.leader;
  if (t !== p) shareProcessAttributes(t, p);
  switch (op.op) {
    case 'fork':
      return sysFork(a, call, t, op);
    case 'unshare':
      // kernel/fork.c check_unshare_flags(): CLONE_NEWUSER needs a single-threaded caller.
      if (op.newUser === true && liveThreads(p).length > 1) {
        return a.replyFail(call.id, 'EINVAL', 'unshare', undefined, 'CLONE_NEWUSER: the calling process has several threads');
      }
      return sysUnshare(a, call, t, op.newPid === true, op.newUser === true);
    case 'setns':
      return sysSetns(a, call, t, op.ns);
    case 'exit':
      return sysExit(a, call, t, op.code);
    case 'exit-group':
      return sysExitGroup(a, call, t, op.code);
    case 'gettid':
      return a.replyOk(call.id, t.ref.nums[a.level]);
    case 'tgkill':
      return sysTgkill(a, call, t, op.tgid, op.tid, op.sig);
    case 'tkill':
      return sysTgkill(a, call, t, null, op.tid, op.sig);
    case 'exec':
      return sysExec(a, call, t, op.program, op.name, op.argv);
    case 'kill':
      return sysKill(a, call, p, op.pid, op.sig, op.value, op.report === true);
    case 'wait':
      return sysWait(a, call, p, op.pid, op.options);
    case 'sigaction':
      return sysSigaction(a, call, p, op.sig, op.action);
    case 'sigprocmask':
      return sysSigprocmask(a, call, t, op.how, op.set);
    case 'sigpending':
      return sysSigpending(a, call, t);
    case 'prctl-subreaper':
      return sysPrctlSubreaper(a, call, p, op.value);
    case 'setpgid':
      return sysSetpgid(a, call, p, op.pid, op.pgid);
    case 'getpgid':
      return sysGetpgid(a, call, p, op.pid, 'getpgid');
    case 'getsid':
      return sysGetsid(a, call, p, op.pid);
    case 'setsid':
      return sysSetsid(a, call, p);
    case 'getpid':
      return a.replyOk(call.id, p.ref.nums[a.level]);
    case 'getppid':
      return a.replyOk(call.id, p.parent ? nrIn(p.parent.ref, a.id, a.level) : 0);
    case 'sysctl':
      return sysSysctl(a, call, p, op.name, op.value);
    case 'reboot':
      return sysReboot(a, call, p, op.cmd);
    case 'drop-privileges':
      return sysDropPrivileges(a, call, p);
    case 'setid':
      return sysSetid(a, call, p, op.kind, op.id);
    case 'setresid':
      return sysSetresid(a, call, p, op.kind, op.ids);
    case 'getresid':
      return sysGetresid(a, call, p, op.kind);
    case 'write-id-map':
      return sysWriteIdMap(a, call, p, op.pid, op.kind, op.extent);
    case 'info':
      return a.replyOk(call.id, processInfo(a, t));
    case 'pidfd-open':
      return sysPidfdOpen(a, call, op.pid, op.flags);
    case 'pidfd-send-signal':
      return sysPidfdSendSignal(a, call, p, op.pidfd, op.sig, op.flags, op.report === true);
    case 'waitid-pidfd':
      return sysWaitidPidfd(a, call, p, op.pidfd, op.options);
  }
}

/**
 * Credentials and capabilities are the process's here (the emulator keeps
 * no per-thread credentials): a thread's copy is refreshed before it acts
 * on its own (fork, unshare, setns).
 */
function shareProcessAttributes(t: Proc, p: Proc): void {
  t.caps = p.caps;
  t.permitted = p.permitted;
  t.cred = p.cred;
  t.userNs = p.userNs;
}
