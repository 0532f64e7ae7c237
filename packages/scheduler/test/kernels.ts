// Kernels for the API-edge tests, on both transports: inline, and worker
// threads with every namespace placed on the other worker (so a handle's
// namespace id names a worker a one-worker kernel does not have). Each test's
// kernels are closed after it. Threaded kernels need `npm run build`.

import { afterEach, describe } from 'vitest';
import { KernelError } from '@pidsim/core';
import { Kernel, type KernelOptions } from '../src/index.js';

export interface Flavour {
  readonly name: string;
  /** A fresh kernel; `other` is a second one of the same transport, shaped differently (one worker on threads). */
  create(options?: Omit<KernelOptions, 'transport' | 'workers' | 'placement'>, other?: boolean): Kernel;
}

const open: Kernel[] = [];
const track = (k: Kernel): Kernel => {
  open.push(k);
  return k;
};

afterEach(async () => {
  while (open.length > 0) await open.pop()!.close();
});

export const FLAVOURS: readonly Flavour[] = [
  { name: 'inline', create: (options, other) => track(new Kernel({ ...options, transport: 'inline', seed: other ? 2 : 1 })) },
  {
    name: 'threads',
    create: (options, other) =>
      track(new Kernel({ ...options, transport: 'threads', ...(other ? { workers: 1 } : { workers: 2, placement: 'spread' as const }) })),
  },
];

/** describe(...) once per transport. */
export function forEachTransport(title: string, body: (flavour: Flavour) => void): void {
  describe.each(FLAVOURS.map((f) => [f.name, f] as const))(`${title} [%s]`, (_name, flavour) => body(flavour));
}

/** How a promise settled, as data a test can compare exactly: the value, or the error's name, code, syscall and message. */
export async function outcome(p: Promise<unknown>): Promise<unknown> {
  try {
    return { value: await p };
  } catch (e) {
    if (e instanceof KernelError) return { error: 'KernelError', code: e.code, errno: e.errno, syscall: e.syscall, message: e.message };
    if (e instanceof Error) return { error: e.name, message: e.message };
    return { thrown: e };
  }
}

/** What a synchronous call threw, as data (or that it returned). */
export function thrownBy(f: () => unknown): unknown {
  try {
    f();
    return 'returned';
  } catch (e) {
    if (e instanceof KernelError) return { error: 'KernelError', code: e.code, errno: e.errno, syscall: e.syscall, message: e.message };
    if (e instanceof Error) return { error: e.name, message: e.message };
    return { thrown: e };
  }
}
