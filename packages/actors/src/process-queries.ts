// Questions about a process that several phases ask: is it alive, is it an
// init, does it hold a capability, how does its parent link read.

import type { ParentLink, UserNsId } from '@pidsim/core';
import type { NamespaceActor } from './namespace-actor.js';
import type { Proc } from './process-record.js';

/** Running or stopped: it can still act, be signalled to effect, adopt children. */
export function isAlive(p: Proc): boolean {
  return p.state === 'running' || p.state === 'stopped';
}

/** is_global_init(): the root namespace's PID 1. */
export function isGlobalInit(a: NamespaceActor, p: Proc): boolean {
  return a.level === 0 && p.key === a.initKey;
}

/** SIGNAL_UNKILLABLE: set on every namespace's child reaper, the global init included (SEMANTICS 8.7). */
export function isUnkillable(a: NamespaceActor, p: Proc): boolean {
  return p.key === a.initKey;
}

/**
 * ns_capable(): the process holds every capability in user namespace `caps`
 * and in all of its descendants; `userNs` is the chain (root first) of the
 * namespace whose owner is checked.
 */
export function hasCap(caps: UserNsId | null, userNs: readonly UserNsId[]): boolean {
  return caps !== null && userNs.includes(caps);
}

/**
 * How `parent`'s children see it. One object per parent, shared by all its
 * children (a reaper with a million children keeps one), made anew when the
 * parent's group or session changes: links are never mutated.
 */
export function parentLinkOf(a: NamespaceActor, parent: Proc): ParentLink {
  const link = parent.asParent;
  if (link !== null && link.pgrp === parent.pgrp.key && link.session === parent.session.key) return link;
  return (parent.asParent = {
    ref: parent.ref,
    pgrp: parent.pgrp.key,
    session: parent.session.key,
    globalInit: isGlobalInit(a, parent),
  });
}
