// Random use of the public API (issue 12): fast-check drives sequences of
// calls on two kernels of one transport at once, without waiting for one
// call before the next, with handles that went stale (closed, of processes
// that died), handles and namespaces of the other kernel, and close()
// racing the calls in flight. Whatever the sequence:
//
// - the host process never sees an uncaught exception or an unhandled
//   rejection (both are recorded while the property runs, and vitest fails
//   the file on either as well);
// - every call settles: by the end, after both kernels closed, no promise is
//   left pending;
// - every failure is a well-formed KernelError (or the one TypeError an
//   argument asks for), and where the edge decides, exactly the expected one:
//   ESHUTDOWN once close() was called, EINVAL for the other kernel's handle
//   or namespace, EBADF for a closed handle, a TypeError for a namespace kind
//   that is not emulated;
// - a kernel that was not closed has no broken invariant once settled.
//
// CI runs a fixed seed and a modest number of runs. To run longer locally:
//   PIDSIM_FUZZ_RUNS=500 PIDSIM_FUZZ_SEED=$RANDOM npx vitest run test/api/fuzz.test.ts
// (threaded kernels need `npm run build` first). A failure prints the seed,
// the path and the shrunk sequence of calls, which replay with the same
// seed on inline.

import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKernel, ERRNO, KernelError, type Kernel, type KernelOptions, type NsHandle, type Process } from '../../src/index.js';

const SEED = process.env.PIDSIM_FUZZ_SEED === undefined ? 12 : Number(process.env.PIDSIM_FUZZ_SEED);
/** Runs on inline; threads make a tenth as many (each boots three worker threads). */
const INLINE_RUNS = process.env.PIDSIM_FUZZ_RUNS === undefined ? 150 : Number(process.env.PIDSIM_FUZZ_RUNS);
const THREADS_RUNS = Math.max(1, Math.ceil(INLINE_RUNS / 12));
/** A longer local run needs a longer test timeout (not a timing assertion: only a bound so a hang ends). */
const timeoutFor = (runs: number, perRunMs: number): number => Math.max(60_000, runs * perRunMs);

/** Which process of a kernel's pool (any process it ever made, dead ones too), or a raw PID. */
type Target = { readonly proc: number } | { readonly raw: number };
/** A namespace for procfs(): a process's `ns` (of either kernel) or a handle (of either kernel). */
type NsPick = { readonly k: 0 | 1; readonly proc: number } | { readonly handle: number };

type Step =
  | { readonly t: 'fork'; readonly k: 0 | 1; readonly by: number; readonly newPid: boolean; readonly program: number }
  | { readonly t: 'exit'; readonly k: 0 | 1; readonly by: number; readonly code: number }
  | { readonly t: 'kill'; readonly k: 0 | 1; readonly by: number; readonly target: Target; readonly sig: string | number }
  | { readonly t: 'wait'; readonly k: 0 | 1; readonly by: number; readonly target: Target; readonly nohang: boolean }
  | { readonly t: 'unshare'; readonly k: 0 | 1; readonly by: number }
  | { readonly t: 'openNs'; readonly k: 0 | 1; readonly by: number; readonly target: Target; readonly which: string }
  | { readonly t: 'setns'; readonly k: 0 | 1; readonly by: number; readonly handle: number }
  | { readonly t: 'ioctl'; readonly k: 0 | 1; readonly by: number; readonly handle: number; readonly cmd: 'nsParent' | 'pidFromNs' | 'pidInNs'; readonly pid: number }
  | { readonly t: 'close-handle'; readonly handle: number }
  | { readonly t: 'procfs'; readonly k: 0 | 1; readonly ns: NsPick; readonly reader: { readonly k: 0 | 1; readonly proc: number } | null; readonly read: 'list' | 'status' | 'openNs' }
  | { readonly t: 'query'; readonly k: 0 | 1; readonly by: number; readonly q: 'getpid' | 'getppid' | 'info' | 'setsid' | 'getpgid' | 'setpgid' }
  | { readonly t: 'sigaction'; readonly k: 0 | 1; readonly by: number; readonly sig: string; readonly handler: 'default' | 'ignore' | 'catch' }
  | { readonly t: 'close-kernel'; readonly k: 0 | 1 }
  | { readonly t: 'settle'; readonly k: 0 | 1 };

