// This file implements coreutils `readlink FILE...` on the emulated /proc:
// /proc/self is the reader's PID in that procfs, /proc/PID/ns/pid reads
// `pid:[inode]`. Reading it for each process is how the walkthrough shows
// that only the forked child of unshare is in the new namespace.

import { getopt } from '../getopt.js';
import { ProcFiles } from '../proc-files.js';
import { strerror } from '../strerror.js';
import type { Tool } from '../program-exec.js';

export const readlinkTool: Tool = {
  name: 'readlink',
  path: '/usr/bin/readlink',
  async main({ argv, task, host, out, err }) {
    const parsed = getopt('readlink', argv, [
      { id: 'n', short: 'n', long: 'no-newline' },
      { id: 'q', short: 'q', long: 'quiet' },
      { id: 'q', short: 's', long: 'silent' },
      { id: 'v', short: 'v', long: 'verbose' },
      { id: 'x', short: 'f', long: 'canonicalize' },
      { id: 'x', short: 'e', long: 'canonicalize-existing' },
      { id: 'x', short: 'm', long: 'canonicalize-missing' },
      { id: 'x', short: 'z', long: 'zero' },
    ], { order: 'permute' });
    if (!parsed.ok) {
      err(`${parsed.message}\nTry 'readlink --help' for more information.\n`);
      return 1;
    }
    const has = (id: string): boolean => parsed.options.some((o) => o.id === id);
    if (has('x')) {
      err('pidsim: readlink: -f, -e, -m and -z are not emulated\n');
      return 1;
    }
    if (parsed.operands.length === 0) {
      err("readlink: missing operand\nTry 'readlink --help' for more information.\n");
      return 1;
    }
    const files = new ProcFiles(host, task);
    let status = 0;
    for (const path of parsed.operands) {
      const r = await files.readlink(path);
      if (!r.ok) {
        // Quiet by default: readlink says nothing and exits 1 unless -v.
        if (has('v') && !has('q')) err(`readlink: ${path}: ${strerror(r.code)}\n`);
        status = 1;
        continue;
      }
      out(r.value + (has('n') && parsed.operands.length === 1 ? '' : '\n'));
    }
    return status;
  },
};
