// This file implements the emulated bash: one per bash process. It parses a
// line, expands $$ and friends, runs builtins in its own process and forks
// a child for everything else (so external commands consume PIDs, builtins
// do not), waits for foreground jobs (WUNTRACED, like bash), keeps the job
// table of background jobs, and reaps finished jobs and adopted orphans the
// way bash's SIGCHLD handler does (waitpid(-1, WNOHANG) until nothing is
// left), which the session calls at every quiet point.

import { parseCommandLine, type SimpleCommand } from './command-line.js';
import { expandWord } from './word-expansion.js';
import { JobTable } from './job-table.js';
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
 * here rather than caught: there is no Ctrl-C to handle.) So a plain `kill`
 * of an interactive bash does nothing; `kill -9` or `kill -HUP` ends it.
 */
const INTERACTIVE_IGNORED = ['TERM', 'INT', 'QUIT', 'TSTP', 'TTIN', 'TTOU'] as const;

const SIGINT = 2;
const SIGPIPE = 13;
const SIGTERM = 15;

export interface BashOptions {
  /** Reads commands from a terminal: prompts, job notices, ignores SIGTERM. */
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

  /** Startup of an interactive bash: signal dispositions, its own process group, then it takes the terminal. */
  async startInteractive(): Promise<void> {
    for (const sig of INTERACTIVE_IGNORED) await this.task.proc.sigaction(sig, 'ignore');
    // Job control: bash puts itself in a process group of its own (as ns init: pgid 1, SEMANTICS 7.3).
    await this.task.proc.setpgid(0, 0).catch(() => undefined);
    await this.captureParent();
    this.host.attachShell(this);
  }

  /** Reads $PPID (0 when the parent is outside the shell's namespace, SEMANTICS 8.6). */
  async captureParent(): Promise<void> {
    this.#ppid = await this.task.proc.getppid();
  }

  /** Runs one line; resolves with $? once every command of it is done (or the shell died). */
  runLine(line: string): Promise<number> {
    if (this.#running) throw new Error(`bash ${this.pid}: a line is already running`);
    const run = this.#runLine(line).then(
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
   * WUNTRACED | WCONTINUED) until nothing is left. Finished and stopped jobs are noted
   * for the prompt; other children (orphans this shell adopted as a
   * namespace's init) are just reaped.
   */
  async reap(): Promise<void> {
    for (;;) {
      if (this.dead) return;
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
        if (this.interactive) this.#notices.push(this.jobs.notice(job));
        this.jobs.remove(job);
      } else if (job.state === 'stopped' && this.interactive) {
        // bash starts a stop notice on a fresh line.
        this.#notices.push(`\n${this.jobs.notice(job)}`);
      }
    }
  }

  /** exit/logout: the process ends; the line stops here. */
  async exit(code: number): Promise<never> {
    if (this.interactive) this.err(this.login ? 'logout\n' : 'exit\n');
    await this.task.proc.exit(code & 0xff).catch(() => undefined);
    throw new ShellGone();
  }

  setVariable(name: string, value: string): void {
    this.#vars.set(name, value);
  }

  async #runLine(line: string): Promise<void> {
    const parsed = parseCommandLine(line);
    if (!parsed.ok) {
      this.err(`${parsed.message}\n`);
      this.status = parsed.status;
      return;
    }
    for (const cmd of parsed.commands) {
      if (cmd.connector === '&&' && this.status !== 0) continue;
      if (cmd.connector === '||' && this.status === 0) continue;
      const words = cmd.words.map((w) => expandWord(w, (name) => this.lookup(name)));
      this.status = await this.#runSimple(words, cmd);
      if (this.dead) throw new ShellGone();
    }
  }

  async #runSimple(words: string[], cmd: SimpleCommand): Promise<number> {
    // Leading NAME=value words: alone they set shell variables; before a command they would
    // only go to its environment, which the emulation does not model.
    let i = 0;
    while (i < words.length && /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[i]!)) i++;
    if (i === words.length) {
      for (const w of words) {
        const eq = w.indexOf('=');
        this.#vars.set(w.slice(0, eq), w.slice(eq + 1));
      }
      return 0;
    }
    const argv = words.slice(i);
    const builtin = BUILTINS.get(argv[0]!);
    if (builtin && !cmd.background) return builtin(this, argv);
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
    if (cmd.background) child.background = true;
    const interactive = this.interactive;
    startProgram(this.host, child, async () => {
      if (interactive) {
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
    if (cmd.background) {
      const job = this.jobs.add(pid, cmd.text);
      this.#lastBackground = String(pid);
      if (this.interactive) this.err(`[${job.n}] ${pid}\n`);
      return 0;
    }
    return this.#waitForeground(pid, cmd.text);
  }

  /** waitpid(pid, WUNTRACED): the job ends (its status becomes $?) or stops (it joins the job table). */
  async #waitForeground(pid: number, text: string): Promise<number> {
    let r;
    try {
      r = await this.task.proc.wait(pid, { untraced: true });
    } catch (e) {
      if (this.dead || this.host.closing) throw new ShellGone();
      throw e;
    }
    const change = r.change!;
    if (change.kind === 'stopped') {
      const job = this.jobs.add(pid, text, 'stopped');
      this.jobs.changed(job, change);
      if (this.interactive) this.err(`\n${this.jobs.notice(job)}\n`);
      return exitStatusOf(change);
    }
    if (change.kind === 'killed' && change.signal !== SIGINT && change.signal !== SIGPIPE) {
      const what = strsignal(change.signal) + (change.core ? ' (core dumped)' : '');
      if (this.interactive || change.signal === SIGTERM) this.err(`${what}\n`);
      else this.err(`bash: ${pid} ${what.padEnd(24)}${text}\n`);
    }
    return exitStatusOf(change);
  }
}
