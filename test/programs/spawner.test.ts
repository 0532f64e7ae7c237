// The `spawner` program: a load generator that runs inside the kernel. It
// forks children that exit at once, so many alive at a time, reaps each, and
// exits 0 when it has reaped them all (1 when a fork fails), on every backend.

import { expect, it } from 'vitest';
import { errnoOf, forEachBackend } from '../support/backends.js';

forEachBackend('spawner', (backend) => {
  it('forks and reaps `count` children, then exits 0; nothing is left behind', async () => {
    const k = backend.create({ events: true });
    const forks: number[] = [];
    const reaps: number[] = [];
    k.subscribe((e) => {
      if (e.type === 'fork') forks.push(e.nspid.at(-1)!);
      if (e.type === 'reap') reaps.push(e.nspid.at(-1)!);
    });
    const driver = await k.init.fork({ program: 'idle', name: 'driver' });
    const s = await driver.fork({ program: { name: 'spawner', count: 500, parallel: 7 }, name: 'spawner' });
    const w = await driver.wait(s.pid);
    expect(w.change).toEqual({ kind: 'exited', code: 0 });
    // 2 forks by the test, 500 by the spawner; the spawner's children all reaped, by it.
    expect(forks.length).toBe(502);
    expect(reaps.length).toBe(501);
    expect((await k.procfs(k.init.ns, k.init).list()).map((e) => e.name).sort()).toEqual(['driver', 'init']);
    expect(await k.checkInvariants()).toEqual([]);
  });

  it('never has more than `parallel` children unreaped at once: sleepers overlap, up to that many', async () => {
    const k = backend.create({ events: true });
    let alive = 0;
    let most = 0;
    k.subscribe((e) => {
      if (e.type === 'fork' && e.name === 'sleep') most = Math.max(most, ++alive);
      if (e.type === 'reap' && e.by !== undefined) alive--;
    });
    const driver = await k.init.fork({ program: 'idle', name: 'driver' });
    const s = await driver.fork({ program: { name: 'spawner', count: 60, parallel: 5, child: { name: 'sleep', seconds: 1 } } });
    expect((await driver.wait(s.pid)).change).toEqual({ kind: 'exited', code: 0 });
    expect(most).toBe(5);
    // 60 sleepers, 5 at a time, each 1 s of virtual time: 12 s.
    expect(k.now()).toBeGreaterThanOrEqual(12_000);
    expect(k.now()).toBeLessThan(13_000);
  });

  it('exits 1 when a fork fails (no free PID below pid_max)', async () => {
    const k = backend.create({ pidMax: 301 });
    const driver = await k.init.fork({ program: 'idle', name: 'driver' });
    // init 1, driver 2, idles 3..299, the spawner 300: its first fork finds no free PID (SEMANTICS 1.5).
    for (let i = 0; i < 297; i++) await driver.fork({ program: 'idle' });
    const s = await driver.fork({ program: { name: 'spawner', count: 10, parallel: 1 } });
    expect(s.pid).toBe(300);
    expect((await driver.wait(s.pid)).change).toEqual({ kind: 'exited', code: 1 });
    expect(await k.checkInvariants()).toEqual([]);
  });

  it('count 0 exits at once; bad parameters are a TypeError at the call', async () => {
    const k = backend.create();
    const driver = await k.init.fork({ program: 'idle', name: 'driver' });
    const s = await driver.fork({ program: { name: 'spawner', count: 0, parallel: 1 } });
    expect((await driver.wait(s.pid)).change).toEqual({ kind: 'exited', code: 0 });
    expect(() => driver.fork({ program: { name: 'spawner', count: -1, parallel: 1 } as never })).toThrow(/program 'spawner' needs an integer `count` >= 0, received -1/);
    expect(() => driver.fork({ program: { name: 'spawner', count: 5, parallel: 0 } as never })).toThrow(/program 'spawner' needs an integer `parallel` >= 1, received 0/);
    expect(() => driver.fork({ program: { name: 'spawner', count: 5, parallel: 1, child: 'idle' } as never })).toThrow(/child must be exit or sleep/);
    expect(await errnoOf(driver.wait(-1, { nohang: true }))).toBe('ECHILD');
  });
});
