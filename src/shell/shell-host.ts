// This file declares what the emulated programs (bash and the tools) get
// from the terminal session that runs them: the kernel, the user-space
// process table, mount namespaces, timers, the programs on $PATH, and the
// terminal to write to and whose foreground process group job control
// moves. ShellSession implements it; tests may fake it.

import type { Kernel } from '../index.js';
import type { BashShell } from './bash-shell.js';
import type { MountTable } from './mount-namespace.js';
import type { Task, TaskTable } from './task.js';
import type { ToolRegistry } from './tool-registry.js';

export interface ShellHost {
  readonly kernel: Kernel;
  readonly tasks: TaskTable;
  readonly mounts: MountTable;
  readonly tools: ToolRegistry;
  /** True once the session is shutting down: failures of pending syscalls are expected then. */
  readonly closing: boolean;
  /** Writes to the terminal of `task` (dropped for output sent to nohup.out). */
  write(task: Task, text: string): void;
  /** An interactive bash started: it reads its terminal while its process group is in the foreground. */
  attachShell(shell: BashShell): void;
  /** tcgetpgrp() on the task's terminal: its foreground process group (root-namespace number), undefined without a terminal. */
  foregroundGroup(task: Task): number | undefined;
  /** tcsetpgrp() on the task's terminal (nothing without one). */
  setForegroundGroup(task: Task, pgrp: number): void;
  /** The task's process group as the root namespace numbers it (what a terminal's foreground is compared with); undefined once it is gone. */
  processGroup(task: Task): Promise<number | undefined>;
}
