// This file implements bash's `kill` builtin: `kill [-s sigspec | -n signum
// | -sigspec] pid | jobspec ...` and `kill -l [sigspec]`, with bash's
// messages. A PID is resolved in the shell's own namespace by the kernel, so
// a shell in a parent namespace can kill a process of a child namespace by
// the number it sees (SEMANTICS 4.x); a job spec (%1) signals the job's
// process group, as bash does.

import { parseSignal, signalName } from '../index.js';
import { errnoOf, strerror } from './strerror.js';
import type { BashShell } from './bash-shell.js';

const USAGE = 'kill: usage: kill [-s sigspec | -n signum | -sigspec] pid | jobspec ... or kill -l [sigspec]\n';

export async function killBuiltin(sh: BashShell, argv: readonly string[]): Promise<number> {
  const args = argv.slice(1);
  if (args.length === 0) {
    sh.err(USAGE);
    return 2;
  }
  let sig = 15;
  let i = 0;
  let sawSignal = false;
  while (i < args.length && args[i]!.startsWith('-') && args[i]!.length > 1) {
    const a = args[i]!;
    if (a === '-l' || a === '-L') return listSignals(sh, args.slice(i + 1));
    if (a === '-s' || a === '-n') {
      const spec = args[i + 1];
      if (spec === undefined) {
        sh.err(`bash: kill: ${a}: option requires an argument\n`);
        return 1;
      }
      const n = parseSignal(spec);
      if (n === undefined) {
        sh.err(`bash: kill: ${spec}: invalid signal specification\n`);
        return 1;
      }
      sig = n;
      sawSignal = true;
      i += 2;
      continue;
    }
    if (a === '--') {
      i++;
      break;
    }
    // Only the first -SPEC is a signal; later ones are process groups (kill -9 -1).
    if (sawSignal) break;
    const n = parseSignal(a.slice(1));
    if (n === undefined) {
      sh.err(`bash: kill: ${a.slice(1)}: invalid signal specification\n`);
      return 1;
    }
    sig = n;
    sawSignal = true;
    i++;
  }
  const targets = args.slice(i);
  if (targets.length === 0) {
    sh.err(USAGE);
    return 2;
  }
  let status = 0;
  for (const t of targets) {
    let pid: number;
    if (t.startsWith('%')) {
      const job = sh.jobs.resolve(t);
      if (!job) {
        sh.err(`bash: kill: ${t}: no such job\n`);
        status = 1;
        continue;
      }
      pid = -job.pid;
    } else if (/^-?\d+$/.test(t)) {
      pid = Number(t);
    } else {
      sh.err(`bash: kill: ${t}: arguments must be process or job IDs\n`);
      status = 1;
      continue;
    }
    try {
      await sh.task.proc.kill(pid, sig);
    } catch (e) {
      const code = errnoOf(e);
      if (!code || sh.dead) throw e;
      sh.err(`bash: kill: (${Math.abs(pid)}) - ${strerror(code)}\n`);
      status = 1;
    }
  }
  return status;
}

/** kill -l: the table, or the name of a number / the number of a name. */
function listSignals(sh: BashShell, specs: readonly string[]): number {
  if (specs.length === 0) {
    const sigs = [...Array.from({ length: 31 }, (_, k) => k + 1), ...Array.from({ length: 31 }, (_, k) => k + 34)];
    const cells = sigs.map((s) => `${String(s).padStart(2)}) ${signalName(s)}`);
    let text = '';
    for (let k = 0; k < cells.length; k += 5) text += cells.slice(k, k + 5).join('\t') + '\n';
    sh.out(text);
    return 0;
  }
  let status = 0;
  for (const spec of specs) {
    if (/^\d+$/.test(spec)) {
      const n = Number(spec) > 128 ? Number(spec) - 128 : Number(spec);
      const known = (n >= 1 && n <= 31) || (n >= 34 && n <= 64);
      if (!known) {
        sh.err(`bash: kill: ${spec}: invalid signal specification\n`);
        status = 1;
        continue;
      }
      sh.out(`${signalName(n).replace(/^SIG/, '')}\n`);
      continue;
    }
    const n = parseSignal(spec);
    if (n === undefined || n === 0) {
      sh.err(`bash: kill: ${spec}: invalid signal specification\n`);
      status = 1;
      continue;
    }
    sh.out(`${n}\n`);
  }
  return status;
}
