// This file implements `pidsim shell`'s terminal: on a TTY an interactive
// line editor with the session's prompt; otherwise a script read line by
// line, each command echoed after its prompt so the output reads like a
// terminal session (comments and blank lines are shown as they are).

import { createInterface } from 'node:readline';
import { ShellSession } from './shell-session.js';
import type { TraceOptions } from '../trace/index.js';

export interface ShellIo {
  readonly input: NodeJS.ReadableStream;
  readonly output: NodeJS.WritableStream;
  /** A terminal on stdin: prompt and read interactively; otherwise run `input` as a script. */
  readonly interactive: boolean;
  /** Seed of the emulated kernel's scheduler. */
  readonly seed?: number;
  /** Write the session's run as a trace (docs/trace.md). */
  readonly trace?: TraceOptions | undefined;
}

const BANNER = 'pidsim shell: an emulated terminal on a fresh emulated kernel. Type `help`; `window N` switches windows; Ctrl-D quits.\n';

/** Runs a session on `io` until the input ends or every window's login shell has exited; resolves with the last $?. */
export async function runShell(io: ShellIo): Promise<number> {
  if (io.seed !== undefined && (!Number.isInteger(io.seed) || io.seed < 0 || io.seed > 0xffffffff)) {
    throw new TypeError(`runShell: seed must be an integer from 0 to 4294967295, received ${JSON.stringify(io.seed)}`);
  }
  const write = (text: string): void => {
    io.output.write(text);
  };
  if (io.interactive) write(BANNER);
  const session = await ShellSession.start({ ...(io.seed !== undefined ? { seed: io.seed } : {}), sink: write, trace: io.trace });
  const rl = createInterface({
    input: io.input,
    ...(io.interactive ? { output: io.output, terminal: true } : { terminal: false }),
  });
  try {
    if (io.interactive) {
      // Ctrl-C at the prompt: like bash, drop the line and prompt again (nothing runs in the foreground then).
      rl.on('SIGINT', () => {
        write('^C\n');
        rl.setPrompt(session.prompt());
        // Ctrl-U empties the line and redraws it: the prompt comes back on the new line.
        rl.write(null, { ctrl: true, name: 'u' });
      });
      rl.setPrompt(session.prompt());
      rl.prompt();
    }
    for await (const line of rl) {
      if (!io.interactive) {
        const trimmed = line.trim();
        if (trimmed === '' || trimmed.startsWith('#')) session.note(`${line}\n`);
        else session.echo(line);
      }
      await session.submit(line);
      if (session.ended) break;
      if (io.interactive) {
        rl.setPrompt(session.prompt());
        rl.prompt();
      }
    }
    if (io.interactive && !session.ended) write('\n');
  } finally {
    rl.close();
    await session.close();
  }
  return session.lastStatus;
}
