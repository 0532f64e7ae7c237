// Replays a shell script line by line in a fresh ShellSession and keeps what
// each command printed, so transcript tests can check the outputs that
// matter (rows of ps -ef, NSpid numbers, who adopted an orphan).

import { afterEach, expect } from 'vitest';
import { ShellSession } from '../../src/shell/index.js';

export interface Step {
  /** The window the line was typed in. */
  readonly window: number;
  readonly line: string;
  /** What the terminal showed after the line (before the next prompt). */
  readonly output: string;
}

export interface Replay {
  readonly session: ShellSession;
  readonly steps: Step[];
  /** The output of the latest step with this line (in `window`, if given). */
  out(line: string, window?: number): string;
  /** Runs more lines. */
  run(script: string): Promise<void>;
}

/**
 * For a test file: `const start = replayer()` gives start(script), and after
 * each test the session's kernel must hold every invariant, then closes.
 */
export function replayer(): (script: string, seed?: number) => Promise<Replay> {
  let current: Replay | undefined;
  afterEach(async () => {
    if (current) expect(await current.session.kernel.checkInvariants()).toEqual([]);
    await current?.session.close();
    current = undefined;
  });
  return async (script, seed) => (current = await replay(script, seed));
}

export async function replay(script: string, seed = 0): Promise<Replay> {
  const session = await ShellSession.start({ seed });
  const steps: Step[] = [];
  const r: Replay = {
    session,
    steps,
    out(line, window) {
      const found = steps.filter((s) => s.line === line && (window === undefined || s.window === window));
      if (found.length === 0) throw new Error(`no step \`${line}\`${window ? ` in window ${window}` : ''} was run`);
      return found[found.length - 1]!.output;
    },
    async run(more) {
      for (const raw of more.split('\n')) {
        const line = raw.trim();
        if (line === '' || line.startsWith('#')) continue;
        const window = session.window.n;
        steps.push({ window, line, output: await session.run(line) });
      }
    },
  };
  await r.run(script);
  return r;
}

export interface PsRow {
  readonly pid: number;
  readonly ppid: number;
  readonly tty: string;
  readonly cmd: string;
}

/** The rows of `ps -ef` output. */
export function psRows(text: string): PsRow[] {
  return text
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => {
      const m = /^(\S+)\s+(\d+)\s+(\d+)\s+\d+\s+\S+\s+(\S+)\s+\S+\s(.*)$/.exec(l);
      if (!m) throw new Error(`not a ps -ef row: ${JSON.stringify(l)}`);
      return { pid: Number(m[2]), ppid: Number(m[3]), tty: m[4]!, cmd: m[5]! };
    });
}

/** The PIDs bare `ps` lists. */
export function psPids(text: string): number[] {
  return text
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => Number(l.trim().split(/\s+/)[0]));
}

/** `name(pid)` labels of a pstree -p output, in order. */
export function pstreeLabels(text: string): string[] {
  return [...text.matchAll(/([A-Za-z0-9_.-]+)\((\d+)\)/g)].map((m) => `${m[1]}(${m[2]})`);
}
