// The invariant checker (invariants.ts) against the invariants of
// docs/architecture.md: a snapshot of a real run passes, and each corruption
// below breaks one invariant the way a bug in the engine would. The checker
// must report that invariant, naming the processes involved, and nothing else
// (or, where one broken rule necessarily breaks another, exactly both).

import { beforeAll, describe, expect, it } from 'vitest';
import { createKernel } from '../../../src/index.js';
import {
  checkInvariants,
  describeProcess,
  type InvariantViolation,
  type KernelSnapshot,
  type NsId,
  type ProcKey,
  SHARD_MEMBERS,
  SHARD_STOPPED,
} from '../src/index.js';

/** A snapshot's plain data with the `readonly`s taken off, to corrupt a copy. */
type Draft<T> = T extends number | string | boolean | null // branded ids included
  ? T
  : T extends readonly (infer E)[]
    ? Draft<E>[]
    : { -readonly [K in keyof T]: Draft<T[K]> };
type Snap = Draft<KernelSnapshot>;
type ProcDraft = Snap['namespaces'][number]['procs'][number];
type NsDraft = Snap['namespaces'][number];

let healthy: KernelSnapshot;

/**
 * A run with something of everything the invariants speak about, stopped at
 * quiescence (names are the processes' comm):
 * - root: init, H (blocked in wait), P (did unshare), Q (did setns into N1);
 * - N1 (level 1): its init C; a (a session leader) with an unreaped zombie z;
 *   st, stopped; s, forked into N1 by Q from outside;
 * - N2 (level 2, inside N1): its init L2 and b, a process group leader;
 * - N3 (level 1, P's unshare): its init c1 has exited and waits in teardown
 *   for c2, killed and a zombie of P, outside (SEMANTICS 6.3).
 */
beforeAll(async () => {
  const k = createKernel({ seed: 3 });
  const h = await k.init.fork({ program: 'idle', name: 'H' });
  const c = await h.fork({ newPid: true, program: 'idle', name: 'C' });
  const a = await c.fork({ program: 'idle', name: 'a' });
  await a.setsid();
  await a.fork({ program: { name: 'exit', code: 4 }, name: 'z' });
  const st = await c.fork({ program: 'idle', name: 'st' });
  await c.kill(st.pid, 'STOP');
  const l2 = await c.fork({ newPid: true, program: 'idle', name: 'L2' });
  const b = await l2.fork({ program: 'idle', name: 'b' });
  await b.setpgid(0, 0);
  const p = await k.init.fork({ program: 'idle', name: 'P' });
  await p.unshare({ newPid: true });
  const c1 = await p.fork({ program: 'idle', name: 'c1' });
  await p.fork({ program: 'idle', name: 'c2' });
  await c1.exit(3);
  const q = await k.init.fork({ program: 'idle', name: 'Q' });
  await q.setns(await q.openNs(c.nspid[0]!));
  await q.fork({ program: 'idle', name: 's' });
  const blocked = h.wait(-1).catch(() => undefined); // C never exits: answered only by close()
  await k.settled();
  healthy = await k.snapshot();
  await k.close();
  await blocked;
});

/** A copy of the healthy snapshot, changed by `edit`. */
function corrupt(edit: (s: Snap) => void): KernelSnapshot {
  const s = structuredClone(healthy) as Snap;
  edit(s);
  return s as KernelSnapshot;
}

function proc(s: Snap | KernelSnapshot, name: string): ProcDraft {
  const found = (s as Snap).namespaces.flatMap((a) => a.procs).filter((p) => p.name === name);
  if (found.length !== 1) throw new Error(`the snapshot has ${found.length} processes named ${name}`);
  return found[0]!;
}

/** The namespace `p` lives in (its active one). */
function home(s: Snap, p: ProcDraft): NsDraft {
  return s.namespaces.find((a) => a.ns.id === p.ns)!;
}

function actorOf(s: Snap, ns: NsId): NsDraft {
  return s.namespaces.find((a) => a.ns.id === ns)!;
}

/** The described processes of each violation, in the checker's order. */
function described(s: KernelSnapshot, ...names: string[]): string[] {
  return names.map((n) => describeProcess(proc(s, n)));
}

