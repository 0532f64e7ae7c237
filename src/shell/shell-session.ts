// This file implements the terminal session: a fresh emulated kernel (its
// init is `systemd`, /sbin/init), windows that each get a login bash when
// first opened (`window N`), the line-by-line driver, the keys a terminal
// turns into signals (Ctrl-C, Ctrl-Z) or end-of-file (Ctrl-D), and the quiet
// points between lines. After a line, the session lets every emulated
// program run until nothing moves, lets each running bash reap what its
// SIGCHLD handler would, and, while the window's foreground job still runs,
// advances the kernel's manual clock to the next `sleep` deadline (unless
// told to hold time, for a key typed while the job runs). So replaying the
// same lines gives the same PIDs and the same output every time.

import { createKernel, type Kernel, type KernelTrace, type ProcFs, type TimedEvent, type TraceOptions } from '../index.js';
import { BashShell } from './bash-shell.js';
import { MountTable, type MountNamespace } from './mount-namespace.js';
import { Task, TaskTable } from './task.js';
import { ToolRegistry } from './tool-registry.js';
import { Window } from './window.js';
import { errnoOf } from './strerror.js';
import type { ShellHost } from './shell-host.js';
import type { Tool } from './program-exec.js';
import { bashTool } from './tools/bash.js';
import { catTool } from './tools/cat.js';
import { grepTool } from './tools/grep.js';
import { lsTool } from './tools/ls.js';
import { mountTool } from './tools/mount.js';
import { nohupTool } from './tools/nohup.js';
import { nsenterTool } from './tools/nsenter.js';
import { psTool } from './tools/ps.js';
import { pstreeTool } from './tools/pstree.js';
import { readlinkTool } from './tools/readlink.js';
import { sleepTool } from './tools/sleep.js';
import { sudoTool } from './tools/sudo.js';
import { falseTool, trueTool } from './tools/true-false.js';
import { unshareTool } from './tools/unshare.js';

export interface ShellSessionOptions {
  /** Seed of the inline transport's scheduler (the output does not depend on it). */
  readonly seed?: number;
  /** Receives everything the front window shows, as it happens. */
  readonly sink?: (text: string) => void;
  /** Write the session's run as a trace (docs/trace.md), from boot to close. */
  readonly trace?: TraceOptions | undefined;
}

/** A key the terminal does not pass on as text: Ctrl-C (SIGINT), Ctrl-Z (SIGTSTP), Ctrl-D (end of file). */
export type ControlKey = 'C' | 'Z' | 'D';

/** A line typed into a window where nothing could read it. */
export interface RefusedLine {
  readonly window: number;
  readonly line: string;
  /** 'busy': a foreground job ran; 'stopped': the shell that reads the terminal was stopped. */
  readonly why: 'busy' | 'stopped';
}

/** Every program on the emulated $PATH. */
const TOOLS: readonly Tool[] = [bashTool, catTool, grepTool, lsTool, mountTool, nohupTool, nsenterTool, psTool, pstreeTool, readlinkTool, sleepTool, sudoTool, trueTool, falseTool, unshareTool];

const MAX_WINDOWS = 99;

