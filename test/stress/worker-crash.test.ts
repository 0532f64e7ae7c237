// A worker thread of the `threads` transport dies in the middle of a run: the
// kernel fails every pending call with an Error naming the worker. Stress
// reports that as a failure of the run (never as an errno), and nothing hangs.

import { describe, expect, it } from 'vitest';
import type { ThreadsTransport } from '@pidsim/scheduler';
import { runStress } from '../../src/stress/index.js';

describe('stress on threads when a worker dies', () => {
  it('reports a crash naming the worker, with no call left hanging', async () => {
    let killed = false;
    const r = await runStress({
      depth: 3,
      fanout: 3,
      processes: 3000,
      concurrency: 64,
      seed: 4,
      transport: 'threads',
      workers: 2,
      placement: 'spread',
      onKernel: (k) => {
        const t = k.transport as ThreadsTransport;
        k.subscribe((e) => {
          if (!killed && e.type === 'fork' && e.nspid[0]! > 400) {
            killed = true;
            void t.workers[1]!.terminate();
          }
        });
      },
    });
    expect(killed).toBe(true);
    expect(r.passed).toBe(false);
    expect(r.failure).toMatchObject({ kind: 'crash', invariant: null, detectedBy: 'exception' });
    // Seen by a call (`op #12: fork ended with Error: ...`) or by the quiescent check's snapshot, whichever comes first.
    expect(r.failure!.violations[0]!.message).toMatch(/(^op #\d+: \w[\w-]* ended with |^)Error: pidsim: worker thread 1 exited with code 1; the kernel has failed/);
    expect(r.failure!.pending).toEqual([]);
  });
});
