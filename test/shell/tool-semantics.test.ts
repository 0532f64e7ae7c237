// The behaviours of the emulated tools that docs/semantics.md specifies or the
// lab VM showed: util-linux unshare after its child is SIGKILLed (8.9),
// nsenter = setns + fork (8.6), unshare --pid without --fork (2.2, 2.5), init
// protection from inside (4.x), and which /proc a mount namespace shows.

import { describe, expect, it } from 'vitest';
import { psRows, replayer } from './replay.js';

const start = replayer();

describe('SEMANTICS 8.9: util-linux unshare --fork when its child dies of a signal', () => {
  it('child SIGKILLed: "unshare: sigprocmask unblock failed: Invalid argument", exit status 1', async () => {
    const r = await start(`
      unshare --fork --pid sleep 100 &
      ps -ef
    `);
    expect(r.out('unshare --fork --pid sleep 100 &')).toBe('[1] 3\n');
    const child = psRows(r.out('ps -ef')).find((x) => x.cmd === 'sleep 100')!;
    expect(child.ppid).toBe(3);
    await r.run(`kill -9 ${child.pid}`);
    expect(r.out(`kill -9 ${child.pid}`)).toBe(
      'unshare: sigprocmask unblock failed: Invalid argument\n[1]+  Exit 1                  unshare --fork --pid sleep 100\n',
    );
  });

  it('in the foreground: the shell that ran unshare gets $? = 1', async () => {
    const r = await start(`
      unshare --pid --fork /bin/bash
      window 2
      ps -ef
    `);
    const inner = psRows(r.out('ps -ef')).find((x) => x.cmd === '/bin/bash')!;
    await r.run(`
      kill -9 ${inner.pid}
      window 1
      echo $?
    `);
    expect(r.out('window 1')).toBe('unshare: sigprocmask unblock failed: Invalid argument\n');
    expect(r.out('echo $?')).toBe('1\n');
  });

  it('child killed by SIGTERM: unshare resets and unblocks it and dies of it too', async () => {
    const r = await start(`
      unshare --fork sleep 100 &
      kill 4
      jobs
    `);
    expect(r.out('kill 4')).toBe('[1]+  Terminated              unshare --fork sleep 100\n');
    expect(r.out('jobs')).toBe('');
  });

  it('a plain kill of unshare stays pending (SIGTERM blocked while it waits) and is dropped when it exits', async () => {
    const r = await start(`
      unshare --fork sleep 100 &
      kill 3
      ps -ef
      sleep 200
    `);
    expect(r.out('kill 3')).toBe('');
    expect(psRows(r.out('ps -ef')).map((x) => x.cmd)).toContain('unshare --fork sleep 100');
    // Lab VM: `unshare status after SIGTERM to unshare: 0` once its child exited normally.
    expect(r.out('sleep 200')).toBe('[1]+  Done                    unshare --fork sleep 100\n');
  });
});

describe('SEMANTICS 8.6: nsenter --pid is setns + fork', () => {
  it('the child is inside with getppid() == 0; without --mount it sees the old /proc, with it the namespace', async () => {
    const r = await start(`
      unshare --pid --mount-proc --fork sleep 1000 &
      nsenter --pid -t 4 /bin/bash
      echo $$
      echo $PPID
      readlink /proc/self
      grep NSpid /proc/self/status
      exit
      nsenter --pid --mount -t 4 /bin/bash
      echo $$
      ps -ef
    `);
    expect(r.steps[2]!.output).toBe('2\n');
    expect(r.out('echo $PPID')).toBe('0\n');
    // /proc is still the host's: self is the host PID, NSpid has two numbers (host, namespace).
    expect(r.out('readlink /proc/self')).toBe('7\n');
    expect(r.out('grep NSpid /proc/self/status')).toBe('NSpid:\t8\t4\n');
    expect(r.out('echo $$')).toBe('5\n');
    // The lab VM: `1 0 sleep`, `2 0 sh`, `3 2 ps`: the nsenter-ed shell is a second PPID 0 row.
    expect(psRows(r.out('ps -ef')).map((x) => [x.pid, x.ppid, x.cmd])).toEqual([
      [1, 0, 'sleep 1000'],
      [5, 0, '/bin/bash'],
      [6, 5, 'ps -ef'],
    ]);
  });

  it('setns into an ancestor namespace is EINVAL (SEMANTICS 2.6)', async () => {
    const r = await start(`
      sudo unshare --pid --mount-proc --fork /bin/bash
      nsenter --pid=/proc/1/ns/pid true
      echo ok
    `);
    expect(r.out('nsenter --pid=/proc/1/ns/pid true')).toBe('');
    // Without --mount the entered shell still sees the host /proc, where PID 1 is the host init.
    await r.run(`
      window 2
      nsenter -t 5 --pid /bin/bash
      nsenter --pid=/proc/1/ns/pid /bin/true
    `);
    expect(r.out('nsenter --pid=/proc/1/ns/pid /bin/true')).toBe("nsenter: reassociate to namespace 'ns/pid' failed: Invalid argument\n");
  });
});

