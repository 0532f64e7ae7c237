// This file implements coreutils `sleep NUMBER[SUFFIX]...`: the process
// becomes the kernel's `sleep` program, which exits 0 when the virtual time
// is up. The session learns the deadline so a foreground sleep lets exactly
// that much virtual time pass.

import { getopt } from '../getopt.js';
import type { Tool } from '../program-exec.js';

const UNITS: Readonly<Record<string, number>> = { '': 1, s: 1, m: 60, h: 3600, d: 86400 };

/** xstrtod + suffix, as coreutils apply_suffix(): seconds, or undefined if malformed. */
function parseInterval(text: string): number | undefined {
  if (/^inf(inity)?$/i.test(text)) return Infinity;
  const m = /^(\d+(?:\.\d*)?|\.\d+)([smhd]?)$/.exec(text);
  if (!m) return undefined;
  return Number(m[1]) * UNITS[m[2]!]!;
}

export const sleepTool: Tool = {
  name: 'sleep',
  path: '/usr/bin/sleep',
  async main({ argv, task, host, err, out }) {
    const parsed = getopt('sleep', argv, [
      { id: 'help', long: 'help' },
      { id: 'version', long: 'version' },
    ], { order: 'permute' });
    if (!parsed.ok) {
      err(`${parsed.message}\nTry 'sleep --help' for more information.\n`);
      return 1;
    }
    if (parsed.options.some((o) => o.id === 'help')) {
      out('Usage: sleep NUMBER[SUFFIX]...\n  or:  sleep OPTION\nPause for NUMBER seconds.  SUFFIX may be \'s\' for seconds (the default),\n\'m\' for minutes, \'h\' for hours or \'d\' for days.\n');
      return 0;
    }
    if (parsed.options.some((o) => o.id === 'version')) {
      out('sleep (GNU coreutils) 9.1\n');
      return 0;
    }
    if (parsed.operands.length === 0) {
      err("sleep: missing operand\nTry 'sleep --help' for more information.\n");
      return 1;
    }
    let seconds = 0;
    for (const arg of parsed.operands) {
      const s = parseInterval(arg);
      if (s === undefined) {
        err(`sleep: invalid time interval \u2018${arg}\u2019\nTry 'sleep --help' for more information.\n`);
        return 1;
      }
      seconds += s;
    }
    // `sleep infinity` never ends: the process stays as it is, with no timer.
    if (!Number.isFinite(seconds)) return 'running';
    await task.proc.exec({ name: 'sleep', seconds }, { name: 'sleep', argv });
    return 'running';
  },
};
