// This file implements `pidsim shell`'s terminal: on a TTY an interactive
// line editor with the session's prompt, where Ctrl-C, Ctrl-Z and Ctrl-D do
// what a terminal makes of them; otherwise a script read line by line, each
// command echoed after its prompt so the output reads like a terminal
// session (comments and blank lines are shown as they are), where a line
// holding only ^C, ^Z or ^D (or that control character) is the key. A
// session ends with the kernel's invariants checked; one that stops making
// progress, breaks an invariant, or leaves script lines unread (typed into a
// busy or stopped window) is an error, never a silent exit status.

import { createInterface } from 'node:readline';
import { ShellSession, type ControlKey } from './shell-session.js';
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

const BANNER = 'pidsim shell: an emulated terminal on a fresh emulated kernel. Type `help`; `window N` switches windows; Ctrl-D in the last shell quits.\n';

/** The key a script line stands for: `^Z`, `^C`, `^D`, or the control character itself (Ctrl-Z is \x1a). */
export function controlKeyOf(line: string): ControlKey | undefined {
  const t = line.trim();
  if (t === '^C' || t === '\x03') return 'C';
  if (t === '^Z' || t === '\x1a') return 'Z';
  if (t === '^D' || t === '\x04') return 'D';
  return undefined;
}

/**
 * Runs a session on `io` until the input ends or every window's login shell
 * has exited; resolves with the last $?. Rejects, saying why, if the session
 * got stuck, if the kernel's invariants do not hold at the end, or if lines
 * of a script were typed where nothing could read them.
 */
export async function runShell(io: ShellIo): Promise<number> {
  if (io.seed !== undefined && (!Number.isInteger(io.seed) || io.seed < 0 || io.seed > 0xffffffff)) {
    throw new TypeError(`runShell: seed must be an integer from 0 to 4294967295, received ${JSON.stringify(io.seed)}`);
  }
  const write = (text: string): void => {
    io.output.write(text);
  };
  if (io.interactive) write(BANNER);
  const session = await ShellSession.start({ ...(io.seed !== undefined ? { seed: io.seed } : {}), sink: write, trace: io.trace });
  // Node exits when nothing is left to do, even with a promise pending: if the session ever waited for
  // something that cannot come, that would end `pidsim shell` quietly mid-script. 'beforeExit' is
  // that moment; say what was stuck instead.
  const progress: Progress = { readingInput: false };
  let stuck: () => void = () => undefined;
  const stuckError = new Promise<never>((_, reject) => {
    stuck = () => {
      const what = progress.readingInput ? 'waiting for input that can no longer come' : session.activity;
      reject(new Error(`the shell session is stuck (${what}): nothing can happen any more, but the session has not ended`));
    };
  });
  process.once('beforeExit', stuck);
  try {
    await Promise.race([io.interactive ? interactive(io, session, write) : script(io, session, progress), stuckError]);
  } catch (e) {
    process.removeListener('beforeExit', stuck);
    // Best effort: after a failure the kernel may not answer any more.
    void session.close().catch(() => undefined);
    throw e;
  }
  process.removeListener('beforeExit', stuck);
  const violations = await session.kernel.checkInvariants();
  await session.close();
  const problems: string[] = [];
  if (violations.length > 0) {
    problems.push(`the kernel's invariants do not hold at the end of the shell session:\n${violations.map((v) => `  invariant ${v.invariant}: ${v.message}`).join('\n')}`);
  }
  if (!io.interactive && session.refused.length > 0) {
    const lines = session.refused.map((r) => `  window ${r.window} (${r.why}): ${r.line}`).join('\n');
    problems.push(`the shell session ended with ${session.refused.length} line(s) of the script unread (typed where nothing read the terminal):\n${lines}`);
  }
  if (problems.length > 0) throw new Error(problems.join('\n'));
  return session.lastStatus;
}

/** Where the driver is, for the message if the session ever gets stuck. */
interface Progress {
  readingInput: boolean;
}

