// The benchmark suites `pidsim bench` knows, in the order it runs them, and
// how each is loaded: bench/<name>.bench.ts from the sources (tests), or
// dist/bench/<name>.bench.js from the build (the CLI).

import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { SuiteModule } from './suite-types.js';

export interface SuiteEntry {
  readonly name: string;
  /** One line for `pidsim bench --list`. */
  readonly about: string;
  /** Suites whose rows this one's ratios are computed against; selected with it. */
  readonly needs: readonly string[];
}

/** Run order: the Linux baseline first; the million-process memory suite last, so its heap does not weigh on the others. */
export const SUITES: readonly SuiteEntry[] = [
  { name: 'linux-baseline', about: 'real Linux (C): fork+_exit+waitpid at depth 0, 1, 3, 31; namespace create+destroy; teardown', needs: [] },
  { name: 'fork-cycle', about: 'fork+exit+reap at depth 0, 1, 3, 31; inline, threads W=1, W=2; 1 and 256 in flight; the runtime floor', needs: ['linux-baseline'] },
  { name: 'parallel-namespaces', about: 'two independent namespaces cycling at once, 2.5 s windows: do more workers help?', needs: [] },
  { name: 'namespace-teardown', about: 'a namespace of 100,000 processes killed and fully reaped', needs: ['linux-baseline'] },
  { name: 'kill-storm', about: 'kill(-1) from many senders into a namespace of catching processes', needs: [] },
  { name: 'signal-delivery', about: 'kill(pid) to processes catching the signal, at depth 0 and 3', needs: [] },
  { name: 'pidfd-signal', about: 'pidfd_open+pidfd_send_signal(+close) vs kill(pid) to catching processes, at depth 0 and 3; real Linux too', needs: [] },
  { name: 'thread-cycle', about: 'clone(CLONE_THREAD)+exit of the thread vs fork+exit+wait, at depth 0 and 3; inline, threads W=1; real Linux too', needs: [] },
  { name: 'namespace-lifecycle', about: 'PID namespaces created and destroyed', needs: ['linux-baseline'] },
  { name: 'kernel-create', about: 'a kernel created until its init answers: inline, threads W=1, W=2', needs: [] },
  { name: 'wire-batch', about: 'a worker round trip of 1 and 256 items: objects vs one typed array', needs: [] },
  { name: 'seed-farm', about: 'stress seeds/s: the local pool vs a farm over Redis of 1 and 2 local workers', needs: [] },
  { name: 'live-memory', about: 'heap per live process with 1,000,000 live at depth 0 (inline)', needs: [] },
];

export function suiteNames(): string[] {
  return SUITES.map((s) => s.name);
}

/**
 * The suites to run for `only` (all when empty), in run order, with the
 * suites they need unless `withNeeds` is false. Unknown names throw a
 * TypeError that lists the known ones.
 */
export function selectSuites(only: readonly string[], withNeeds: boolean): SuiteEntry[] {
  for (const name of only) {
    if (!SUITES.some((s) => s.name === name)) throw new TypeError(`unknown suite '${name}' (expected one of ${suiteNames().join(', ')})`);
  }
  if (only.length === 0) return SUITES.filter((s) => withNeeds || s.name !== 'linux-baseline');
  const wanted = new Set(only);
  if (withNeeds) for (const s of SUITES) if (wanted.has(s.name)) for (const n of s.needs) wanted.add(n);
  return SUITES.filter((s) => wanted.has(s.name));
}

/** Loads bench/<name>.bench.{ts,js} next to this build of the runner. */
export async function loadSuite(name: string): Promise<SuiteModule> {
  // From src/bench/ (tests, .ts) or dist/src/bench/ (the build, .js), the suites are two levels up, in bench/.
  const ext = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
  const url = new URL(`../../bench/${name}.bench${ext}`, import.meta.url);
  if (url.protocol === 'file:' && !existsSync(fileURLToPath(url))) {
    throw new Error(`the suite '${name}' is not built: ${fileURLToPath(url)} is missing (bench/ belongs in the include of tsconfig.src.json; then npm run build)`);
  }
  const mod = (await import(url.href)) as Partial<SuiteModule>;
  if (typeof mod.run !== 'function') throw new Error(`the suite '${name}' (${url.href}) exports no run() function`);
  return mod as SuiteModule;
}
