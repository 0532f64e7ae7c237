// This file implements bash's `kill` builtin: `kill [-s sigspec | -n signum
// | -sigspec] pid | jobspec ...` and `kill -l [sigspec]`, with bash's
// messages. A PID is resolved in the shell's own namespace by the kernel, so
// a shell in a parent namespace can kill a process of a child namespace by
// the number it sees (SEMANTICS 4.x); a job spec (%1) signals the job's
// process group, as bash's kill_pid() does: a stopped job is continued after
// SIGTERM or SIGHUP, and SIGCONT makes it a running job again.

import { parseSignal, signalName } from '../index.js';
import { errnoOf, strerror } from './strerror.js';
import type { BashShell } from './bash-shell.js';

const SIGHUP = 1;
const SIGTERM = 15;
const SIGCONT = 18;

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
    if (t.startsWith('%')) {
      const found = sh.jobs.lookup(t, false);
      if (found.kind !== 'job') {
        sh.err(found.kind === 'ambiguous' ? `bash: kill: ${found.name}: ambiguous job spec\n` : `bash: kill: ${t}: no such job\n`);
        status = 1;
        continue;
      }
      const job = found.job;
      // Without job control the job is in the shell's own group: bash signals its process alone.
      const target = job.pgrp !== 0 ? -job.pid : job.pid;
      if (!(await signal(sh, target, sig, job.pid))) {
        status = 1;
        continue;
      }
      if (job.state === 'stopped' && (sig === SIGTERM || sig === SIGHUP)) await signal(sh, target, SIGCONT, job.pid);
      // "If we're continuing a stopped job via kill rather than bg or fg, emulate the `bg' behavior."
      if (job.state === 'stopped' && sig === SIGCONT) {
        sh.jobs.continued(job, false);
        job.notified = true;
      }
      continue;
    }
    if (!/^-?\d+$/.test(t)) {
      sh.err(`bash: kill: ${t}: arguments must be process or job IDs\n`);
      status = 1;
      continue;
    }
    if (!(await signal(sh, Number(t), sig, Number(t)))) status = 1;
  }
  return status;
}

/** kill(2) on behalf of the shell; false after printing bash's `kill: (PID) - ...` (the PID as given, or the job's group). */
async function signal(sh: BashShell, pid: number, sig: number, shown: number): Promise<boolean> {
  try {
    await sh.task.proc.kill(pid, sig);
    return true;
  } catch (e) {
    const code = errnoOf(e);
    if (!code || sh.dead) throw e;
    sh.err(`bash: kill: (${shown}) - ${strerror(code)}\n`);
    return false;
  }
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
