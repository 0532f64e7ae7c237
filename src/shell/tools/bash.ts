// This file implements /bin/bash as a program: `bash` (or `-bash`, as
// unshare and nsenter start it when no program is given) starts an
// interactive shell that takes over its window's terminal until it exits;
// `bash -c CMD` runs CMD and exits with its status. An interactive bash
// started outside the terminal's foreground process group (`bash &`) stops
// itself with SIGTTIN until `fg` brings it to the foreground, and one whose
// input is /dev/null (nohup bash) reads end-of-file and exits.

import { BashShell } from '../bash-shell.js';
import type { Tool } from '../program-exec.js';

const USAGE = `Usage:\tbash [GNU long option] [option] ...
\tbash [GNU long option] [option] script-file ...
GNU long options:
\t--debug
\t--debugger
\t--dump-po-strings
\t--dump-strings
\t--help
\t--init-file
\t--login
\t--noediting
\t--noprofile
\t--norc
\t--posix
\t--pretty-print
\t--rcfile
\t--restricted
\t--verbose
\t--version
Shell options:
\t-ilrsD or -c command or -O shopt_option\t\t(invocation only)
\t-abefhkmnptuvxBCEHPT or -o option
`;

const LONG_OPTIONS = ['--login', '--norc', '--noprofile', '--noediting', '--posix', '--verbose', '--help', '--version', '--debug', '--rcfile', '--init-file', '--restricted', '--debugger', '--dump-strings', '--dump-po-strings', '--pretty-print'];

export const bashTool: Tool = {
  name: 'bash',
  path: '/usr/bin/bash',
  async main({ argv, task, host, out, err }) {
    let login = (argv[0] ?? '').startsWith('-');
    let command: string | undefined;
    let i = 1;
    for (; i < argv.length; i++) {
      const a = argv[i]!;
      if (a === '--') {
        i++;
        break;
      }
      if (a.startsWith('--')) {
        if (!LONG_OPTIONS.includes(a)) {
          err(`bash: ${a}: invalid option\n${USAGE}`);
          return 2;
        }
        if (a === '--login') login = true;
        if (a === '--version') {
          out('GNU bash, version 5.2.15(1)-release (x86_64-pc-linux-gnu)\n');
          return 0;
        }
        if (a === '--help') {
          out(`GNU bash, version 5.2.15(1)-release-(x86_64-pc-linux-gnu)\n${USAGE}`);
          return 0;
        }
        if (a === '--rcfile' || a === '--init-file') i++;
        continue;
      }
      if (a.startsWith('-') && a.length > 1) {
        for (const c of a.slice(1)) {
          if (c === 'c') command = '';
          else if (c === 'l') login = true;
          else if (!'ilrsDabefhkmnptuvxBCEHPT'.includes(c)) {
            err(`bash: -${c}: invalid option\n${USAGE}`);
            return 2;
          }
        }
        continue;
      }
      break;
    }
    if (command !== undefined) {
      const text = argv[i];
      if (text === undefined) {
        err('bash: -c: option requires an argument\n');
        return 2;
      }
      const sh = new BashShell(host, task, { interactive: false, login: false });
      await sh.captureParent();
      return sh.runLine(text);
    }
    if (i < argv.length) {
      err(`bash: ${argv[i]}: No such file or directory\n`);
      return 127;
    }
    if (task.stdin === 'null') return 0;
    // initialize_job_control(): "while ((terminal_pgrp = tcgetpgrp (shell_tty)) != -1) { if (shell_pgrp
    // != terminal_pgrp) { ... kill (0, SIGTTIN); continue; } break; }"
    while (host.foregroundGroup(task) !== (await host.processGroup(task))) {
      // A namespace's init ignores its own SIGTTIN (SEMANTICS 4.2), and so does a process of an orphaned
      // group: such a bash stays without ever reading (bash gives up job control after 16 tries and would
      // then fail to read; neither is emulated).
      if (task.proc.pid === 1) return 'running';
      await task.proc.kill(0, 'TTIN');
      // The kernel has acted on the signal by the time kill() returns to the program.
      if (!task.stopped) return 'running';
      // A stopped process's syscalls wait for SIGCONT: this returns once fg or bg continued it.
      await task.proc.getpid();
    }
    const sh = new BashShell(host, task, { interactive: true, login });
    await sh.startInteractive();
    return 'running';
  },
};
