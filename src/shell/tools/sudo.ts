// This file implements sudo as the process the article's pstree shows
// (bash───sudo───unshare───bash): it resolves the command, forks it, relays
// the signals it is sent to it, waits, and ends the way the command ended
// (with its exit code, or killed by the same signal, so the calling bash
// prints "Killed"). When the command stops, sudo stops itself with the same
// signal, so the job stops in the calling bash too, and continues the
// command once it is continued (exec_nopty.c). Everyone is root already, so
// there is no password, policy or I/O logging; -u takes only root.

import { getopt } from '../getopt.js';
import { execve, forkTask, startProgram, DEFAULT_SHELL, type Tool } from '../program-exec.js';
import { errnoOf, strerror } from '../strerror.js';
import type { ShellHost } from '../shell-host.js';
import type { Task } from '../task.js';

const USAGE = `usage: sudo -h | -K | -k | -V
usage: sudo -v [-ABknS] [-g group] [-h host] [-p prompt] [-u user]
usage: sudo -l [-ABknS] [-g group] [-h host] [-p prompt] [-U user] [-u user] [command [arg ...]]
usage: sudo [-ABbEHknPS] [-r role] [-t type] [-C num] [-D directory] [-g group] [-h host] [-p prompt] [-R directory] [-T timeout] [-u user] [VAR=value] [-i | -s] [command [arg ...]]
usage: sudo -e [-ABknS] [-r role] [-t type] [-C num] [-D directory] [-g group] [-h host] [-p prompt] [-R directory] [-T timeout] [-u user] file ...
`;

/** Signals sudo catches and passes on to the command (sudo's exec_nopty.c relay). */
const RELAYED = ['HUP', 'INT', 'QUIT', 'TERM', 'USR1', 'USR2'] as const;

/**
 * suspend_sudo_nopty(): the command stopped, so sudo stops itself with the
 * same signal; once continued (fg) it gives the terminal back to the group
 * that had it, if that was not sudo's own (an interactive shell under sudo
 * leads a group of its own), and continues the command.
 */
async function suspendWithCommand(host: ShellHost, task: Task, command: Task, pid: number, sig: number): Promise<void> {
  // The same Ctrl-Z may have stopped sudo too (its group gets it): a stopped process runs again only
  // once continued, and by then the command may have been continued with it.
  if (task.stopped) {
    await task.proc.getpid();
    if (!command.stopped) return;
  }
  const saved = host.foregroundGroup(task);
  const own = await host.processGroup(task);
  await task.proc.kill(task.proc.pid, sig);
  // A stopped process's syscalls wait for SIGCONT: this returns once sudo is continued.
  await task.proc.getpid();
  if (saved !== undefined && saved !== own) host.setForegroundGroup(task, saved);
  await task.proc.kill(pid, 'CONT').catch(() => undefined);
}

export const sudoTool: Tool = {
  name: 'sudo',
  path: '/usr/bin/sudo',
  async main({ argv, task, host, err, out }) {
    const parsed = getopt('sudo', argv, [
      { id: 'help', short: 'h', long: 'help' },
      { id: 'version', short: 'V', long: 'version' },
      { id: 'user', short: 'u', long: 'user', arg: 'required' },
      { id: 'login', short: 'i', long: 'login' },
      { id: 'shell', short: 's', long: 'shell' },
      { id: 'ignored', short: 'E', long: 'preserve-env' },
      { id: 'ignored', short: 'H', long: 'set-home' },
      { id: 'ignored', short: 'n', long: 'non-interactive' },
      { id: 'ignored', short: 'S', long: 'stdin' },
      { id: 'ignored', short: 'k', long: 'reset-timestamp' },
    ], { order: 'stop' });
    if (!parsed.ok) {
      err(`${parsed.message}\n${USAGE}`);
      return 1;
    }
    const has = (id: string): boolean => parsed.options.some((o) => o.id === id);
    if (has('help')) {
      out(`sudo - execute a command as another user\n\n${USAGE}`);
      return 0;
    }
    if (has('version')) {
      out('Sudo version 1.9.13p3\n');
      return 0;
    }
    const user = parsed.options.find((o) => o.id === 'user')?.value;
    if (user !== undefined && user !== 'root' && user !== '#0') {
      err(`sudo: pidsim emulates only root; -u ${user} is not supported\n`);
      return 1;
    }
    let operands = [...parsed.operands];
    while (operands[0] !== undefined && /^[A-Za-z_][A-Za-z0-9_]*=/.test(operands[0])) operands = operands.slice(1);
    let command: readonly string[];
    let file: string;
    if (has('login') || has('shell')) {
      command = operands.length === 0 ? (has('login') ? DEFAULT_SHELL.argv : ['/bin/bash']) : ['/bin/bash', '-c', operands.join(' ')];
      file = DEFAULT_SHELL.file;
    } else if (operands.length === 0) {
      err(USAGE);
      return 1;
    } else {
      command = operands;
      file = operands[0]!;
    }
    // sudo finds the command before it forks.
    if (!host.tools.lookup(file)) {
      err(`sudo: ${file}: command not found\n`);
      return 1;
    }
    for (const sig of RELAYED) await task.proc.sigaction(sig, { handler: 'catch', restart: true });
    let child;
    try {
      child = await forkTask(host, task);
    } catch (e) {
      const code = errnoOf(e);
      if (!code || task.dead) throw e;
      err(`sudo: unable to fork: ${strerror(code)}\n`);
      return 1;
    }
    const pid = child.proc.pidIn(task.proc.ns);
    task.onSignal = (sig) => void task.proc.kill(pid, sig).catch(() => undefined);
    const command0 = command;
    startProgram(host, child, async () => {
      for (const sig of RELAYED) await child.proc.sigaction(sig, 'default');
      const r = await execve(host, child, command0, file);
      return r === 'ENOENT' ? 127 : r;
    });
    let change;
    for (;;) {
      const r = await task.proc.wait(pid, { untraced: true });
      change = r.change!;
      if (change.kind !== 'stopped') break;
      await suspendWithCommand(host, task, child, pid, change.signal);
    }
    task.onSignal = null;
    if (change.kind === 'killed') {
      // sudo.c: "the command was killed by a signal: kill ourselves with the same one".
      await task.proc.sigaction(change.signal, 'default').catch(() => undefined);
      await task.proc.kill(task.proc.pid, change.signal);
      return 0;
    }
    return change.kind === 'exited' ? change.code : 1;
  },
};
