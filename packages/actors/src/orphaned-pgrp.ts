// This file implements the orphaned-process-group rule (SEMANTICS 7.4,
// kernel/exit.c kill_orphaned_pgrp(), will_become_orphaned_pgrp(),
// has_stopped_jobs()): when an exit leaves a group with no member whose parent
// is in another group of the same session, and some member is stopped, the
// group gets SIGHUP then SIGCONT. A group's members live on several actors, so
// its owner asks each actor with members for links and decides once all have answered.
// Who gets the SIGHUP differs between kernel builds: the kernel variant
// `orphanedPgrpSighup` (kernel-variant.ts in core) picks one.

import {
  SHARD_MEMBERS,
  SIGCONT,
  SIGHUP,
  ownerNs,
  type NsId,
  type PidRef,
  type ProcKey,
} from '@pidsim/core';
import type { NamespaceActor } from './namespace-actor.js';
import type { Group, Proc } from './process-record.js';
import { isAlive } from './process-queries.js';
import { groupHasStopped, onGroupSignal } from './pgrp-session.js';

/**
 * kill_orphaned_pgrp() at exit: `p` had its parent in another group of the
 * same session, so its group may have lost its last link.
 */
export function orphanCheckOnExit(a: NamespaceActor, p: Proc): void {
  const parent = p.parent;
  if (!parent || parent.globalInit) return;
  if (parent.pgrp !== p.pgrp.key && parent.session === p.session.key) orphanCheck(a, p.pgrp, p.key);
}

export function orphanCheck(a: NamespaceActor, group: PidRef, ignore: ProcKey | null): void {
  const owner = ownerNs(group);
  if (owner === a.id) onOrphanCheck(a, group.key, ignore);
  else a.send(owner, { type: 'orphan-check', group: group.key, ignore });
}

/** will_become_orphaned_pgrp() && has_stopped_jobs(): ask every member's actor for links. */
export function onOrphanCheck(a: NamespaceActor, group: ProcKey, ignore: ProcKey | null): void {
  const g = a.groups.get(group);
  if (!g || !groupHasStopped(g)) return;
  probeLinks(a, g, ignore, null);
}

/**
 * A member of this group took a job-control stop signal (SIGTSTP, SIGTTIN,
 * SIGTTOU) with the default action: it stops only if the group is not
 * orphaned (get_signal(): "The job control signals do nothing in an orphaned pgrp").
 */
export function onOrphanQuery(a: NamespaceActor, group: ProcKey, proc: ProcKey, home: NsId, sig: number): void {
  const g = a.groups.get(group);
  if (!g) return a.tail(home, { type: 'job-stop', proc, sig, orphaned: false });
  probeLinks(a, g, null, { proc, home, sig });
}

function probeLinks(a: NamespaceActor, g: Group, ignore: ProcKey | null, stop: { proc: ProcKey; home: NsId; sig: number } | null): void {
  const group = g.ref.key;
  const parts: NsId[] = [];
  for (const [ns, state] of g.shards!) if (state & SHARD_MEMBERS) parts.push(ns);
  const check = a.nextSeq();
  (g.checks ??= new Map()).set(check, { links: 0, missing: parts.length + 1, stop });
  for (const ns of parts) a.send(ns, { type: 'orphan-probe', group, check, owner: a.id, ignore });
  onOrphanProbeReply(a, group, check, linksHere(a, group, ignore), 1);
}

/** Counts the members here whose parent is in another group of the same session. */
export function onOrphanProbe(a: NamespaceActor, msg: { readonly group: ProcKey; readonly check: number; readonly owner: NsId; readonly ignore: ProcKey | null }): void {
  a.send(msg.owner, { type: 'orphan-probe-reply', group: msg.group, check: msg.check, links: linksHere(a, msg.group, msg.ignore), answered: 1 });
}

function linksHere(a: NamespaceActor, group: ProcKey, ignore: ProcKey | null): number {
  const g = a.groups.get(group);
  let links = 0;
  if (g) {
    for (const key of g.members.keys()) {
      const m = a.procs.get(key);
      if (m && key !== ignore && linksGroup(m, group)) links++;
    }
  }
  return links;
}

/**
 * will_become_orphaned_pgrp()'s test for one member: it is alive and its
 * parent is in another group of the same session. "is_global_init(p->real_parent)"
 * does not count; a namespace init does (7.4).
 */
function linksGroup(m: Proc, group: ProcKey): boolean {
  if (!isAlive(m) || !m.parent || m.parent.globalInit) return false;
  return m.parent.pgrp !== group && m.parent.session === m.session.key;
}

/**
 * is_current_pgrp_orphaned() when the whole group lives in this actor;
 * undefined when members (or the group's owner) are elsewhere.
 */
export function groupOrphanedHere(a: NamespaceActor, p: Proc): boolean | undefined {
  if (ownerNs(p.pgrp) !== a.id) return undefined;
  const g = a.groups.get(p.pgrp.key);
  if (!g?.shards) return undefined;
  for (const state of g.shards.values()) if (state & SHARD_MEMBERS) return undefined;
  for (const key of g.members.keys()) {
    const m = a.procs.get(key);
    if (m && linksGroup(m, g.ref.key)) return false;
  }
  return true;
}

export function onOrphanProbeReply(a: NamespaceActor, group: ProcKey, check: number, links: number, answered: number): void {
  const g = a.groups.get(group);
  const c = g?.checks?.get(check);
  if (!g || !c) return;
  c.links += links;
  c.missing -= answered;
  if (c.missing > 0) return;
  g.checks!.delete(check);
  if (c.stop) {
    a.tail(c.stop.home, { type: 'job-stop', proc: c.stop.proc, sig: c.stop.sig, orphaned: c.links === 0 });
    return;
  }
  if (c.links === 0 && groupHasStopped(g)) {
    // Upstream: __kill_pgrp_info(SIGHUP, SEND_SIG_PRIV, pgrp), every member. Some
    // builds send it to the stopped members only; SIGCONT still goes to all.
    const hangup = a.host.tables.variant.orphanedPgrpSighup === 'stopped-members' ? 'stopped' : 'all';
    onGroupSignal(a, group, SIGHUP, { kind: 'kernel' }, { kind: 'none' }, hangup);
    onGroupSignal(a, group, SIGCONT, { kind: 'kernel' }, { kind: 'none' });
  }
}
