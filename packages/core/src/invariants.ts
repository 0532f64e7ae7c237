// The invariants of docs/architecture.md, checked over a snapshot taken at
// quiescence. Each violation names the invariant and the processes involved.

import type { NsId, ProcKey } from './ids.js';
import type { GroupSnapshot, KernelSnapshot, NsSnapshot, ProcSnapshot, ThreadSnapshot } from './snapshot.js';
import { SHARD_MEMBERS, SHARD_STOPPED } from './protocol.js';

export interface InvariantViolation {
  /** 1-7, as numbered in docs/architecture.md "Invariants". */
  readonly invariant: number;
  readonly message: string;
  /** The processes involved, described: key, NSpid from the root, name, state. */
  readonly processes: readonly string[];
}

export const INVARIANTS: Readonly<Record<number, string>> = {
  1: 'A PID is unique within its namespace among live and zombie processes.',
  2: 'Every process has exactly one PID at each level from its namespace to the root, and is visible in exactly those namespaces.',
  3: 'No live process remains in a namespace whose init has exited.',
  4: 'Every zombie has a living parent that can reap it, or is reaped.',
  5: "A namespace's init is reaped only after every other process of that namespace is gone.",
  6: 'Every syscall promise settles exactly once.',
  7: 'The translation tables at every level agree with the process records.',
  8: 'Every thread belongs to a living process of its own namespace, and holds its own TID at every level; a leader whose thread exited has live threads.',
};

export function describeProcess(p: ProcSnapshot): string {
  return `process ${p.key} (NSpid ${p.nums.join(' ')}, ${p.name}, ${p.state})`;
}

