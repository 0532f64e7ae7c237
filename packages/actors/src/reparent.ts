// This file implements what a parent learns about its children and who
// becomes the parent of orphans. find_new_reaper() (SEMANTICS 5.6, 5.7, 5.10):
// the nearest living child-subreaper ancestor in the exiting process's own
// namespace, else that namespace's init. do_notify_parent() (4.13, 5.5):
// SIGCHLD, auto-reaping, waking waiters.
//
// A reaper is always in the exiting parent's namespace, so every stub a
// parent holds stays in the parent's actor; children living in other
// namespaces are found through `remoteChildren`.

import {
  SIGCHLD,
  childCode,
  childStatus,
  nrIn,
  sigHas,
  type ChildChange,
  type SignalSender,
  type ChildUpdate,
  type ParentLink,
  type ProcKey,
  IntMap,
} from '@pidsim/core';
import type { NamespaceActor } from './namespace-actor.js';
import type { ChildStub, Proc } from './process-record.js';
import { isAlive, parentLinkOf } from './process-queries.js';
import { deliverSignal } from './task-signals.js';
import { reapChild, wakeWaiters } from './task-wait.js';
import { orphanCheck } from './orphaned-pgrp.js';
import { programChildChanged } from './programs.js';

/**
 * find_new_reaper(): walk the exiting process's ancestors while they are in
 * its own namespace; the first living subreaper wins, else the namespace's
 * init (the "child reaper"). The walk never crosses into an ancestor
 * namespace: "We check pid->level" (kernel/exit.c).
 */
export function findNewReaper(a: NamespaceActor, father: Proc): Proc {
  let link = father.parent;
  let home = father.parentHome;
  while (link !== null && home === a.id) {
    const q = a.procs.get(link.ref.key);
    if (!q) break;
    if (q.subreaper && isAlive(q)) return q;
    link = q.parent;
    home = q.parentHome;
  }
  const init = a.init();
  if (!init) throw new Error(`reparent: namespace ${a.id} has no child reaper`);
  return init;
}

/** forget_original_parent(): every child of `father` moves to the new reaper, in order. */
export function reparentChildren(a: NamespaceActor, father: Proc): void {
  const children = father.children;
  father.children = null;
  father.zombies = null;
  if (!children || children.size === 0) return;
  const reaper = findNewReaper(a, father);
  const link = parentLinkOf(a, reaper);
  for (const stub of children.values()) {
    // forget_original_parent(): "list_splice_tail_init(&father->children, &reaper->children)".
    // The map is looked up each time: reaping an adopted zombie at once can drop an emptied one.
    stub.order = ++reaper.childSeq;
    (reaper.children ??= new IntMap()).set(stub.key, stub);
    if (stub.home === a.id) {
      const child = a.procs.get(stub.key);
      if (child) child.parent = link;
    } else {
      a.remoteChildren.set(stub.key, reaper.key);
      a.send(stub.home, { type: 'set-parent', child: stub.key, parent: link });
    }
    if (a.events) a.emit({ type: 'reparent', key: stub.key, nspid: stub.ref.nums, ns: stub.home, from: father.key, to: reaper.key });
    // reparent_leader(): "If it has exited notify the new parent about this child's death."
    if (stub.zombie) childChangedAt(a, reaper, stub, stub.zombie);
    // kill_orphaned_pgrp(p, father): father was this child's link to the session (7.4).
    if (father.pgrp.key !== stub.pgrp.key && father.session.key === stub.session) orphanCheck(a, stub.pgrp, null);
  }
}

/** do_notify_parent() / do_notify_parent_cldstop(), sent from the child's actor. */
export function notifyParent(a: NamespaceActor, p: Proc, change: ChildChange): void {
  if (p.parent === null || p.parentHome === null) return;
  if (p.parentHome !== a.id) {
    a.send(p.parentHome, { type: 'child-changed', parent: p.parent.ref.key, child: p.key, change });
    return;
  }
  const parent = a.procs.get(p.parent.ref.key);
  const stub = parent?.children?.get(p.key);
  if (parent && stub) childChangedAt(a, parent, stub, change);
}

export function onChildChanged(a: NamespaceActor, child: ProcKey, change: ChildChange): void {
  const parentKey = a.remoteChildren.get(child);
  const parent = parentKey === undefined ? undefined : a.procs.get(parentKey);
  const stub = parent?.children?.get(child);
  if (parent && stub) childChangedAt(a, parent, stub, change);
}

/**
 * The parent's side of a child's exit, stop or continue: record it for
 * wait(), send SIGCHLD unless ignored (or SA_NOCLDSTOP for stop/continue),
 * reap at once if SIGCHLD is ignored or SA_NOCLDWAIT is set (SEMANTICS 5.5).
 */
export function childChangedAt(a: NamespaceActor, parent: Proc, stub: ChildStub, change: ChildChange): void {
  const act = parent.actions?.get(SIGCHLD);
  const ignored = act?.handler === 'ignore';
  // SIGCHLD at its default disposition, unblocked and unreported, has no effect at all: skip building it.
  const send = isAlive(parent) && !ignored && (act !== undefined || a.events || sigHas(parent.blocked, SIGCHLD));
  const sigchld = (): SignalSender => ({ kind: 'child', code: childCode(change), pid: nrIn(stub.ref, a.id, a.level), status: childStatus(change) });
  if (change.kind === 'exited' || change.kind === 'killed') {
    stub.zombie = change;
    stub.stopReport = 0;
    stub.contReport = false;
    (parent.zombies ??= new IntMap()).set(stub.key, stub);
    if (send) deliverSignal(a, parent, SIGCHLD, sigchld());
    if (ignored || act?.noCldWait === true) {
      reapChild(a, parent, stub, null, true);
      wakeWaiters(a, parent);
      return;
    }
  } else {
    if (change.kind === 'stopped') {
      stub.stopReport = change.signal;
      stub.contReport = false;
    } else {
      stub.contReport = true;
      stub.stopReport = 0;
    }
    if (send && act?.noCldStop !== true) deliverSignal(a, parent, SIGCHLD, sigchld());
  }
  wakeWaiters(a, parent);
  if (isAlive(parent)) programChildChanged(a, parent);
}

/** The child's record learns its new parent (the reaper is in the same actor as the old parent). */
export function onSetParent(a: NamespaceActor, child: ProcKey, parent: ParentLink): void {
  const p = a.procs.get(child);
  if (p) p.parent = parent;
}

/** A parent changed its process group or session: its children's links follow. */
export function onParentGroups(a: NamespaceActor, children: readonly ProcKey[], pgrp: ProcKey, session: ProcKey): void {
  for (const key of children) {
    const p = a.procs.get(key);
    if (p?.parent) p.parent = { ...p.parent, pgrp, session };
  }
}

/** A remote child changed what its parent mirrors (its group, or that it exec'd). */
export function onChildUpdated(a: NamespaceActor, child: ProcKey, update: ChildUpdate): void {
  const parentKey = a.remoteChildren.get(child);
  const stub = parentKey === undefined ? undefined : a.procs.get(parentKey)?.children?.get(child);
  if (stub) applyChildUpdate(stub, update);
}

export function applyChildUpdate(stub: ChildStub, update: ChildUpdate): void {
  if (update.u === 'exec') stub.execed = true;
  else {
    stub.pgrp = update.pgrp;
    stub.session = update.session;
  }
}
