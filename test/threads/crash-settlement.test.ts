// Crash settlement (issue 3, invariant 6): when a worker thread dies - by an
// exception, process.exit inside it, or terminate() - every call in flight
// settles exactly once and by the right cause: a call whose reply reached the
// kernel before the crash has that reply's outcome; every other call rejects
// with the crash error, which names the worker and the cause. No reply is
// taken after the crash, the kernel refuses new calls, and nothing hangs.
//
// What the transport tells the kernel is watched through the kernel's side
// of the Transport seam (`post` out, `reply`/`failed` back), so each call's
// outcome can be checked against the reply it did or did not get.

import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { createKernel, KernelError, type Kernel, type Process } from '../../src/index.js';
import { ThreadsTransport } from '@pidsim/scheduler';
import { asCallId, asProcKey, type CallId, type Result } from '@pidsim/core';

process.env.PIDSIM_TEST_HOOKS = '1';

/** What the transport told the kernel, in order. */
interface Heard {
  /** The ids of the calls the kernel posted. */
  readonly posted: CallId[];
  /** Every reply that reached the kernel before it failed, by call. */
  readonly replies: Map<CallId, Result<unknown>[]>;
  /** Replies that reached the kernel after it failed (there must be none). */
  readonly afterFailure: CallId[];
  /** Every failure reported (there must be exactly one per crash). */
  readonly failures: Error[];
  /** Resolves with the first failure. */
  readonly failed: Promise<Error>;
  /** Resolves once `n` calls have had their reply. */
  repliesReached(n: number): Promise<void>;
}

function listen(k: Kernel, t: ThreadsTransport): Heard {
  const post = t.post.bind(t);
  const reply = k.reply.bind(k);
  const failed = k.failed.bind(k);
  let onFailure!: (e: Error) => void;
  const waiting: { n: number; resolve: () => void }[] = [];
  const heard: Heard = {
    posted: [],
    replies: new Map(),
    afterFailure: [],
    failures: [],
    failed: new Promise<Error>((resolve) => (onFailure = resolve)),
    repliesReached: (n) => new Promise<void>((resolve) => (heard.replies.size >= n ? resolve() : waiting.push({ n, resolve }))),
  };
  t.post = (to, msg) => {
    if (msg.type === 'call') heard.posted.push(msg.id);
    post(to, msg);
  };
  k.reply = (id, result) => {
    if (heard.failures.length > 0) heard.afterFailure.push(id);
    else {
      const list = heard.replies.get(id);
      if (list) list.push(result);
      else heard.replies.set(id, [result]);
      for (const w of waiting.filter((x) => heard.replies.size >= x.n)) w.resolve();
    }
    reply(id, result);
  };
  k.failed = (cause) => {
    heard.failures.push(cause);
    onFailure(cause);
    failed(cause);
  };
  return heard;
}

/** One syscall made by the test, and how its promise settled so far. */
interface Call {
  readonly label: string;
  readonly id: CallId;
  outcome: { readonly settled: false } | { readonly settled: true; readonly ok: true } | { readonly settled: true; readonly ok: false; readonly error: unknown };
}

interface Busy {
  readonly k: Kernel;
  readonly t: ThreadsTransport;
  readonly heard: Heard;
  readonly calls: Call[];
  readonly containers: Process[];
  readonly victim: Process;
  /** Makes a syscall and follows it; `make` must post exactly one call. */
  track(label: string, make: () => Promise<unknown>): Call;
}

/** A kernel with work spread over two workers, calls blocked on both, and some answered already. */
async function busyKernel(): Promise<Busy> {
  const k = createKernel({ transport: 'threads', workers: 2, placement: 'spread' });
  const t = k.transport as ThreadsTransport;
  const heard = listen(k, t);
  const calls: Call[] = [];
  const track = (label: string, make: () => Promise<unknown>): Call => {
    const before = heard.posted.length;
    const promise = make();
    expect(heard.posted.length, label).toBe(before + 1);
    const call: Call = { label, id: heard.posted[before]!, outcome: { settled: false } };
    promise.then(
      () => (call.outcome = { settled: true, ok: true }),
      (error: unknown) => (call.outcome = { settled: true, ok: false, error }),
    );
    calls.push(call);
    return call;
  };
  const containers: Process[] = [];
  for (let i = 0; i < 4; i++) containers.push(await k.init.fork({ newPid: true, program: 'idle', name: `c${i}` }));
  const kids = await Promise.all(containers.map((c) => c.fork({ program: 'idle' })));
  // Blocked calls: waits for children that never exit, on both workers.
  containers.forEach((c, i) => track(`wait by c${i}`, () => c.wait(-1)));
  // A burst of calls, of which some are answered before the crash.
  const answered = heard.replies.size;
  for (let i = 0; i < 200; i++) track(`fork ${i} by c${i % 4}`, () => containers[i % 4]!.fork({ program: 'idle' }));
  kids.forEach((p, i) => track(`getppid of c${i}'s child`, () => p.getppid()));
  await heard.repliesReached(answered + 50);
  return { k, t, heard, calls, containers, victim: containers[1]!, track };
}

/** More calls, still travelling when the crash comes (it is triggered right after). */
function moreInFlight(b: Busy): void {
  for (let i = 0; i < 40; i++) b.track(`getpid ${i} of c${i % 4}`, () => b.containers[i % 4]!.getpid());
}

/** Resolves once every worker thread has exited (the crash stops them all). */
async function allExited(t: ThreadsTransport): Promise<void> {
  await Promise.all(t.workers.map((w) => (w.threadId === -1 ? undefined : once(w, 'exit'))));
}

