// The kernels the suites compare: inline, and threads with one or two
// workers, all booted with an idle global init so that nothing reaps behind
// a benchmark's back, plus the nesting every depth-d figure starts from, and
// what the bench reads of a threads kernel's placement and messages.

import { ThreadsTransport } from '@pidsim/scheduler';
import { createKernel, type Kernel, type KernelOptions, type Process } from '../index.js';

/** The transports a row is measured on, as the tables name them. */
export type TransportLabel = 'inline' | 'threads-w1' | 'threads-w2' | 'threads-w2-spread';

export const TRANSPORTS: readonly TransportLabel[] = ['inline', 'threads-w1', 'threads-w2'];

/** How a table spells a transport: 'inline', 'threads W=1'. */
export function transportTitle(t: TransportLabel): string {
  if (t === 'inline') return 'inline';
  if (t === 'threads-w2-spread') return 'threads W=2 spread';
  return `threads W=${t === 'threads-w1' ? 1 : 2}`;
}

/** The largest pid_max Linux allows: a million live processes need it. */
export const PID_MAX_LIMIT = 4194304;

/** How long each kernel is warmed up before a full run measures it (none in --quick). */
export function warmUpMs(quick: boolean): number {
  return quick ? 0 : 1000;
}

/** createKernel() options for a transport; `extra` adds to them (pidMax...). */
export function kernelOptions(t: TransportLabel, extra: Omit<KernelOptions, 'transport' | 'workers'> = {}): KernelOptions {
  const base: KernelOptions = { init: { program: 'idle' }, seed: 1, ...extra };
  if (t === 'inline') return { ...base, transport: 'inline' };
  if (t === 'threads-w2-spread') return { ...base, transport: 'threads', workers: 2, placement: 'spread' };
  return { ...base, transport: 'threads', workers: t === 'threads-w1' ? 1 : 2 };
}

/** Boots a kernel, hands it to `fn`, and closes it whatever happens (worker threads included). */
export async function withKernel<T>(t: TransportLabel, extra: Omit<KernelOptions, 'transport' | 'workers'>, fn: (k: Kernel) => Promise<T>): Promise<T> {
  const k = createKernel(kernelOptions(t, extra));
  try {
    return await fn(k);
  } finally {
    await k.close();
  }
}

/**
 * Boots one kernel per transport, hands them to `fn` together (rows measured
 * interleaved need them all alive), and closes every one whatever happens.
 */
export async function withKernels<T>(ts: readonly TransportLabel[], extra: Omit<KernelOptions, 'transport' | 'workers'>, fn: (ks: readonly Kernel[]) => Promise<T>): Promise<T> {
  const ks: Kernel[] = [];
  try {
    for (const t of ts) ks.push(createKernel(kernelOptions(t, extra)));
    return await fn(ks);
  } finally {
    await Promise.all(ks.map((k) => k.close()));
  }
}

/** Messages one worker has posted to another so far in `k` (0 inline): the locality counter of docs/performance.md. */
export async function crossWorkerCount(k: Kernel): Promise<number> {
  return (await k.usage()).crossWorkerMessages;
}

/**
 * Whether, for each of `forkers`, every namespace below the root that its
 * forks take a PID in lives on one worker (always, inline). The root's PID
 * table is shared memory every worker reaches, so the root level belongs to
 * every chain: the locality target says a fork of such a chain sends no
 * message to another worker, the root level included.
 */
export function chainOnOneWorker(k: Kernel, forkers: readonly Process[]): boolean {
  const t = k.transport;
  if (!(t instanceof ThreadsTransport)) return true;
  return forkers.every((p) => new Set(p.ns.chain.slice(1).map((ns) => t.workerOf(ns))).size <= 1);
}

/** The init of a namespace nested `depth` levels below `from`'s (each init idle); `from` itself for depth 0. */
export async function nestNamespaces(from: Process, depth: number): Promise<Process> {
  let p = from;
  for (let i = 0; i < depth; i++) p = await p.fork({ newPid: true, program: 'idle' });
  return p;
}

const EXIT_0 = { program: { name: 'exit', code: 0 } } as const;

/**
 * Runs fork+exit+reap cycles in `parent` (an idle process) for `ms`, half
 * client-driven and half program-driven, 256 at a time, and settles the
 * kernel. Nothing is measured: V8 needs about a second of this before the
 * kernel's code is optimised, and each threads kernel brings fresh workers
 * whose code starts cold again.
 */
export async function warmUp(k: Kernel, parent: Process, ms: number): Promise<void> {
  if (ms <= 0) return;
  const reaper = await parent.fork({ program: 'reaper' });
  const half = performance.now() + ms / 2;
  const end = performance.now() + ms;
  const loop = async (): Promise<void> => {
    while (performance.now() < half) {
      const c = await parent.fork();
      await c.exit(0);
      await parent.wait(c.pid);
    }
    while (performance.now() < end) await reaper.fork(EXIT_0);
  };
  const loops: Promise<void>[] = [];
  for (let i = 0; i < 256; i++) loops.push(loop());
  await Promise.all(loops);
  // Every child reaped by the reaper before it goes, so no zombie is left to an idle init.
  await k.settled();
  await reaper.exit(0);
  await parent.wait(reaper.pid);
  await k.settled();
}
