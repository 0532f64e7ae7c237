// This file plans the events that race a round's fork burst: a namespace
// init dying at a random moment (a cascade through every nested namespace),
// a signal storm into one namespace, kill(-1), and the rest drawn by weight -
// exits, waits, orphan chains, setns joins, unshares, handlers, masks,
// subreapers, sessions, group signals, stop/continue. Each planner picks its
// processes from the model, pushes its operation, and tells the model what it
// expects to die. Each keeps the workload free of calls that could block for
// good (see hang-watchdog.ts): the comments say how.

import { SIGCHLD, SIGHUP, SIGINT, SIGKILL, SIGRTMIN, SIGTERM, SIGURG, SIGUSR1, SIGUSR2 } from '@pidsim/core';
import type { StressOp, StressOpKind, ThreadGroupEnding } from './workload-ops.js';
import type { ModelNs, ModelProc, WorkloadModel } from './workload-model.js';

/** What the race-event planners may use of the round planner. */
export interface RacePlanner {
  readonly m: WorkloadModel;
  readonly depth: number;
  readonly namespaceBudget: number;
  /** Forks the plan may still make. */
  readonly forksLeft: number;
  push(op: StressOp): void;
  /** A forker in `ns` with room for another child. */
  forker(ns: ModelNs): ModelProc | undefined;
  /** A forker with room anywhere. */
  anyForker(): ModelProc | undefined;
}

const STORM_SIGNALS: readonly (readonly [number, number])[] = [
  [SIGTERM, 25],
  [SIGUSR1, 14],
  [SIGUSR2, 10],
  [SIGHUP, 10],
  [SIGINT, 5],
  [SIGCHLD, 10],
  [SIGURG, 5],
  [0, 9],
  [SIGKILL, 7],
  [SIGRTMIN, 5],
];
const HANDLED_SIGNALS = [SIGTERM, SIGUSR1, SIGUSR2, SIGHUP, SIGINT, SIGCHLD];
const MASKED_SIGNALS = [SIGTERM, SIGUSR1, SIGHUP];
/** Signals whose default action terminates (SIGCHLD, SIGURG and 0 do nothing by default). */
const FATAL = new Set([SIGTERM, SIGUSR1, SIGUSR2, SIGHUP, SIGINT, SIGKILL, SIGRTMIN]);

const RACE_KINDS: readonly (readonly [StressOpKind, number])[] = [
  ['exit', 14],
  ['kill-wait', 10],
  ['reap', 10],
  ['orphan-chain', 7],
  ['setns-join', 6],
  ['sigaction', 8],
  ['sigprocmask', 4],
  ['stop-cont', 4],
  ['subreaper', 3],
  ['setsid', 3],
  ['kill-group', 3],
  ['unshare-fork', 3],
  ['pidfd-reuse', 4],
  ['thread-group', 5],
];

const THREAD_ENDINGS: readonly (readonly [ThreadGroupEnding, number])[] = [
  ['stay', 4],
  ['exit-group', 2],
  ['fatal-tgkill', 2],
  ['exec-race', 3],
];

function weighted<T>(m: WorkloadModel, table: readonly (readonly [T, number])[]): T {
  let total = 0;
  for (const [, w] of table) total += w;
  let x = m.rng.below(total);
  for (const [v, w] of table) {
    if (x < w) return v;
    x -= w;
  }
  return table[0]![0];
}

/** Plans `count` race events for a round of `size` operations. */
export function planRaceEvents(plan: RacePlanner, count: number, size: number): void {
  const m = plan.m;
  let left = count;
  if (m.liveNamespaces > 2) {
    const cascades = Math.ceil(size / 400) + (m.chance(0.5) ? 1 : 0);
    for (let i = 0; i < cascades; i++) if (cascade(plan)) left--;
  }
  left -= storm(plan, Math.min(left >> 1, m.int(4, 24)));
  if (m.chance(Math.min(0.9, size / 1500)) && killAll(plan)) left--;
  for (let tries = 0; left > 0 && tries < count * 3; tries++) {
    if (raceEvent(plan, weighted(m, RACE_KINDS))) left--;
  }
}

/** A namespace init dies: SIGKILL from its parent namespace, or its own exit(). */
function cascade(plan: RacePlanner): boolean {
  const m = plan.m;
  const ns = m.liveNs((n) => n.level > 0 && !!n.init?.alive);
  if (!ns || !ns.init) return false;
  const init = ns.init;
  if (m.chance(0.7)) {
    const by = m.member(m.ancestorOrSelf(ns.parent!));
    if (!by) return false;
    plan.push({ kind: 'kill-init', by: by.slot, init: init.slot });
  } else {
    plan.push({ kind: 'init-exit', init: init.slot, code: m.int(0, 255) });
  }
  m.kill(init);
  return true;
}

