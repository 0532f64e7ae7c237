// Bad commands and bad options get the real tools' messages (as printed by
// util-linux 2.38.1, coreutils 9.1, procps-ng 4.0.2, psmisc 23.6 and bash
// 5.2 on the lab VM) and the real exit status, and the session goes on.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { replay, type Replay } from './replay.js';

const TRY = (tool: string): string => `Try '${tool} --help' for more information.\n`;
const PS_USAGE = `
Usage:
 ps [options]

 Try 'ps --help <simple|list|output|threads|misc|all>'
  or 'ps --help <s|l|o|t|m|a>'
 for additional help text.

For more details see ps(1).
`;

/** [command, what it prints, $? after it]. */
const CASES: readonly [string, string, number][] = [
  ['foo', 'bash: foo: command not found\n', 127],
  ['/bin/foo', 'bash: /bin/foo: No such file or directory\n', 127],
  ['unshare --bogus', `unshare: unrecognized option '--bogus'\n${TRY('unshare')}`, 1],
  ['unshare -x', `unshare: invalid option -- 'x'\n${TRY('unshare')}`, 1],
  ['unshare --mo', `unshare: option '--mo' is ambiguous; possibilities: '--mount' '--mount-proc' '--monotonic'\n${TRY('unshare')}`, 1],
  ['unshare --fork=3', `unshare: option '--fork' doesn't allow an argument\n${TRY('unshare')}`, 1],
  ['unshare --pid --fork nosuch', 'unshare: failed to execute nosuch: No such file or directory\n', 127],
  ['unshare --net', 'unshare: --net is not emulated by pidsim (only --pid, --mount, --mount-proc and --fork are)\n', 1],
  ['unshare --mount-proc=/mnt true', 'unshare: mount /mnt failed: No such file or directory\n', 1],
  ['nsenter --bogus', `nsenter: unrecognized option '--bogus'\n${TRY('nsenter')}`, 1],
  ['nsenter -t 99999 --pid true', 'nsenter: cannot open /proc/99999/ns/pid: No such file or directory\n', 1],
  ['nsenter --pid true', 'nsenter: neither filename nor target pid supplied for ns/pid\n', 1],
  ['nsenter -t abc --pid true', "nsenter: failed to parse pid: 'abc'\n", 1],
  ['nsenter -t', `nsenter: option requires an argument -- 't'\n${TRY('nsenter')}`, 1],
  ['nsenter --target', `nsenter: option '--target' requires an argument\n${TRY('nsenter')}`, 1],
  ['nsenter -t 1 -p nosuch', 'nsenter: failed to execute nosuch: No such file or directory\n', 127],
  ['kill 99999', 'bash: kill: (99999) - No such process\n', 1],
  // A process group is named as typed, minus sign and all.
  ['kill -9 -5', 'bash: kill: (-5) - No such process\n', 1],
  ['kill -s KILL -- -99999', 'bash: kill: (-99999) - No such process\n', 1],
  ['kill -FOO 1', 'bash: kill: FOO: invalid signal specification\n', 1],
  ['kill -99 1', 'bash: kill: 99: invalid signal specification\n', 1],
  ['kill abc', 'bash: kill: abc: arguments must be process or job IDs\n', 1],
  ['kill', 'kill: usage: kill [-s sigspec | -n signum | -sigspec] pid | jobspec ... or kill -l [sigspec]\n', 2],
  ['kill -s', 'bash: kill: -s: option requires an argument\n', 1],
  ['kill %3', 'bash: kill: %3: no such job\n', 1],
  ['kill -l 9', 'KILL\n', 0],
  ['cat /proc/99999/status', 'cat: /proc/99999/status: No such file or directory\n', 1],
  ['cat /proc/1/ns/pid', 'cat: /proc/1/ns/pid: Invalid argument\n', 1],
  ['cat /proc', 'cat: /proc: Is a directory\n', 1],
  ['cat -y /proc/1/status', `cat: invalid option -- 'y'\n${TRY('cat')}`, 1],
  ['readlink /proc/99999/ns/pid', '', 1],
  ['readlink /proc/1/status', '', 1],
  ['readlink', `readlink: missing operand\n${TRY('readlink')}`, 1],
  ['readlink -v /proc/99999/ns/pid', 'readlink: /proc/99999/ns/pid: No such file or directory\n', 1],
  ['sleep abc', `sleep: invalid time interval \u2018abc\u2019\n${TRY('sleep')}`, 1],
  ['sleep', `sleep: missing operand\n${TRY('sleep')}`, 1],
  ['sleep -1', `sleep: invalid option -- '1'\n${TRY('sleep')}`, 1],
  ['ps -Q', `error: unsupported SysV option\n${PS_USAGE}`, 1],
  ['ps Q', `error: unsupported option (BSD syntax)\n${PS_USAGE}`, 1],
  ['ps --bogus', `error: unknown gnu long option\n${PS_USAGE}`, 1],
  ['pstree -p abc', 'No such user name: abc\n', 1],
  ['pstree -p 99999', '', 0],
  ['mount -t proc proc /mnt', 'mount: /mnt: mount point does not exist.\n       dmesg(1) may have more information after failed mount system call.\n', 32],
  ['mount --bogus', `mount: unrecognized option '--bogus'\n${TRY('mount')}`, 1],
  ['grep', "Usage: grep [OPTION]... PATTERNS [FILE]...\nTry 'grep --help' for more information.\n", 2],
  ['grep -y x /proc/1/status', "grep: invalid option -- 'y'\nUsage: grep [OPTION]... PATTERNS [FILE]...\nTry 'grep --help' for more information.\n", 2],
  ['grep x /nonexist', 'grep: /nonexist: No such file or directory\n', 2],
  ['grep nomatch /proc/1/status', '', 1],
  ['ls /proc/99999/ns', "ls: cannot access '/proc/99999/ns': No such file or directory\n", 2],
  ['ls /etc', "ls: cannot access '/etc': No such file or directory\n", 2],
  ['ls /', 'proc\n', 0],
  ['ls -y', `ls: invalid option -- 'y'\n${TRY('ls')}`, 2],
  ['nohup', `nohup: missing operand\n${TRY('nohup')}`, 125],
  ['nohup nosuch', "nohup: ignoring input and appending output to 'nohup.out'\nnohup: failed to run command 'nosuch': No such file or directory\n", 127],
  ['sudo nosuch', 'sudo: nosuch: command not found\n', 1],
  ['bash --bogus', 'bash: --bogus: invalid option\n', 2],
  ['bash nofile', 'bash: nofile: No such file or directory\n', 127],
  ["echo 'unterminated", "bash: unexpected EOF while looking for matching `''\n", 2],
  ['&& echo x', "bash: syntax error near unexpected token `&&'\n", 2],
  ['ps | grep x', 'pidsim: pipelines (|) are not emulated; run the commands one at a time\n', 2],
  ['echo x > /tmp/f', 'pidsim: redirections (>, <) are not emulated\n', 2],
  ['cd /proc', "pidsim: bash: the builtin `cd' is not emulated (type help for what is)\n", 1],
];