/** Takes every trace of a process out of a snapshot, as if it had been reaped. */
function reap(s: Snap, name: string): void {
  const p = proc(s, name);
  for (let level = 0; level < p.chain.length; level++) {
    const t = actorOf(s, p.chain[level]!).table;
    t.splice(t.findIndex((r) => r.nr === p.nums[level]), 1);
  }
  const at = home(s, p);
  at.procs.splice(at.procs.indexOf(p), 1);
  for (const a of s.namespaces) for (const q of a.procs) q.children = q.children.filter((c) => c.key !== p.key);
  // Its actor's parts of its group and session.
  for (const g of at.groups) {
    g.pgrpMembers = g.pgrpMembers.filter((m) => m !== p.key);
    if (g.key === p.session) g.sessionMembers--;
  }
  // As the reap's leaves would: a part left empty goes, and each owner learns what its parts now hold.
  for (const a of s.namespaces) a.groups = a.groups.filter((g) => g.shards !== null || g.pgrpMembers.length > 0 || g.sessionMembers > 0);
  for (const a of s.namespaces) {
    for (const g of a.groups) {
      if (!g.shards) continue;
      g.shards = s.namespaces.flatMap((b) =>
        b.groups.filter((h) => h.key === g.key && h.shards === null).map((h) => ({ ns: b.ns.id, state: (h.pgrpMembers.length > 0 ? SHARD_MEMBERS : 0) | (h.stopped > 0 ? SHARD_STOPPED : 0) })),
      );
    }
  }
}

const only = (v: InvariantViolation[]): { invariant: number; processes: readonly string[] }[] =>
  v.map(({ invariant, processes }) => ({ invariant, processes }));