/** Many signals at once into one namespace, from inside it and from its ancestors. Returns how many. */
function storm(plan: RacePlanner, count: number): number {
  const m = plan.m;
  const ns = m.liveNs();
  if (!ns) return 0;
  let n = 0;
  for (let i = 0; i < count; i++) {
    const target = m.member(ns);
    if (!target || target.slot === 0) continue;
    const by = m.observerOf(target);
    if (!by) continue;
    const sig = weighted(m, STORM_SIGNALS);
    plan.push({ kind: 'signal', by: by.slot, target: target.slot, sig });
    n++;
    if (dies(target, sig, by)) m.kill(target);
  }
  return n;
}

/** Whether the model expects `sig` from `by` to kill `target`. */
function dies(target: ModelProc, sig: number, by: ModelProc): boolean {
  if (!FATAL.has(sig)) return false;
  if (target.isInit) return sig === SIGKILL && by.ns !== target.ns;
  return sig === SIGKILL || !target.handled?.has(sig);
}

/** kill(-1) from a process of a nested namespace (from the root it would end the whole run). */
function killAll(plan: RacePlanner): boolean {
  const m = plan.m;
  const by = m.anyProc((p) => !p.isInit, (ns) => ns.level > 0);
  if (!by) return false;
  const sig = m.chance(0.5) ? SIGKILL : SIGTERM;
  plan.push({ kind: 'kill-all', by: by.slot, sig });
  const sweep = (ns: ModelNs, top: boolean): void => {
    for (const p of ns.members) {
      if (p === by || !p.alive) continue;
      if (p.isInit ? !top && sig === SIGKILL : sig === SIGKILL || !p.handled?.has(sig)) m.kill(p);
    }
    for (const c of ns.children) if (c.alive) sweep(c, false);
  };
  sweep(by.ns, true);
  return true;
}

