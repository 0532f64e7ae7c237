// This file implements GNU `grep [-ivcEFnHhqs] PATTERN FILE...` over the
// emulated /proc: `grep pid /proc/PID/status` prints the NSpid line, one
// number per level from the reader's namespace down (SEMANTICS 1.1).
// Patterns are basic regular expressions unless -E (extended) or -F (fixed).

import { getopt } from '../getopt.js';
import { ProcFiles } from '../proc-files.js';
import { strerror } from '../strerror.js';
import type { Tool } from '../program-exec.js';

const USAGE = "Usage: grep [OPTION]... PATTERNS [FILE]...\nTry 'grep --help' for more information.\n";

/** A POSIX basic regular expression as a JS one: \+ \? \| \( \) \{ \} are the operators, bare ones are literal. */
function fromBasic(bre: string): string {
  let out = '';
  for (let i = 0; i < bre.length; i++) {
    const c = bre[i]!;
    if (c === '\\' && i + 1 < bre.length) {
      const n = bre[++i]!;
      out += '+?|(){}'.includes(n) ? n : `\\${n}`;
    } else out += '+?|(){}'.includes(c) ? `\\${c}` : c;
  }
  return out;
}

export const grepTool: Tool = {
  name: 'grep',
  path: '/usr/bin/grep',
  async main({ argv, task, host, out, err }) {
    const parsed = getopt('grep', argv, [
      { id: 'i', short: 'i', long: 'ignore-case' },
      { id: 'v', short: 'v', long: 'invert-match' },
      { id: 'c', short: 'c', long: 'count' },
      { id: 'E', short: 'E', long: 'extended-regexp' },
      { id: 'F', short: 'F', long: 'fixed-strings' },
      { id: 'G', short: 'G', long: 'basic-regexp' },
      { id: 'n', short: 'n', long: 'line-number' },
      { id: 'H', short: 'H', long: 'with-filename' },
      { id: 'h', short: 'h', long: 'no-filename' },
      { id: 'q', short: 'q', long: 'quiet' },
      { id: 's', short: 's', long: 'no-messages' },
      { id: 'w', short: 'w', long: 'word-regexp' },
    ], { order: 'permute' });
    if (!parsed.ok) {
      err(`${parsed.message}\n${USAGE}`);
      return 2;
    }
    const has = (id: string): boolean => parsed.options.some((o) => o.id === id);
    const [pattern, ...paths] = parsed.operands;
    if (pattern === undefined) {
      err(USAGE);
      return 2;
    }
    if (paths.length === 0) {
      err('pidsim: grep: reading the terminal is not emulated (no pipes either); give a file\n');
      return 2;
    }
    let source = has('F') ? pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') : has('E') ? pattern : fromBasic(pattern);
    if (has('w')) source = `(?<![A-Za-z0-9_])(?:${source})(?![A-Za-z0-9_])`;
    let re: RegExp;
    try {
      re = new RegExp(source, has('i') ? 'i' : '');
    } catch {
      err('grep: Invalid regular expression\n');
      return 2;
    }
    const files = new ProcFiles(host, task);
    const prefix = (has('H') || paths.length > 1) && !has('h');
    let matched = false;
    let failed = false;
    for (const path of paths) {
      const r = await files.read(path);
      if (!r.ok) {
        if (!has('s')) err(`grep: ${path}: ${strerror(r.code)}\n`);
        failed = true;
        continue;
      }
      const lines = r.value.split('\n');
      if (lines[lines.length - 1] === '') lines.pop();
      let count = 0;
      lines.forEach((line, i) => {
        if (re.test(line) === has('v')) return;
        count++;
        matched = true;
        if (has('q') || has('c')) return;
        out(`${prefix ? `${path}:` : ''}${has('n') ? `${i + 1}:` : ''}${line}\n`);
      });
      if (has('c') && !has('q')) out(`${prefix ? `${path}:` : ''}${count}\n`);
    }
    if (failed && !(has('q') && matched)) return 2;
    return matched ? 0 : 1;
  },
};
