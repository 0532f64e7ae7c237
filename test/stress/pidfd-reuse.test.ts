// The stress workload's pidfd holders racing reaping and PID reuse
// (SEMANTICS 8.14): the race happens (new processes do take reaped
// children's PIDs before the old pidfds are probed), and a pidfd that
// followed its number instead of its process is found as an impossible
// result and shrunk. The bug is planted from here, never in the engine:
// the caller's actor is made to resolve a pidfd by its number.

import { afterEach, describe, expect, it } from 'vitest';
import { NamespaceActor } from '@pidsim/actors';
import type { ActorMsg } from '@pidsim/core';
import { runStress, shrinkFailure } from '../../src/stress/index.js';

const original = NamespaceActor.prototype.handle;
afterEach(() => {
  NamespaceActor.prototype.handle = original;
});

/** pidfd_send_signal resolves the pidfd through the PID the caller sees, as a number would be. */
function plantPidfdByNumber(): void {
  NamespaceActor.prototype.handle = function (this: NamespaceActor, msg: ActorMsg): void {
    if (msg.type === 'call' && msg.op.op === 'pidfd-send-signal') {
      const { pidfd } = msg.op;
      const entry = this.table.get(pidfd.ref.nums[this.level]!);
      if (entry?.task && entry.committed && entry.key !== pidfd.ref.key) {
        msg = { ...msg, op: { ...msg.op, pidfd: { ...pidfd, ref: { ...pidfd.ref, key: entry.key } } } };
      }
    }
    original.call(this, msg);
  };
}

const shape = { depth: 3, fanout: 3, processes: 600, concurrency: 32 };

describe('pidfd holders racing reaping', () => {
  it('8.14 the workload reaps pidfd holders\' processes, reuses their PIDs and probes the old pidfds; every invariant holds', async () => {
    const run = await runStress({ ...shape, seed: 1, transport: 'inline' });
    expect(run.failure).toBeNull();
    expect(run.counters.opsByKind['pidfd-reuse']).toBeGreaterThan(0);
    expect(run.counters.pidfdReusesProbed).toBeGreaterThan(0);
    expect(run.counters.syscalls['pidfd_send_signal']?.errors['ESRCH']).toBeGreaterThan(0);
  });

  it('8.14 a pidfd that follows its PID number is found as an impossible result, and shrunk', async () => {
    plantPidfdByNumber();
    const run = await runStress({ ...shape, seed: 1, transport: 'inline' });
    expect(run.passed).toBe(false);
    const f = run.failure!;
    expect(f.kind).toBe('result');
    expect(f.violations[0]!.message).toMatch(/^op #\d+ \(pidfd-reuse\): pidfd_send_signal through a pidfd of a reaped process returned 0, not ESRCH$/);
    const s = await shrinkFailure({ seed: 1, shape, failure: f, budgetMs: 30_000 });
    expect(s.reproduced).toBe(true);
    expect(s.ops.length).toBeLessThanOrEqual(4);
    NamespaceActor.prototype.handle = original;
    expect((await runStress({ ...shape, seed: 1, transport: 'inline', chaos: s.chaos ?? undefined, ops: new Set(s.ops) })).passed).toBe(true);
  });
});
