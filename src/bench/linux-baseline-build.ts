// Compiling the real-Linux baseline at run time (../linux/compile-c.ts), and
// deciding whether this machine can run it at all (Linux, root for PID
// namespaces, a compiler). When it cannot, the reason is a sentence a person
// can act on, and the Linux rows are skipped, never invented.

import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { BASELINE_SOURCE } from './linux-baseline-source.js';
import { compileC } from '../linux/compile-c.js';

const run = promisify(execFile);

export type BaselineAvailability = { readonly ok: true; readonly binary: string } | { readonly ok: false; readonly reason: string };


/** The path of the compiled baseline, compiled once per source version and compiler. */
export function buildBaseline(): Promise<string> {
  return compileC({ name: 'baseline', source: BASELINE_SOURCE, optimize: '-O2' });
}

/** Whether the Linux rows can be measured here: Linux, root, a compiler, and a PID namespace that can be created. */
export async function baselineAvailability(): Promise<BaselineAvailability> {
  if (process.platform !== 'linux') return { ok: false, reason: `the real-Linux baseline needs Linux, and this is ${process.platform}` };
  const uid = process.getuid?.() ?? -1;
  if (uid !== 0) return { ok: false, reason: `the real-Linux baseline needs root (CAP_SYS_ADMIN, to create PID namespaces), and this process runs as uid ${uid}` };
  let binary: string;
  try {
    binary = await buildBaseline();
  } catch (e) {
    return { ok: false, reason: `the real-Linux baseline could not be built: ${(e as Error).message}` };
  }
  try {
    await runBaseline(binary, ['ns-cycle', '1']);
  } catch (e) {
    return { ok: false, reason: `this machine cannot create PID namespaces: ${(e as Error).message}` };
  }
  return { ok: true, binary };
}

/** One run of the baseline program: the work it did and how long it took, as it timed itself. */
export async function runBaseline(binary: string, args: readonly string[]): Promise<{ units: number; ms: number }> {
  let stdout: string;
  try {
    ({ stdout } = await run(binary, [...args], { timeout: 120_000 }));
  } catch (e) {
    const out = ((e as { stdout?: string }).stdout ?? '').trim();
    throw new Error(out.replace(/^error /, '') || (e as Error).message);
  }
  const m = /^ok (\d+) ([\d.]+)$/m.exec(stdout);
  if (!m) throw new Error(`the baseline answered ${JSON.stringify(stdout.trim())} to ${args.join(' ')}`);
  return { units: Number(m[1]), ms: Number(m[2]) };
}
