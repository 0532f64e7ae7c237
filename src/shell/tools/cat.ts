// This file implements coreutils `cat FILE...` over the emulated /proc
// (/proc/PID/status, cmdline, comm, /proc/sys/kernel/pid_max ...). Reading
// the terminal (cat without a file) is not emulated.

import { getopt } from '../getopt.js';
import { ProcFiles } from '../proc-files.js';
import { strerror } from '../strerror.js';
import type { Tool } from '../program-exec.js';

export const catTool: Tool = {
  name: 'cat',
  path: '/usr/bin/cat',
  async main({ argv, task, host, out, err }) {
    const parsed = getopt('cat', argv, [
      { id: 'x', short: 'A' }, { id: 'x', short: 'b' }, { id: 'x', short: 'e' }, { id: 'x', short: 'E' },
      { id: 'x', short: 'n' }, { id: 'x', short: 's' }, { id: 'x', short: 't' }, { id: 'x', short: 'T' },
      { id: 'noop', short: 'u' }, { id: 'x', short: 'v' },
    ], { order: 'permute' });
    if (!parsed.ok) {
      err(`${parsed.message}\nTry 'cat --help' for more information.\n`);
      return 1;
    }
    if (parsed.options.some((o) => o.id === 'x')) {
      err('pidsim: cat: options are not emulated (only cat FILE...)\n');
      return 1;
    }
    if (parsed.operands.length === 0) {
      err('pidsim: cat: reading the terminal is not emulated; give a file\n');
      return 1;
    }
    const files = new ProcFiles(host, task);
    let status = 0;
    for (const path of parsed.operands) {
      const r = await files.read(path);
      if (!r.ok) {
        err(`cat: ${path}: ${strerror(r.code)}\n`);
        status = 1;
        continue;
      }
      // A terminal shows nothing for the NULs between cmdline arguments.
      out(r.value.replace(/\0/g, ''));
    }
    return status;
  },
};
