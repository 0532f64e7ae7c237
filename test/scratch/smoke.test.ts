import { describe, expect, it } from 'vitest';
import { createKernel } from '../../src/index.js';

describe('smoke', () => {
  it('forks nested namespaces', async () => {
    const k = createKernel({ seed: 1 });
    const a = await k.init.fork({ program: 'reaper', name: 'bash' });
    expect(a.pid).toBe(2);
    const b = await a.fork({ newPid: true, program: 'reaper', name: 'bash' });
    expect(b.nspid).toEqual([3, 1]);
    const c = await b.fork({ newPid: true, program: 'idle', name: 'bash' });
    expect(c.nspid).toEqual([4, 2, 1]);
    const d = await c.fork({ program: 'idle', name: 'sleep' });
    expect(d.nspid).toEqual([5, 3, 2]);
    expect(await d.getppid()).toBe(1);
    expect(await c.getppid()).toBe(0);
    console.log(await k.procfs(k.init.ns).pstree());
    console.log(await k.procfs(b.ns).psEf());
    console.log(await k.procfs(k.init.ns).statusText(5));
    expect(await k.checkInvariants()).toEqual([]);
    await a.kill(3, 'SIGKILL');
    await k.settled();
    console.log(await k.procfs(k.init.ns).pstree());
    expect(await k.checkInvariants()).toEqual([]);
  });
});
