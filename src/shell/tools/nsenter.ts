// This file implements util-linux 2.38 `nsenter` for the PID and mount
// namespaces (SEMANTICS 8.6): it opens /proc/PID/ns/pid and ns/mnt through
// the /proc *it* sees, setns()es into them, and with --pid forks (setns only
// changes pid_for_children) so that the child is inside, with getppid() == 0
// because its parent stays outside. That is why pstree in the namespace does
// not show the nsenter'ed shell and ps -ef there has several PPID 0 rows.
// With --mount the child sees the namespace's /proc; without it, the old one.
// The parent waits and ends as the child did (continue_as_child()).

import { getopt, type OptionSpec } from '../getopt.js';
import { execve, forkTask, startProgram, DEFAULT_SHELL, type Tool } from '../program-exec.js';
import { ProcFiles } from '../proc-files.js';
import { errnoOf, strerror } from '../strerror.js';
import type { NsHandle } from '../../index.js';
import type { MountNamespace } from '../mount-namespace.js';
import type { Task } from '../task.js';
import { commonUtilLinuxOption } from './util-linux-options.js';

const OPTIONS: readonly OptionSpec[] = [
  { id: 'all', short: 'a', long: 'all' },
  { id: 'help', short: 'h', long: 'help' },
  { id: 'version', short: 'V', long: 'version' },
  { id: 'target', short: 't', long: 'target', arg: 'required' },
  { id: 'mount', short: 'm', long: 'mount', arg: 'optional' },
  { id: 'pid', short: 'p', long: 'pid', arg: 'optional' },
  { id: 'no-fork', short: 'F', long: 'no-fork' },
  // Real options of util-linux 2.38 that pidsim does not emulate.
  { id: 'x:--uts', short: 'u', long: 'uts', arg: 'optional' },
  { id: 'x:--ipc', short: 'i', long: 'ipc', arg: 'optional' },
  { id: 'x:--net', short: 'n', long: 'net', arg: 'optional' },
  { id: 'x:--user', short: 'U', long: 'user', arg: 'optional' },
  { id: 'x:--cgroup', short: 'C', long: 'cgroup', arg: 'optional' },
  { id: 'x:--time', short: 'T', long: 'time', arg: 'optional' },
  { id: 'x:--setuid', short: 'S', long: 'setuid', arg: 'required' },
  { id: 'x:--setgid', short: 'G', long: 'setgid', arg: 'required' },
  { id: 'x:--root', short: 'r', long: 'root', arg: 'optional' },
  { id: 'x:--wd', short: 'w', long: 'wd', arg: 'optional' },
  { id: 'x:--wdns', short: 'W', long: 'wdns', arg: 'optional' },
  { id: 'x:--env', short: 'e', long: 'env' },
  { id: 'x:--preserve-credentials', long: 'preserve-credentials' },
  { id: 'x:--user-parent', long: 'user-parent' },
  { id: 'x:--follow-context', short: 'Z', long: 'follow-context' },
];

const HELP = `
Usage:
 nsenter [options] [<program> [<argument>...]]

Run a program with namespaces of other processes.

Options (those pidsim emulates):
 -a, --all              enter all namespaces
 -t, --target <pid>     target process to get namespaces from
 -m, --mount[=<file>]   enter mount namespace
 -p, --pid[=<file>]     enter pid namespace
 -F, --no-fork          do not fork before exec'ing <program>

 -h, --help             display this help
 -V, --version          display version
`;

