// This file implements util-linux 2.38 `unshare` for the PID and mount
// namespaces: unshare(CLONE_NEWPID | CLONE_NEWNS), then either exec the
// program (without --fork the caller stays in its namespace, so only its
// first child lands in the new one, SEMANTICS 2.2 and 2.5) or fork and wait
// (--fork: the child is PID 1 of the new namespace). --mount-proc mounts a
// procfs in the child, whose active namespace is the new one; that is what
// makes ps inside show the new namespace.
//
// Signal handling follows util-linux 2.38 (sys-utils/unshare.c): with
// --fork, the parent blocks SIGINT and SIGTERM while it waits, so a plain
// `kill` of the unshare process stays pending and does nothing (the
// article's util-linux 2.27 did not block them); when the child dies of a
// signal, unshare resets and unblocks it and kills itself with it, except
// that signal(SIGKILL, SIG_DFL) fails, which prints
// "unshare: sigprocmask unblock failed: Invalid argument" and exits 1
// (SEMANTICS 8.9, verified on the lab VM).

import { getopt, type OptionSpec } from '../getopt.js';
import { execve, forkTask, startProgram, DEFAULT_SHELL, type Tool, type ToolContext } from '../program-exec.js';
import { errnoOf, strerror } from '../strerror.js';
import { commonUtilLinuxOption } from './util-linux-options.js';
import type { Task } from '../task.js';

const SIGKILL = 9;

/** util-linux 2.38 unshare's options ("+fhVmuinpCTUl:rR:w:S:G:c": the short namespace options take no argument). */
const OPTIONS: readonly OptionSpec[] = [
  { id: 'fork', short: 'f', long: 'fork' },
  { id: 'help', short: 'h', long: 'help' },
  { id: 'version', short: 'V', long: 'version' },
  { id: 'mount', short: 'm', long: 'mount', arg: 'optional', shortArg: 'none' },
  { id: 'pid', short: 'p', long: 'pid', arg: 'optional', shortArg: 'none' },
  { id: 'mount-proc', long: 'mount-proc', arg: 'optional' },
  // Real options of util-linux 2.38 that pidsim does not emulate.
  { id: 'x:--uts', short: 'u', long: 'uts', arg: 'optional', shortArg: 'none' },
  { id: 'x:--ipc', short: 'i', long: 'ipc', arg: 'optional', shortArg: 'none' },
  { id: 'x:--net', short: 'n', long: 'net', arg: 'optional', shortArg: 'none' },
  { id: 'x:--user', short: 'U', long: 'user', arg: 'optional', shortArg: 'none' },
  { id: 'x:--cgroup', short: 'C', long: 'cgroup', arg: 'optional', shortArg: 'none' },
  { id: 'x:--time', short: 'T', long: 'time', arg: 'optional', shortArg: 'none' },
  { id: 'x:--map-root-user', short: 'r', long: 'map-root-user' },
  { id: 'x:--map-current-user', short: 'c', long: 'map-current-user' },
  { id: 'x:--map-user', long: 'map-user', arg: 'required' },
  { id: 'x:--map-users', long: 'map-users', arg: 'required' },
  { id: 'x:--map-group', long: 'map-group', arg: 'required' },
  { id: 'x:--map-groups', long: 'map-groups', arg: 'required' },
  { id: 'x:--map-auto', long: 'map-auto' },
  { id: 'x:--kill-child', long: 'kill-child', arg: 'optional' },
  { id: 'x:--propagation', long: 'propagation', arg: 'required' },
  { id: 'x:--setgroups', long: 'setgroups', arg: 'required' },
  { id: 'x:--keep-caps', long: 'keep-caps' },
  { id: 'x:--setuid', short: 'S', long: 'setuid', arg: 'required' },
  { id: 'x:--setgid', short: 'G', long: 'setgid', arg: 'required' },
  { id: 'x:--root', short: 'R', long: 'root', arg: 'required' },
  { id: 'x:--wd', short: 'w', long: 'wd', arg: 'required' },
  { id: 'x:--monotonic', long: 'monotonic', arg: 'required' },
  { id: 'x:--boottime', long: 'boottime', arg: 'required' },
  { id: 'x:--load-interp', short: 'l', long: 'load-interp', arg: 'required' },
];

