// How the threads transport batches (docs/protocol.md, "Wire"): everything a
// turn of the event loop produces for one thread leaves as one postMessage,
// except that calls to a worker and plain replies from it leave every 64
// (packages/scheduler/src/worker/chunk.ts), so the two threads overlap.

import { describe, expect, it } from 'vitest';
import { createKernel, type Process } from '../../src/index.js';
import type { ThreadsTransport } from '../../packages/scheduler/src/index.js';

async function batchesIn(k: ReturnType<typeof createKernel>): Promise<number[]> {
  return (await (k.transport as ThreadsTransport).stats()).map((w) => w.batchesIn);
}

describe('batching on threads', () => {
  it('256 calls made in one turn reach their worker in batches of 64, not one each and not one in all', async () => {
    const k = createKernel({ transport: 'threads', workers: 1, init: { program: 'idle' } });
    try {
      await k.settled();
      const before = (await batchesIn(k))[0]!;
      const pids = await Promise.all(Array.from({ length: 256 }, () => k.init.getpid()));
      expect(pids.every((p) => p === 1)).toBe(true);
      // The first call leaves at once (the kernel starts watching for quiescence, which posts what
      // waits), the other 255 as they fill batches of 64 and at the end of the turn: 1 + 3 + 1.
      expect((await batchesIn(k))[0]! - before).toBe(5);
    } finally {
      await k.close();
    }
  });

  it('two workers answering one client do not split each other\'s batches: round trips keep many calls per batch', async () => {
    // Posting once per batch received split every batch in two per round trip (one for each
    // worker the continuations called), until a batch held one call: 1.1 calls per batch here.
    const k = createKernel({ transport: 'threads', workers: 2, init: { program: 'idle' } });
    try {
      const inits: Process[] = [];
      for (let n = 0; n < 2; n++) inits.push(await k.init.fork({ newPid: true, program: 'idle' }));
      for (const p of inits) await p.setsid();
      await k.settled();
      const before = await batchesIn(k);
      let next = 0;
      let cycles = 0;
      const loop = async (): Promise<void> => {
        while (cycles < 4000) {
          const p = inits[next++ % 2]!;
          const c = await p.fork();
          await c.exit(0);
          await p.wait(c.pid);
          cycles++;
        }
      };
      await Promise.all(Array.from({ length: 256 }, loop));
      await k.settled();
      const after = await batchesIn(k);
      const batches = after.reduce((n, b, i) => n + b - before[i]!, 0);
      // 3 calls per cycle; about 50 per batch measured, at least 4 whatever the scheduling.
      expect((3 * cycles) / batches).toBeGreaterThan(4);
      expect(await k.checkInvariants()).toEqual([]);
    } finally {
      await k.close();
    }
  });
});
