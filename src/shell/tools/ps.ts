// This file implements procps `ps` as far as the walkthrough needs it:
// bare `ps` (processes on the caller's terminal), `-e`/`-A` (every process),
// `-f` (full format), `-L` and `-T` (a row per thread: LWP or SPID, and with
// -Lf NLWP), over the /proc the caller sees. That /proc is the one
// of its mount namespace, so inside `unshare --pid --mount --fork` ps still
// lists the old namespace's processes until /proc is remounted.

import { renderPs, renderPsEf, renderPsThreads } from '../../index.js';
import { ProcFiles } from '../proc-files.js';
import type { Tool } from '../program-exec.js';

const USAGE = `
Usage:
 ps [options]

 Try 'ps --help <simple|list|output|threads|misc|all>'
  or 'ps --help <s|l|o|t|m|a>'
 for additional help text.

For more details see ps(1).
`;

/** Options procps accepts (SysV with -, BSD without); only e, A, f, L and T are emulated. */
const SYSV_VALID = new Set('AaCcdeFfGgHhjLlMmNnOoPpqsTtUuVwyZ');
const BSD_VALID = new Set('acefghjlmnoprstuvwxCLNOSTUVXZ');

export const psTool: Tool = {
  name: 'ps',
  path: '/usr/bin/ps',
  async main({ argv, task, host, out, err }) {
    let all = false;
    let full = false;
    let threads: 'LWP' | 'SPID' | null = null;
    for (const a of argv.slice(1)) {
      if (a.startsWith('--')) {
        if (a === '--version' || a === '-V') {
          out('ps from procps-ng 4.0.2\n');
          return 0;
        }
        err(`error: unknown gnu long option\n${USAGE}`);
        return 1;
      }
      const sysv = a.startsWith('-');
      const letters = sysv ? a.slice(1) : a;
      for (const c of letters) {
        if (sysv && (c === 'e' || c === 'A')) all = true;
        else if (sysv && c === 'f') full = true;
        else if (sysv && (c === 'L' || c === 'T')) {
          // procps: "thread display conflicts with forest display"-style checks aside, -L and -T together is an error.
          if (threads !== null && threads !== (c === 'L' ? 'LWP' : 'SPID')) {
            err(`error: thread flags conflict; can't use both -L and -T\n${USAGE}`);
            return 1;
          }
          threads = c === 'L' ? 'LWP' : 'SPID';
        } else if ((sysv ? SYSV_VALID : BSD_VALID).has(c)) {
          err(`pidsim: ps: option ${sysv ? '-' : ''}${c} is not emulated (ps with -e, -f, -L and -T is)\n`);
          return 1;
        } else {
          err(`error: ${sysv ? 'unsupported SysV option' : 'unsupported option (BSD syntax)'}\n${USAGE}`);
          return 1;
        }
      }
    }
    const files = new ProcFiles(host, task);
    let rows = threads === null ? await files.procfs.list() : await files.procfs.threads();
    // A thread's row has its process's terminal: the shell knows processes by their leader's key.
    const leaders = new Map(rows.filter((r) => r.pid === r.tgid).map((r) => [r.tgid, r.key]));
    const ttyOf = (r: (typeof rows)[number]): string => host.tasks.get(leaders.get(r.tgid) ?? r.key)?.tty ?? '?';
    // Without -e: the processes of the caller's effective user on the caller's terminal.
    if (!all) rows = rows.filter((r) => ttyOf(r) === (task.tty ?? '?'));
    // procps sizes the PID columns from pid_max, as the reader's own namespace has it (3.8).
    const pidMax = await task.proc.readSysctl('pid_max');
    const options = { tty: ttyOf, pidMax };
    if (threads !== null) out(renderPsThreads(rows, { ...options, full, column: threads }));
    else out(full ? renderPsEf(rows, options) : renderPs(rows, options));
    return 0;
  },
};
