// Issue 11: a fork whose namespaces all live on one worker sends nothing to
// another worker, even though the container's processes are in the process
// group and session of the root's init, whose actor lives on worker 0
// (process groups are kept where their members live: pgrp-session.ts).

import { describe, expect, it } from 'vitest';
import { createKernel } from '../../src/index.js';
import { workerOf } from '../../packages/scheduler/src/index.js';

describe('cross-worker messages on threads', () => {
  it('none for fork, exit and reap in a container on another worker than its group owner, client- and program-driven', async () => {
    const k = createKernel({ transport: 'threads', workers: 2 });
    try {
      const c = await k.init.fork({ newPid: true, program: 'reaper', name: 'container-init' });
      // Placement deals the root's children round-robin, so this container is not with the root.
      expect(workerOf(c.ns.id)).not.toBe(workerOf(k.init.ns.id));
      expect(await c.getpgid(0)).toBe(0); // its group is the root init's, invisible inside
      const driver = await c.fork({ program: 'idle', name: 'driver' });
      await k.settled();
      const before = (await k.usage()).crossWorkerMessages;
      for (let i = 0; i < 50; i++) {
        const child = await driver.fork({ program: { name: 'exit', code: 0 } });
        await driver.wait(child.pid);
      }
      const spawner = await driver.fork({ program: { name: 'spawner', count: 2000, parallel: 32 } });
      expect((await driver.wait(spawner.pid)).change).toMatchObject({ code: 0 });
      await k.settled();
      expect((await k.usage()).crossWorkerMessages - before).toBe(0);
      // The group still spans both workers: kill(0) from the root init reaches the container's members.
      expect(await k.init.kill(0, 'CONT')).toBe(0);
      expect(await k.checkInvariants()).toEqual([]);
    } finally {
      await k.close();
    }
  });

  it('a container leaving its last member of a root-owned group tells the owner, which frees nothing it still uses', async () => {
    const k = createKernel({ transport: 'threads', workers: 2 });
    try {
      const c = await k.init.fork({ newPid: true, program: 'reaper', name: 'container-init' });
      const a = await c.fork({ program: 'idle', name: 'a' });
      expect(await a.setsid()).toBe(2);
      // c is now the container's only member of the root's group; a leads its own.
      const snap = await k.snapshot();
      const rootGroup = snap.namespaces.flatMap((n) => n.groups).find((g) => g.shards !== null && g.key === k.init.key)!;
      expect(rootGroup.shards).toEqual([{ ns: c.ns.id, state: 1 }]);
      expect(await k.init.kill(c.pidIn(k.init.ns), 'KILL')).toBe(0);
      await k.settled(); // the root init (a reaper) reaps it
      const after = await k.snapshot();
      const owner = after.namespaces.flatMap((n) => n.groups).find((g) => g.shards !== null && g.key === k.init.key)!;
      expect(owner.shards).toEqual([]);
      expect(await k.checkInvariants()).toEqual([]);
    } finally {
      await k.close();
    }
  });
});
