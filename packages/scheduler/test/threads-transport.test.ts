// Containment in the threads transport (issue 12): what the main thread does
// for the workers - posting, flushing batches, taking replies - never throws
// into the host. A namespace id no worker hosts is answered like a freed
// namespace's; a batch that cannot be posted fails the kernel as a dying
// worker does. Needs `npm run build` (the worker entry).

import { describe, expect, it } from 'vitest';
import { makeNsId } from '../src/worker/placement.js';
import { type ActorMsg } from '@pidsim/core';
import { Kernel, type ThreadsTransport } from '../src/index.js';
import { outcome } from './kernels.js';

describe('threads transport containment', () => {
  // Worker 3 of a two-worker kernel: an id this kernel never gave out (another kernel's, say).
  const nowhere = makeNsId(5, 0, 3);

  it('a call for a namespace no worker hosts is answered ESRCH, as a freed namespace is; another message is a fault', async () => {
    const k = new Kernel({ transport: 'threads', workers: 2 });
    expect(await outcome(k.call(k.init.key, nowhere, { op: 'getpid' }))).toEqual({
      error: 'KernelError',
      code: 'ESRCH',
      errno: 3,
      syscall: 'getpid',
      message: 'ESRCH: no such process, getpid (the calling process has exited (its namespace is gone))',
    });
    (k.transport as ThreadsTransport).post(nowhere, { type: 'ns-ref', delta: -1 });
    await k.settled();
    expect(await k.checkInvariants()).toEqual([
      { invariant: 6, message: `protocol fault: a ns-ref message for namespace ${nowhere}, which no worker hosts`, processes: [] },
    ]);
    await k.close();
  });

  it('a batch that cannot be posted fails the kernel: the blocked call and later calls reject with the cause', async () => {
    const k = new Kernel({ transport: 'threads', workers: 1 });
    const parent = await k.init.fork({ program: 'idle' });
    await parent.fork({ program: 'idle' });
    const blocked = outcome(parent.wait(-1));
    await k.settled();
    // A function cannot cross postMessage (a planted bug: the API checks arguments so none gets here).
    const uncloneable = { type: 'ns-ref', delta: -1, callback: () => 0 } as unknown as ActorMsg;
    (k.transport as ThreadsTransport).post(k.init.ns.id, uncloneable);
    const failure = /^pidsim: the main thread could not post a batch \(.*could not be cloned.*\); the kernel has failed$/;
    expect(await blocked).toMatchObject({ error: 'Error', message: expect.stringMatching(failure) });
    expect(await outcome(k.init.getpid())).toMatchObject({ error: 'Error', message: expect.stringMatching(failure) });
    expect(k.pendingCalls).toBe(0);
    await k.close();
  });
});
