// Crash settlement (issue 3): when a worker thread dies - by an exception,
// process.exit inside it, or terminate() - every call in flight rejects
// exactly once with an error naming the worker and the cause, the kernel
// refuses new calls, and nothing hangs.

import { describe, expect, it } from 'vitest';
import { createKernel, KernelError, type Kernel, type Process } from '../../src/index.js';
import { ThreadsTransport } from '@pidsim/scheduler';
import { asCallId, asProcKey } from '@pidsim/core';

process.env.PIDSIM_TEST_HOOKS = '1';

/** A kernel with work spread over two workers and many calls blocked or in flight. */
async function busyKernel(): Promise<{ k: Kernel; t: ThreadsTransport; inFlight: Promise<unknown>[]; victim: Process }> {
  const k = createKernel({ transport: 'threads', workers: 2, placement: 'spread' });
  const t = k.transport as ThreadsTransport;
  const containers: Process[] = [];
  for (let i = 0; i < 4; i++) containers.push(await k.init.fork({ newPid: true, program: 'idle', name: `c${i}` }));
  const kids = await Promise.all(containers.map((c) => c.fork({ program: 'idle' })));
  // Blocked calls: waits for children that never exit, on both workers.
  const inFlight: Promise<unknown>[] = containers.map((c) => c.wait(-1));
  // And a burst of calls still travelling.
  for (let i = 0; i < 200; i++) inFlight.push(containers[i % 4]!.fork({ program: 'idle' }));
  inFlight.push(...kids.map((p) => p.getppid()));
  return { k, t, inFlight, victim: containers[1]! };
}

/** Every promise settles; each rejection is the kernel's failure naming the worker and cause. */
async function expectAllRejectedOnce(inFlight: Promise<unknown>[], pattern: RegExp): Promise<void> {
  let settledCount = 0;
  const outcomes = await Promise.all(
    inFlight.map((p) =>
      p.then(
        (v) => {
          settledCount++;
          return { ok: true as const, v };
        },
        (e: unknown) => {
          settledCount++;
          return { ok: false as const, e };
        },
      ),
    ),
  );
  expect(settledCount).toBe(inFlight.length);
  const rejected = outcomes.filter((o) => !o.ok);
  // The blocked waits can only end by the crash.
  expect(rejected.length).toBeGreaterThanOrEqual(4);
  for (const r of rejected) {
    const err = (r as { e: unknown }).e;
    if (err instanceof KernelError) continue; // an ordinary errno that was answered before the crash
    expect((err as Error).message).toMatch(pattern);
  }
}

describe('crash settlement on worker threads', () => {
  it('terminate(): every pending call rejects once, naming the worker; new calls are refused; nothing hangs', async () => {
    const { k, t, inFlight, victim } = await busyKernel();
    void t.workers[1]!.terminate();
    await expectAllRejectedOnce(inFlight, /worker thread 1 exited with code 1; the kernel has failed/);
    await expect(victim.getpid()).rejects.toThrow(/worker thread 1/);
    await expect(k.settled()).rejects.toThrow(/worker thread 1/);
    expect((await k.snapshot().catch((e: Error) => e)) instanceof Error).toBe(true);
    await k.close();
  });

  it('an exception inside a worker fails the kernel the same way', async () => {
    const { k, t, inFlight } = await busyKernel();
    // A protocol violation: reaping a process that does not exist makes the actor throw.
    t.post(t.rootNs, { type: 'reap', child: asProcKey(987654321), reply: { id: asCallId(0), value: null } });
    await expectAllRejectedOnce(inFlight, /worker thread 0 threw .*reap: process 987654321/);
    await expect(k.init.getpid()).rejects.toThrow(/the kernel has failed/);
    await k.close();
  });

  it('process.exit() inside a worker fails the kernel the same way', async () => {
    const { k, t, inFlight } = await busyKernel();
    t.injectExit(0, 3);
    await expectAllRejectedOnce(inFlight, /worker thread 0 exited with code 3; the kernel has failed/);
    await expect(k.init.fork()).rejects.toThrow(/worker thread 0/);
    await k.close();
  });

  it('close() settles every pending call and stops every worker', async () => {
    const { k, inFlight } = await busyKernel();
    await k.close();
    const outcomes = await Promise.allSettled(inFlight);
    expect(outcomes.every((o) => o.status === 'fulfilled' || o.status === 'rejected')).toBe(true);
    expect(outcomes.some((o) => o.status === 'rejected' && /closed/.test(String((o as PromiseRejectedResult).reason)))).toBe(true);
    await expect(k.init.getpid()).rejects.toThrow(/closed/);
  });
});
