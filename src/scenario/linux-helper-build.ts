// Compiling the C helper at run time with the system compiler, into a cache
// directory under os.tmpdir() keyed by the source's hash, and probing whether
// this machine can run the linux backend at all (root, PID namespaces, a
// procfs per namespace).

import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { HELPER_SOURCE } from './linux-helper-source.js';

const run = promisify(execFile);

/** Whether the linux backend can run here; when not, why, in a sentence a person can act on. */
export type LinuxAvailability =
  | { readonly ok: true; readonly helper: string; readonly hostLevel: number | null }
  | { readonly ok: false; readonly reason: string };

let built: Promise<string> | null = null;
let probed: Promise<LinuxAvailability> | null = null;

/** The compiler: $CC, else cc. */
function compiler(): string {
  return process.env['CC'] || 'cc';
}

/** The path of the compiled helper, compiling it once per source version. */
export function buildHelper(): Promise<string> {
  built ??= (async () => {
    const cc = compiler();
    const hash = createHash('sha256').update(HELPER_SOURCE).update(cc).digest('hex').slice(0, 16);
    const dir = join(tmpdir(), 'pidsim-linux-helper');
    const binary = join(dir, `helper-${hash}`);
    if (existsSync(binary)) return binary;
    await mkdir(dir, { recursive: true });
    // Parallel test workers may compile at once: build privately, then rename into place.
    const work = await mkdtemp(join(dir, 'build-'));
    try {
      await writeFile(join(work, 'helper.c'), HELPER_SOURCE);
      try {
        await run(cc, ['-O1', '-Wall', '-o', join(work, 'helper'), join(work, 'helper.c')], { timeout: 60_000 });
      } catch (e) {
        const err = e as NodeJS.ErrnoException & { stderr?: string };
        if (err.code === 'ENOENT') throw new Error(`no C compiler: ${cc} was not found (install gcc, or set CC)`);
        throw new Error(`compiling the helper with ${cc} failed: ${(err.stderr ?? err.message).trim().split('\n').slice(0, 5).join(' | ')}`);
      }
      await rename(join(work, 'helper'), binary);
    } finally {
      await rm(work, { recursive: true, force: true });
    }
    return binary;
  })();
  built.catch(() => {
    built = null;
  });
  return built;
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
