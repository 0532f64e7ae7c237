// Containment in the inline transport (issue 12): delivery runs in a
// microtask, where a throw would be an uncaught exception of the host. A
// message for no actor is a protocol fault the invariant checker reports; an
// actor that throws fails the kernel, as a dying worker does on threads.
// (An escaped exception would fail this file: vitest reports it.)

import { describe, expect, it } from 'vitest';
import { asCallId, asNsId, asProcKey } from '@pidsim/core';
import { Kernel, type InlineTransport } from '../src/index.js';
import { outcome } from './kernels.js';

describe('inline transport containment', () => {
  it('a message for a namespace without an actor is a fault checkInvariants reports (invariant 6), not an exception', async () => {
    const k = new Kernel({ transport: 'inline', seed: 1 });
    (k.transport as InlineTransport).post(asNsId(999), { type: 'ns-ref', delta: -1 });
    await k.settled();
    expect(await k.checkInvariants()).toEqual([
      { invariant: 6, message: 'protocol fault: a ns-ref message for namespace 999, which has no actor', processes: [] },
    ]);
    expect(await k.init.getpid()).toBe(1);
    await k.close();
  });

  it('an actor that throws fails the kernel: the blocked call, later calls and settled() reject with the cause', async () => {
    const k = new Kernel({ transport: 'inline', seed: 1 });
    const parent = await k.init.fork({ program: 'idle' });
    await parent.fork({ program: 'idle' });
    const blocked = outcome(parent.wait(-1));
    await k.settled();
    // A reap of a process the root namespace never had: the actor throws (a protocol bug, planted).
    (k.transport as InlineTransport).post(k.init.ns.id, { type: 'reap', child: asProcKey(987654321), reply: { id: asCallId(0), value: null } });
    const failed = { error: 'Error', message: 'pidsim: an actor threw reap: process 987654321 is not in namespace 1; the kernel has failed' };
    expect(await blocked).toEqual(failed);
    expect(await outcome(k.init.getpid())).toEqual(failed);
    expect(await outcome(k.settled())).toEqual(failed);
    expect(await outcome(k.snapshot())).toEqual(failed);
    expect(k.pendingCalls).toBe(0);
    await k.close();
  });
});