export const nsenterTool: Tool = {
  name: 'nsenter',
  path: '/usr/bin/nsenter',
  async main(ctx) {
    const { argv, task, host, err } = ctx;
    const parsed = getopt('nsenter', argv, OPTIONS, { order: 'stop' });
    if (!parsed.ok) {
      err(`${parsed.message}\nTry 'nsenter --help' for more information.\n`);
      return 1;
    }
    let target: number | undefined;
    let pidFile: string | undefined;
    let mntFile: string | undefined;
    let enterPid = false;
    let enterMount = false;
    let noFork = false;
    for (const o of parsed.options) {
      const common = commonUtilLinuxOption(ctx, 'nsenter', o.id, HELP, '--target, --pid, --mount, --all and --no-fork');
      if (common !== undefined) return common;
      if (o.id === 'target') {
        if (!/^\d+$/.test(o.value!)) {
          err(`nsenter: failed to parse pid: '${o.value}'\n`);
          return 1;
        }
        target = Number(o.value);
      }
      if (o.id === 'pid') {
        enterPid = true;
        pidFile = o.value;
      }
      if (o.id === 'mount') {
        enterMount = true;
        mntFile = o.value;
      }
      if (o.id === 'all') {
        enterPid = true;
        enterMount = true;
      }
      if (o.id === 'no-fork') noFork = true;
    }

    // Open every namespace file first (util-linux order: ..., pid, mnt), through the /proc this process sees.
    const files = new ProcFiles(host, task);
    let pidNs: NsHandle | undefined;
    let mntNs: MountNamespace | undefined;
    if (enterPid) {
      const path = pidFile ?? (target !== undefined ? `/proc/${target}/ns/pid` : undefined);
      if (path === undefined) {
        err('nsenter: neither filename nor target pid supplied for ns/pid\n');
        return 1;
      }
      const opened = await files.openPidNs(path);
      if (!opened.ok) {
        err(`nsenter: cannot open ${path}: ${strerror(opened.code)}\n`);
        return 1;
      }
      pidNs = opened.value;
    }
    if (enterMount) {
      const path = mntFile ?? (target !== undefined ? `/proc/${target}/ns/mnt` : undefined);
      if (path === undefined) {
        err('nsenter: neither filename nor target pid supplied for ns/mnt\n');
        return 1;
      }
      const opened = await files.openMountNs(path);
      if (!opened.ok) {
        err(`nsenter: cannot open ${path}: ${strerror(opened.code)}\n`);
        return 1;
      }
      mntNs = opened.value;
    }
    if (pidNs) {
      try {
        await task.proc.setns(pidNs);
      } catch (e) {
        const code = errnoOf(e);
        if (!code) throw e;
        // setns into an ancestor or a sibling namespace is EINVAL (SEMANTICS 2.6).
        err(`nsenter: reassociate to namespace 'ns/pid' failed: ${strerror(code)}\n`);
        return 1;
      } finally {
        pidNs.close();
      }
    }
    if (mntNs) task.mnt = mntNs;

    const command = parsed.operands.length > 0 ? { file: parsed.operands[0]!, argv: parsed.operands } : DEFAULT_SHELL;
    const run = async (runner: Task): Promise<number | 'running'> => {
      const r = await execve(host, runner, command.argv, command.file);
      if (r !== 'ENOENT') return r;
      host.write(runner, `nsenter: failed to execute ${command.file}: No such file or directory\n`);
      return 127;
    };
    if (!pidNs || noFork) return run(task);

    // continue_as_child(): fork, wait, then end as the child ended; "The child suspended so suspend us
    // as well": when the child stops, nsenter stops itself (SIGSTOP) and continues the child afterwards.
    let child: Task;
    try {
      child = await forkTask(host, task);
    } catch (e) {
      const code = errnoOf(e);
      if (!code || task.dead) throw e;
      err(`nsenter: fork failed: ${strerror(code)}\n`);
      return 1;
    }
    startProgram(host, child, () => run(child));
    const pid = child.proc.pidIn(task.proc.ns);
    for (;;) {
      const r = await task.proc.wait(pid, { untraced: true });
      const change = r.change!;
      if (change.kind === 'stopped') {
        // The same Ctrl-Z may have stopped nsenter too: it runs again only once continued, with the child.
        if (task.stopped) {
          await task.proc.getpid();
          if (!child.stopped) continue;
        }
        await task.proc.kill(task.proc.pid, 'STOP');
        await task.proc.kill(pid, 'CONT').catch(() => undefined);
        continue;
      }
      if (change.kind === 'exited') return change.code;
      if (change.kind === 'killed') await task.proc.kill(task.proc.pid, change.signal);
      return 1;
    }
  },
};