/** Lets every queued microtask (kernel messages, program steps) run. */
function quiesce(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

export class ShellSession implements ShellHost {
  readonly kernel: Kernel;
  readonly tasks = new TaskTable();
  readonly mounts = new MountTable();
  readonly tools = new ToolRegistry();
  closing = false;
  /** $? of the last command that finished in the front window (what `pidsim shell` exits with). */
  lastStatus = 0;
  /** Lines typed into a busy or stopped window, which nothing read. */
  readonly refused: RefusedLine[] = [];
  readonly #windows = new Map<number, Window>();
  /** Every interactive shell still alive, to reap at quiet points. */
  readonly #shells = new Set<BashShell>();
  readonly #sink: ((text: string) => void) | undefined;
  #front: Window | undefined;
  #rootMnt: MountNamespace | undefined;
  /** /proc of the root namespace: process groups by the numbers terminals use. */
  #rootProcfs: ProcFs | undefined;
  /** The shell that ran the last line, and its window: its $? becomes lastStatus once the line is done. */
  #lastLine: { readonly window: Window; readonly shell: BashShell } | null = null;
  /** What the session is doing, for the message should it ever stop making progress. */
  #doing = 'booting';
  /** Everything the front window showed, for tests. */
  #transcript = '';
  /** The trace being written, if one was asked for. */
  #trace: KernelTrace | undefined;

  private constructor(kernel: Kernel, options: ShellSessionOptions) {
    this.kernel = kernel;
    this.#sink = options.sink;
    for (const tool of TOOLS) this.tools.register(tool);
  }

  /** Boots a kernel and opens window 1 with its login shell. */
  static async start(options: ShellSessionOptions = {}): Promise<ShellSession> {
    const kernel = createKernel({
      seed: options.seed ?? 0,
      clock: 'manual',
      init: { program: 'reaper', name: 'systemd', argv: ['/sbin/init'] },
    });
    const session = new ShellSession(kernel, options);
    session.#trace = options.trace ? kernel.trace(options.trace) : undefined;
    await session.#boot();
    return session;
  }

  /** The window in front. */
  get window(): Window {
    return this.#front!;
  }

  /** Every window opened so far, by number. */
  get windows(): ReadonlyMap<number, Window> {
    return this.#windows;
  }

  /** Every window's login shell has exited: the session is over. */
  get ended(): boolean {
    return [...this.#windows.values()].every((w) => w.closed);
  }

  /** All that the front window has shown, across switches. */
  get transcript(): string {
    return this.#transcript;
  }

  /** What the session was doing last (it names the step if the session ever stops making progress). */
  get activity(): string {
    return this.#doing;
  }

  /** The front window's foreground job still runs: virtual time would pass for it. */
  get waiting(): boolean {
    return this.window.state === 'busy';
  }

  /**
   * `[w1 $$=2]# `: the window and the $$ of the shell reading it; `busy`
   * while a foreground job runs, `stopped` while the shell that should read
   * is stopped, `closed` once every shell of the window has exited.
   */
  prompt(): string {
    const w = this.window;
    const state = w.state;
    if (state === 'prompt') return `[w${w.n} $$=${w.reader!.pid}]# `;
    return `[w${w.n} ${state}]# `;
  }

  /** Shows a line as typed after the prompt (for transcripts of scripts). */
  echo(line: string): void {
    this.#show(`${this.prompt()}${line}\n`);
  }

  /** Shows text in the front window as is (comments of a script). */
  note(text: string): void {
    this.#show(text);
  }

  /** Types `line` into the front window: echoes it, runs it, returns what it printed. */
  async run(line: string): Promise<string> {
    this.echo(line);
    const start = this.#transcript.length;
    await this.submit(line);
    return this.#transcript.slice(start);
  }

  /**
   * Runs a line in the front window (without echoing it) and waits for the
   * session to settle. `holdTime`: no virtual time passes even if a
   * foreground job is left running (a key typed next reaches it; then
   * passTime()).
   */
  async submit(line: string, options: { readonly holdTime?: boolean } = {}): Promise<void> {
    const passTime = options.holdTime !== true;
    const trimmed = line.trim();
    const win = /^window(?:\s+(.*))?$/.exec(trimmed);
    if (win) return this.#windowCommand(win[1]?.trim(), passTime);
    const w = this.window;
    if (w.state !== 'prompt') {
      if (trimmed !== '' && !trimmed.startsWith('#')) this.#refuse(w, line);
      return;
    }
    const sh = w.reader!;
    this.#lastLine = { window: w, shell: sh };
    this.#doing = `running \`${line}\` in window ${w.n}`;
    sh.runLine(line).catch((e: unknown) => this.#internalError(e));
    await this.#settle(w, passTime);
  }

  /** Lets virtual time pass while the front window's foreground job runs (after submit with holdTime). */
  async passTime(): Promise<void> {
    await this.#settle(this.window, true);
  }

  /**
   * A control key typed at the front window. Ctrl-C and Ctrl-Z send SIGINT
   * and SIGTSTP to the terminal's foreground process group, as the tty
   * driver does (from the kernel: here from init, whose signals to a
   * namespace's init are dropped the same way, SEMANTICS 4.3); at a prompt
   * that is the shell, which ignores them. Ctrl-D is end-of-file for the
   * shell at the prompt. The terminal shows `^C`, `^Z` (or nothing: readline
   * echoes no ^Z, nor ^D); in a script the prompt is shown first where a
   * shell reads.
   */
  async key(key: ControlKey, mode: 'script' | 'interactive'): Promise<void> {
    const w = this.window;
    const state = w.state;
    const script = mode === 'script';
    this.#doing = `handling Ctrl-${key} in window ${w.n}`;
    if (key === 'D') {
      if (state !== 'prompt') {
        // Nothing reads the terminal now: the end-of-file waits in vain, like a line.
        if (script) {
          this.echo('');
          this.#refuse(w, '^D');
        }
        return;
      }
      this.#show(script ? `${this.prompt()}\n` : '\n');
      const sh = w.reader!;
      this.#lastLine = { window: w, shell: sh };
      sh.endOfInput().catch((e: unknown) => this.#internalError(e));
      await this.#settle(w, true);
      return;
    }
    if (state === 'prompt' || state === 'closed') {
      if (key === 'C') this.#show(script ? `${this.prompt()}^C\n` : '^C\n');
    } else {
      this.#show(`^${key}`);
    }
    if (w.foreground !== null) {
      await this.kernel.init.kill(-w.foreground, key === 'C' ? 'INT' : 'TSTP').catch((e: unknown) => {
        // The group may be gone (its last member exited): then the key reaches no one.
        if (!errnoOf(e)) throw e;
      });
    }
    await this.#settle(w, true);
  }

  /** Shuts the kernel down; pending syscalls of still-running programs fail quietly. */
  async close(): Promise<void> {
    this.closing = true;
    this.#trace?.close();
    await this.kernel.close();
    await quiesce();
  }

  // --- ShellHost --------------------------------------------------------------------

  write(task: Task, text: string): void {
    if (task.output !== 'tty') return;
    const w = this.#windowOf(task);
    if (!w) return;
    if (w === this.#front) this.#show(text);
    else w.hold(text);
  }

  attachShell(shell: BashShell): void {
    const w = this.#windowOf(shell.task);
    this.#shells.add(shell);
    shell.task.whenDead(() => this.#shells.delete(shell));
    w?.push(shell);
  }

  foregroundGroup(task: Task): number | undefined {
    return this.#windowOf(task)?.foreground ?? undefined;
  }

  setForegroundGroup(task: Task, pgrp: number): void {
    const w = this.#windowOf(task);
    if (w) w.foreground = pgrp;
  }

  async processGroup(task: Task): Promise<number | undefined> {
    try {
      return (await this.#rootProcfs!.status(task.proc.nspid[0]!)).pgid;
    } catch (e) {
      if (!errnoOf(e)) throw e;
      return undefined;
    }
  }

  // --- internals --------------------------------------------------------------------

  async #boot(): Promise<void> {
    this.kernel.subscribe((e) => this.#onEvent(e));
    const rootPidNs = await this.kernel.init.openNs('self');
    this.#rootMnt = this.mounts.root(rootPidNs);
    this.#rootProcfs = this.kernel.procfs(this.kernel.init.ns);
    this.tasks.add(new Task(this.kernel.init, { tty: null, mnt: this.#rootMnt, comm: 'systemd', argv: ['/sbin/init'] }));
    await this.#windowCommand('1', true);
  }

  #onEvent(e: TimedEvent): void {
    switch (e.type) {
      case 'exit':
        this.tasks.exited(e.key, e.change);
        return;
      case 'reap':
        this.tasks.reaped(e.key);
        return;
      case 'signal-delivered': {
        const task = this.tasks.get(e.key);
        if (e.action === 'stop' || e.action === 'continue') {
          task?.markStopped(e.action === 'stop');
          return;
        }
        if (e.action !== 'handler') return;
        const handler = task?.onSignal;
        if (handler) queueMicrotask(() => handler(e.sig));
        return;
      }
      default:
        return;
    }
  }

  #show(text: string): void {
    if (text === '') return;
    this.#transcript += text;
    this.#sink?.(text);
  }

  /** The window whose terminal the task has. */
  #windowOf(task: Task): Window | undefined {
    if (task.tty === null) return undefined;
    return [...this.#windows.values()].find((x) => x.tty === task.tty);
  }

  /** A bug in the emulation, not a failure of an emulated command: say so on the terminal. */
  #internalError(e: unknown): void {
    this.#show(`pidsim: internal error: ${e instanceof Error ? e.message : String(e)}\n`);
  }

  /** A line typed where nothing reads it: say why, and keep it for the end of a script. */
  #refuse(w: Window, line: string): void {
    const state = w.state;
    if (state === 'closed') {
      this.#show(`pidsim: window ${w.n} is closed (its login shell exited); switch with \`window N\`\n`);
      return;
    }
    if (state === 'stopped') {
      this.#show(
        `pidsim: window ${w.n} is stopped: its shell (bash, $$=${w.reader!.pid}) was stopped by a signal, and nothing reads the terminal until it gets SIGCONT (kill -CONT from another window); switch with \`window N\`\n`,
      );
    } else {
      this.#show(`pidsim: window ${w.n} is busy: its foreground job has not finished (Ctrl-Z stops it, Ctrl-C interrupts it); switch with \`window N\`\n`);
    }
    if (state === 'busy' || state === 'stopped') this.refused.push({ window: w.n, line, why: state });
  }

  /** `window N`: bring window N to the front, opening it (with a login bash) the first time. */
  async #windowCommand(arg: string | undefined, passTime: boolean): Promise<void> {
    if (arg === undefined || arg === '') {
      for (const w of this.#windows.values()) {
        const shells = w.shells.map((sh) => (sh.task.stopped ? `${sh.pid} (stopped)` : String(sh.pid)));
        const state = w.closed ? 'closed' : `shells ($$): ${shells.join(' ')}`;
        this.#show(`window ${w.n} (${w.tty})${w === this.#front ? ' *' : ''}: ${state}\n`);
      }
      return;
    }
    const n = Number(arg);
    if (!/^\d+$/.test(arg) || n < 1 || n > MAX_WINDOWS) {
      this.#show(`pidsim: window: expected a window number from 1 to ${MAX_WINDOWS}, received '${arg}'\n`);
      return;
    }
    let w = this.#windows.get(n);
    this.#doing = `switching to window ${n}`;
    if (!w || w.closed) {
      w = new Window(n);
      this.#windows.set(n, w);
      this.#front = w;
      await this.#login(w);
    }
    this.#front = w;
    await this.#settle(w, passTime);
    this.#show(w.takeHeld());
    this.#showNotices(w);
  }

  /** A login shell for a new window: a child of init, session leader, `-bash`. */
  async #login(w: Window): Promise<void> {
    const proc = await this.kernel.init.fork({ program: 'idle', name: 'bash', argv: ['-bash'] });
    const task = this.tasks.add(new Task(proc, { tty: w.tty, mnt: this.#rootMnt!, comm: 'bash', argv: ['-bash'] }));
    await proc.setsid();
    const shell = new BashShell(this, task, { interactive: true, login: true });
    await shell.startInteractive();
  }

  /**
   * Runs everything until it is quiet: programs step, running shells reap
   * (as their SIGCHLD handler would; a stopped one runs no handler), and, if
   * `passTime`, while the window's foreground job still runs, virtual time
   * jumps to the next sleep deadline.
   */
  async #settle(w: Window, passTime: boolean): Promise<void> {
    for (;;) {
      await quiesce();
      for (const sh of [...this.#shells]) {
        if (sh.task.stopped) continue;
        this.#doing = `letting bash ($$=${sh.pid} on ${sh.task.tty}) reap its children`;
        await sh.reap();
      }
      await quiesce();
      if (!passTime || w.state !== 'busy') break;
      const next = this.kernel.nextTimerAt();
      if (next === undefined) break;
      this.#doing = `advancing the clock to ${next} ms for window ${w.n}`;
      await this.kernel.advance(next - this.kernel.now());
    }
    this.#doing = `idle, window ${w.n} ${w.state}`;
    this.#recordStatus(w);
    this.#showNotices(w);
  }

  /** Once the last line's shell is back at its prompt (or gone), its $? is the session's. */
  #recordStatus(w: Window): void {
    const last = this.#lastLine;
    if (!last || last.window !== w) return;
    const sh = last.shell;
    if (w.reader === sh && !sh.busy) this.lastStatus = sh.status;
    else if (sh.dead && sh.task.exit?.kind === 'exited') this.lastStatus = sh.task.exit.code;
  }

  /** bash prints job notices just before its prompt. */
  #showNotices(w: Window): void {
    const sh = w.reader;
    if (!sh || w.state !== 'prompt' || w !== this.#front) return;
    for (const line of sh.takeNotices()) this.#show(`${line}\n`);
  }
}
