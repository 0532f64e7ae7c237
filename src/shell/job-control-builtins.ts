// This file implements bash's job control builtins: `jobs [-lnprs] [jobspec
// ...]`, `fg [jobspec]` and `bg [jobspec ...]` (and `%1`, `%1 &`, which bash
// runs as `fg %1`, `bg %1`), with bash 5.2's output and messages. Only an
// interactive shell has job control; elsewhere fg and bg say "no job control".

import type { BashShell } from './bash-shell.js';
import type { Job } from './job-table.js';

const JOBS_USAGE = 'jobs: usage: jobs [-lnprs] [jobspec ...] or jobs -x command [args]\n';

/** The job a spec names, or undefined after printing bash's message (sh_badjob, "ambiguous job spec"). */
function jobFor(sh: BashShell, builtin: string, spec: string | undefined): Job | undefined {
  // fg and bg without a spec take the current job; the message then says "current".
  const found = sh.jobs.lookup(spec ?? '%%', true);
  if (found.kind === 'job') return found.job;
  if (found.kind === 'ambiguous') sh.err(`bash: ${builtin}: ${found.name}: ambiguous job spec\n`);
  else sh.err(`bash: ${builtin}: ${spec ?? 'current'}: no such job\n`);
  return undefined;
}

/** fg [jobspec]: prints the job's command, gives it the terminal, continues it, waits for it. */
export async function fgBuiltin(sh: BashShell, argv: string[]): Promise<number> {
  if (!sh.interactive) {
    sh.err('bash: fg: no job control\n');
    return 1;
  }
  const job = jobFor(sh, 'fg', argv[1]);
  if (!job) return 1;
  if (job.state === 'done') {
    sh.err('bash: fg: job has terminated\n');
    return 1;
  }
  sh.out(`${job.text}\n`);
  return sh.continueJob(job, true);
}

/** bg [jobspec ...]: continues each stopped job in the background, printing `[1]+ sleep 100 &`. */
export async function bgBuiltin(sh: BashShell, argv: string[]): Promise<number> {
  if (!sh.interactive) {
    sh.err('bash: bg: no job control\n');
    return 1;
  }
  const specs = argv.length > 1 ? argv.slice(1) : [undefined];
  let status = 0;
  for (const spec of specs) {
    const job = jobFor(sh, 'bg', spec);
    if (!job) {
      status = 1;
      continue;
    }
    if (job.state === 'done') {
      sh.err('bash: bg: job has terminated\n');
      status = 1;
      continue;
    }
    if (job.state === 'running') {
      // start_job(): "XPG6/SUSv3 says this is not an error".
      sh.err(`bash: bg: job ${job.n} already in background\n`);
      continue;
    }
    sh.out(`${sh.jobs.bgLine(job)}\n`);
    await sh.continueJob(job, false);
  }
  return status;
}

/** jobs [-lnprs] [jobspec ...]: the table; finished jobs are shown once, then forgotten. */
export async function jobsBuiltin(sh: BashShell, argv: string[]): Promise<number> {
  let format: 'standard' | 'long' | 'pids' = 'standard';
  let onlyChanged = false;
  let only: 'running' | 'stopped' | null = null;
  let i = 1;
  for (; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      i++;
      break;
    }
    if (!a.startsWith('-') || a === '-') break;
    for (const c of a.slice(1)) {
      if (c === 'l') format = 'long';
      else if (c === 'p') format = 'pids';
      else if (c === 'n') onlyChanged = true;
      else if (c === 'r') only = 'running';
      else if (c === 's') only = 'stopped';
      else if (c === 'x') {
        sh.err('pidsim: bash: jobs -x is not emulated\n');
        return 1;
      } else {
        sh.err(`bash: jobs: -${c}: invalid option\n${JOBS_USAGE}`);
        return 2;
      }
    }
  }
  // The SIGCHLD handler runs before the builtin: the table is up to date, and notices already due are shown.
  await sh.reap();
  for (const line of sh.takeNotices()) sh.out(`${line}\n`);
  let status = 0;
  let chosen: Job[];
  if (i < argv.length) {
    chosen = [];
    for (const spec of argv.slice(i)) {
      const found = sh.jobs.lookup(spec, true);
      if (found.kind === 'job') chosen.push(found.job);
      else {
        sh.err(found.kind === 'ambiguous' ? `bash: jobs: ${found.name}: ambiguous job spec\n` : `bash: jobs: ${spec}: no such job\n`);
        status = 1;
      }
    }
  } else {
    chosen = [...sh.jobs.all];
  }
  for (const job of chosen) {
    if (only && job.state !== only) continue;
    if (onlyChanged && job.notified) continue;
    if (format === 'pids') sh.out(`${job.pid}\n`);
    else sh.out(`${format === 'long' ? sh.jobs.longLine(job) : sh.jobs.line(job)}\n`);
    job.notified = true;
  }
  // A finished job listed by jobs has been announced: it leaves the table (cleanup_dead_jobs).
  for (const job of chosen) if (job.state === 'done') sh.jobs.remove(job);
  return status;
}
