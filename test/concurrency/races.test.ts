// Races the threads issue names, run on every backend: each inline seed is
// another legal interleaving, and the threaded backends race for real.
// Where several outcomes are legal, each test lists the legal set.

import { expect, it } from 'vitest';
import { forEachBackend, errnoOf } from '../support/backends.js';
import { createKernel } from '../../src/index.js';
import type { Kernel, Process, TimedEvent } from '../../src/index.js';

/** Settles every promise; returns 'ok' or the errno each ended with. */
async function outcomes(calls: Promise<unknown>[]): Promise<string[]> {
  return Promise.all(calls.map((c) => errnoOf(c)));
}

async function inNamespace(k: Kernel, init: Process): Promise<{ live: number; zombies: number }> {
  const snap = await k.snapshot();
  let live = 0;
  let zombies = 0;
  for (const a of snap.namespaces) {
    for (const p of a.procs) {
      if (p.chain[init.ns.level] !== init.ns.id || p.key === init.key) continue;
      if (p.state === 'zombie') zombies++;
      else live++;
    }
  }
  return { live, zombies };
}

forEachBackend('races', (backend) => {
  it('6.2 forks racing the death of their namespace init: each succeeds and is killed, or fails ENOMEM; init is reaped last', async () => {
    const k = backend.create();
    const reaps: Extract<TimedEvent, { type: 'reap' }>[] = [];
    k.subscribe((e) => {
      if (e.type === 'reap') reaps.push(e);
    });
    const outer = await k.init.fork({ program: 'reaper', name: 'outer' });
    const init = await outer.fork({ newPid: true, program: 'reaper', name: 'init' });
    const h = await k.init.openNs(init.nspid[0]!);
    const joiners = await Promise.all([0, 1, 2, 3].map(() => k.init.fork({ program: 'idle', name: 'joiner' })));
    await Promise.all(joiners.map((j) => j.setns(h)));
    const own = Array.from({ length: 12 }, () => init.fork({ program: 'idle' }));
    const joined = joiners.flatMap((j) => [j.fork({ program: 'idle' }), j.fork({ program: 'idle' })]);
    const kill = outer.kill(init.nspid[0]!, 'KILL');
    const [ownResults, joinedResults] = await Promise.all([outcomes(own), outcomes(joined), kill]);
    // init's own forks: done before it died, or its caller died under it.
    for (const r of ownResults) expect(['ok', 'ESRCH']).toContain(r);
    // Forks from outside by setns: done (and the child then killed), or the namespace no longer adds (2.5).
    for (const r of joinedResults) expect(['ok', 'ENOMEM']).toContain(r);
    await k.settled();
    expect((await inNamespace(k, init)).live).toBe(0);
    // Children of the joiners are zombies of outside parents: each died of SIGKILL (6.4) and holds init (6.3).
    for (const j of joiners) {
      for (;;) {
        const w = await j.wait(-1, { nohang: true }).catch(() => null);
        if (!w || w.pid === 0) break;
        expect(w.change).toEqual({ kind: 'killed', signal: 9, core: false });
      }
    }
    await k.settled();
    expect(await inNamespace(k, init)).toEqual({ live: 0, zombies: 0 });
    const last = reaps.filter((e) => e.nspid.length > init.ns.level && e.ns === init.ns.id).at(-1);
    expect(last?.key).toBe(init.key);
    expect(await k.checkInvariants()).toEqual([]);
  });

  it("6.5 forks racing the death of an ancestor namespace's init: nothing below survives", async () => {
    const k = backend.create();
    const top = await k.init.fork({ newPid: true, program: 'reaper', name: 'top' });
    const mid = await top.fork({ newPid: true, program: 'reaper', name: 'mid' });
    const forks = [...Array.from({ length: 10 }, () => mid.fork({ program: 'idle' })), ...Array.from({ length: 10 }, () => top.fork({ program: 'idle' }))];
    const kill = k.init.kill(top.nspid[0]!, 'KILL');
    const results = await outcomes(forks);
    await kill;
    for (const r of results) expect(['ok', 'ESRCH', 'ENOMEM']).toContain(r);
    await k.settled();
    expect(await inNamespace(k, top)).toEqual({ live: 0, zombies: 0 });
    const snap = await k.snapshot();
    expect(snap.namespaces.some((a) => a.ns.id === top.ns.id || a.ns.id === mid.ns.id)).toBe(false);
    expect(await k.checkInvariants()).toEqual([]);
  });

  it('4.6 kill(-1) racing forks: everyone there before is killed; a concurrent child may live or die', async () => {
    const k = backend.create();
    const init = await k.init.fork({ newPid: true, program: 'reaper', name: 'init' });
    const killer = await init.fork({ program: 'idle', name: 'killer' });
    const before = await Promise.all(Array.from({ length: 6 }, () => init.fork({ program: 'reaper', name: 'victim' })));
    const forks = before.map((p) => p.fork({ program: 'idle' }));
    const kill = killer.kill(-1, 'KILL');
    const results = await outcomes(forks);
    expect(await kill).toBe(0);
    for (const r of results) expect(['ok', 'ESRCH']).toContain(r);
    await k.settled();
    for (const p of before) expect(await errnoOf(p.info())).toBe('ESRCH'); // killed and reaped by init
    expect((await killer.info()).state).toBe('running'); // kill(-1) spares the caller
    expect((await init.info()).state).toBe('running'); // and init
    expect(await k.checkInvariants()).toEqual([]);
  });

  it("6.6 setns joins racing teardown: setns always succeeds, the fork after it succeeds or gets ENOMEM", async () => {
    const k = backend.create();
    const init = await k.init.fork({ newPid: true, program: 'reaper', name: 'init' });
    const h = await k.init.openNs(init.nspid[0]!);
    const joiners = await Promise.all([0, 1, 2, 3, 4, 5].map(() => k.init.fork({ program: 'reaper', name: 'joiner' })));
    const joins = joiners.map(async (j) => {
      await j.setns(h);
      return errnoOf(j.fork({ program: 'idle' }));
    });
    const kill = k.init.kill(init.nspid[0]!, 'KILL');
    const results = await Promise.all(joins);
    await kill;
    for (const r of results) expect(['ok', 'ENOMEM']).toContain(r);
    await k.settled();
    expect(await inNamespace(k, init)).toEqual({ live: 0, zombies: 0 });
    for (const j of joiners) expect(await errnoOf(j.fork())).toBe('ENOMEM');
    h.close();
    expect(await k.checkInvariants()).toEqual([]);
  });

  it("5.6 an orphan's reparent racing its new reaper's exit ends with the namespace init", async () => {
    const k = backend.create();
    const init = await k.init.fork({ newPid: true, program: 'reaper', name: 'init' });
    const sub = await init.fork({ program: 'reaper', name: 'subreaper' });
    await sub.setChildSubreaper(true);
    const parent = await sub.fork({ program: 'idle', name: 'parent' });
    // The orphan lives in a deeper namespace, so its record is in another actor.
    const orphan = await parent.fork({ newPid: true, program: 'idle', name: 'orphan' });
    await Promise.all([parent.exit(0), sub.exit(0)]);
    await k.settled();
    const row = (await init.procfs().list()).find((e) => e.key === orphan.key);
    expect(row?.ppid).toBe(1);
    expect(await orphan.getppid()).toBe(0);
    expect(await k.checkInvariants()).toEqual([]);
  });

  it('thousands of concurrent forks across nested namespaces, then exits and waits: settled and every invariant holds', async () => {
    const k = backend.create();
    const leaves: Process[] = [];
    for (let c = 0; c < 4; c++) {
      const container = await k.init.fork({ newPid: true, program: 'idle', name: `c${c}` });
      const inner = await container.fork({ newPid: true, program: 'idle', name: `c${c}-inner` });
      leaves.push(container, inner);
    }
    const children = await Promise.all(Array.from({ length: 2000 }, (_, i) => leaves[i % leaves.length]!.fork({ program: 'idle' })));
    await k.settled();
    expect(await k.checkInvariants()).toEqual([]);
    await Promise.all(children.map((c, i) => c.exit(i % 256)));
    const reaped = await Promise.all(children.map((c, i) => leaves[i % leaves.length]!.wait(c.pidIn(leaves[i % leaves.length]!.ns))));
    expect(reaped.map((r) => r.change)).toEqual(children.map((_, i) => ({ kind: 'exited', code: i % 256 })));
    await k.settled();
    expect(await k.checkInvariants()).toEqual([]);
  });
});

it("7.1 a child that dies at once keeps its process group consistent, whatever the order of its join and leave (200 seeds)", async () => {
  // Found by pidsim stress: a fork's group join came from the caller's actor
  // and the child's leave at reap from its own, on different links, so the
  // leave could arrive first and leave a dead member behind.
  const bad: string[] = [];
  for (let seed = 1; seed <= 200; seed++) {
    const k = createKernel({ seed });
    // n1 reaps each child the moment it exits, while the child's group join may still be travelling.
    const n1 = await k.init.fork({ newPid: true, program: 'reaper', name: 'n1' });
    await Promise.all(Array.from({ length: 4 }, () => n1.fork({ newPid: true, program: { name: 'exit', code: 0 } })));
    await k.settled();
    const v = await k.checkInvariants();
    if (v.length > 0) bad.push(`seed ${seed}: ${v.map((x) => x.message).join('; ')}`);
    await k.close();
  }
  expect(bad).toEqual([]);
});
