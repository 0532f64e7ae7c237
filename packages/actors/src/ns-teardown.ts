// This file implements what happens when a namespace's init dies
// (SEMANTICS 6.1-6.5, kernel/pid_namespace.c zap_pid_ns_processes()):
//   1. disable_pid_allocation(): later forks into the namespace get ENOMEM;
//   2. init's SIGCHLD becomes SIG_IGN, so its children reap themselves;
//   3. SIGKILL (kernel-private, forced) to every task with a PID here -
//      nested namespaces included; their inits run this same teardown;
//   4. reap init's zombie children;
//   5. wait until only init's own PID is left (zombies whose parents are
//      outside keep it waiting: 6.3), and only then does init become a zombie
//      its parent can see (exit status: its own, or the reboot signal, 6.7).

import { SIGCHLD, SIGKILL, type ProcKey, type NsId } from '@pidsim/core';
import type { NamespaceActor } from './namespace-actor.js';
import type { Proc } from './process-record.js';
import { deliverSignal } from './task-signals.js';
import { reapChild, zombiesInOrder } from './task-wait.js';
import { notifyParent, reparentChildren } from './reparent.js';
import { wakePidfdPollers } from './task-pidfd.js';

/** zap_pid_ns_processes(), up to the wait for the namespace to drain. */
export function beginTeardown(a: NamespaceActor, init: Proc): void {
  a.state = 'exiting';
  if (a.events) a.emit({ type: 'ns-exiting', ns: a.id, level: a.level });
  (init.actions ??= new Map()).set(SIGCHLD, { handler: 'ignore' });
  // kernel_wait4(-1): the zombies, in the children list's order.
  for (const stub of zombiesInOrder(init)) if (init.zombies?.has(stub.key)) reapChild(a, init, stub, null, true);
  const remote = new Map<NsId, ProcKey[]>();
  const local: Proc[] = [];
  for (const nr of a.table.numbersInOrder()) {
    const key = a.table.visibleTask(nr);
    if (key === undefined || key === init.key) continue;
    const home = a.table.homeOf(nr);
    if (home === a.id) {
      const p = a.procs.get(key);
      if (p) local.push(p);
    } else {
      let list = remote.get(home);
      if (!list) remote.set(home, (list = []));
      list.push(key);
    }
  }
  for (const [home, targets] of remote) {
    a.send(home, { type: 'signal', targets, sig: SIGKILL, sender: { kind: 'kernel' }, ack: { kind: 'none' } });
  }
  for (const p of local) deliverSignal(a, p, SIGKILL, { kind: 'kernel' });
  afterFree(a);
}

/** The namespace has drained to init alone: init's exit completes. */
export function finishInit(a: NamespaceActor, init: Proc): void {
  const change = a.rebootSignal !== 0 ? { kind: 'killed', signal: a.rebootSignal, core: false } as const : init.exit!;
  init.exit = change;
  init.state = 'zombie';
  if (a.pidfdPollers !== null) wakePidfdPollers(a, init);
  reparentChildren(a, init);
  notifyParent(a, init, change);
}

/**
 * A number of `level` (an ancestor of this actor's namespace) was freed from
 * here, leaving `left` taken there. Only the frees that leave init alone or
 * nothing matter to that namespace's actor (afterFree, maybeRetire), and only
 * if it is not active: it is told of those and of no other. The free that
 * takes the count to 1 (or 0) is the last one, whichever thread makes it, so
 * at most one message goes up for each of the two. A namespace torn down under nested
 * ones got a message per freed number per level before: 550 k messages for
 * 100 k processes in 10 levels.
 */
export function notifyFreed(a: NamespaceActor, level: number, left: number): void {
  if (left <= 1 && a.tables[level]!.state !== 'active') a.send(a.chain[level]!, { type: 'ns-freed' });
}

/** A number of this namespace was freed by an actor below it. */
export function onNsFreed(a: NamespaceActor): void {
  afterFree(a);
  a.maybeRetire();
}

/** After a number at this level is freed: a draining namespace may finish, a drained one dies. */
export function afterFree(a: NamespaceActor): void {
  if (a.state !== 'exiting') return;
  const init = a.init();
  if (init && init.state === 'exiting' && a.table.used === 1) finishInit(a, init);
  if (a.table.used === 0) {
    a.state = 'dead';
    if (a.events) a.emit({ type: 'ns-destroyed', ns: a.id, level: a.level });
    a.maybeRetire();
  }
}
