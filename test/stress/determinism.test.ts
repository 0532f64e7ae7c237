// On the inline transport a stress run is a pure function of its seed, its
// shape, its chaos and the operations kept: running it twice gives the same
// trace (every event and call outcome, in order), the same counts and the
// same delivery choices; another seed gives another run.

import { describe, expect, it } from 'vitest';
import { generateWorkload, runStress, type StressResult } from '../../src/stress/index.js';

const shape = { depth: 3, fanout: 3, processes: 800, concurrency: 48 };

function fingerprint(r: StressResult) {
  const calls = Object.fromEntries(Object.entries(r.counters.syscalls).map(([name, s]) => [name, { calls: s.calls, ok: s.ok, errors: s.errors }]));
  return { digest: r.digest, choices: r.choices, calls, passed: r.passed, failure: r.failure, events: r.events, skipped: r.skippedOps, liveAtEnd: r.liveAtEnd };
}

describe('stress determinism on inline', () => {
  it('the workload is a function of the seed and the shape', () => {
    const a = generateWorkload(11, shape);
    expect(generateWorkload(11, shape)).toEqual(a);
    expect(generateWorkload(12, shape).ops).not.toEqual(a.ops);
    expect(a.forks).toBeGreaterThanOrEqual(shape.processes);
    expect(a.ops.some((op) => op.kind === 'fork' && op.newPid)).toBe(true);
  });

  it('the same seed replays the same run: same trace digest, choices and outcomes', async () => {
    const first = await runStress({ ...shape, seed: 3, transport: 'inline' });
    const second = await runStress({ ...shape, seed: 3, transport: 'inline' });
    expect(fingerprint(second)).toEqual(fingerprint(first));
    expect(first.choices).toBeGreaterThan(0);
    expect(first.counters.forksSucceeded).toBeGreaterThan(300);
    const other = await runStress({ ...shape, seed: 9, transport: 'inline' });
    expect(other.digest).not.toBe(first.digest);
  });

  it('a subset of operations with a chaos budget replays the same run too', async () => {
    const ops = new Set(Array.from({ length: 300 }, (_, i) => i * 2));
    const a = await runStress({ ...shape, seed: 5, transport: 'inline', chaos: 40, ops });
    const b = await runStress({ ...shape, seed: 5, transport: 'inline', chaos: 40, ops });
    expect(fingerprint(b)).toEqual(fingerprint(a));
    expect(a.opsSelected).toBe(300);
    expect(a.choices).toBeLessThanOrEqual(40);
  });
});
