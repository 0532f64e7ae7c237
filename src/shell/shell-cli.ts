// `pidsim shell [--seed N] [--trace FILE ...]`: the emulated terminal on
// this process's stdin and stdout, interactive on a terminal, a script
// otherwise. The command line is decoded by the shared option layer before
// any kernel is made, so `--help` or a bad option never opens a shell.

import { runCommand, type CommandIo } from '../cli/command-entry.js';
import { defineCommand } from '../cli/command-spec.js';
import { TRACE_OPTIONS, traceOptionsOf } from '../cli/output-options.js';
import { runShell } from './terminal-io.js';

export const SHELL_COMMAND = defineCommand({
  name: 'shell',
  synopsis: ['[--seed N] [--trace FILE [--trace-ns N] [--trace-window A:B]]'],
  about: `An emulated terminal with windows on a fresh emulated kernel: bash and its job
control, unshare, nsenter, mount -t proc, ps, pstree -p, kill, /proc
(docs/shell.md). Interactive on a terminal; otherwise it reads a script from
stdin, echoing each line after its prompt: pidsim shell < examples/demo.sh`,
  options: {
    seed: { type: 'integer', value: 'N', min: 0, max: 0xffffffff, default: 0, description: "the emulated kernel's scheduler seed" },
    ...TRACE_OPTIONS,
  },
  footer: `exit status: the last $? of the session; 1 with a message if the kernel's invariants
break, a script line could not run, or the session got stuck; 2 bad usage.`,
});

export interface ShellCliIo extends CommandIo {
  readonly stdin: NodeJS.ReadableStream & { isTTY?: boolean };
}

/** `pidsim shell ARGS`: resolves the session's exit status. */
export function runShellCli(args: readonly string[], io: ShellCliIo): Promise<number> {
  return runCommand(SHELL_COMMAND, args, io, (p) =>
    runShell({ input: io.stdin, output: io.stdout, interactive: io.stdin.isTTY === true, seed: p.options.seed, trace: traceOptionsOf(p.options) }),
  );
}
