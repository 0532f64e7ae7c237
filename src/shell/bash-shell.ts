// This file implements the emulated bash: one per bash process. It parses a
// line, expands $$ and friends, runs builtins in its own process and forks
// a child for everything else (so external commands consume PIDs, builtins
// do not), and, when interactive, does bash's job control: every child is a
// job in a process group of its own, a foreground job gets the terminal and
// is waited for with WUNTRACED (so Ctrl-Z stops it into the job table), fg
// and bg continue jobs, and finished, stopped and continued jobs are picked
// up the way bash's SIGCHLD handler does (waitpid(-1, WNOHANG | WUNTRACED |
// WCONTINUED) until nothing is left), which the session calls at every
// quiet point.

import { parseCommandLine, type SimpleCommand } from './command-line.js';
import { expandWord } from './word-expansion.js';
import { JobTable, type Job } from './job-table.js';
import { exitStatusOf, strsignal } from './signal-descriptions.js';
import { errnoOf, strerror } from './strerror.js';
import { execve, forkTask, startProgram } from './program-exec.js';
import { BUILTINS } from './bash-builtins.js';
import type { ShellHost } from './shell-host.js';
import type { Task } from './task.js';

/**
 * bash(1) SIGNALS: "When bash is interactive, in the absence of any traps, it
 * ignores SIGTERM (so that kill 0 does not kill an interactive shell), and
 * SIGINT is caught and handled ... If job control is in effect, bash ignores
 * SIGTTIN, SIGTTOU, and SIGTSTP." SIGQUIT is ignored too. (SIGINT is ignored
 * here rather than caught: its handler only discards the line being typed,
 * which the terminal does.) So a plain `kill` of an interactive bash does
 * nothing; `kill -9` or `kill -HUP` ends it.
 */
const INTERACTIVE_IGNORED = ['TERM', 'INT', 'QUIT', 'TSTP', 'TTIN', 'TTOU'] as const;

const SIGINT = 2;
const SIGPIPE = 13;
const SIGTERM = 15;

export interface BashOptions {
  /** Reads commands from a terminal: prompts, job control, job notices, ignores SIGTERM. */
  readonly interactive: boolean;
  /** A login shell (argv[0] `-bash`): `exit` says "logout". */
  readonly login: boolean;
  /** For a subshell (a builtin run with &): the shell it was forked from, whose $$ it keeps. */
  readonly subshellOf?: BashShell;
}

/** Thrown inside a line when the shell's own process is gone (it exited, or was killed). */
class ShellGone extends Error {}

export class BashShell {
  readonly host: ShellHost;
  readonly task: Task;
  readonly interactive: boolean;
  readonly login: boolean;
  readonly jobs = new JobTable();
  /** $? */
  status = 0;
  /**
   * Its own process group, as the root namespace numbers it: while it is the
   * terminal's foreground group, this shell reads the terminal. 0 without job
   * control (bash -c, a subshell), whose children stay in its group.
   */
  pgrp = 0;
  /** The group it started in (bash's original_pgrp): it hands the terminal back to it when it exits. */
  #originalPgrp = 0;
  /** Shell variables set with NAME=value. */
  readonly #vars = new Map<string, string>();
  /** $! (as the shell's namespace numbers it), empty before the first background job. */
  #lastBackground = '';
  /** $PPID: bash reads getppid() once, at startup. */
  #ppid = 0;
  /** $$ of a subshell is its parent shell's (bash(1): "in a subshell, it expands to the PID of the invoking shell"). */
  readonly #dollar: number | undefined;
  /** The line being run; null when the shell waits at its prompt. */
  #running: Promise<number> | null = null;
  /** Job notices to print before the next prompt. */
  readonly #notices: string[] = [];
  /**
   * The builtin the previous command was, and the one running (bash's
   * last_shell_builtin, this_shell_builtin): `exit` right after `exit` or
   * `jobs` leaves even with stopped jobs.
   */
  #lastBuiltin: string | null = null;
  #thisBuiltin: string | null = null;
  /** A foreground job died of SIGINT: the rest of the line is dropped (bash's ADDINTERRUPT for a list). */
  #interrupted = false;

  constructor(host: ShellHost, task: Task, options: BashOptions) {
    this.host = host;
    this.task = task;
    this.interactive = options.interactive;
    this.login = options.login;
    this.#dollar = options.subshellOf?.lookupPid();
  }