const HELP = `
Usage:
 unshare [options] [<program> [<argument>...]]

Run a program with some namespaces unshared from the parent.

Options (those pidsim emulates):
 -m, --mount               unshare mounts namespace
 -p, --pid                 unshare pid namespace
 -f, --fork                fork before launching <program>
 --mount-proc[=<dir>]      mount proc filesystem first (implies --mount)

 -h, --help                display this help
 -V, --version             display version
`;

/** mount -t proc proc /proc by `task`: the procfs shows its *active* PID namespace. */
export async function mountProcFor(ctx: ToolContext, task: Task): Promise<void> {
  const pidNs = await task.proc.openNs('self');
  ctx.host.mounts.mountProc(task.mnt, pidNs);
}

export const unshareTool: Tool = {
  name: 'unshare',
  path: '/usr/bin/unshare',
  async main(ctx) {
    const { argv, task, host, err } = ctx;
    const parsed = getopt('unshare', argv, OPTIONS, { order: 'stop' });
    if (!parsed.ok) {
      err(`${parsed.message}\nTry 'unshare --help' for more information.\n`);
      return 1;
    }
    let fork = false;
    let newPid = false;
    let newMount = false;
    let procDir: string | undefined;
    for (const o of parsed.options) {
      const common = commonUtilLinuxOption(ctx, 'unshare', o.id, HELP, '--pid, --mount, --mount-proc and --fork');
      if (common !== undefined) return common;
      if ((o.id === 'pid' || o.id === 'mount') && o.value !== undefined) {
        err(`unshare: --${o.id}=${o.value}: persistent namespaces (bind mounts of ns files) are not emulated by pidsim\n`);
        return 1;
      }
      if (o.id === 'fork') fork = true;
      if (o.id === 'pid') newPid = true;
      if (o.id === 'mount') newMount = true;
      if (o.id === 'mount-proc') {
        newMount = true;
        procDir = o.value ?? '/proc';
      }
    }
    if (procDir !== undefined && procDir.replace(/\/+$/, '') !== '/proc') {
      // Nothing but /proc exists in the emulated file system.
      err(`unshare: mount ${procDir} failed: No such file or directory\n`);
      return 1;
    }
    if (newPid) {
      try {
        await task.proc.unshare({ newPid: true });
      } catch (e) {
        const code = errnoOf(e);
        if (!code) throw e;
        err(`unshare: unshare failed: ${strerror(code)}\n`);
        return 1;
      }
    }
    if (newMount) task.mnt = host.mounts.copy(task.mnt);
    const command = parsed.operands.length > 0 ? { file: parsed.operands[0]!, argv: parsed.operands } : DEFAULT_SHELL;

    const run = async (runner: Task): Promise<number | 'running'> => {
      if (procDir !== undefined) await mountProcFor(ctx, runner);
      const r = await execve(host, runner, command.argv, command.file);
      if (r !== 'ENOENT') return r;
      host.write(runner, `unshare: failed to execute ${command.file}: No such file or directory\n`);
      return 127;
    };
    if (!fork) return run(task);

    await task.proc.sigprocmask('block', ['INT', 'TERM']);
    let child: Task;
    try {
      child = await forkTask(host, task);
    } catch (e) {
      const code = errnoOf(e);
      if (!code || task.dead) throw e;
      err(`unshare: fork failed: ${strerror(code)}\n`);
      return 1;
    }
    startProgram(host, child, async () => {
      await child.proc.sigprocmask('setmask', []);
      return run(child);
    });
    const r = await task.proc.wait(child.proc.pidIn(task.proc.ns));
    const change = r.change!;
    if (change.kind === 'exited') return change.code;
    if (change.kind !== 'killed') return 1;
    const termsig = change.signal;
    if (termsig === SIGKILL) {
      // signal(SIGKILL, SIG_DFL) fails with EINVAL (SEMANTICS 8.9).
      err('unshare: sigprocmask unblock failed: Invalid argument\n');
      return 1;
    }
    await task.proc.sigaction(termsig, 'default');
    await task.proc.sigprocmask('unblock', [termsig]);
    await task.proc.kill(task.proc.pid, termsig);
    if (task.dead) return 1;
    err('unshare: child exit failed: Success\n');
    return 1;
  },
};
