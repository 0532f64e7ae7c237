// This file implements coreutils `ls [-l] PATH...` for the emulated file
// system (`/`, which holds only `proc`, and /proc), mainly `ls -l
// /proc/PID/ns`: one link per namespace type, `pid -> 'pid:[4026531836]'`
// (quoted, as ls does on a terminal). Namespace types pidsim does not model
// show the host's initial inodes; the dates are the virtual clock's.

import { getopt } from '../getopt.js';
import { NS_ENTRIES, ProcFiles, type FileKind } from '../proc-files.js';
import { strerror } from '../strerror.js';
import type { Tool } from '../program-exec.js';

/** `ls /proc/PID/ns` on an 80-column terminal (ls's column layout, tab stops of 8). */
const NS_COLUMNS = 'cgroup\tmnt  pid\t       time\t\t  user\nipc\tnet  pid_for_children  time_for_children  uts\n';

/** The mtime column: virtual time since boot, shown as Jan 1 of the epoch year. */
function lsDate(ms: number): string {
  const minutes = Math.floor(ms / 60000);
  const hh = String(Math.floor(minutes / 60) % 24).padStart(2, '0');
  const mm = String(minutes % 60).padStart(2, '0');
  return `Jan  1 ${hh}:${mm}`;
}

function mode(kind: FileKind): string {
  return kind === 'dir' ? 'dr-xr-xr-x' : kind === 'link' ? 'lrwxrwxrwx' : '-r--r--r--';
}

export const lsTool: Tool = {
  name: 'ls',
  path: '/usr/bin/ls',
  async main({ argv, task, host, out, err }) {
    const parsed = getopt('ls', argv, [
      { id: 'l', short: 'l' },
      { id: '1', short: '1' },
      { id: 'noop', short: 'a', long: 'all' },
      { id: 'd', short: 'd', long: 'directory' },
      ...'AbBcCDfFgGhHiIkLmnNopqQrRsStTuUvwxXZ'.split('').map((c) => ({ id: 'x', short: c })),
    ], { order: 'permute' });
    if (!parsed.ok) {
      err(`${parsed.message}\nTry 'ls --help' for more information.\n`);
      return 2;
    }
    const has = (id: string): boolean => parsed.options.some((o) => o.id === id);
    if (has('x')) {
      err('pidsim: ls: only -l, -1, -a and -d are emulated\n');
      return 2;
    }
    const long = has('l');
    const files = new ProcFiles(host, task);
    const date = lsDate(host.kernel.now());
    const linkLine = async (path: string, label: string): Promise<{ line: string; ok: boolean }> => {
      const target = await files.readlink(path);
      if (!target.ok) {
        err(`ls: cannot read symbolic link '${path}': ${strerror(target.code)}\n`);
        return { line: `lrwxrwxrwx 1 root root 0 ${date} ${label} ->`, ok: false };
      }
      const shown = /[^A-Za-z0-9_./:-]/.test(target.value) ? `'${target.value}'` : target.value;
      return { line: `lrwxrwxrwx 1 root root 0 ${date} ${label} -> ${shown}`, ok: true };
    };
    if (parsed.operands.length === 0) {
      // The working directory (/root) is outside the emulated file system: it shows as empty,
      // as a directory removed from under the shell does.
      if (long) out('total 0\n');
      return 0;
    }
    const paths = parsed.operands;
    let status = 0;
    const many = paths.length > 1;
    // GNU ls separates a directory's listing from what it printed before; an error is not printed before.
    let printed = false;
    for (const path of paths) {
      const kind = await files.kind(path);
      if (!kind.ok) {
        err(`ls: cannot access '${path}': ${strerror(kind.code)}\n`);
        status = 2;
        continue;
      }
      if (kind.value !== 'dir' || has('d')) {
        if (!long) out(`${path}\n`);
        else if (kind.value === 'link') {
          const r = await linkLine(path, path);
          out(`${r.line}\n`);
          if (!r.ok) status = 1;
        } else out(`${mode(kind.value)} 1 root root 0 ${date} ${path}\n`);
        printed = true;
        continue;
      }
      const names = await files.list(path);
      if (!names.ok) {
        err(`ls: cannot open directory '${path}': ${strerror(names.code)}\n`);
        status = 2;
        continue;
      }
      if (many) out(`${printed ? '\n' : ''}${path}:\n`);
      printed = true;
      const dir = path.replace(/\/+$/, '');
      const isNsDir = names.value.length === NS_ENTRIES.length && names.value.every((n, k) => n === NS_ENTRIES[k]);
      if (!long) {
        if (isNsDir && !has('1')) out(NS_COLUMNS);
        else out(names.value.map((n) => `${n}\n`).join(''));
        continue;
      }
      out('total 0\n');
      for (const name of names.value) {
        const child = `${dir}/${name}`;
        const k = await files.kind(child);
        if (k.ok && k.value === 'link') {
          const r = await linkLine(child, name);
          out(`${r.line}\n`);
          if (!r.ok) status = 1;
        } else out(`${mode(k.ok ? k.value : 'file')} 1 root root 0 ${date} ${name}\n`);
      }
    }
    return status;
  },
};
