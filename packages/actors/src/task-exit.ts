// This file implements the exit of a process: it becomes a zombie holding
// all its PIDs (SEMANTICS 1.12, 5.2), its children go to a new reaper
// (reparent.ts), and its parent is told (do_notify_parent). When the process
// is a namespace's init, ns-teardown.ts takes over instead (SEMANTICS 6.1).
// Also execve(), which replaces the program. A thread's exit, exit_group and
// de-threading are task-threads.ts; a process exit ends all its threads first.

import {
  commOf,
  type CallMsg,
  type ChildChange,
  type ProgramSpec,
} from '@pidsim/core';
import type { NamespaceActor } from './namespace-actor.js';
import type { Proc } from './process-record.js';
import { isGlobalInit } from './process-queries.js';
import { reparentChildren, notifyParent } from './reparent.js';
import { beginTeardown } from './ns-teardown.js';
import { setStoppedInGroup } from './pgrp-session.js';
import { orphanCheckOnExit } from './orphaned-pgrp.js';
import { failBlockedCalls } from './task-wait.js';
import { startProgram } from './programs.js';
import { releaseNsRef } from './ns-ops.js';
import { credsOnExec } from './task-creds.js';
import { wakePidfdPollers } from './task-pidfd.js';
import { deThread, endOtherThreads, exitEndsGlobalInit, exitThread, processOf } from './task-threads.js';

/** exit(2) by task `t`: the calling thread ends; the process with its last thread (SEMANTICS 8.19). */
export function sysExit(a: NamespaceActor, call: CallMsg, t: Proc, code: number): void {
  if (exitEndsGlobalInit(a, t)) {
    // The real kernel panics ("Attempted to kill init!"); the emulator refuses.
    return a.replyFail(call.id, 'EPERM', 'exit', undefined, "the root namespace's init cannot exit (Linux panics)");
  }
  exitThread(a, t, { kind: 'exited', code: code & 0xff });
  a.replyOk(call.id, undefined);
}

/** exit_group(2) by any thread: the whole process ends with `code` (SEMANTICS 8.19). */
export function sysExitGroup(a: NamespaceActor, call: CallMsg, t: Proc, code: number): void {
  const p = processOf(t);
  if (isGlobalInit(a, p)) return a.replyFail(call.id, 'EPERM', 'exit_group', undefined, "the root namespace's init cannot exit (Linux panics)");
  exitProcess(a, p, { kind: 'exited', code: code & 0xff });
  a.replyOk(call.id, undefined);
}

/**
 * do_exit(): the process stops running. Its blocked syscalls fail, its
 * timer is cancelled; an init starts the namespace teardown, anyone else
 * becomes a zombie at once.
 */
export function exitProcess(a: NamespaceActor, task: Proc, change: ChildChange): void {
  // A group exit (zap_other_threads()): whichever thread it came from, every thread goes first.
  const p = processOf(task);
  if (p.state === 'zombie' || p.state === 'exiting') return;
  if (p.tg !== null) {
    endOtherThreads(a, p, null);
    p.tg.leaderExit = null;
    p.tg.shared.pending = { lo: 0, hi: 0 };
    p.tg.shared.pendingInfo = null;
    p.tg.shared.rtQueue = null;
  }
  if (p.state === 'stopped') setStoppedInGroup(a, p, false);
  if (p.timer !== 0) {
    a.host.cancelTimer(p.timer);
    p.timer = 0;
  }
  p.exit = change;
  p.pending.lo = 0;
  p.pending.hi = 0;
  p.pendingInfo = null;
  p.rtQueue = null;
  if (a.events) a.emit({ type: 'exit', key: p.key, nspid: p.ref.nums, ns: a.id, change });
  releaseNsRef(a, p);
  if (p.key === a.initKey && a.level > 0) {
    p.state = 'exiting';
    failBlockedCalls(a, p);
    beginTeardown(a, p);
    return;
  }
  p.state = 'zombie';
  if (a.pidfdPollers !== null) wakePidfdPollers(a, p);
  failBlockedCalls(a, p);
  reparentChildren(a, p);
  orphanCheckOnExit(a, p);
  notifyParent(a, p, change);
}

/**
 * execve(): a new program; caught signals return to SIG_DFL, ignored ones
 * stay ignored. From a thread, the other threads end first and the caller
 * takes the leader's place (8.21): the answer is then the process's key and
 * PIDs, which the caller's handle now stands for.
 */
export function sysExec(a: NamespaceActor, call: CallMsg, t: Proc, program: ProgramSpec, name?: string, argv?: readonly string[]): void {
  const p = deThread(a, t);
  if (p.timer !== 0) {
    a.host.cancelTimer(p.timer);
    p.timer = 0;
  }
  p.timerDue = false;
  p.program = program;
  p.name = commOf(name ?? program.name);
  p.argv = argv ?? [name ?? program.name];
  // A new program image: its handlers have not run yet.
  p.handled = null;
  p.lastInfo = null;
  p.delivered = null;
  // flush_signal_handlers(): every handler but SIG_IGN back to SIG_DFL, all sa_flags cleared.
  if (p.actions) {
    for (const [sig, act] of p.actions) {
      if (act.handler === 'ignore') p.actions.set(sig, { handler: 'ignore' });
      else p.actions.delete(sig);
    }
    if (p.actions.size === 0) p.actions = null;
  }
  credsOnExec(a, p);
  if (!p.execed) {
    p.execed = true;
    if (p.parent && p.parentHome !== null && p.parentHome !== a.id) {
      a.send(p.parentHome, { type: 'child-updated', parent: p.parent.ref.key, child: p.key, update: { u: 'exec' } });
    } else if (p.parent) {
      const stub = a.procs.get(p.parent.ref.key)?.children?.get(p.key);
      if (stub) stub.execed = true;
    }
  }
  if (a.events) a.emit({ type: 'exec', key: p.key, nspid: p.ref.nums, ns: a.id, program, name: p.name });
  a.replyOk(call.id, t === p ? undefined : { key: p.key, nums: p.ref.nums });
  startProgram(a, p);
}
