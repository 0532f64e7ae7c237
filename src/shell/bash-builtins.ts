// This file implements the bash builtins of the emulated shell: commands
// that run inside the shell process itself, so they fork nothing and use no
// PID (echo, kill, exit, logout, jobs, fg, bg, help, true, false, :).
// `window N` is not a bash builtin but a command of the terminal session (it
// switches windows); help describes it too.

import { killBuiltin } from './kill-builtin.js';
import { bgBuiltin, fgBuiltin, jobsBuiltin } from './job-control-builtins.js';
import type { BashShell } from './bash-shell.js';

export type Builtin = (sh: BashShell, argv: string[]) => Promise<number>;

async function echo(sh: BashShell, argv: string[]): Promise<number> {
  let args = argv.slice(1);
  let newline = true;
  while (args[0] !== undefined && /^-[neE]+$/.test(args[0])) {
    if (args[0].includes('n')) newline = false;
    args = args.slice(1);
  }
  sh.out(args.join(' ') + (newline ? '\n' : ''));
  return 0;
}

/** exit [N]: "exit" (or "logout") first, then the stopped-jobs check, then the argument (exit.def). */
async function exitBuiltin(sh: BashShell, argv: string[]): Promise<number> {
  if (sh.interactive) sh.err(sh.login ? 'logout\n' : 'exit\n');
  if (!sh.mayExit()) return 1;
  const arg = argv[1];
  if (arg === undefined) return sh.exit(sh.status);
  if (!/^[+-]?\d+$/.test(arg)) {
    sh.err(`bash: exit: ${arg}: numeric argument required\n`);
    return sh.exit(2);
  }
  if (argv.length > 2) {
    sh.err('bash: exit: too many arguments\n');
    return 1;
  }
  return sh.exit(Number(arg));
}

async function logout(sh: BashShell, argv: string[]): Promise<number> {
  if (!sh.login) {
    sh.err("bash: logout: not login shell: use `exit'\n");
    return 1;
  }
  return exitBuiltin(sh, argv);
}

export const HELP_TEXT = `pidsim shell: an emulated terminal on an emulated kernel (PID namespaces).
Each window has its own shell; the prompt shows [wWINDOW $$=PID of the current shell].

Terminal:
  window N              switch to window N (opening it, with a login bash, if new)
  help                  this text

bash builtins (no process, no PID):
  echo ARGS             $$, $?, $!, $PPID and $NAME expand
  kill [-SIG|-s SIG|-n N] PID|%JOB...   kill -l [SIG]
  exit [N], logout      true      false
  CMD &                 run in the background; ; && || join commands

Job control (as bash's; jobs are %1, %%, %-, %NAME, %?TEXT):
  jobs [-lnprs] [JOB...]   fg [JOB]   bg [JOB...]   %JOB (= fg)   %JOB & (= bg)
  Ctrl-Z stops the foreground job, Ctrl-C interrupts it, Ctrl-D at the prompt exits the shell.
  In a script: a line holding only ^Z, ^C or ^D (or the control character itself);
  ^Z or ^C right after a command is typed while that command runs.

Programs (each runs as a child process and takes a PID, as on Linux):
  unshare [-p|--pid] [-m|--mount] [--mount-proc] [-f|--fork] [PROGRAM [ARGS]]
  nsenter [-t|--target PID] [-p|--pid[=FILE]] [-m|--mount[=FILE]] [-F] [PROGRAM [ARGS]]
  sudo COMMAND          nohup COMMAND          bash [-c CMD]          sleep N
  mount -t proc proc /proc                     mount
  ps, ps -e, ps -f, ps -ef                     pstree -p [-A] [PID]
  cat FILE...           grep [-i] [-v] [-c] [-E] PATTERN FILE...
  readlink FILE...      ls [-l] /proc/PID/ns
  Files: /proc/PID/{status,cmdline,comm,ns/pid,ns/pid_for_children,ns/mnt},
         /proc/self, /proc/sys/kernel/{pid_max,ns_last_pid}

Not emulated: pipes, redirections, other namespaces than pid and mount,
file systems other than /proc. Time is virtual: it passes only while a
foreground job waits (a foreground \`sleep 5\` returns at once).
`;

async function help(sh: BashShell): Promise<number> {
  sh.out(HELP_TEXT);
  return 0;
}

/** bash builtins the emulation lacks: saying so beats "command not found", which bash never says for them. */
const NOT_EMULATED = ['.', 'alias', 'cd', 'declare', 'disown', 'eval', 'exec', 'export', 'hash', 'history', 'let', 'local', 'printf', 'pwd', 'read', 'set', 'shopt', 'source', 'suspend', 'test', '[', 'times', 'trap', 'type', 'ulimit', 'umask', 'unset', 'wait'];

async function notEmulated(sh: BashShell, argv: string[]): Promise<number> {
  sh.err(`pidsim: bash: the builtin \`${argv[0]}' is not emulated (type help for what is)\n`);
  return 1;
}

export const BUILTINS: ReadonlyMap<string, Builtin> = new Map<string, Builtin>([
  ...NOT_EMULATED.map((name): [string, Builtin] => [name, notEmulated]),
  ['echo', echo],
  ['kill', killBuiltin],
  ['exit', exitBuiltin],
  ['logout', logout],
  ['jobs', jobsBuiltin],
  ['fg', fgBuiltin],
  ['bg', bgBuiltin],
  ['help', help],
  ['true', async () => 0],
  ['false', async () => 1],
  [':', async () => 0],
]);
