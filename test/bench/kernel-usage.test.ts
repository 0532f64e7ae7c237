// kernel.usage(), the read-only hook the bench counts with: messages
// delivered, messages between workers, and the bytes of the PID tables and
// kernel-wide tables, on both transports. Counts and sizes only; no timing.

import { afterEach, describe, expect, it } from 'vitest';
import { ThreadsTransport } from '@pidsim/scheduler';
import { createKernel, type Kernel, type KernelOptions } from '../../src/index.js';

let kernel: Kernel | null = null;

function boot(options: KernelOptions): Kernel {
  kernel = createKernel({ init: { program: 'idle' }, seed: 1, ...options });
  return kernel;
}

afterEach(async () => {
  await kernel?.close();
  kernel = null;
});

/** n fork+exit+reap cycles by `p`. */
async function cycles(p: Awaited<ReturnType<Kernel['init']['fork']>>, n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    const c = await p.fork();
    await c.exit(0);
    await p.wait(c.pid);
  }
}

describe('kernel.usage()', () => {
  it('inline: counts delivered messages, no cross-worker ones, and PID tables that grow with the numbers taken', async () => {
    const k = boot({ pidMax: 1 << 20 });
    const before = await k.usage();
    expect(before).toMatchObject({ kind: 'inline', workers: 0, crossWorkerMessages: 0 });
    expect(before.memory.kernelTableBytes).toBeGreaterThan(0);
    expect(before.memory.pidTableResizableBytes).toBeLessThanOrEqual(before.memory.pidTableBytes);
    const parent = await k.init.fork({ program: 'idle' });
    for (let i = 0; i < 5000; i++) await parent.fork();
    await k.settled();
    const after = await k.usage();
    expect(after.delivered).toBeGreaterThan(before.delivered + 5000);
    // Each PID has a row (at least its key and home, 16 bytes), in plain buffers grown by copy (inline tables reserve nothing).
    expect(after.memory.pidTableBytes - before.memory.pidTableBytes).toBeGreaterThanOrEqual(16 * 5000);
    expect(after.memory.pidTableResizableBytes).toBe(0);
    expect(after.memory.kernelTableBytes).toBe(before.memory.kernelTableBytes);
  });

  it("inline: a new namespace's PID table is counted once, by the namespace that owns it", async () => {
    const k = boot({});
    const before = (await k.usage()).memory.pidTableBytes;
    await k.init.fork({ newPid: true, program: 'idle' });
    await k.settled();
    const grew = (await k.usage()).memory.pidTableBytes - before;
    expect(grew).toBeGreaterThan(0);
    // The root's table grows by at most a row for the new init; the new table is about the size of the root's at boot.
    expect(grew).toBeLessThan(2 * before);
  });

  it('threads W=1: no message ever goes to another worker', async () => {
    const k = boot({ transport: 'threads', workers: 1 });
    const init = await k.init.fork({ newPid: true, program: 'idle' });
    await cycles(init, 20);
    await k.init.kill(init.nspid[0]!, 'STOP');
    await k.settled();
    const u = await k.usage();
    expect(u).toMatchObject({ kind: 'threads', workers: 1, crossWorkerMessages: 0 });
    expect(u.delivered).toBeGreaterThan(60);
  });

  it("threads W=2: a kill from the root's init to a process on the other worker is counted as a message between workers", async () => {
    const k = boot({ transport: 'threads', workers: 2 });
    const transport = k.transport as ThreadsTransport;
    const init = await k.init.fork({ newPid: true, program: 'idle' });
    // co-locate deals the root's children over the workers: the first goes to worker 1, the root stays on worker 0.
    expect(transport.workerOf(k.init.ns.id)).toBe(0);
    expect(transport.workerOf(init.ns.id)).toBe(1);
    await k.settled();
    const before = (await k.usage()).crossWorkerMessages;
    await k.init.kill(init.nspid[0]!, 'STOP');
    await k.settled();
    expect((await k.usage()).crossWorkerMessages).toBeGreaterThan(before);
  });

  it("threads: the PID tables are counted over the workers that own them, and grow as numbers are taken", async () => {
    const k = boot({ transport: 'threads', workers: 2, pidMax: 1 << 20 });
    const init = await k.init.fork({ newPid: true, program: 'idle' });
    await k.settled();
    const before = (await k.usage()).memory;
    for (let i = 0; i < 2000; i++) await init.fork();
    await k.settled();
    const after = (await k.usage()).memory;
    // Two levels: a row (at least its key and home, 16 bytes) in the root's table and one in the namespace's for each process.
    expect(after.pidTableResizableBytes - before.pidTableResizableBytes).toBeGreaterThanOrEqual(2 * 16 * 2000);
  });
});
