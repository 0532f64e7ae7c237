// Compiling the C helper at run time (../linux/compile-c.ts), and probing whether
// this machine can run the linux backend at all (root, PID namespaces, a
// procfs per namespace).

import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { HELPER_SOURCE } from './linux-helper-source.js';
import { compileC } from '../linux/compile-c.js';

const run = promisify(execFile);

/** Whether the linux backend can run here; when not, why, in a sentence a person can act on. */
export type LinuxAvailability =
  | { readonly ok: true; readonly helper: string; readonly hostLevel: number | null }
  | { readonly ok: false; readonly reason: string };

let probed: Promise<LinuxAvailability> | null = null;

/** The path of the compiled helper, compiled once per source version and compiler. */
export function buildHelper(): Promise<string> {
  return compileC({ name: 'helper', source: HELPER_SOURCE, optimize: '-O1' });
}

/**
 * Checks, once per process: Linux, root, a compiler, and that a PID namespace
 * with its own procfs can be created. `hostLevel` is the absolute level of
 * the namespace the runner is in (null inside a container that hides it).
 */
export function linuxAvailability(): Promise<LinuxAvailability> {
  probed ??= (async (): Promise<LinuxAvailability> => {
    if (process.platform !== 'linux') return { ok: false, reason: `it needs Linux, and this is ${process.platform}` };
    const uid = process.getuid?.() ?? -1;
    if (uid !== 0) return { ok: false, reason: `it needs root (CAP_SYS_ADMIN, to create PID namespaces), and this process runs as uid ${uid}` };
    let helper: string;
    try {
      helper = await buildHelper();
    } catch (e) {
      return { ok: false, reason: (e as Error).message };
    }
    const view = await mkdtemp(join(tmpdir(), 'pidsim-probe-'));
    try {
      const { stdout } = await run(helper, ['probe', view], { timeout: 10_000 });
      const m = /^ok (\d+|\?)/.exec(stdout);
      if (!m) return { ok: false, reason: `the probe answered ${JSON.stringify(stdout.trim())}` };
      return { ok: true, helper, hostLevel: m[1] === '?' ? null : Number(m[1]) };
    } catch (e) {
      const out = ((e as { stdout?: string }).stdout ?? '').trim();
      return { ok: false, reason: out.replace(/^error /, '') || `the probe failed: ${(e as Error).message}` };
    } finally {
      await rm(view, { recursive: true, force: true });
    }
  })();
  return probed;
}