function raceEvent(plan: RacePlanner, kind: StressOpKind): boolean {
  const m = plan.m;
  switch (kind) {
    case 'exit': {
      const p = m.anyProc((q) => !q.isInit && q.program !== 'exit');
      if (!p) return false;
      plan.push({ kind: 'exit', proc: p.slot, code: m.int(0, 255) });
      m.kill(p);
      return true;
    }
    case 'kill-wait': {
      const by = m.anyProc((q) => !!q.committedKids?.length);
      const child = by?.committedKids ? m.pick(by.committedKids) : undefined;
      if (!by || !child) return false;
      plan.push({ kind: 'kill-wait', by: by.slot, child: child.slot });
      m.kill(child);
      return true;
    }
    case 'reap': {
      const by = m.anyProc((q) => q.program === 'idle' && q.forks > 0);
      if (!by) return false;
      plan.push({ kind: 'reap', by: by.slot });
      return true;
    }
    case 'orphan-chain': {
      const length = m.int(2, 4);
      if (plan.forksLeft < length) return false;
      const by = plan.anyForker();
      if (!by) return false;
      const chain: number[] = [];
      let parent = by;
      for (let i = 0; i < length; i++) {
        const c = m.birth(parent, 'idle');
        c.safe = true;
        chain.push(c.slot);
        if (i < length - 1) m.kill(c);
        parent = c;
      }
      plan.push({ kind: 'orphan-chain', by: by.slot, chain });
      return true;
    }
    case 'setns-join': {
      const children = m.int(1, 3);
      if (plan.forksLeft < children + 1) return false;
      const target = m.liveNs((ns) => ns.level > 0 && !!ns.init?.alive);
      if (!target?.init) return false;
      const by = plan.forker(m.ancestorOrSelf(target.parent!));
      if (!by) return false;
      const joiner = m.birth(by, 'reaper');
      joiner.pfcMoved = true;
      const kids = Array.from({ length: children }, () => m.birth(joiner, 'idle', target).slot);
      plan.push({ kind: 'setns-join', by: by.slot, joiner: joiner.slot, init: target.init.slot, children: kids });
      return true;
    }
    case 'unshare-fork': {
      const children = m.int(1, 3);
      if (plan.forksLeft < children || m.liveNamespaces >= plan.namespaceBudget) return false;
      // Not a process that forks elsewhere in this round: that fork could land after the
      // unshare, in the new namespace, and its children one level deeper than `depth`.
      const u = m.anyProc(
        (q) => !q.isInit && q.program === 'reaper' && m.canFork(q) && q.ns.level < plan.depth && q.lastForkRound !== m.round,
      );
      if (!u) return false;
      const ns = m.newNamespace(u.ns);
      const kids = [m.birth(u, 'init', ns).slot];
      for (let i = 1; i < children; i++) kids.push(m.birth(u, 'idle', ns).slot);
      u.pfcMoved = true;
      plan.push({ kind: 'unshare-fork', proc: u.slot, children: kids });
      return true;
    }
    case 'sigaction': {
      const p = m.anyProc((q) => q.slot !== 0);
      if (!p) return false;
      const sig = m.pick(HANDLED_SIGNALS)!;
      const r = m.rng.below(10);
      const handler = r < 6 ? 'catch' : r < 9 ? 'ignore' : 'default';
      plan.push({ kind: 'sigaction', proc: p.slot, sig, handler });
      if (handler === 'default') p.handled?.delete(sig);
      else (p.handled ??= new Set()).add(sig);
      return true;
    }
    case 'sigprocmask': {
      const p = m.anyProc((q) => q.slot !== 0);
      if (!p) return false;
      const sigs = MASKED_SIGNALS.filter(() => m.chance(0.5));
      plan.push({ kind: 'sigprocmask', proc: p.slot, how: m.chance(0.5) ? 'block' : 'unblock', sigs: sigs.length ? sigs : [SIGUSR1] });
      return true;
    }
    case 'stop-cont': {
      // Only plain idle processes are stopped: nobody waits on them to reap or to drain a
      // namespace. The sender is never idle, so it never stops itself (and could not continue
      // itself); the SIGCONT comes from the root init.
      const target = m.anyProc((q) => !q.isInit && q.program === 'idle' && !q.pfcMoved && !q.subreaper);
      const by = target ? m.observerOf(target, (q) => q.program !== 'idle') : undefined;
      if (!target || !by) return false;
      plan.push({ kind: 'stop-cont', by: by.slot, target: target.slot });
      return true;
    }
    case 'subreaper': {
      // Only reapers adopt: an idle subreaper would keep adopted zombies forever (SEMANTICS 6.3).
      const p = m.anyProc((q) => !q.isInit && q.program === 'reaper' && !q.subreaper);
      if (!p) return false;
      plan.push({ kind: 'subreaper', proc: p.slot });
      p.subreaper = true;
      return true;
    }
    case 'setsid': {
      const p = m.anyProc((q) => !q.isInit && !q.sessionLeader && q.program !== 'exit');
      if (!p) return false;
      plan.push({ kind: 'setsid', proc: p.slot });
      p.sessionLeader = true;
      p.sessionSince = m.round;
      p.group = p;
      m.leaders.push(p);
      return true;
    }
    case 'kill-group': {
      // kill(0) only by the leader itself, and only once its setsid() is a round old: a member
      // forked in the same round as the setsid() may still be in the root init's group.
      const leader = m.pickLive(m.leaders);
      if (!leader) return false;
      const sig = m.pick([SIGTERM, SIGUSR1, SIGHUP, SIGKILL])!;
      const own = leader.sessionSince < m.round && m.chance(0.5);
      const by = own ? leader : m.observerOf(leader);
      if (!by) return false;
      plan.push({ kind: 'kill-group', by: by.slot, leader: own ? null : leader.slot, sig });
      const members = leader.groupMembers ?? [];
      let kept = 0;
      for (const p of members) if (p.alive) members[kept++] = p; // the dead leave the group for good
      members.length = kept;
      for (const p of [leader, ...members]) if (p.alive && p !== by && dies(p, sig, by)) m.kill(p);
      return true;
    }
    case 'pidfd-reuse': {
      // An idle forker reaps through the pidfd itself (a reaper's program would win that race,
      // which is legal too but leaves nothing to probe); the holder sees the forker's namespace.
      if (plan.forksLeft < 2) return false;
      const by = m.anyProc((q) => q.program === 'idle' && m.canFork(q) && q.forks + 2 <= m.capOf(q));
      if (!by) return false;
      const holder = m.observerOf(by) ?? by;
      const child = m.birth(by, 'idle');
      m.kill(child);
      const reuser = m.birth(by, 'idle');
      plan.push({ kind: 'pidfd-reuse', by: by.slot, holder: holder.slot, child: child.slot, reuser: reuser.slot });
      return true;
    }
    case 'thread-group': {
      // An idle process other than an init: a multi-threaded process that stays dies with the
      // cascades and storms that reach it (the model treats it as any idle process); the other
      // endings end it within the operation.
      const p = m.anyProc((q) => !q.isInit && q.program === 'idle' && q.slot !== 0);
      if (!p) return false;
      const ending = weighted(m, THREAD_ENDINGS);
      plan.push({ kind: 'thread-group', proc: p.slot, threads: m.int(2, 4), ending, code: m.int(0, 255) });
      if (ending !== 'stay') m.kill(p);
      return true;
    }
    default:
      return false;
  }
}
