// `pstree -p [PID]` (psmisc) over a procfs view: the tree under PID (default
// 1) by parent PID as that view shows it, children sorted by name then PID.
// A process whose parent is invisible there (PPid 0) is not under 1, which
// is why pstree omits nsenter'ed processes (SEMANTICS 8.6).

import type { ProcEntry } from './protocol.js';

export interface PstreeOptions {
  /** The process at the root of the tree (default 1). */
  readonly root?: number;
  /** ASCII line drawing (`-+-`, `|-`) as in a non-UTF-8 locale; default UTF-8 (`─┬─`, `├─`). */
  readonly ascii?: boolean;
}

export function renderPstree(rows: readonly ProcEntry[], options: PstreeOptions = {}): string {
  const g = options.ascii
    ? { one: '---', first: '-+-', mid: '|-', last: '`-', bar: '| ' }
    : { one: '───', first: '─┬─', mid: '├─', last: '└─', bar: '│ ' };
  const byPid = new Map<number, ProcEntry>();
  const kids = new Map<number, ProcEntry[]>();
  for (const e of rows) {
    byPid.set(e.pid, e);
    if (e.ppid === 0 || e.ppid === e.pid) continue;
    let list = kids.get(e.ppid);
    if (!list) kids.set(e.ppid, (list = []));
    list.push(e);
  }
  for (const list of kids.values()) list.sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : x.pid - y.pid));
  const root = byPid.get(options.root ?? 1);
  if (!root) return '';
  const render = (e: ProcEntry): string[] => {
    const label = `${e.name}(${e.pid})`;
    const children = kids.get(e.pid) ?? [];
    if (children.length === 0) return [label];
    if (children.length === 1) {
      const sub = render(children[0]!);
      const pad = ' '.repeat(label.length + g.one.length);
      return [label + g.one + sub[0], ...sub.slice(1).map((l) => pad + l)];
    }
    const pad = ' '.repeat(label.length + 1);
    const lines: string[] = [];
    children.forEach((child, i) => {
      const sub = render(child);
      const last = i === children.length - 1;
      lines.push(i === 0 ? label + g.first + sub[0] : pad + (last ? g.last : g.mid) + sub[0]);
      const cont = pad + (last ? '  ' : g.bar);
      for (const l of sub.slice(1)) lines.push(cont + l);
    });
    return lines;
  };
  return render(root).join('\n') + '\n';
}
