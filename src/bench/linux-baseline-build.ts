// Compiling the real-Linux baseline at run time (../linux/compile-c.ts), and
// deciding whether this machine can run it at all (Linux, root for PID
// namespaces, a compiler). When it cannot, the reason is a sentence a person
// can act on, and the Linux rows are skipped, never invented.

import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
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

/** The namespace sizes a Linux teardown is measured at, largest first; the largest that fits is the one compared with pidsim's. */
const TEARDOWN_SIZES = [100_000, 30_000, 10_000, 3_000, 1_000] as const;

/**
 * How many members the largest real-Linux teardown has: pid_max caps a
 * namespace (each member also takes a PID in the root namespace), and the
 * machine is shared, so a namespace may take at most a third of the PIDs
 * the running tasks leave free. Quick runs use 100. `why` says what capped it.
 */
export function linuxTeardownSize(quick: boolean): { readonly members: number; readonly why: string } {
  if (quick) return { members: 100, why: 'the size of a --quick run' };
  let pidMax: number;
  let tasks: number;
  try {
    pidMax = Number(readFileSync('/proc/sys/kernel/pid_max', 'utf8').trim());
    // /proc/loadavg: "0.12 0.08 0.05 2/246 1234": running/total tasks.
    tasks = Number(/\d+\/(\d+)/.exec(readFileSync('/proc/loadavg', 'utf8'))![1]);
  } catch {
    return { members: 1000, why: 'no /proc/sys/kernel/pid_max here: 1,000 members' };
  }
  const room = Math.floor((pidMax - tasks) / 3);
  const members = TEARDOWN_SIZES.find((n) => n <= room) ?? 1000;
  const fmt = (n: number): string => n.toLocaleString('en-US');
  return {
    members,
    why: `this host's pid_max is ${fmt(pidMax)} with ${fmt(tasks)} tasks running; a real namespace here may take a third of the free PIDs (the machine is shared), so ${fmt(members)} members${members < TEARDOWN_SIZES[0] ? `, not ${fmt(TEARDOWN_SIZES[0])}` : ''}`,
  };
}
