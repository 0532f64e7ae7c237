// A `pidsim` command run as its own process (the built CLI), as a farm's
// workers and clients are: its output kept, its exit awaited, a line of its
// output waited for, and a kill. The farm tests run real processes on a real
// Redis, so a SIGKILL is a real one.

import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const CLI = fileURLToPath(new URL('../../dist/src/cli/main.js', import.meta.url));

export interface PidsimProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  out(): string;
  err(): string;
  /** Resolves the exit code (null when a signal ended it). */
  readonly exited: Promise<number | null>;
  /** Resolves when stdout has matched `re`; rejects (quoting the output) after `ms`, or if the process exits first. */
  waitFor(re: RegExp, ms?: number): Promise<RegExpMatchArray>;
}

export interface PidsimSpawn {
  /** Node options before the script (`--import FILE`). */
  readonly nodeArgs?: readonly string[];
  /** Another build of the CLI (a copy with another version). */
  readonly cli?: string;
}

export function pidsim(args: readonly string[], o: PidsimSpawn = {}): PidsimProcess {
  const child = spawn(process.execPath, [...(o.nodeArgs ?? []), o.cli ?? CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (c: string) => (out += c));
  child.stderr!.setEncoding('utf8').on('data', (c: string) => (err += c));
  let code: number | null | undefined;
  const exited = new Promise<number | null>((resolve) => child.once('close', (c) => resolve((code = c))));
  const waitFor = (re: RegExp, ms = 30_000): Promise<RegExpMatchArray> =>
    new Promise((resolve, reject) => {
      const started = performance.now();
      const poll = (): void => {
        const m = out.match(re);
        if (m) return resolve(m);
        if (code !== undefined || performance.now() - started > ms) {
          return reject(new Error(`pidsim ${args.join(' ')}: ${code !== undefined ? `exited (${code})` : `${ms} ms passed`} before its output matched ${re}\n--- stdout\n${out}\n--- stderr\n${err}`));
        }
        setTimeout(poll, 50);
      };
      poll();
    });
  return { child, pid: child.pid!, out: () => out, err: () => err, exited, waitFor };
}

/** Stops a process (SIGKILL unless said otherwise) and waits for it to be gone. */
export async function stop(p: PidsimProcess, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
  if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill(signal);
  await p.exited;
}
