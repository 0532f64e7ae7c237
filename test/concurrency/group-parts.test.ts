// Process groups are kept where their members live (pgrp-session.ts): each
// actor has its part, the owner knows which actors hold parts. Random,
// concurrent forks (some into new namespaces), setpgid, setsid, exits, group
// kills and stops must leave every part and the owner's registry agreeing
// with the process records (invariant 7), and a group kill made afterwards
// must reach every member, wherever it lives.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createKernel, createWorkerPool, type KernelOptions, type Process } from '../../src/index.js';

type Op =
  | { readonly t: 'fork'; readonly by: number; readonly newPid: boolean }
  | { readonly t: 'setpgid-own'; readonly by: number }
  | { readonly t: 'setpgid-join'; readonly by: number; readonly other: number }
  | { readonly t: 'setsid'; readonly by: number }
  | { readonly t: 'exit'; readonly by: number }
  | { readonly t: 'kill-group'; readonly by: number; readonly sig: 'CONT' | 'USR2' | 'STOP' }
  | { readonly t: 'stop-cont'; readonly by: number; readonly target: number };

const pick = fc.nat({ max: 1000 });
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ t: fc.constant('fork' as const), by: pick, newPid: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('setpgid-own' as const), by: pick }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('setpgid-join' as const), by: pick, other: pick }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('setsid' as const), by: pick }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('exit' as const), by: pick }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('kill-group' as const), by: pick, sig: fc.constantFrom('CONT' as const, 'USR2' as const, 'STOP' as const) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('stop-cont' as const), by: pick, target: pick }) },
);
/** Rounds of operations; each round's operations are issued at once. */
const rounds = fc.array(fc.array(op, { minLength: 1, maxLength: 8 }), { minLength: 2, maxLength: 8 });

async function run(options: KernelOptions, plan: readonly (readonly Op[])[]): Promise<void> {
  const k = createKernel(options);
  try {
    // Everything forked ignores SIGUSR2 (sigaction is inherited), so group kills with it change nothing but reach everyone.
    const first = await k.init.fork({ program: 'reaper', name: 'p0' });
    await first.sigaction('USR2', 'ignore');
    const procs: Process[] = [first];
    const at = (i: number): Process => procs[i % procs.length]!;
    for (const round of plan) {
      let open = round.length;
      const done = Promise.allSettled(
        round.map(async (o) => {
          const by = at(o.by);
          switch (o.t) {
            case 'fork':
              procs.push(await by.fork({ program: 'reaper', name: `p${procs.length}`, ...(o.newPid ? { newPid: true } : {}) }));
              return;
            case 'setpgid-own':
              return by.setpgid(0, 0);
            case 'setpgid-join':
              return by.setpgid(0, await at(o.other).getpgid(0).catch(() => 0));
            case 'setsid':
              return by.setsid();
            case 'exit':
              return by === first ? undefined : by.exit(1);
            case 'kill-group':
              return by.kill(0, o.sig);
            case 'stop-cont': {
              const target = at(o.target);
              const pid = target.pidIn(by.ns);
              if (pid === 0) return;
              await by.kill(pid, 'STOP');
              return by.kill(pid, 'CONT');
            }
          }
        }).map((call) => call.finally(() => open--)),
      );
      // A stopped process's calls wait until it continues: once the kernel is quiet, continue everyone.
      while (open > 0) {
        await k.settled();
        if (open > 0) await k.init.kill(-1, 'CONT');
        await new Promise((r) => setImmediate(r));
      }
      await done;
    }
    await k.settled();
    expect(await k.checkInvariants()).toEqual([]);
    // Every group a live process is in: a SIGSTOP to it from the root init stops every member but the root init.
    const snap = await k.snapshot();
    const all = snap.namespaces.flatMap((n) => n.procs);
    const groups = new Map<number, number>();
    for (const p of all) if (p.state !== 'zombie') groups.set(p.pgrp, p.pgrpNums[0]!);
    // Group 1 is the root init's own: kill(-1) would mean everyone, so it is kill(0) from there.
    for (const pgid of groups.values()) await k.init.kill(pgid === 1 ? 0 : -pgid, 'STOP');
    await k.settled();
    const after = (await k.snapshot()).namespaces.flatMap((n) => n.procs);
    const running = after.filter((p) => p.state === 'running' && p.key !== k.init.key && groups.has(p.pgrp));
    expect(running.map((p) => `${p.name} (group ${p.pgrp})`)).toEqual([]);
    expect(await k.checkInvariants()).toEqual([]);
  } finally {
    await k.close();
  }
}

describe('process groups in parts, under concurrent changes', () => {
  it('inline, any seed', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat(), rounds, (seed, plan) => run({ seed }, plan)),
      { numRuns: 60, seed: 20261204 },
    );
  });

  it.each([
    { workers: 2, placement: 'spread' as const },
    { workers: 3, placement: 'co-locate' as const },
  ])('threads, $workers workers, $placement', async ({ workers, placement }) => {
    // The runs' kernels share one pool of workers, each closed before the next starts.
    const pool = createWorkerPool({ workers });
    try {
      await fc.assert(
        fc.asyncProperty(rounds, (plan) => run({ transport: 'threads', pool, placement }, plan)),
        { numRuns: 20, seed: 20261204 },
      );
    } finally {
      await pool.close();
    }
  });
});
