// The emulated file system as `pidsim shell < script` shows it: a root
// directory holding only proc, so a missing path fails the way coreutils
// says it does (never an empty success), and /proc/self/status is read by a
// process that is running.

import { describe, expect, it } from 'vitest';
import { pidsimShell } from './shell-cli.js';

/** The transcript of a script run to its end; `pidsim shell` exits with the last $?. */
function transcript(lines: readonly string[], status = 0): string {
  const r = pidsimShell(lines);
  expect(r.stderr).toBe('');
  expect(r.status).toBe(status);
  return r.stdout;
}

describe('the file system: / holds only proc', () => {
  it('ls / lists proc; ls -l / shows it as a directory', () => {
    expect(transcript(['ls /', 'ls -l /'])).toBe(
      '[w1 $$=2]# ls /\nproc\n[w1 $$=2]# ls -l /\ntotal 0\ndr-xr-xr-x 1 root root 0 Jan  1 00:00 proc\n',
    );
  });

  it('anything outside /proc does not exist: ls and cat say so, with their exit statuses', () => {
    expect(transcript(['ls /etc', 'echo $?', 'cat /etc/passwd', 'echo $?', 'cat /', 'ls /root /proc/1/ns'], 2)).toBe(
      [
        '[w1 $$=2]# ls /etc',
        "ls: cannot access '/etc': No such file or directory",
        '[w1 $$=2]# echo $?',
        '2',
        '[w1 $$=2]# cat /etc/passwd',
        'cat: /etc/passwd: No such file or directory',
        '[w1 $$=2]# echo $?',
        '1',
        '[w1 $$=2]# cat /',
        'cat: /: Is a directory',
        '[w1 $$=2]# ls /root /proc/1/ns',
        "ls: cannot access '/root': No such file or directory",
        '/proc/1/ns:',
        'cgroup\tmnt  pid\t       time\t\t  user',
        'ipc\tnet  pid_for_children  time_for_children  uts',
        '',
      ].join('\n'),
    );
  });
});

describe('/proc/PID/status', () => {
  it('the process reading its own status is running (R); the shell waiting for it sleeps (S)', () => {
    expect(transcript(['grep State /proc/self/status /proc/$$/status', 'cat /proc/self/status'])).toMatch(
      /^\[w1 \$\$=2\]# grep State \/proc\/self\/status \/proc\/\$\$\/status\n\/proc\/self\/status:State:\tR \(running\)\n\/proc\/2\/status:State:\tS \(sleeping\)\n\[w1 \$\$=2\]# cat \/proc\/self\/status\nName:\tcat\nUmask:\t0022\nState:\tR \(running\)\n/,
    );
  });

  it('a stopped job shows T', () => {
    expect(transcript(['sleep 100 &', 'kill -STOP %1', 'grep State /proc/3/status'])).toContain('[w1 $$=2]# grep State /proc/3/status\nState:\tT (stopped)\n');
  });
});
