// Namespaces created and destroyed by the thousand must leave nothing behind:
// a link that kept a dropped actor kept its PID table, and tables reserved
// growable buffers (a memory mapping each), so `bench --only
// namespace-lifecycle` aborted out of memory mappings after some thousands.

import { describe, expect, it } from 'vitest';
import { Kernel, type InlineTransport } from '../src/index.js';

/** `n` namespaces, 64 at a time: each init forked by the global init, exits, is reaped. */
async function churn(k: Kernel, n: number): Promise<void> {
  let left = n;
  const loop = async (): Promise<void> => {
    while (left-- > 0) {
      const c = await k.init.fork({ newPid: true, program: 'idle' });
      await c.exit(0);
      await k.init.wait(c.nspid[0]!);
    }
  };
  await Promise.all(Array.from({ length: 64 }, loop));
  await k.settled();
}

describe('namespace churn', () => {
  it('inline: a dropped actor takes its links with it; the kernel holds what it held before the churn', async () => {
    const k = new Kernel({ transport: 'inline', seed: 1, init: { program: 'idle' } });
    const t = k.transport as InlineTransport;
    await churn(k, 64);
    const links = t.linkCount;
    expect(t.actorCount).toBe(1);
    await churn(k, 2000);
    expect(t.actorCount).toBe(1);
    expect(t.linkCount).toBe(links);
    // A namespace created after the churn works as any.
    const c = await k.init.fork({ newPid: true, program: 'idle' });
    expect((await c.fork()).pid).toBe(2);
    await k.close();
  });

  it('inline PID tables are plain buffers that reserve nothing; a table grows by copy and keeps its rows', async () => {
    const k = new Kernel({ transport: 'inline', seed: 1, init: { program: 'idle' } });
    const ns = await k.init.fork({ newPid: true, program: 'idle' });
    const kids = [];
    for (let i = 0; i < 300; i++) kids.push(await ns.fork({ program: 'idle' }));
    expect(kids.map((p) => p.pid)).toEqual(Array.from({ length: 300 }, (_, i) => i + 2));
    // Rows written before a growth are still there: each child is found by its PID.
    expect(await ns.kill(kids[0]!.pid, 0)).toBe(0);
    expect(await ns.kill(302, 0).catch((e: { code: string }) => e.code)).toBe('ESRCH');
    expect(await ns.kill(kids[299]!.pid, 0)).toBe(0);
    expect((await k.usage()).memory.pidTableResizableBytes).toBe(0);
    await k.close();
  });
});