  /** What $$ expands to. */
  lookupPid(): number {
    return this.#dollar ?? this.pid;
  }

  /** $$: the shell's PID in its own namespace (1 for the first process of a new namespace). */
  get pid(): number {
    return this.task.pid;
  }

  get dead(): boolean {
    return this.task.dead;
  }

  /** Running a line (a foreground job, or a nested shell that took the terminal). */
  get busy(): boolean {
    return this.#running !== null;
  }

  out(text: string): void {
    this.host.write(this.task, text);
  }

  err(text: string): void {
    this.host.write(this.task, text);
  }

  /**
   * Startup of an interactive bash (initialize_job_control): signal
   * dispositions, a process group of its own (as a namespace's init, pgid 1:
   * SEMANTICS 7.3), then it takes the terminal. The caller has checked that
   * it started in the foreground group.
   */
  async startInteractive(): Promise<void> {
    for (const sig of INTERACTIVE_IGNORED) await this.task.proc.sigaction(sig, 'ignore');
    this.#originalPgrp = (await this.host.processGroup(this.task)) ?? 0;
    await this.task.proc.setpgid(0, 0).catch(() => undefined);
    this.pgrp = (await this.host.processGroup(this.task)) ?? 0;
    this.host.setForegroundGroup(this.task, this.pgrp);
    await this.captureParent();
    this.host.attachShell(this);
  }

  /** Reads $PPID (0 when the parent is outside the shell's namespace, SEMANTICS 8.6). */
  async captureParent(): Promise<void> {
    this.#ppid = await this.task.proc.getppid();
  }

  /** Runs one line; resolves with $? once every command of it is done (or the shell died). */
  runLine(line: string): Promise<number> {
    return this.#track(() => this.#runLine(line));
  }

