// This file implements the exit of a process: it becomes a zombie holding
// all its PIDs (SEMANTICS 1.12, 5.2), its children go to a new reaper
// (reparent.ts), and its parent is told (do_notify_parent). When the process
// is a namespace's init, ns-teardown.ts takes over instead (SEMANTICS 6.1).
// Also execve(), which replaces the program.

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

/** exit(2) by the process itself. */
export function sysExit(a: NamespaceActor, call: CallMsg, p: Proc, code: number): void {
  if (isGlobalInit(a, p)) {
    // The real kernel panics ("Attempted to kill init!"); the emulator refuses.
    return a.replyFail(call.id, 'EPERM', 'exit', undefined, "the root namespace's init cannot exit (Linux panics)");
  }
  exitProcess(a, p, { kind: 'exited', code: code & 0xff });
  a.replyOk(call.id, undefined);
}

/**
 * do_exit(): the process stops running. Its blocked syscalls fail, its
 * timer is cancelled; an init starts the namespace teardown, anyone else
 * becomes a zombie at once.
 */
export function exitProcess(a: NamespaceActor, p: Proc, change: ChildChange): void {
  if (p.state === 'zombie' || p.state === 'exiting') return;
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

/** execve(): a new program; caught signals return to SIG_DFL, ignored ones stay ignored. */
export function sysExec(a: NamespaceActor, call: CallMsg, p: Proc, program: ProgramSpec, name?: string, argv?: readonly string[]): void {
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
  a.replyOk(call.id, undefined);
  startProgram(a, p);
}
