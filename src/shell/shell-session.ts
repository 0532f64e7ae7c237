// This file implements the terminal session: a fresh emulated kernel (its
// init is `systemd`, /sbin/init), windows that each get a login bash when
// first opened (`window N`), the line-by-line driver, and the quiet points
// between lines. After a line, the session lets every emulated program run
// until nothing moves, lets each bash reap what its SIGCHLD handler would,
// and, while the window's shell still waits for a foreground job, advances
// the kernel's manual clock to the next `sleep` deadline. So replaying the
// same lines gives the same PIDs and the same output every time.

import { createKernel, type Kernel, type KernelTrace, type TimedEvent, type TraceOptions } from '../index.js';
import { BashShell } from './bash-shell.js';
import { MountTable, type MountNamespace } from './mount-namespace.js';
import { Task, TaskTable } from './task.js';
import { ToolRegistry } from './tool-registry.js';
import { Window } from './window.js';
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
  readonly #windows = new Map<number, Window>();
  /** Every interactive shell still alive, to reap at quiet points. */
  readonly #shells = new Set<BashShell>();
  readonly #sink: ((text: string) => void) | undefined;
  #front: Window | undefined;
  #rootMnt: MountNamespace | undefined;
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

  /** `[w1 $$=2]# `: the window and the $$ of the shell reading it. */
  prompt(): string {
    const w = this.window;
    const sh = w.shell;
    if (!sh) return `[w${w.n} closed]# `;
    if (sh.busy) return `[w${w.n} busy]# `;
    return `[w${w.n} $$=${sh.pid}]# `;
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

  /** Runs a line in the front window (without echoing it) and waits for the session to settle. */
  async submit(line: string): Promise<void> {
    const trimmed = line.trim();
    const win = /^window(?:\s+(.*))?$/.exec(trimmed);
    if (win) return this.#windowCommand(win[1]?.trim());
    const w = this.window;
    const sh = w.shell;
    if (!sh) {
      if (trimmed !== '' && !trimmed.startsWith('#')) this.#show(`pidsim: window ${w.n} is closed (its login shell exited); switch with \`window N\`\n`);
      return;
    }
    if (sh.busy) {
      this.#show(`pidsim: window ${w.n} is busy (its foreground job waits for something that never comes); switch with \`window N\`\n`);
      return;
    }
    sh.runLine(line).catch((e: unknown) => {
      // A bug in the emulation, not a failure of the emulated command: say so on the terminal.
      this.#show(`pidsim: internal error: ${e instanceof Error ? e.message : String(e)}\n`);
    });
    await this.#settle(w);
    if (w.shell === sh && !sh.busy) this.lastStatus = sh.status;
    else if (sh.dead && sh.task.exit?.kind === 'exited') this.lastStatus = sh.task.exit.code;
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
    if (task.output !== 'tty' || task.tty === null) return;
    const w = [...this.#windows.values()].find((x) => x.tty === task.tty);
    if (!w) return;
    if (w === this.#front) this.#show(text);
    else w.hold(text);
  }

  attachShell(shell: BashShell): void {
    const w = [...this.#windows.values()].find((x) => x.tty === shell.task.tty);
    this.#shells.add(shell);
    shell.task.whenDead(() => this.#shells.delete(shell));
    w?.push(shell);
  }

  // --- internals --------------------------------------------------------------------

  async #boot(): Promise<void> {
    this.kernel.subscribe((e) => this.#onEvent(e));
    const rootPidNs = await this.kernel.init.openNs('self');
    this.#rootMnt = this.mounts.root(rootPidNs);
    this.tasks.add(new Task(this.kernel.init, { tty: null, mnt: this.#rootMnt, comm: 'systemd', argv: ['/sbin/init'] }));
    await this.#windowCommand('1');
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
        if (e.action !== 'handler') return;
        const task = this.tasks.get(e.key);
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

  /** `window N`: bring window N to the front, opening it (with a login bash) the first time. */
  async #windowCommand(arg: string | undefined): Promise<void> {
    if (arg === undefined || arg === '') {
      for (const w of this.#windows.values()) {
        const state = w.closed ? 'closed' : `shells ($$): ${w.stack.join(' ')}`;
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
    if (!w || w.closed) {
      w = new Window(n);
      this.#windows.set(n, w);
      this.#front = w;
      await this.#login(w);
    }
    this.#front = w;
    await this.#settle(w);
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
   * Runs everything until it is quiet: programs step, shells reap (as their
   * SIGCHLD handler would), and while the window's shell still waits for a
   * foreground job, virtual time jumps to the next sleep deadline.
   */
  async #settle(w: Window): Promise<void> {
    for (;;) {
      await quiesce();
      for (const sh of [...this.#shells]) await sh.reap();
      await quiesce();
      const sh = w.shell;
      if (!sh || !sh.busy) break;
      const next = this.kernel.nextTimerAt();
      if (next === undefined) break;
      await this.kernel.advance(next - this.kernel.now());
    }
    this.#showNotices(w);
  }

  /** bash prints job notices just before its prompt. */
  #showNotices(w: Window): void {
    const sh = w.shell;
    if (!sh || sh.busy || w !== this.#front) return;
    for (const line of sh.takeNotices()) this.#show(`${line}\n`);
  }
}
