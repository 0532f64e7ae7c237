// The shared entry of every `pidsim` command: decode the command line by the
// command's spec, print the help (stdout, exit 0, nothing started) when it is
// asked for, else run the command; a CommandUsageError, from the decoding or
// from the command's own checks before it starts, is `pidsim CMD: message`,
// the usage on stderr and exit 2 (docs/cli.md).

import { renderHelp, renderUsageError } from './command-help.js';
import { CommandUsageError, parseCommand, type CommandSpec, type OptionSpecs, type ParsedCommand } from './command-spec.js';

/** Where a command writes: process.stdout/stderr, or a test's capture. */
export interface CommandIo {
  readonly stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  readonly stderr: NodeJS.WritableStream;
}

/** Runs `body` with `args` decoded by `spec`; resolves the exit status. */
export async function runCommand<S extends OptionSpecs>(spec: CommandSpec<S>, args: readonly string[], io: CommandIo, body: (parsed: ParsedCommand<S>) => number | Promise<number>): Promise<number> {
  try {
    const parsed = parseCommand(spec, args);
    if (parsed === null) {
      io.stdout.write(renderHelp(spec));
      return 0;
    }
    return await body(parsed);
  } catch (e) {
    if (!(e instanceof CommandUsageError)) throw e;
    io.stderr.write(renderUsageError(spec, e.message));
    return 2;
  }
}