/** A call's outcome, in words: what it is, and what it must be given the replies the kernel got. */
function outcomeOf(c: Call, crash: Error | null): string {
  const o = c.outcome;
  if (!o.settled) return 'still pending';
  if (o.ok) return 'resolved';
  if (o.error instanceof KernelError) return `rejected with ${o.error.code}`;
  if (crash !== null && o.error instanceof Error && o.error.message === crash.message) return 'rejected with the crash error';
  return `rejected with ${String(o.error)}`;
}

function expectedOf(c: Call, heard: Heard, otherwise: string): string {
  const replies = heard.replies.get(c.id) ?? [];
  if (replies.length === 0) return otherwise;
  if (replies.length > 1) return `answered ${replies.length} times`;
  const r = replies[0]!;
  return r.ok ? 'resolved' : `rejected with ${r.code}`;
}

/** The crash, once reported; then every call settled once, by its reply or by the crash, and nothing is left. */
async function expectSettledByCrash(b: Busy, cause: RegExp): Promise<Error> {
  const crash = await b.heard.failed;
  // Every settlement the crash causes is a microtask; let them all run.
  await new Promise((resolve) => setImmediate(resolve));
  expect(crash.message).toMatch(cause);
  expect(b.heard.failures).toEqual([crash]);
  expect(b.heard.afterFailure).toEqual([]);
  expect(b.k.pendingCalls).toBe(0);
  const label = (c: Call, what: string): string => `${c.label}: ${what}`;
  expect(b.calls.map((c) => label(c, outcomeOf(c, crash)))).toEqual(b.calls.map((c) => label(c, expectedOf(c, b.heard, 'rejected with the crash error'))));
  // Both kinds happened: the blocked waits can only end by the crash; 50 replies came before it.
  for (const c of b.calls.slice(0, 4)) expect(outcomeOf(c, crash), c.label).toBe('rejected with the crash error');
  expect(b.calls.filter((c) => outcomeOf(c, crash) === 'resolved').length).toBeGreaterThanOrEqual(50);
  return crash;
}

describe('crash settlement on worker threads', () => {
  it('terminate(): every call settles once, by its reply or by the crash naming the worker; new calls are refused; nothing hangs', async () => {
    const b = await busyKernel();
    moreInFlight(b);
    void b.t.workers[1]!.terminate();
    const crash = await expectSettledByCrash(b, /^pidsim: worker thread 1 exited with code 1; the kernel has failed$/);
    await expect(b.victim.getpid()).rejects.toMatchObject({ message: crash.message });
    await expect(b.k.settled()).rejects.toMatchObject({ message: crash.message });
    await expect(b.k.snapshot()).rejects.toMatchObject({ message: crash.message });
    // A worker's batch that arrives after the crash (here, a reply to a wait the crash rejected) is dropped.
    const wait = b.calls[0]!;
    b.t.workers[0]!.emit('message', { items: [{ t: 'reply', id: wait.id, result: { ok: true, value: 0 } }], count: 1 });
    expect(b.heard.afterFailure).toEqual([]);
    expect(outcomeOf(wait, crash)).toBe('rejected with the crash error');
    // The other workers, stopped because of the crash, are not reported as more crashes.
    await allExited(b.t);
    expect(b.heard.failures).toEqual([crash]);
    await b.k.close();
  });

  it('an exception inside a worker fails the kernel the same way', async () => {
    const b = await busyKernel();
    moreInFlight(b);
    // A protocol violation: reaping a process that does not exist makes the actor throw.
    b.t.post(b.t.rootNs, { type: 'reap', child: asProcKey(987654321), reply: { id: asCallId(0), value: null } });
    const crash = await expectSettledByCrash(b, /^pidsim: worker thread 0 threw .*reap: process 987654321.*; the kernel has failed$/);
    await expect(b.k.init.getpid()).rejects.toMatchObject({ message: crash.message });
    await allExited(b.t);
    expect(b.heard.failures).toEqual([crash]);
    await b.k.close();
  });

  it('process.exit() inside a worker fails the kernel the same way', async () => {
    const b = await busyKernel();
    moreInFlight(b);
    b.t.injectExit(0, 3);
    const crash = await expectSettledByCrash(b, /^pidsim: worker thread 0 exited with code 3; the kernel has failed$/);
    await expect(b.k.init.fork()).rejects.toMatchObject({ message: crash.message });
    await allExited(b.t);
    expect(b.heard.failures).toEqual([crash]);
    await b.k.close();
  });

  it('close(): every call settles once, by its reply or as closed (ESHUTDOWN); it is no crash; every worker stops; later calls are refused', async () => {
    const b = await busyKernel();
    moreInFlight(b);
    await b.k.close();
    await new Promise((resolve) => setImmediate(resolve));
    expect(b.t.workers.map((w) => w.threadId)).toEqual([-1, -1]); // an exited worker has no thread
    expect(b.heard.failures).toEqual([]);
    expect(b.k.pendingCalls).toBe(0);
    const closed = 'rejected with ESHUTDOWN';
    expect(b.calls.map((c) => `${c.label}: ${outcomeOf(c, null)}`)).toEqual(b.calls.map((c) => `${c.label}: ${expectedOf(c, b.heard, closed)}`));
    for (const c of b.calls.slice(0, 4)) expect(outcomeOf(c, null), c.label).toBe(closed);
    await expect(b.k.init.getpid()).rejects.toMatchObject({
      code: 'ESHUTDOWN',
      errno: 108,
      syscall: 'getpid',
      message: 'ESHUTDOWN: cannot send after transport endpoint shutdown, getpid (the kernel is closed)',
    });
  });
});
