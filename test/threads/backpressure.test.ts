// maxInFlight (issue 3): p-queue bounds how many syscalls are outstanding at
// once, so a caller issuing a great many forks never holds them all in flight.

import { describe, expect, it } from 'vitest';
import { createKernel } from '../../src/index.js';

describe.each(['inline', 'threads'] as const)('maxInFlight on %s', (transport) => {
  it('never has more than maxInFlight calls outstanding, and every call completes', async () => {
    const k = createKernel({ transport, workers: 2, maxInFlight: 8, pidMax: 4194304 });
    try {
      const parent = await k.init.fork({ program: 'reaper', name: 'parent' });
      let peak = 0;
      const watch = setInterval(() => (peak = Math.max(peak, k.pendingCalls)), 0);
      const calls = Array.from({ length: 2000 }, () => parent.fork({ program: { name: 'exit', code: 0 } }));
      // Issued at once, but the kernel sees them eight at a time.
      peak = Math.max(peak, k.pendingCalls);
      const children = await Promise.all(calls);
      clearInterval(watch);
      // Each call got its own child, numbered in the order the calls were made.
      expect(children.map((c) => c.pid)).toEqual(Array.from({ length: 2000 }, (_, i) => parent.pid + 1 + i));
      expect(peak).toBeGreaterThan(0);
      expect(peak).toBeLessThanOrEqual(8);
      await k.settled();
      expect(await k.checkInvariants()).toEqual([]);
    } finally {
      await k.close();
    }
  });

  it('rejects a bad maxInFlight naming the option', () => {
    expect(() => createKernel({ transport, maxInFlight: 0 })).toThrow(/option `maxInFlight`.*received 0/);
  });
});