describe('option forms of the real tools', () => {
  it('unshare takes bundled short options (-pf) and --mount-proc', async () => {
    const r = await start(`
      unshare -pf --mount-proc /bin/bash
      echo $$
      ps -ef
    `);
    expect(r.out('echo $$')).toBe('1\n');
    expect(psRows(r.out('ps -ef')).map((x) => x.pid)).toEqual([1, 2]);
  });

  it('sudo passes the signals it is sent on to its command, then dies of the same one', async () => {
    const r = await start(`
      sudo sleep 100 &
      ps -ef
      kill 3
    `);
    expect(psRows(r.out('ps -ef')).find((x) => x.cmd === 'sleep 100')!.ppid).toBe(3);
    expect(r.out('kill 3')).toBe('[1]+  Terminated              sudo sleep 100\n');
  });
});

describe('unshare --pid without --fork (SEMANTICS 2.2, 2.5)', () => {
  it('the shell stays outside; its first child is PID 1 of the new namespace, and once that exits forks fail with ENOMEM', async () => {
    const r = await start(`
      unshare --pid /bin/bash
      echo $$
      readlink /proc/self/ns/pid_for_children
      ps
      echo $?
    `);
    expect(r.out('echo $$')).toBe('3\n');
    // readlink was the first child: PID 1 of the new namespace, which died with it.
    expect(r.out('readlink /proc/self/ns/pid_for_children')).toMatch(/^pid:\[\d+\]\n$/);
    expect(r.out('ps')).toBe('bash: fork: Cannot allocate memory\n');
    expect(r.out('echo $?')).toBe('254\n');
  });
});

describe('init protection seen from a shell', () => {
  it('kill -9 $$ in the first shell of a namespace does nothing (SIGKILL from inside is ignored)', async () => {
    const r = await start(`
      sudo unshare --pid --mount-proc --fork /bin/bash
      kill -9 $$
      kill -9 1
      echo $$ $?
    `);
    expect(r.out('kill -9 $$')).toBe('');
    expect(r.out('echo $$ $?')).toBe('1 0\n');
    expect(r.session.prompt()).toBe('[w1 $$=1]# ');
  });

  it('an interactive bash ignores SIGTERM but not SIGHUP', async () => {
    const r = await start(`
      bash
      kill $$
      echo $$
      kill -HUP $$
      echo $?
    `);
    expect(r.out('kill $$')).toBe('');
    expect(r.out('echo $$')).toBe('3\n');
    expect(r.out('kill -HUP $$')).toBe('Hangup\n');
    expect(r.out('echo $?')).toBe('129\n');
    expect(r.session.prompt()).toBe('[w1 $$=2]# ');
  });
});

describe('which /proc a process sees', () => {
  it('mount -t proc in a shell sharing the host mount namespace changes the host /proc too', async () => {
    const r = await start(`
      unshare --pid --fork /bin/bash
      mount -t proc proc /proc
      window 2
      ps -ef
    `);
    // Window 2's shell is on the host, but /proc in the (shared) mount namespace now shows the child namespace.
    expect(psRows(r.out('ps -ef')).map((x) => [x.pid, x.ppid, x.cmd])).toEqual([[1, 0, '/bin/bash']]);
  });

  it('ps sizes its PID columns from the reader pid_max: 5 digits on the host, 7 in a child namespace (SEMANTICS 1.8)', async () => {
    const r = await start(`
      cat /proc/sys/kernel/pid_max
      ps
      unshare --pid --fork /bin/bash
      cat /proc/sys/kernel/pid_max
      ps
    `);
    expect(r.steps[0]!.output).toBe('32768\n');
    expect(r.steps[1]!.output.split('\n')[0]).toBe('  PID TTY          TIME CMD');
    expect(r.out('cat /proc/sys/kernel/pid_max')).toBe('4194304\n');
    expect(r.out('ps').split('\n')[0]).toBe('    PID TTY          TIME CMD');
  });

  it('ls -l /proc/PID/ns shows the pid and mnt links of the process and the host inodes for the rest', async () => {
    const r = await start(`
      ls -l /proc/self/ns
      sudo unshare --pid --mount-proc --fork /bin/bash
      ls -l /proc/self/ns
      ls /proc/1/ns
    `);
    const host = r.steps[0]!.output;
    expect(host).toContain("pid -> 'pid:[4026531836]'\n");
    expect(host).toContain("mnt -> 'mnt:[4026531832]'\n");
    expect(host.split('\n')[0]).toBe('total 0');
    expect(host.split('\n')[1]).toBe("lrwxrwxrwx 1 root root 0 Jan  1 00:00 cgroup -> 'cgroup:[4026531835]'");
    const inside = r.out('ls -l /proc/self/ns');
    expect(inside).not.toContain("pid -> 'pid:[4026531836]'");
    expect(inside).not.toContain("mnt -> 'mnt:[4026531832]'");
    expect(inside).toContain("user -> 'user:[4026531837]'");
    expect(r.out('ls /proc/1/ns')).toBe('cgroup\tmnt  pid\t       time\t\t  user\nipc\tnet  pid_for_children  time_for_children  uts\n');
  });
});
