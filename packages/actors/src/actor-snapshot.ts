// A plain-data picture of one actor, for the invariant checker and the
// stress harness. Taken only at quiescence.

import type { ActorSnapshot, ChildSnapshot, GroupSnapshot, PidTableRow, ProcSnapshot, ThreadSnapshot } from '@pidsim/core';
import { threadCount } from './task-threads.js';
import type { NamespaceActor } from './namespace-actor.js';

export function snapshotActor(a: NamespaceActor): ActorSnapshot {
  const table: PidTableRow[] = [];
  for (const [nr, e] of a.table.entries()) table.push({ nr, key: e.key, task: e.task, committed: e.committed });
  table.sort((x, y) => x.nr - y.nr);
  const procs: ProcSnapshot[] = [];
  const threads: ThreadSnapshot[] = [];
  for (const p of a.procs.values()) {
    if (p.tg !== null && p.tg.leader !== p) {
      threads.push({ key: p.key, ns: a.id, chain: p.ref.chain, nums: p.ref.nums, leader: p.tg.leader.key, state: p.state === 'stopped' ? 'stopped' : 'running', blockedCalls: p.deferred?.length ?? 0 });
      continue;
    }
    const children: ChildSnapshot[] = [];
    if (p.children) for (const c of p.children.values()) children.push({ key: c.key, home: c.home, zombie: c.zombie !== null });
    procs.push({
      key: p.key,
      ns: a.id,
      chain: p.ref.chain,
      nums: p.ref.nums,
      state: p.state,
      name: p.name,
      program: p.program,
      parent: p.parent ? p.parent.ref.key : null,
      parentChain: p.parent ? p.parent.ref.chain : null,
      parentNums: p.parent ? p.parent.ref.nums : null,
      children,
      pgrp: p.pgrp.key,
      pgrpChain: p.pgrp.chain,
      pgrpNums: p.pgrp.nums,
      session: p.session.key,
      sessionChain: p.session.chain,
      sessionNums: p.session.nums,
      exit: p.exit,
      subreaper: p.subreaper,
      pidForChildren: p.pidForChildren.id,
      blockedCalls: (p.waiters?.length ?? 0) + (p.deferred?.length ?? 0) + (a.pidfdPollers?.get(p.key)?.length ?? 0),
      threads: p.state === 'running' || p.state === 'stopped' ? threadCount(p) : 0,
      leaderExited: p.tg !== null && p.tg.leaderExit !== null,
    });
  }
  const groups: GroupSnapshot[] = [];
  for (const g of a.groups.values()) {
    groups.push({
      key: g.ref.key,
      pgrpMembers: [...g.members.keys()],
      stopped: g.stopped.size,
      sessionMembers: g.sessionRefs,
      holds: g.pgrpHolds + g.sessionHolds,
      shards: g.shards ? [...g.shards].map(([ns, state]) => ({ ns, state })) : null,
    });
  }
  return {
    ns: {
      id: a.id,
      level: a.level,
      parent: a.parentId,
      chain: a.chain,
      inode: a.ref.inode,
      state: a.state,
      init: a.initKey,
      pidMax: a.table.pidMax,
      lastPid: a.table.lastPid,
      allocated: a.table.used,
    },
    table,
    procs,
    threads,
    groups,
  };
}