const PROGRAMS = ['idle', 'reaper', { name: 'sleep', seconds: 1 }, { name: 'exit', code: 3 }] as const;

const kernelIx = fc.constantFrom<0 | 1>(0, 1);
const ix = fc.nat({ max: 40 });
const target: fc.Arbitrary<Target> = fc.oneof(
  { weight: 3, arbitrary: ix.map((proc) => ({ proc })) },
  { weight: 1, arbitrary: fc.constantFrom(-1, 0, 1, 2, 3, 99999).map((raw) => ({ raw })) },
);
const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 8, arbitrary: fc.record({ t: fc.constant('fork' as const), k: kernelIx, by: ix, newPid: fc.boolean(), program: fc.nat({ max: PROGRAMS.length - 1 }) }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('exit' as const), k: kernelIx, by: ix, code: fc.integer({ min: 0, max: 255 }) }) },
  {
    weight: 3,
    arbitrary: fc.record({
      t: fc.constant('kill' as const),
      k: kernelIx,
      by: ix,
      target,
      sig: fc.constantFrom<string | number>(0, 'KILL', 'TERM', 'STOP', 'CONT', 'USR1', 'HUP', 'CHLD'),
    }),
  },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('wait' as const), k: kernelIx, by: ix, target, nohang: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('unshare' as const), k: kernelIx, by: ix }) },
  {
    weight: 3,
    arbitrary: fc.record({ t: fc.constant('openNs' as const), k: kernelIx, by: ix, target, which: fc.constantFrom('pid', 'pid_for_children', 'net') }),
  },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('setns' as const), k: kernelIx, by: ix, handle: ix }) },
  {
    weight: 2,
    arbitrary: fc.record({
      t: fc.constant('ioctl' as const),
      k: kernelIx,
      by: ix,
      handle: ix,
      cmd: fc.constantFrom('nsParent' as const, 'pidFromNs' as const, 'pidInNs' as const),
      pid: fc.integer({ min: 0, max: 6 }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('close-handle' as const), handle: ix }) },
  {
    weight: 2,
    arbitrary: fc.record({
      t: fc.constant('procfs' as const),
      k: kernelIx,
      ns: fc.oneof(fc.record({ k: kernelIx, proc: ix }), fc.record({ handle: ix })),
      reader: fc.option(fc.record({ k: kernelIx, proc: ix }), { nil: null }),
      read: fc.constantFrom('list' as const, 'status' as const, 'openNs' as const),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      t: fc.constant('query' as const),
      k: kernelIx,
      by: ix,
      q: fc.constantFrom('getpid' as const, 'getppid' as const, 'info' as const, 'setsid' as const, 'getpgid' as const, 'setpgid' as const),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      t: fc.constant('sigaction' as const),
      k: kernelIx,
      by: ix,
      sig: fc.constantFrom('TERM', 'USR1', 'CHLD', 'HUP'),
      handler: fc.constantFrom('default' as const, 'ignore' as const, 'catch' as const),
    }),
  },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('close-kernel' as const), k: kernelIx }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('settle' as const), k: kernelIx }) },
);

/** What the edge of the API must answer, decided when the call is made. */
type Expect =
  | { readonly kind: 'any' } // a value, or a well-formed KernelError
  | { readonly kind: 'errno'; readonly code: string }
  | { readonly kind: 'type-error' }
  | { readonly kind: 'resolves' };

interface Call {
  readonly label: string;
  readonly expect: Expect;
  settled: boolean;
  /** Why the outcome is wrong, if it is. */
  wrong: string | null;
}