export function checkInvariants(snap: KernelSnapshot): InvariantViolation[] {
  const out: InvariantViolation[] = [];
  const bad = (invariant: number, message: string, procs: readonly (ProcSnapshot | undefined)[] = []): void => {
    out.push({ invariant, message, processes: procs.filter((p): p is ProcSnapshot => !!p).map(describeProcess) });
  };
  const nsById = new Map<NsId, NsSnapshot>();
  const tables = new Map<NsId, Map<number, { key: ProcKey; task: boolean; committed: boolean }>>();
  const procs = new Map<ProcKey, ProcSnapshot>();
  const threads = new Map<ProcKey, ThreadSnapshot>();
  const groupMembers = new Map<ProcKey, Set<ProcKey>>();
  const sessionCounts = new Map<ProcKey, number>();
  const holds = new Map<ProcKey, number>();
  const groupParts = new Map<ProcKey, { ns: NsId; g: GroupSnapshot }[]>();
  for (const a of snap.namespaces) {
    nsById.set(a.ns.id, a.ns);
    const t = new Map<number, { key: ProcKey; task: boolean; committed: boolean }>();
    for (const row of a.table) t.set(row.nr, row);
    tables.set(a.ns.id, t);
    for (const p of a.procs) procs.set(p.key, p);
    for (const t of a.threads) threads.set(t.key, t);
    for (const g of a.groups) {
      let members = groupMembers.get(g.key);
      if (!members) groupMembers.set(g.key, (members = new Set()));
      for (const m of g.pgrpMembers) members.add(m);
      sessionCounts.set(g.key, (sessionCounts.get(g.key) ?? 0) + g.sessionMembers);
      if (g.holds !== 0) holds.set(g.key, (holds.get(g.key) ?? 0) + g.holds);
      let parts = groupParts.get(g.key);
      if (!parts) groupParts.set(g.key, (parts = []));
      parts.push({ ns: a.ns.id, g });
    }
  }
  // Every process under each namespace of its chain, and each parent's children by key: one pass each.
  const under = new Map<NsId, ProcSnapshot[]>();
  const childrenOf = new Map<ProcKey, Map<ProcKey, { zombie: boolean }>>();
  const sessionMembers = new Map<ProcKey, number>();
  for (const p of procs.values()) {
    for (const ns of p.chain) {
      let list = under.get(ns);
      if (!list) under.set(ns, (list = []));
      list.push(p);
    }
    childrenOf.set(p.key, new Map(p.children.map((c) => [c.key, c])));
    sessionMembers.set(p.session, (sessionMembers.get(p.session) ?? 0) + 1);
  }

  // 1 and 2: one PID per level, unique, visible exactly along the chain.
  const claims = new Map<string, ProcKey>();
  const visibleAt = new Map<ProcKey, number>();
  for (const t of tables.values()) {
    for (const row of t.values()) if (row.task) visibleAt.set(row.key, (visibleAt.get(row.key) ?? 0) + 1);
  }
  for (const p of procs.values()) {
    if (p.nums.length !== p.chain.length) bad(2, `has ${p.nums.length} PIDs for ${p.chain.length} levels`, [p]);
    for (let level = 0; level < p.chain.length; level++) {
      const ns = p.chain[level]!;
      const nr = p.nums[level]!;
      const claim = `${ns}:${nr}`;
      const other = claims.get(claim);
      if (other !== undefined) bad(1, `PID ${nr} of namespace ${ns} is held by two processes`, [p, procs.get(other)]);
      claims.set(claim, p.key);
      const row = tables.get(ns)?.get(nr);
      if (!row || row.key !== p.key || !row.task) bad(2, `PID ${nr} at level ${level} (namespace ${ns}) is not in that namespace's table`, [p]);
    }
    const seen = visibleAt.get(p.key) ?? 0;
    if (seen !== p.chain.length) bad(2, `is visible in ${seen} namespaces, expected ${p.chain.length}`, [p]);
  }

  // 8: threads live with their process, hold their own TIDs (unique with the PIDs), die with it.
  const liveThreads = new Map<ProcKey, number>();
  for (const t of threads.values()) {
    const leader = procs.get(t.leader);
    const what = `thread ${t.key} (NSpid ${t.nums.join(' ')})`;
    if (!leader) bad(8, `${what} belongs to process ${t.leader}, which does not exist`);
    else if (leader.ns !== t.ns) bad(8, `${what} lives in namespace ${t.ns} but its process in ${leader.ns}`, [leader]);
    else if (leader.state !== 'running' && leader.state !== 'stopped') bad(8, `${what} outlives its process, which is ${leader.state}`, [leader]);
    liveThreads.set(t.leader, (liveThreads.get(t.leader) ?? 0) + 1);
    for (let level = 0; level < t.chain.length; level++) {
      const ns = t.chain[level]!;
      const nr = t.nums[level]!;
      const claim = `${ns}:${nr}`;
      const other = claims.get(claim);
      if (other !== undefined) bad(8, `${what}: TID ${nr} of namespace ${ns} is also held by ${other}`, [procs.get(other)]);
      claims.set(claim, t.key);
      const row = tables.get(ns)?.get(nr);
      if (!row || row.key !== t.key || !row.task) bad(8, `${what}: TID ${nr} at level ${level} (namespace ${ns}) is not in that namespace's table`);
    }
  }
  for (const p of procs.values()) {
    if (p.state !== 'running' && p.state !== 'stopped') continue;
    // The leader counts until it is reaped (nr_threads), whether or not its own thread runs.
    const expected = (liveThreads.get(p.key) ?? 0) + 1;
    if (p.threads !== expected) bad(8, `counts ${p.threads} threads but has ${expected}`, [p]);
    if (p.leaderExited && !liveThreads.get(p.key)) bad(8, "is alive with its leader's thread exited and no other thread", [p]);
  }

  // 3: nothing alive under an init that has exited.
  for (const ns of nsById.values()) {
    if (ns.state !== 'exiting' && ns.state !== 'dead') continue;
    for (const p of under.get(ns.id) ?? []) {
      if (p.state === 'running' || p.state === 'stopped') {
        bad(3, `is ${p.state} in namespace ${ns.id} (level ${ns.level}) whose init has exited`, [p]);
      }
    }
  }

  // 4: zombies have a living parent that holds them.
  for (const p of procs.values()) {
    if (p.state !== 'zombie') continue;
    const parent = p.parent === null ? undefined : procs.get(p.parent);
    if (!parent) bad(4, `is a zombie whose parent ${p.parent} does not exist`, [p]);
    else if (parent.state !== 'running' && parent.state !== 'stopped') bad(4, `is a zombie whose parent is ${parent.state}`, [p, parent]);
    else if (!childrenOf.get(parent.key)?.get(p.key)?.zombie) bad(4, 'is a zombie its parent does not know as one', [p, parent]);
  }

  // 5: an init goes last.
  for (const ns of nsById.values()) {
    if (ns.init === null) continue;
    const init = procs.get(ns.init);
    const others = (under.get(ns.id) ?? []).filter((p) => p.key !== ns.init);
    if (!init && others.length > 0) bad(5, `namespace ${ns.id}'s init was reaped while processes remain in it`, others);
    if (!init && ns.level > 0 && ns.state !== 'dead') bad(5, `namespace ${ns.id}'s init was reaped but the namespace is ${ns.state}`);
    if (init && init.state === 'zombie' && others.length > 0) bad(5, `namespace ${ns.id}'s init is a zombie while processes remain in it`, [init, ...others]);
  }

  // 6: each call answered once; nothing pending that is not blocked in the kernel.
  for (const stray of snap.strayReplies) bad(6, stray);
  for (const fault of snap.faults) bad(6, `protocol fault: ${fault}`);
  let blocked = 0;
  for (const p of procs.values()) blocked += p.blockedCalls;
  for (const t of threads.values()) blocked += t.blockedCalls;
  if (snap.pendingCalls > blocked) {
    bad(6, `${snap.pendingCalls} calls are pending at quiescence but only ${blocked} are blocked in the kernel (wait, made while stopped, or waiting for a pidfd to turn readable)`);
  }

  // 7: tables, parent/child links and group memberships agree with the records.
  for (const [ns, t] of tables) {
    const level = nsById.get(ns)!.level;
    for (const [nr, row] of t) {
      if (!row.committed) {
        bad(7, `PID ${nr} of namespace ${ns} is still only reserved at quiescence`);
        continue;
      }
      if (row.task && threads.has(row.key)) {
        const t = threads.get(row.key)!;
        if (t.chain[level] !== ns || t.nums[level] !== nr) bad(7, `PID ${nr} of namespace ${ns} names thread ${row.key}, whose record disagrees`);
      } else if (row.task) {
        const p = procs.get(row.key);
        if (!p || p.chain[level] !== ns || p.nums[level] !== nr) bad(7, `PID ${nr} of namespace ${ns} names process ${row.key}, whose record disagrees`, [p]);
      } else if (!groupMembers.has(row.key) && !sessionCounts.has(row.key)) {
        bad(7, `PID ${nr} of namespace ${ns} is kept for group ${row.key}, which no longer exists`);
      }
    }
  }
  for (const p of procs.values()) {
    if (p.parent !== null) {
      const parent = procs.get(p.parent);
      if (!parent) bad(7, `has parent ${p.parent}, which does not exist`, [p]);
      else {
        if (!childrenOf.get(parent.key)?.has(p.key)) bad(7, "is not among its parent's children", [p, parent]);
        if (p.parentNums?.join(' ') !== parent.nums.join(' ')) bad(7, "holds stale PIDs of its parent", [p, parent]);
      }
    }
    for (const c of p.children) {
      const child = procs.get(c.key);
      if (!child) bad(7, `lists child ${c.key}, which does not exist`, [p]);
      else if (child.parent !== p.key) bad(7, `lists child ${c.key}, whose parent is ${child.parent}`, [p, child]);
    }
    if (!groupMembers.get(p.pgrp)?.has(p.key)) bad(7, `is not a member of its process group ${p.pgrp}`, [p]);
  }
  for (const [group, members] of groupMembers) {
    for (const m of members) {
      const p = procs.get(m);
      if (!p || p.pgrp !== group) bad(7, `group ${group} lists member ${m}, which is not in it`, [p]);
    }
    const inSession = sessionMembers.get(group) ?? 0;
    if (inSession !== (sessionCounts.get(group) ?? 0)) {
      bad(7, `session ${group} counts ${sessionCounts.get(group)} members but ${inSession} processes have it`);
    }
  }
  for (const [group, n] of holds) bad(7, `group ${group} still expects ${n} join(s) from forks at quiescence`);
  // 7: a group's owner knows every other actor with a part, and what that part would report.
  for (const [group, parts] of groupParts) {
    const owners = parts.filter((p) => p.g.shards !== null);
    if (owners.length !== 1) {
      bad(7, `group ${group} has ${owners.length} owner records (namespaces ${owners.map((p) => p.ns).join(', ') || 'none'})`);
      continue;
    }
    const known = new Map(owners[0]!.g.shards!.map((s) => [s.ns, s.state]));
    for (const { ns, g } of parts) {
      if (g.shards !== null) continue;
      const state = (g.pgrpMembers.length > 0 ? SHARD_MEMBERS : 0) | (g.stopped > 0 ? SHARD_STOPPED : 0);
      if (known.get(ns) !== state) bad(7, `group ${group}: its owner thinks namespace ${ns}'s part is ${known.get(ns) ?? 'absent'}, but it is ${state}`);
      known.delete(ns);
    }
    for (const ns of known.keys()) bad(7, `group ${group}: its owner lists a part in namespace ${ns}, which has none`);
  }
  return out;
}
