// This file implements the user-space side of an emulated process: what the
// kernel does not know about it but a terminal session does (its controlling
// terminal, its mount namespace, where its output goes, whether it runs, is
// stopped or is gone), and the table that finds it by kernel key. Every
// process the shell layer forks gets one; children inherit their parent's at fork.

import type { ChildChange, Process } from '../index.js';
import type { MountNamespace } from './mount-namespace.js';

export type ProcKey = Process['key'];

/** Where a process's standard output and error go. nohup sends them to nohup.out, which the emulation drops. */
export type OutputTarget = 'tty' | 'nohup.out';

/**
 * As the kernel's events report it: 'stopped' from a stop signal until
 * SIGCONT (its syscalls wait until then), 'dead' from its exit on (its
 * pending syscalls fail with ESRCH).
 */
export type TaskState = 'running' | 'stopped' | 'dead';

export class Task {
  readonly proc: Process;
  /** The controlling terminal (`pts/1`), or null for processes started without one (the global init). */
  readonly tty: string | null;
  /** Its mount namespace: decides which /proc it sees. unshare --mount and nsenter --mount change it. */
  mnt: MountNamespace;
  /** comm and argv, as the last execve set them (the kernel has them too; kept here to fork with them). */
  comm: string;
  argv: readonly string[];
  /** nohup redirects stdin from /dev/null: an interactive bash then has nothing to read and exits. */
  stdin: 'tty' | 'null';
  output: OutputTarget;
  state: TaskState = 'running';
  /** How it ended, once dead. */
  exit: ChildChange | null = null;
  /** Runs when a caught signal is delivered (sudo relays signals to its command). */
  onSignal: ((sig: number) => void) | null = null;
  /** Run once when the process dies. */
  readonly #onExit: (() => void)[] = [];

  constructor(proc: Process, init: { tty: string | null; mnt: MountNamespace; comm: string; argv: readonly string[] }) {
    this.proc = proc;
    this.tty = init.tty;
    this.mnt = init.mnt;
    this.comm = init.comm;
    this.argv = init.argv;
    this.stdin = 'tty';
    this.output = 'tty';
  }

  get key(): ProcKey {
    return this.proc.key;
  }

  get dead(): boolean {
    return this.state === 'dead';
  }

  get stopped(): boolean {
    return this.state === 'stopped';
  }

  /** The task's PID as its own namespace shows it ($$ for a shell). */
  get pid(): number {
    return this.proc.pid;
  }

  /** Calls `fn` when the process dies (at once if it already has). */
  whenDead(fn: () => void): void {
    if (this.dead) fn();
    else this.#onExit.push(fn);
  }

  /** The kernel reported a stop ('stop') or a SIGCONT that resumed it ('continue'). */
  markStopped(stopped: boolean): void {
    if (this.dead) return;
    this.state = stopped ? 'stopped' : 'running';
  }

  /** The kernel reported the exit: mark it and run the hooks. */
  markDead(change: ChildChange | null): void {
    if (this.dead) return;
    this.state = 'dead';
    this.exit = change;
    for (const fn of this.#onExit.splice(0)) fn();
  }

  toString(): string {
    return `${this.comm}(${this.pid})`;
  }
}

/** Every task by kernel key, with the exits the kernel reported before a task was registered. */
export class TaskTable {
  readonly #byKey = new Map<ProcKey, Task>();
  /** Exits reported for keys not registered yet (a child that died before fork() returned to its parent). */
  readonly #exitedEarly = new Map<ProcKey, ChildChange>();

  add(task: Task): Task {
    this.#byKey.set(task.key, task);
    const early = this.#exitedEarly.get(task.key);
    if (early) {
      this.#exitedEarly.delete(task.key);
      task.markDead(early);
    }
    return task;
  }

  get(key: ProcKey): Task | undefined {
    return this.#byKey.get(key);
  }

  /** The kernel's 'exit' event. */
  exited(key: ProcKey, change: ChildChange): void {
    const task = this.#byKey.get(key);
    if (task) task.markDead(change);
    else this.#exitedEarly.set(key, change);
  }

  /** The kernel's 'reap' event: the process is gone for good. */
  reaped(key: ProcKey): void {
    this.#byKey.delete(key);
    this.#exitedEarly.delete(key);
  }

  /** Live tasks, oldest first. */
  alive(): Task[] {
    return [...this.#byKey.values()].filter((t) => !t.dead);
  }
}
