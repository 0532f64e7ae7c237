// This file implements procps `ps` as far as the walkthrough needs it:
// bare `ps` (processes on the caller's terminal), `-e`/`-A` (every process),
// `-f` (full format), over the /proc the caller sees. That /proc is the one
// of its mount namespace, so inside `unshare --pid --mount --fork` ps still
// lists the old namespace's processes until /proc is remounted.

import { renderPs, renderPsEf } from '../../index.js';
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

/** Options procps accepts (SysV with -, BSD without); only e, A and f are emulated. */
const SYSV_VALID = new Set('AaCcdeFfGgHhjLlMmNnOoPpqsTtUuVwyZ');
const BSD_VALID = new Set('acefghjlmnoprstuvwxCLNOSTUVXZ');

export const psTool: Tool = {
  name: 'ps',
  path: '/usr/bin/ps',
  async main({ argv, task, host, out, err }) {
    let all = false;
    let full = false;
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
        else if ((sysv ? SYSV_VALID : BSD_VALID).has(c)) {
          err(`pidsim: ps: option ${sysv ? '-' : ''}${c} is not emulated (ps, ps -e, ps -f and ps -ef are)\n`);
          return 1;
        } else {
          err(`error: ${sysv ? 'unsupported SysV option' : 'unsupported option (BSD syntax)'}\n${USAGE}`);
          return 1;
        }
      }
    }
    const files = new ProcFiles(host, task);
    let rows = await files.procfs.list();
    const ttyOf = (key: (typeof rows)[number]['key']): string => host.tasks.get(key)?.tty ?? '?';
    // Without -e: the processes of the caller's effective user on the caller's terminal.
    if (!all) rows = rows.filter((r) => ttyOf(r.key) === (task.tty ?? '?'));
    // procps sizes the PID columns from pid_max, as the reader's own namespace has it (3.8).
    const pidMax = await task.proc.readSysctl('pid_max');
    const options = { tty: (e: (typeof rows)[number]): string => ttyOf(e.key), pidMax };
    out(full ? renderPsEf(rows, options) : renderPs(rows, options));
    return 0;
  },
};
