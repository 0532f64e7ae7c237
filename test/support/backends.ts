// The backends every conformance test runs on. A test written once with
// `forEachBackend` runs under each inline seed (different legal
// interleavings) and on worker threads (one worker; two with every namespace
// placed on the other worker, so each chain crosses threads). Threaded
// kernels need the build (`npm run build`; `npm test` does it first).

import { afterEach, describe } from 'vitest';
import { createKernel, KernelError, type Kernel, type KernelOptions } from '../../src/index.js';

export interface Backend {
  readonly name: string;
  /** A fresh kernel on this backend; closed after each test. */
  create(options?: Omit<KernelOptions, 'transport' | 'seed' | 'workers'>): Kernel;
}

const INLINE_SEEDS = [1, 7, 424242];

export const BACKENDS: readonly Backend[] = [
  ...INLINE_SEEDS.map(
    (seed): Backend => ({
      name: `inline seed ${seed}`,
      create: (options) => track(createKernel({ ...options, transport: 'inline', seed })),
    }),
  ),
  {
    name: 'threads W=1',
    create: (options) => track(createKernel({ ...options, transport: 'threads', workers: 1 })),
  },
  {
    // Every namespace on the next worker: the most cross-thread traffic.
    name: 'threads W=2 spread',
    create: (options) => track(createKernel({ ...options, transport: 'threads', workers: 2, placement: 'spread' })),
  },
];

const open: Kernel[] = [];
function track(k: Kernel): Kernel {
  open.push(k);
  return k;
}

afterEach(async () => {
  while (open.length > 0) await open.pop()!.close();
});

/** describe(...) once per backend. */
export function forEachBackend(title: string, body: (backend: Backend) => void): void {
  describe.each(BACKENDS.map((b) => [b.name, b] as const))(`${title} [%s]`, (_name, backend) => body(backend));
}

/** The errno code a call fails with, or 'ok'. Anything else than a KernelError is rethrown. */
export async function errnoOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'ok';
  } catch (e) {
    if (e instanceof KernelError) return e.code;
    throw e;
  }
}
