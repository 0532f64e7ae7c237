// This file implements coreutils `nohup COMMAND`: SIGHUP ignored, then exec.
// Run from a terminal it says "nohup: ignoring input and appending output to
// 'nohup.out'" and the command's output goes there (the emulation drops it).
// The exec keeps the PID: `unshare --fork nohup sleep 3600` shows in pstree
// as unshare───sleep.

import { getopt } from '../getopt.js';
import { execve, type Tool } from '../program-exec.js';

export const nohupTool: Tool = {
  name: 'nohup',
  path: '/usr/bin/nohup',
  async main(ctx) {
    const { argv, task, host, err, out } = ctx;
    const parsed = getopt('nohup', argv, [
      { id: 'help', long: 'help' },
      { id: 'version', long: 'version' },
    ], { order: 'stop' });
    if (!parsed.ok) {
      err(`${parsed.message}\nTry 'nohup --help' for more information.\n`);
      return 125;
    }
    if (parsed.options.some((o) => o.id === 'help')) {
      out('Usage: nohup COMMAND [ARG]...\n  or:  nohup OPTION\nRun COMMAND, ignoring hangup signals.\n');
      return 0;
    }
    if (parsed.options.some((o) => o.id === 'version')) {
      out('nohup (GNU coreutils) 9.1\n');
      return 0;
    }
    if (parsed.operands.length === 0) {
      err("nohup: missing operand\nTry 'nohup --help' for more information.\n");
      return 125;
    }
    const ignoringInput = task.stdin === 'tty';
    const redirecting = task.output === 'tty';
    if (ignoringInput && redirecting) err("nohup: ignoring input and appending output to 'nohup.out'\n");
    else if (ignoringInput) err('nohup: ignoring input\n');
    else if (redirecting) err("nohup: appending output to 'nohup.out'\n");
    await task.proc.sigaction('HUP', 'ignore');
    const before = task.output;
    task.stdin = 'null';
    task.output = 'nohup.out';
    const r = await execve(host, task, parsed.operands);
    if (r !== 'ENOENT') return r;
    // coreutils keeps a copy of the original stderr for this one message.
    task.output = before;
    err(`nohup: failed to run command '${parsed.operands[0]}': No such file or directory\n`);
    return 127;
  },
};