/** The next line of the script, noting that the driver waits for input meanwhile. */
async function nextLine(lines: AsyncIterator<string>, progress: Progress): Promise<IteratorResult<string>> {
  progress.readingInput = true;
  try {
    return await lines.next();
  } finally {
    progress.readingInput = false;
  }
}

/**
 * A script: each line after its prompt. A ^C or ^Z right after a command
 * that leaves a foreground job running is typed while the job runs, before
 * any virtual time passes (as fast as a typist would); otherwise time passes
 * for the job and the key arrives at the next prompt.
 */
async function script(io: ShellIo, session: ShellSession, progress: Progress): Promise<void> {
  const rl = createInterface({ input: io.input, terminal: false });
  const lines = rl[Symbol.asyncIterator]();
  let ahead: string | undefined;
  try {
    for (;;) {
      let line: string;
      if (ahead !== undefined) {
        line = ahead;
        ahead = undefined;
      } else {
        const next = await nextLine(lines, progress);
        if (next.done) break;
        line = next.value;
      }
      const key = controlKeyOf(line);
      if (key) {
        await session.key(key, 'script');
      } else {
        const trimmed = line.trim();
        if (trimmed === '' || trimmed.startsWith('#')) session.note(`${line}\n`);
        else session.echo(line);
        await session.submit(line, { holdTime: true });
        if (session.waiting) {
          const next = await nextLine(lines, progress);
          const typed = next.done ? undefined : controlKeyOf(next.value);
          if (typed === 'C' || typed === 'Z') {
            await session.key(typed, 'script');
          } else {
            if (!next.done) ahead = next.value;
            await session.passTime();
          }
        }
      }
      if (session.ended) break;
    }
  } finally {
    rl.close();
  }
}

/**
 * On a terminal: readline with the session's prompt. Lines and keys are
 * handled one at a time, in the order typed. readline ends its interface on
 * Ctrl-D at an empty line; that is end-of-file for the shell reading, not
 * for the session, so a new interface takes over while a window is open.
 */
async function interactive(io: ShellIo, session: ShellSession, write: (text: string) => void): Promise<void> {
  let queue: Promise<void> = Promise.resolve();
  const enqueue = (job: () => Promise<void>): Promise<void> => (queue = queue.then(job));
  let inputEnded = false;
  io.input.once('end', () => (inputEnded = true));
  while (!session.ended) {
    const rl = createInterface({ input: io.input, output: io.output, terminal: true });
    let endOfFile = false;
    // Before readline's own keypress handler, which closes the interface on Ctrl-D at an empty line.
    const onKeypress = (_text: string | undefined, key: { ctrl?: boolean; name?: string } | undefined): void => {
      if (key?.ctrl && key.name === 'd' && rl.line === '') endOfFile = true;
    };
    io.input.prependListener('keypress', onKeypress);
    const prompt = (): void => {
      rl.setPrompt(session.prompt());
      rl.prompt();
    };
    rl.on('SIGINT', () => {
      void enqueue(async () => {
        await session.key('C', 'interactive');
        rl.setPrompt(session.prompt());
        // Ctrl-U empties the line being typed and redraws it: the prompt comes back, on a new line.
        rl.write(null, { ctrl: true, name: 'u' });
      });
    });
    // With a listener, readline passes Ctrl-Z on instead of suspending pidsim itself.
    rl.on('SIGTSTP', () => {
      void enqueue(async () => {
        const before = session.waiting;
        await session.key('Z', 'interactive');
        if (before) prompt();
      });
    });
    prompt();
    try {
      for await (const line of rl) {
        await enqueue(() => session.submit(line));
        if (session.ended) break;
        prompt();
      }
    } finally {
      io.input.removeListener('keypress', onKeypress);
      rl.close();
    }
    if (session.ended || inputEnded || !endOfFile) break;
    await enqueue(() => session.key('D', 'interactive'));
  }
  await queue;
  if (!session.ended) write('\n');
}