/** Errors that reached the host process while a property ran. */
const escaped: unknown[] = [];
const onEscape = (e: unknown): void => {
  escaped.push(e);
};
beforeAll(() => {
  process.on('uncaughtException', onEscape);
  process.on('unhandledRejection', onEscape);
});
afterAll(() => {
  process.off('uncaughtException', onEscape);
  process.off('unhandledRejection', onEscape);
});

function describeError(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message}` : `non-error ${String(e)}`;
}

/** Why `e` is not a KernelError as Node would shape one, or null. */
function malformed(e: unknown): string | null {
  if (!(e instanceof KernelError)) return `not a KernelError: ${describeError(e)}`;
  const entry = ERRNO[e.code];
  if (!entry || entry.errno !== e.errno) return `errno ${e.errno} does not match code ${e.code}`;
  if (typeof e.syscall !== 'string' || e.syscall.length === 0) return `no syscall: ${e.message}`;
  if (!e.message.startsWith(`${e.code}: ${entry.message}, ${e.syscall}`)) return `message not shaped "CODE: text, syscall ...": ${e.message}`;
  return null;
}

function judge(expect: Expect, outcome: { ok: true } | { ok: false; error: unknown }): string | null {
  switch (expect.kind) {
    case 'resolves':
      return outcome.ok ? null : `rejected with ${describeError(outcome.error)}`;
    case 'any':
      return outcome.ok ? null : malformed(outcome.error);
    case 'type-error':
      return !outcome.ok && outcome.error instanceof TypeError ? null : outcome.ok ? 'resolved, expected a TypeError' : `expected a TypeError, got ${describeError(outcome.error)}`;
    case 'errno': {
      if (outcome.ok) return `resolved, expected ${expect.code}`;
      const bad = malformed(outcome.error);
      if (bad) return bad;
      return (outcome.error as KernelError).code === expect.code ? null : `expected ${expect.code}, got ${describeError(outcome.error)}`;
    }
  }
}

/** One run: two kernels, a pool of processes each, a shared pool of handles, and the calls made. */
class Run {
  readonly kernels: [Kernel, Kernel];
  readonly procs: [Process[], Process[]];
  readonly handles: { readonly k: 0 | 1; readonly h: NsHandle }[] = [];
  readonly closeCalled = [false, false];
  readonly calls: Call[] = [];

  constructor(options: [KernelOptions, KernelOptions]) {
    this.kernels = [createKernel(options[0]), createKernel(options[1])];
    this.procs = [[this.kernels[0].init], [this.kernels[1].init]];
  }

  /**
   * Containers with a child each, and a handle on each container's namespace:
   * one in kernel 0, two in kernel 1, so that kernel 1's second namespace has
   * an id kernel 0 never gave out.
   */
  async setUp(): Promise<void> {
    for (const k of [0, 1] as const) {
      for (let n = 0; n <= k; n++) {
        const c = await this.kernels[k].init.fork({ newPid: true, program: 'reaper', name: 'tini' });
        const app = await c.fork({ program: 'idle', name: 'app' });
        this.procs[k].push(c, app);
        this.handles.push({ k, h: await this.kernels[k].init.openNs(c.nspid[0]!) });
      }
    }
  }

  proc(k: 0 | 1, i: number): Process {
    const pool = this.procs[k];
    return pool[i % pool.length]!;
  }

  pid(by: Process, t: Target): number {
    return 'raw' in t ? t.raw : this.proc(by.kernel === this.kernels[0] ? 0 : 1, t.proc).pidIn(by.ns);
  }

  handle(i: number): { readonly k: 0 | 1; readonly h: NsHandle } {
    return this.handles[i % this.handles.length]!;
  }

  /** Makes one call and follows it; a synchronous throw counts as its outcome. */
  track<T>(label: string, expect: Expect, make: () => Promise<T>, then?: (v: T) => void): void {
    const call: Call = { label, expect, settled: false, wrong: null };
    this.calls.push(call);
    const settle = (outcome: { ok: true } | { ok: false; error: unknown }): void => {
      call.settled = true;
      call.wrong = judge(expect, outcome);
    };
    let promise: Promise<T>;
    try {
      promise = make();
    } catch (error) {
      settle({ ok: false, error });
      return;
    }
    promise.then(
      (v) => {
        settle({ ok: true });
        then?.(v);
      },
      (error: unknown) => settle({ ok: false, error }),
    );
  }

  /** The expectation for a call by kernel `k`, given what the edge alone decides. */
  edge(k: 0 | 1, handle?: { readonly k: 0 | 1; readonly h: NsHandle }): Expect {
    if (this.closeCalled[k]) return { kind: 'errno', code: 'ESHUTDOWN' };
    if (handle && handle.k !== k) return { kind: 'errno', code: 'EINVAL' };
    if (handle && !handle.h.open) return { kind: 'errno', code: 'EBADF' };
    return { kind: 'any' };
  }

  async step(s: Step): Promise<void> {
    const label = JSON.stringify(s);
    switch (s.t) {
      case 'fork': {
        const by = this.proc(s.k, s.by);
        const pool = this.procs[s.k];
        this.track(label, this.edge(s.k), () => by.fork({ newPid: s.newPid, program: PROGRAMS[s.program]! }), (child) => pool.push(child));
        return;
      }
      case 'exit':
        return this.track(label, this.edge(s.k), () => this.proc(s.k, s.by).exit(s.code));
      case 'kill': {
        const by = this.proc(s.k, s.by);
        return this.track(label, this.edge(s.k), () => by.kill(this.pid(by, s.target), s.sig));
      }
      case 'wait': {
        const by = this.proc(s.k, s.by);
        return this.track(label, this.edge(s.k), () => by.wait(this.pid(by, s.target), s.nohang ? { nohang: true } : {}));
      }
      case 'unshare':
        return this.track(label, this.edge(s.k), () => this.proc(s.k, s.by).unshare({ newPid: true }));
      case 'openNs': {
        const by = this.proc(s.k, s.by);
        const pid = this.pid(by, s.target);
        const expect: Expect = s.which === 'net' ? { kind: 'type-error' } : this.edge(s.k);
        return this.track(
          label,
          expect,
          () => by.openNs(pid, s.which as 'pid'),
          (h) => this.handles.push({ k: s.k, h }),
        );
      }
      case 'setns': {
        const h = this.handle(s.handle);
        return this.track(label, this.edge(s.k, h), () => this.proc(s.k, s.by).setns(h.h));
      }
      case 'ioctl': {
        const h = this.handle(s.handle);
        const by = this.proc(s.k, s.by);
        const expect = this.edge(s.k, h);
        if (s.cmd === 'nsParent') return this.track(label, expect, () => by.nsParent(h.h), (p) => this.handles.push({ k: s.k, h: p }));
        const cmd = s.cmd;
        return this.track(label, expect, () => by[cmd](h.h, s.pid));
      }
      case 'close-handle':
        this.handle(s.handle).h.close();
        return;
      case 'procfs': {
        const ns = 'handle' in s.ns ? this.handle(s.ns.handle) : { k: s.ns.k, ns: this.proc(s.ns.k, s.ns.proc).ns };
        const reader = s.reader ? { k: s.reader.k, p: this.proc(s.reader.k, s.reader.proc) } : null;
        const foreign = ns.k !== s.k || (reader !== null && reader.k !== s.k);
        // Mounting a namespace of the other kernel (or reading as its process) fails at procfs() itself.
        const expect: Expect = foreign ? { kind: 'errno', code: 'EINVAL' } : this.closeCalled[s.k] ? { kind: 'errno', code: 'ESHUTDOWN' } : { kind: 'any' };
        const kernel = this.kernels[s.k];
        return this.track(label, expect, (): Promise<unknown> => {
          const fs = kernel.procfs('h' in ns ? ns.h : ns.ns, reader?.p);
          if (s.read === 'list') return fs.list();
          if (s.read === 'status') return fs.status(1);
          return fs.openNs(1).then((h) => this.handles.push({ k: s.k, h }));
        });
      }
      case 'query': {
        const by = this.proc(s.k, s.by);
        return this.track(label, this.edge(s.k), (): Promise<unknown> => (s.q === 'setpgid' ? by.setpgid(0, 0) : by[s.q]()));
      }
      case 'sigaction':
        return this.track(label, this.edge(s.k), () => this.proc(s.k, s.by).sigaction(s.sig, s.handler));
      case 'close-kernel':
        this.closeCalled[s.k] = true;
        return this.track(label, { kind: 'resolves' }, () => this.kernels[s.k].close());
      case 'settle': {
        // settled() resolves (after close() too: nothing is in flight any more). Waiting for it here,
        // and a turn of the event loop after, lets the calls made so far answer, so later steps can
        // use the processes and handles they made.
        let done: Promise<unknown> = Promise.resolve();
        this.track(label, { kind: 'resolves' }, () => (done = this.kernels[s.k].settled()));
        await done.catch(() => undefined);
        await new Promise((resolve) => setImmediate(resolve));
        return;
      }
    }
  }

  /** Settles and checks each kernel still open, then closes both. */
  async finish(): Promise<void> {
    for (const k of [0, 1] as const) {
      if (this.closeCalled[k]) continue;
      await this.kernels[k].settled();
      expect(await this.kernels[k].checkInvariants(), `invariants of kernel ${k}`).toEqual([]);
    }
    for (const k of [0, 1] as const) {
      this.closeCalled[k] = true;
      await this.kernels[k].close();
    }
    // Rejections made by close() reach their handlers within this turn; a leaked rejection is reported by the next.
    await new Promise((resolve) => setImmediate(resolve));
  }
}

async function runSteps(options: [KernelOptions, KernelOptions], steps: readonly Step[]): Promise<void> {
  escaped.length = 0;
  const run = new Run(options);
  try {
    await run.setUp();
    for (const s of steps) await run.step(s);
  } finally {
    await run.finish();
  }
  expect(escaped.map(describeError), 'errors that reached the host process').toEqual([]);
  expect(run.calls.filter((c) => !c.settled).map((c) => c.label), 'calls never settled').toEqual([]);
  expect(run.calls.filter((c) => c.wrong !== null).map((c) => `${c.label}: ${c.wrong}`), 'calls with a wrong outcome').toEqual([]);
}

const steps = fc.array(step, { minLength: 5, maxLength: 50, size: 'max' });

describe('the API under random calls, stale and foreign handles and close() racing the calls (fast-check)', () => {
  it('inline: nothing escapes to the host, every call settles as the edge promises, invariants hold', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: 2 ** 31 - 1 }), steps, async (seed, s) => {
        await runSteps(
          [
            { transport: 'inline', seed },
            { transport: 'inline', seed: seed + 1, maxInFlight: 3 },
          ],
          s,
        );
      }),
      { seed: SEED, numRuns: INLINE_RUNS },
    );
  }, timeoutFor(INLINE_RUNS, 300));

  it('threads: nothing escapes to the host, every call settles as the edge promises, invariants hold', async () => {
    await fc.assert(
      fc.asyncProperty(steps, async (s) => {
        await runSteps(
          [
            { transport: 'threads', workers: 1 },
            { transport: 'threads', workers: 2, placement: 'spread' },
          ],
          s,
        );
      }),
      { seed: SEED, numRuns: THREADS_RUNS },
    );
  }, timeoutFor(THREADS_RUNS, 4000));
});
