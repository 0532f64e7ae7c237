// The emulated terminal (`pidsim shell`): windows with bash, unshare,
// nsenter, ps, pstree, kill and /proc over an emulated kernel. runShell()
// drives a session from streams; ShellSession runs one line at a time.

export { controlKeyOf, runShell } from './terminal-io.js';
export { runShellCli, SHELL_COMMAND } from './shell-cli.js';
export type { ShellCliIo } from './shell-cli.js';
export type { ShellIo } from './terminal-io.js';
export { ShellSession } from './shell-session.js';
export type { ControlKey, RefusedLine, ShellSessionOptions } from './shell-session.js';
export { Window } from './window.js';
export { parseCommandLine } from './command-line.js';
export type { ParseResult, SimpleCommand } from './command-line.js';
export { getopt } from './getopt.js';
export type { GetoptResult, OptionSpec } from './getopt.js';