describe('invariant checker', () => {
  it('finds nothing wrong in a snapshot of a real run', () => {
    expect(checkInvariants(healthy)).toEqual([]);
    // The corruptions below rely on these states being present.
    expect(['z', 'c2'].map((n) => proc(healthy, n).state)).toEqual(['zombie', 'zombie']);
    expect(proc(healthy, 'st').state).toBe('stopped');
    expect(proc(healthy, 'c1').state).toBe('exiting');
    expect(healthy.pendingCalls).toBe(1);
    expect(proc(healthy, 'H').blockedCalls).toBe(1);
  });

  it('1: a PID handed out twice in one namespace names both holders', () => {
    // s's number in N1 is given to z as well; the table, one slot per number, holds z.
    const snap = corrupt((s) => {
      const [z, sp] = [proc(s, 'z'), proc(s, 's')];
      const t = home(s, z).table;
      t.splice(t.findIndex((r) => r.nr === sp.nums[1]), 1);
      sp.nums[1] = z.nums[1]!;
    });
    const z = proc(snap, 'z');
    const v = checkInvariants(snap);
    expect(only(v)).toEqual([
      { invariant: 1, processes: described(snap, 's', 'z') },
      // A number has one table slot, so one of the two holders is necessarily missing from it.
      { invariant: 2, processes: described(snap, 's') },
      { invariant: 2, processes: described(snap, 's') },
    ]);
    expect(v[0]!.message).toBe(`PID ${z.nums[1]} of namespace ${z.ns} is held by two processes`);
  });

  it('2: a process missing from the table of one namespace of its chain', () => {
    const snap = corrupt((s) => {
      const b = proc(s, 'b');
      const t = actorOf(s, b.chain[1]!).table;
      t.splice(t.findIndex((r) => r.nr === b.nums[1]), 1);
    });
    const b = proc(snap, 'b');
    const v = checkInvariants(snap);
    expect(only(v)).toEqual([
      { invariant: 2, processes: described(snap, 'b') },
      { invariant: 2, processes: described(snap, 'b') },
    ]);
    expect(v.map((x) => x.message)).toEqual([
      `PID ${b.nums[1]} at level 1 (namespace ${b.chain[1]}) is not in that namespace's table`,
      'is visible in 2 namespaces, expected 3',
    ]);
  });

  it('2: a process without a PID at one level of its chain', () => {
    const snap = corrupt((s) => {
      const b = proc(s, 'b');
      const t = actorOf(s, b.chain[2]!).table;
      t.splice(t.findIndex((r) => r.nr === b.nums[2]), 1);
      b.nums.pop();
    });
    const v = checkInvariants(snap);
    // The count, the missing level itself (whatever words it takes), the visibility.
    expect(only(v)).toEqual([1, 2, 3].map(() => ({ invariant: 2, processes: described(snap, 'b') })));
    expect(v[0]!.message).toBe('has 2 PIDs for 3 levels');
    expect(v[2]!.message).toBe('is visible in 2 namespaces, expected 3');
  });

  it('3: processes left alive in a namespace whose init has exited, nested namespaces included', () => {
    // N1's init C is in teardown, but nothing in N1 (or N2 inside it) was killed.
    const snap = corrupt((s) => {
      const c = proc(s, 'C');
      c.state = 'exiting';
      home(s, c).ns.state = 'exiting';
    });
    const n1 = proc(snap, 'C').ns;
    const v = checkInvariants(snap);
    expect(only(v)).toEqual(['a', 'st', 's', 'L2', 'b'].map((n) => ({ invariant: 3, processes: described(snap, n) })));
    expect(v[1]!.message).toBe(`is stopped in namespace ${n1} (level 1) whose init has exited`);
  });

  it('4: a zombie its living parent does not know as a zombie, so never reaps', () => {
    const snap = corrupt((s) => {
      const z = proc(s, 'z');
      const child = proc(s, 'a').children.find((c) => c.key === z.key)!;
      child.zombie = false;
    });
    const v = checkInvariants(snap);
    expect(only(v)).toEqual([{ invariant: 4, processes: described(snap, 'z', 'a') }]);
    expect(v[0]!.message).toBe('is a zombie its parent does not know as one');
  });

  it('4: a zombie whose parent is itself exiting, so cannot reap it', () => {
    const snap = corrupt((s) => {
      proc(s, 'a').state = 'exiting';
    });
    const v = checkInvariants(snap);
    expect(only(v)).toEqual([{ invariant: 4, processes: described(snap, 'z', 'a') }]);
    expect(v[0]!.message).toBe('is a zombie whose parent is exiting');
  });

  it('5: an init reaped while a process of its namespace remains', () => {
    // N3's init c1 must wait for c2 to be reaped (SEMANTICS 6.3); here it went first.
    const n3 = proc(healthy, 'c1').ns;
    const snap = corrupt((s) => reap(s, 'c1'));
    const v = checkInvariants(snap);
    expect(only(v)).toEqual([
      { invariant: 5, processes: described(snap, 'c2') },
      { invariant: 5, processes: [] },
    ]);
    expect(v.map((x) => x.message)).toEqual([
      `namespace ${n3}'s init was reaped while processes remain in it`,
      `namespace ${n3}'s init was reaped but the namespace is exiting`,
    ]);
  });

  it('5: an init that became a zombie while a process of its namespace remains', () => {
    const snap = corrupt((s) => {
      const c1 = proc(s, 'c1');
      c1.state = 'zombie';
      proc(s, 'P').children.find((c) => c.key === c1.key)!.zombie = true;
    });
    const v = checkInvariants(snap);
    expect(only(v)).toEqual([{ invariant: 5, processes: described(snap, 'c1', 'c2') }]);
  });

  it('6: a call pending at quiescence that nothing in the kernel is blocked on', () => {
    const snap = corrupt((s) => {
      s.pendingCalls = 2;
    });
    expect(checkInvariants(snap)).toEqual([
      { invariant: 6, processes: [], message: '2 calls are pending at quiescence but only 1 are blocked in the kernel (wait, made while stopped, or waiting for a pidfd to turn readable)' },
    ]);
  });

  it('6: a blocked call the kernel forgot while its caller still waits for it', () => {
    const snap = corrupt((s) => {
      proc(s, 'H').blockedCalls = 0;
    });
    expect(only(checkInvariants(snap))).toEqual([{ invariant: 6, processes: [] }]);
  });

  it('6: a reply to a call that was not pending, and a protocol fault', () => {
    const snap = corrupt((s) => {
      s.strayReplies.push('a reply to call 17, which is not pending (answered twice, or never asked)');
      s.faults.push('a reap for process 99 reached no actor');
    });
    expect(checkInvariants(snap)).toEqual([
      { invariant: 6, processes: [], message: 'a reply to call 17, which is not pending (answered twice, or never asked)' },
      { invariant: 6, processes: [], message: 'protocol fault: a reap for process 99 reached no actor' },
    ]);
  });

  it('7: a table row still only reserved at quiescence', () => {
    let row = { nr: 0, ns: 0 as NsId };
    const snap = corrupt((s) => {
      const b = proc(s, 'b');
      const r = actorOf(s, b.chain[1]!).table.find((x) => x.nr === b.nums[1])!;
      r.committed = false;
      row = { nr: r.nr, ns: b.chain[1]! };
    });
    expect(checkInvariants(snap)).toEqual([
      { invariant: 7, processes: [], message: `PID ${row.nr} of namespace ${row.ns} is still only reserved at quiescence` },
    ]);
  });

  it("7: a child holding a stale translation of its parent's PIDs", () => {
    const snap = corrupt((s) => {
      const b = proc(s, 'b');
      b.parentNums = b.parentNums!.map((n) => n + 1);
    });
    const v = checkInvariants(snap);
    expect(only(v)).toEqual([{ invariant: 7, processes: described(snap, 'b', 'L2') }]);
    expect(v[0]!.message).toBe('holds stale PIDs of its parent');
  });

  it('7: a child listed by the wrong parent', () => {
    // s (forked by Q after setns) moves to H's list of children; its record still says Q.
    const snap = corrupt((s) => {
      const sp = proc(s, 's');
      const q = proc(s, 'Q');
      const entry = q.children.find((c) => c.key === sp.key)!;
      q.children = q.children.filter((c) => c !== entry);
      proc(s, 'H').children.push(entry);
    });
    const v = checkInvariants(snap);
    expect(only(v)).toEqual([
      { invariant: 7, processes: described(snap, 'H', 's') },
      { invariant: 7, processes: described(snap, 's', 'Q') },
    ]);
    expect(v.map((x) => x.message)).toEqual([
      `lists child ${proc(snap, 's').key}, whose parent is ${proc(snap, 'Q').key}`,
      "is not among its parent's children",
    ]);
  });

  it('7: a parent listing a child that does not exist', () => {
    const snap = corrupt((s) => {
      const st = proc(s, 'st');
      proc(s, 'C').children.push({ key: 999999 as ProcKey, home: st.ns, zombie: false });
    });
    const v = checkInvariants(snap);
    expect(only(v)).toEqual([{ invariant: 7, processes: described(snap, 'C') }]);
    expect(v[0]!.message).toBe('lists child 999999, which does not exist');
  });

  it('7: group bookkeeping that disagrees with the records: a stranger among the members, a session miscounted, a join still owed', () => {
    let group = 0 as ProcKey;
    const snap = corrupt((s) => {
      const a = proc(s, 'a');
      const g = home(s, a).groups.find((x) => x.key === a.pgrp)!;
      group = g.key;
      g.pgrpMembers.push(proc(s, 'b').key);
      g.sessionMembers++;
      g.holds = 1;
    });
    const b = proc(snap, 'b');
    expect(checkInvariants(snap)).toEqual([
      { invariant: 7, processes: described(snap, 'b'), message: `group ${group} lists member ${b.key}, which is not in it` },
      { invariant: 7, processes: [], message: `session ${group} counts 3 members but 2 processes have it` },
      { invariant: 7, processes: [], message: `group ${group} still expects 1 join(s) from forks at quiescence` },
    ]);
  });

  it("7: a group's owner that does not know a part in another namespace, or misremembers what it holds", () => {
    let group = 0 as ProcKey;
    let part = 0 as NsId;
    const snap = corrupt((s) => {
      // C (in its own namespace) is in the root init's group, so the root's actor lists C's part, with stopped st.
      const c = proc(s, 'C');
      group = c.pgrp;
      part = c.ns;
      const owner = s.namespaces.flatMap((a) => a.groups).find((g) => g.key === group && g.shards !== null)!;
      expect(owner.shards).toContainEqual({ ns: part, state: SHARD_MEMBERS | SHARD_STOPPED });
      owner.shards = [...owner.shards!.filter((x) => x.ns !== part), { ns: part, state: SHARD_MEMBERS }, { ns: 999 as NsId, state: SHARD_MEMBERS }];
    });
    expect(checkInvariants(snap)).toEqual([
      { invariant: 7, processes: [], message: `group ${group}: its owner thinks namespace ${part}'s part is ${SHARD_MEMBERS}, but it is ${SHARD_MEMBERS | SHARD_STOPPED}` },
      { invariant: 7, processes: [], message: `group ${group}: its owner lists a part in namespace 999, which has none` },
    ]);
    const orphan = corrupt((s) => {
      for (const a of s.namespaces) a.groups = a.groups.filter((g) => !(g.key === proc(s, 'C').pgrp && g.shards !== null));
    });
    expect(checkInvariants(orphan).filter((v) => v.message.includes('owner records'))).toHaveLength(1);
  });

  it('7: a process missing from the members of its process group', () => {
    const snap = corrupt((s) => {
      const b = proc(s, 'b');
      const g = s.namespaces.flatMap((a) => a.groups).find((x) => x.key === b.pgrp)!;
      g.pgrpMembers = g.pgrpMembers.filter((m) => m !== (b.key as ProcKey));
    });
    const v = checkInvariants(snap);
    expect(only(v)).toEqual([{ invariant: 7, processes: described(snap, 'b') }]);
    expect(v[0]!.message).toBe(`is not a member of its process group ${proc(snap, 'b').pgrp}`);
  });
});