describe('bad commands and options', () => {
  let r: Replay;
  beforeAll(async () => {
    r = await replay('');
  });
  afterAll(async () => {
    expect(await r.session.kernel.checkInvariants()).toEqual([]);
    await r.session.close();
  });

  it.each(CASES)('%s', async (line, output, status) => {
    await r.run(line);
    const printed = r.out(line);
    // Long usage texts: compare their first line(s) exactly, the rest loosely.
    if (line.startsWith('bash --bogus')) expect(printed.startsWith(output)).toBe(true);
    else expect(printed).toBe(output);
    await r.run('echo $?');
    expect(r.out('echo $?')).toBe(`${status}\n`);
    // The session is still usable, in the same shell.
    expect(r.session.prompt()).toBe('[w1 $$=2]# ');
  });

  it('an unknown command still runs in a child process and takes a PID, as bash forks before exec fails', async () => {
    await r.run('nosuchcommand');
    await r.run('ps');
    const before = Number(r.out('ps').trim().split('\n').pop()!.trim().split(/\s+/)[0]);
    await r.run('nosuchcommand');
    await r.run('ps');
    const after = Number(r.out('ps').trim().split('\n').pop()!.trim().split(/\s+/)[0]);
    expect(after - before).toBe(2);
  });

  it('builtins take no PID', async () => {
    await r.run('ps');
    const before = Number(r.out('ps').trim().split('\n').pop()!.trim().split(/\s+/)[0]);
    await r.run('echo $$; kill -0 $$; true; jobs');
    await r.run('ps');
    const after = Number(r.out('ps').trim().split('\n').pop()!.trim().split(/\s+/)[0]);
    expect(after - before).toBe(1);
  });

  it('window N refuses what is not a window number', async () => {
    await r.run('window x');
    expect(r.out('window x')).toBe("pidsim: window: expected a window number from 1 to 99, received 'x'\n");
  });
});
