// This file implements the emulated file system's executables: what
// execve() finds for `unshare`, `/bin/bash` or `/usr/bin/ps`. Lookup follows
// $PATH (/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin) on a
// merged-/usr system, so /bin/X and /usr/bin/X are the same program.

import type { Tool } from './program-exec.js';

const PATH_DIRS = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];

/** /bin -> /usr/bin and /sbin -> /usr/sbin, as on merged-/usr distributions. */
function canonical(path: string): string {
  if (path.startsWith('/bin/')) return `/usr${path}`;
  if (path.startsWith('/sbin/')) return `/usr${path}`;
  return path;
}

export class ToolRegistry {
  /** Programs by canonical path. */
  readonly #byPath = new Map<string, Tool>();

  register(tool: Tool): void {
    if (!tool.path.startsWith('/')) throw new TypeError(`ToolRegistry: a tool path must be absolute, received ${JSON.stringify(tool.path)}`);
    this.#byPath.set(canonical(tool.path), tool);
  }

  /** What execvp() would run for `command`: a path is taken as is, a name is searched on $PATH. */
  lookup(command: string): Tool | undefined {
    if (command.includes('/')) return this.#byPath.get(canonical(normalize(command)));
    if (command === '') return undefined;
    for (const dir of PATH_DIRS) {
      const tool = this.#byPath.get(canonical(`${dir}/${command}`));
      if (tool) return tool;
    }
    return undefined;
  }

  /** Every program, by name, for `help`. */
  names(): string[] {
    return [...this.#byPath.values()].map((t) => t.name).sort();
  }
}

/** Collapses `//` and `/./` (no `..`: nothing outside /proc and the bin directories exists). */
function normalize(path: string): string {
  return path.replace(/\/+/g, '/').replace(/\/(\.\/)+/g, '/');
}