describe('invariant 8: thread groups', () => {
  let threaded: KernelSnapshot;
  /** A root process "p" with one thread (TID 3) besides its leader (PID 2). */
  beforeAll(async () => {
    const k = createKernel({ seed: 5 });
    const p = await k.init.fork({ program: 'idle', name: 'p' });
    await p.fork({ thread: true, name: 'pt' });
    await k.settled();
    threaded = await k.snapshot();
    await k.close();
  });
  const edit = (change: (s: Snap) => void): KernelSnapshot => {
    const s = structuredClone(threaded) as Snap;
    change(s);
    return s as KernelSnapshot;
  };
  const root = (s: Snap): NsDraft => s.namespaces.find((a) => a.ns.level === 0)!;

  it('finds nothing wrong with a live thread group, and counts the leader among its threads', () => {
    expect(checkInvariants(threaded)).toEqual([]);
    const p = proc(threaded, 'p');
    expect([p.threads, p.leaderExited]).toEqual([2, false]);
    expect(root(threaded as Snap).threads.map((t) => [t.nums, t.leader === p.key])).toEqual([[[3], true]]);
  });

  it('8: a thread whose process does not exist', () => {
    const snap = edit((s) => {
      root(s).threads[0]!.leader = 999 as ProcKey;
      proc(s, 'p').threads = 1;
    });
    expect(checkInvariants(snap).map((v) => [v.invariant, v.message])).toEqual([[8, `thread ${root(snap as Snap).threads[0]!.key} (NSpid 3) belongs to process 999, which does not exist`]]);
  });

  it('8: a thread group that miscounts its threads, and a TID missing from the table', () => {
    const snap = edit((s) => {
      proc(s, 'p').threads = 3;
      const t = root(s).table;
      t.splice(t.findIndex((r) => r.nr === 3), 1);
    });
    expect(checkInvariants(snap).map((v) => [v.invariant, v.message])).toEqual([
      [8, `thread ${root(snap as Snap).threads[0]!.key} (NSpid 3): TID 3 at level 0 (namespace ${root(snap as Snap).ns.id}) is not in that namespace's table`],
      [8, 'counts 3 threads but has 2'],
    ]);
  });

  it("8: a process alive with its leader's thread exited and no other thread left", () => {
    const snap = edit((s) => {
      const a = root(s);
      a.threads = [];
      a.table.splice(a.table.findIndex((r) => r.nr === 3), 1);
      const p = proc(s, 'p');
      p.threads = 1;
      p.leaderExited = true;
    });
    expect(only(checkInvariants(snap))).toEqual([{ invariant: 8, processes: described(snap, 'p') }]);
  });
});