  /**
   * Ctrl-D at the prompt: readline returns end-of-file and bash runs `exit`
   * (reader_loop's EOF case), which says "exit" or "logout" and may refuse
   * while jobs are stopped.
   */
  endOfInput(): Promise<number> {
    return this.#track(async () => {
      this.#lastBuiltin = this.#thisBuiltin;
      this.#thisBuiltin = 'exit';
      this.err(this.login ? 'logout\n' : 'exit\n');
      if (!this.mayExit()) {
        this.status = 1;
        return;
      }
      await this.exit(this.status);
    });
  }

  /** Job notices waiting for the prompt, taken once. */
  takeNotices(): string[] {
    return this.#notices.splice(0);
  }

  /** $-parameters of this shell. */
  lookup(name: string): string | undefined {
    switch (name) {
      case '$':
        return String(this.lookupPid());
      case 'BASHPID':
        return String(this.pid);
      case '?':
        return String(this.status);
      case '!':
        return this.#lastBackground;
      case '#':
        return '0';
      case '0':
        return this.login ? '-bash' : 'bash';
      case 'PPID':
        return String(this.#ppid);
      case 'SHELL':
        return '/bin/bash';
      case 'HOME':
        return '/root';
      case 'USER':
      case 'LOGNAME':
        return 'root';
      default:
        return this.#vars.get(name);
    }
  }

  /**
   * bash's SIGCHLD handling, done at a quiet point: waitpid(-1, WNOHANG |
   * WUNTRACED | WCONTINUED) until nothing is left. Finished and stopped jobs
   * are noted for the prompt; other children (orphans this shell adopted as a
   * namespace's init) are just reaped. A stopped shell runs no handler: the
   * session does not call this then (its wait would only return after SIGCONT).
   */
  async reap(): Promise<void> {
    for (;;) {
      if (this.dead || this.task.stopped) return;
      let r;
      try {
        r = await this.task.proc.wait(-1, { nohang: true, untraced: true, continued: true });
      } catch {
        return; // ECHILD: no children; ESRCH: the shell died meanwhile.
      }
      if (r.pid === 0 || !r.change) return;
      const job = this.jobs.byPid(r.pid);
      if (!job) continue;
      this.jobs.changed(job, r.change);
      if (job.state === 'done') {
        // A foreground job's end is the business of the wait in the foreground, not a notice.
        if (this.interactive && !job.foreground) this.#notices.push(this.jobs.line(job));
        this.jobs.remove(job);
      } else if (job.state === 'stopped' && this.interactive) {
        // notify_of_job_status(): a stop notice starts on a fresh line.
        this.#notices.push(`\n${this.jobs.line(job)}`);
        job.notified = true;
      }
    }
  }

  /**
   * exit_or_logout(): an interactive shell with stopped jobs says so and stays,
   * unless the command before was `exit`, `logout` or `jobs`. False means it stays.
   */
  mayExit(): boolean {
    const again = this.#lastBuiltin === 'exit' || this.#lastBuiltin === 'logout' || this.#lastBuiltin === 'jobs';
    if (!this.interactive || again || !this.jobs.all.some((j) => j.state === 'stopped')) return true;
    this.err('There are stopped jobs.\n');
    // "Set both last and this so that either `exit', `logout', or ^D will work to exit immediately if nothing intervenes."
    this.#lastBuiltin = this.#thisBuiltin = 'exit';
    return false;
  }

  /**
   * The shell process ends (exit, logout, Ctrl-D); the line stops here. On
   * the way out bash's end_job_control() sends SIGTERM and SIGCONT to its
   * stopped jobs and gives the terminal back to the group it started in.
   */
  async exit(code: number): Promise<never> {
    if (this.interactive) {
      for (const job of this.jobs.all.filter((j) => j.state === 'stopped')) {
        await this.task.proc.kill(-job.pid, 'TERM').catch(() => undefined);
        await this.task.proc.kill(-job.pid, 'CONT').catch(() => undefined);
      }
      if (this.#originalPgrp !== 0) this.host.setForegroundGroup(this.task, this.#originalPgrp);
    }
    await this.task.proc.exit(code & 0xff).catch(() => undefined);
    throw new ShellGone();
  }

  /**
   * start_job(): fg and bg. Restarts `job` (SIGCONT to its group when it is
   * stopped); in the foreground it gets the terminal and the shell waits for
   * it, and its status is returned.
   */
  async continueJob(job: Job, foreground: boolean): Promise<number> {
    const wasStopped = job.state === 'stopped';
    if (foreground) {
      this.jobs.setCurrent(job.n);
      job.foreground = true;
    }
    if (wasStopped) this.jobs.continued(job, foreground);
    if (foreground) this.host.setForegroundGroup(this.task, job.pgrp);
    if (wasStopped) {
      job.notified = true;
      await this.task.proc.kill(-job.pid, 'CONT').catch((e: unknown) => {
        if (!errnoOf(e) || this.dead) throw e;
      });
    }
    if (foreground) return this.#waitForeground(job);
    this.jobs.resetCurrent();
    return 0;
  }

  setVariable(name: string, value: string): void {
    this.#vars.set(name, value);
  }

  /** Runs `body` as what the shell is busy with until it ends; resolves with $?. */
  #track(body: () => Promise<void>): Promise<number> {
    if (this.#running) throw new Error(`bash ${this.pid}: a line is already running`);
    const run = body().then(
      () => this.status,
      (e: unknown) => {
        if (e instanceof ShellGone || this.dead || this.host.closing) return this.status;
        throw e;
      },
    );
    const tracked = run.finally(() => {
      if (this.#running === tracked) this.#running = null;
    });
    this.#running = tracked;
    return tracked;
  }

  async #runLine(line: string): Promise<void> {
    const parsed = parseCommandLine(line);
    if (!parsed.ok) {
      this.err(`${parsed.message}\n`);
      this.status = parsed.status;
      return;
    }
    this.#interrupted = false;
    for (const cmd of parsed.commands) {
      if (cmd.connector === '&&' && this.status !== 0) continue;
      if (cmd.connector === '||' && this.status === 0) continue;
      const words = cmd.words.map((w) => expandWord(w, (name) => this.lookup(name)));
      this.status = await this.#runSimple(words, cmd);
      if (this.dead) throw new ShellGone();
      if (this.#interrupted) return;
    }
  }

  async #runSimple(words: string[], cmd: SimpleCommand): Promise<number> {
    // Leading NAME=value words: alone they set shell variables; before a command they would
    // only go to its environment, which the emulation does not model.
    let i = 0;
    while (i < words.length && /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[i]!)) i++;
    this.#lastBuiltin = this.#thisBuiltin;
    this.#thisBuiltin = null;
    if (i === words.length) {
      for (const w of words) {
        const eq = w.indexOf('=');
        this.#vars.set(w.slice(0, eq), w.slice(eq + 1));
      }
      return 0;
    }
    const argv = words.slice(i);
    // execute_simple_command(): a command word starting with `%` is `fg` of that job (`bg` with &).
    const jobCommand = argv[0]!.startsWith('%') ? (cmd.background ? 'bg' : 'fg') : undefined;
    const name = jobCommand ?? argv[0]!;
    const builtin = BUILTINS.get(name);
    if (builtin && (jobCommand || !cmd.background)) {
      this.#thisBuiltin = name;
      return builtin(this, jobCommand ? [jobCommand, ...argv] : argv);
    }
    return this.#runExternal(argv, cmd, builtin);
  }

  /** fork + exec (or, for a builtin run with &, a forked subshell running it). */
  async #runExternal(argv: string[], cmd: SimpleCommand, builtin: ((sh: BashShell, argv: string[]) => Promise<number>) | undefined): Promise<number> {
    let child: Task;
    try {
      child = await forkTask(this.host, this.task);
    } catch (e) {
      const code = errnoOf(e);
      if (this.dead) throw new ShellGone();
      if (!code) throw e;
      // e.g. ENOMEM once the namespace this shell forks into has lost its init (SEMANTICS 2.5).
      this.err(`bash: fork: ${strerror(code)}\n`);
      return 254;
    }
    const jobControl = this.pgrp !== 0;
    startProgram(this.host, child, async () => {
      if (jobControl) {
        // The job's own process group (job control), and the signals bash ignored back to default.
        await child.proc.setpgid(0, 0).catch(() => undefined);
        for (const sig of INTERACTIVE_IGNORED) await child.proc.sigaction(sig, 'default');
      }
      if (builtin) {
        const sub = new BashShell(this.host, child, { interactive: false, login: false, subshellOf: this });
        for (const [k, v] of this.#vars) sub.setVariable(k, v);
        return builtin(sub, argv);
      }
      const r = await execve(this.host, child, argv);
      if (r !== 'ENOENT') return r;
      const what = argv[0]!;
      this.host.write(child, what.includes('/') ? `bash: ${what}: No such file or directory\n` : `bash: ${what}: command not found\n`);
      return 127;
    });
    const pid = child.proc.pidIn(this.task.proc.ns);
    // With job control the child leads a group of its own; without, it stays in the shell's.
    const pgrp = jobControl ? child.proc.nspid[0]! : 0;
    const job = this.jobs.add(pid, pgrp, cmd.text, !cmd.background);
    if (cmd.background) {
      this.#lastBackground = String(pid);
      if (this.interactive) this.err(`[${job.n}] ${pid}\n`);
      return 0;
    }
    // stop_pipeline(): the parent gives the terminal to the new foreground job too (the child may not have run yet).
    if (jobControl) this.host.setForegroundGroup(this.task, pgrp);
    return this.#waitForeground(job);
  }

  /**
   * wait_for(): waitpid(pid, WUNTRACED) with job control. The job ends (its
   * status becomes $?) or stops (it stays in the table, announced at once);
   * either way the shell takes the terminal back (give_terminal_to).
   */
  async #waitForeground(job: Job): Promise<number> {
    const jobControl = this.pgrp !== 0;
    let r;
    try {
      r = await this.task.proc.wait(job.pid, { untraced: jobControl });
    } catch (e) {
      if (this.dead || this.host.closing) throw new ShellGone();
      throw e;
    }
    const change = r.change!;
    if (jobControl) this.host.setForegroundGroup(this.task, this.pgrp);
    this.jobs.changed(job, change);
    if (change.kind === 'stopped') {
      if (this.interactive) {
        this.err(`\n${this.jobs.line(job)}\n`);
        job.notified = true;
      }
      return exitStatusOf(change);
    }
    this.jobs.remove(job);
    if (change.kind === 'killed' && change.signal === SIGINT && jobControl) {
      // wait_for(): a foreground job killed by SIGINT: a new line, and the rest of the list is not run.
      this.err('\n');
      this.#interrupted = true;
    } else if (change.kind === 'killed' && change.signal !== SIGINT && change.signal !== SIGPIPE) {
      const what = strsignal(change.signal) + (change.core ? ' (core dumped)' : '');
      if (this.interactive || change.signal === SIGTERM) this.err(`${what}\n`);
      else this.err(`bash: ${job.pid} ${what.padEnd(24)}${job.text}\n`);
    }
    return exitStatusOf(change);
  }
}
