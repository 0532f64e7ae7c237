// This file implements psmisc `pstree -p [PID]` over the /proc the caller
// sees: the tree under PID (default 1) by parent PID as that /proc numbers
// them. A process whose parent is outside the namespace has PPID 0 there and
// hangs under nothing, so an nsenter'ed shell is missing from pstree run
// inside the namespace (SEMANTICS 8.6). Lines are not truncated to the
// terminal width (as with -l).

import { renderPstree } from '../../index.js';
import { getopt } from '../getopt.js';
import { ProcFiles } from '../proc-files.js';
import type { Tool } from '../program-exec.js';

const USAGE = `Usage: pstree [-acglpsStTuZ] [ -h | -H PID ] [ -n | -N type ]
              [ -A | -G | -U ] [ PID | USER ]
   or: pstree -V

Display a tree of processes.

  -a, --arguments     show command line arguments
  -A, --ascii         use ASCII line drawing characters
  -c, --compact-not   don't compact identical subtrees
  -C, --color=TYPE    color process by attribute
                      (age)
  -g, --show-pgids    show process group ids; implies -c
  -G, --vt100         use VT100 line drawing characters
  -h, --highlight-all highlight current process and its ancestors
  -H PID, --highlight-pid=PID
                      highlight this process and its ancestors
  -l, --long          don't truncate long lines
  -n, --numeric-sort  sort output by PID
  -N TYPE, --ns-sort=TYPE
                      sort output by this namespace type
                              (cgroup, ipc, mnt, net, pid, time, user, uts)
  -p, --show-pids     show PIDs; implies -c
  -s, --show-parents  show parents of the selected process
  -S, --ns-changes    show namespace transitions
  -t, --thread-names  show full thread names
  -T, --hide-threads  hide threads, show only processes
  -u, --uid-changes   show uid transitions
  -U, --unicode       use UTF-8 (Unicode) line drawing characters
  -V, --version       display version information
  -Z, --security-context
                      show security attributes

  PID    start at this PID; default is 1 (init)
  USER   show only trees rooted at processes of this user
`;

export const pstreeTool: Tool = {
  name: 'pstree',
  path: '/usr/bin/pstree',
  async main({ argv, task, host, out, err }) {
    const parsed = getopt('pstree', argv, [
      { id: 'pids', short: 'p', long: 'show-pids' },
      { id: 'ascii', short: 'A', long: 'ascii' },
      { id: 'unicode', short: 'U', long: 'unicode' },
      { id: 'noop', short: 'l', long: 'long' },
      { id: 'noop', short: 'c', long: 'compact-not' },
      { id: 'noop', short: 'T', long: 'hide-threads' },
      { id: 'version', short: 'V', long: 'version' },
      { id: 'x', short: 'a', long: 'arguments' },
      { id: 'x', short: 'g', long: 'show-pgids' },
      { id: 'x', short: 'G', long: 'vt100' },
      { id: 'x', short: 'h', long: 'highlight-all' },
      { id: 'x', short: 'H', long: 'highlight-pid', arg: 'required' },
      { id: 'x', short: 'n', long: 'numeric-sort' },
      { id: 'x', short: 'N', long: 'ns-sort', arg: 'required' },
      { id: 'x', short: 's', long: 'show-parents' },
      { id: 'x', short: 'S', long: 'ns-changes' },
      { id: 'x', short: 't', long: 'thread-names' },
      { id: 'x', short: 'u', long: 'uid-changes' },
      { id: 'x', short: 'Z', long: 'security-context' },
      { id: 'x', short: 'C', long: 'color', arg: 'required' },
    ], { order: 'permute' });
    if (!parsed.ok) {
      err(`${parsed.message}\n${USAGE}`);
      return 1;
    }
    if (parsed.options.some((o) => o.id === 'version')) {
      out('pstree (PSmisc) 23.6\n');
      return 0;
    }
    if (parsed.options.some((o) => o.id === 'x')) {
      err('pidsim: pstree: only -p (with -A, -U, -l, -c, -T) is emulated\n');
      return 1;
    }
    if (!parsed.options.some((o) => o.id === 'pids')) {
      err('pidsim: pstree: only pstree -p is emulated (without -p, identical subtrees would be merged)\n');
      return 1;
    }
    if (parsed.operands.length > 1) {
      err(USAGE);
      return 1;
    }
    const arg = parsed.operands[0];
    if (arg !== undefined && !/^\d+$/.test(arg)) {
      // Not a number: pstree takes it as a user name, and only root exists.
      if (arg !== 'root') {
        err(`No such user name: ${arg}\n`);
        return 1;
      }
    }
    const root = arg === undefined || arg === 'root' ? 1 : Number(arg);
    const ascii = parsed.options.filter((o) => o.id === 'ascii' || o.id === 'unicode').pop()?.id === 'ascii';
    const rows = await new ProcFiles(host, task).procfs.list();
    out(renderPstree(rows, { root, ascii }));
    return 0;
  },
};
