// This file implements how an emulated program runs: fork() gives the child
// a kernel process (running 'idle': its behaviour is the program's JS code)
// plus a user-space Task inheriting the parent's terminal and mount
// namespace; execve() looks the program up on $PATH, renames the process
// (comm, argv) and runs the program's main(). A program returns its exit
// status, or 'running' when the process goes on by itself (a kernel `sleep`,
// an interactive bash). If the process is killed meanwhile, its pending
// syscalls fail with ESRCH and the program simply stops, as a killed
// process does.

import type { ShellHost } from './shell-host.js';
import { Task } from './task.js';

/** What a program's main() hands back: an exit status, or 'running' (the process lives on). */
export type ToolResult = number | 'running';

export interface ToolContext {
  readonly host: ShellHost;
  /** The process running the program. */
  readonly task: Task;
  readonly argv: readonly string[];
  /** Standard output (the task's terminal, or nohup.out). */
  out(text: string): void;
  /** Standard error. */
  err(text: string): void;
}

/** util-linux exec_shell(): $SHELL (here /bin/bash) with argv[0] `-bash`, i.e. as a login shell. */
export const DEFAULT_SHELL = { file: '/bin/bash', argv: ['-bash'] } as const;

export interface Tool {
  /** comm after execve: `unshare`. */
  readonly name: string;
  /** Where it lives: `/usr/bin/unshare`. */
  readonly path: string;
  main(ctx: ToolContext): Promise<ToolResult>;
}

export function toolContext(host: ShellHost, task: Task, argv: readonly string[]): ToolContext {
  return {
    host,
    task,
    argv,
    out: (text) => host.write(task, text),
    err: (text) => host.write(task, text),
  };
}

/** fork(): a child running what the parent runs, with the parent's terminal, mount namespace and output. */
export async function forkTask(host: ShellHost, parent: Task): Promise<Task> {
  const proc = await parent.proc.fork({ program: 'idle', name: parent.comm, argv: parent.argv });
  const child = new Task(proc, { tty: parent.tty, mnt: parent.mnt, comm: parent.comm, argv: parent.argv });
  child.stdin = parent.stdin;
  child.output = parent.output;
  return host.tasks.add(child);
}

/**
 * execve() + the program's main(). 'ENOENT' when nothing on $PATH has that
 * name; the caller prints its own message, as each tool words it differently.
 * `file` is what to run when it differs from argv[0] (a login shell runs
 * /bin/bash with argv[0] `-bash`).
 */
export async function execve(host: ShellHost, task: Task, argv: readonly string[], file: string = argv[0] ?? ''): Promise<ToolResult | 'ENOENT'> {
  const tool = host.tools.lookup(file);
  if (!tool) return 'ENOENT';
  // comm is the file name executed, not argv[0] (fs/exec.c __set_task_comm(kbasename(filename))).
  await task.proc.exec('idle', { name: tool.name, argv });
  task.comm = tool.name.slice(0, 15);
  task.argv = argv;
  return tool.main(toolContext(host, task, argv));
}

/**
 * Runs `body` as the life of process `task`, in the background: its exit
 * status ends the process. A body that fails because its process died is
 * over (that is what being killed means); any other failure is a bug in the
 * emulation, reported on the terminal and turned into exit status 1.
 */
export function startProgram(host: ShellHost, task: Task, body: () => Promise<ToolResult>): void {
  void (async () => {
    try {
      const result = await body();
      if (typeof result === 'number' && !task.dead) await task.proc.exit(result & 0xff);
    } catch (e) {
      if (task.dead || host.closing) return;
      host.write(task, `pidsim: internal error in ${task.comm}: ${e instanceof Error ? e.message : String(e)}\n`);
      await task.proc.exit(1).catch(() => undefined);
    }
  })();
}
