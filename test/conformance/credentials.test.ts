// Conformance: credentials (SEMANTICS 8.10), who may signal whom (8.11),
// execve (8.12) and setpgid on a zombie child (7.2), on every backend.
// Expected values: the kernel's, as docs/semantics.md quotes them (the
// scenarios credentials-setuid, user-namespace-ids, kill-permission,
// exec-rules and setpgid-zombie-child replay them on Linux).

import { expect, it } from 'vitest';
import type { Kernel, Process } from '../../src/index.js';
import { errnoOf, forEachBackend } from '../support/backends.js';
import { SIGCONT, SIGHUP, SIGTERM, SIGUSR1, SIGUSR2, exited } from '../support/linux-values.js';

/** The Uid: and Gid: lines of /proc/PID/status as the root namespace's procfs shows them. */
async function idLines(k: Kernel, p: Process): Promise<string[]> {
  const text = await k.procfs(k.init.ns, k.init).statusText(p.nspid[0]!);
  return text.split('\n').filter((l) => l.startsWith('Uid:') || l.startsWith('Gid:'));
}

forEachBackend('credentials', (backend) => {
  it('8.10 a child inherits its parent\'s ids; /proc/PID/status shows real, effective, saved and filesystem ids', async () => {
    const k = backend.create();
    const a = await k.init.fork({ program: 'idle', name: 'a' });
    expect(await a.setresgid(7, 8, 9)).toBe(0); // CAP_SETGID goes with euid 0: gids first
    expect(await a.setresuid(1000, 1000, 0)).toBe(0);
    expect(await errnoOf(a.setgid(0))).toBe('EPERM');
    const b = await a.fork({ program: 'idle', name: 'b' });
    expect(await b.getresuid()).toEqual([1000, 1000, 0]);
    expect(await b.getresgid()).toEqual([7, 8, 9]);
    expect(await idLines(k, b)).toEqual(['Uid:\t1000\t1000\t0\t1000', 'Gid:\t7\t8\t9\t8']);
    expect(await k.checkInvariants()).toEqual([]);
  });

  it('8.10 setuid with CAP_SETUID sets all three ids; without it only the effective one, to the real or saved id', async () => {
    const k = backend.create();
    const a = await k.init.fork({ program: 'idle', name: 'a' });
    await a.setresuid(1000, 1000, 0); // euid leaves 0: the effective capabilities go, the permitted stay
    expect(await errnoOf(a.setuid(5))).toBe('EPERM');
    expect(await a.setuid(0)).toBe(0); // back to the saved uid: effective = permitted again
    expect(await a.getresuid()).toEqual([1000, 0, 0]);
    expect(await a.setuid(2000)).toBe(0); // privileged: all three
    expect(await a.getresuid()).toEqual([2000, 2000, 2000]);
    expect(await errnoOf(a.setuid(0))).toBe('EPERM'); // no uid 0 left: no capability left
    expect((await a.info()).privileged).toBe(false);
    expect(await errnoOf(a.unshare({ newPid: true }))).toBe('EPERM');
  });

  it('8.10 setresuid without the capability may only reuse the current ids; -1 keeps one', async () => {
    const k = backend.create();
    const a = await k.init.fork({ program: 'idle', name: 'a' });
    await a.setresuid(10, 20, 30);
    expect(await a.setresuid(30, 10, 20)).toBe(0);
    expect(await a.getresuid()).toEqual([30, 10, 20]);
    expect(await a.setresuid(-1, -1, 30)).toBe(0);
    expect(await errnoOf(a.setresuid(-1, 40, -1))).toBe('EPERM');
    expect(await a.getresuid()).toEqual([30, 10, 30]);
  });

  it('8.10 in a user namespace without maps ids read 65534, none can be set, none can be nested; a written map changes that', async () => {
    const k = backend.create();
    const u = await k.init.fork({ newUser: true, program: 'idle', name: 'u' });
    expect(await u.getresuid()).toEqual([65534, 65534, 65534]);
    expect(await errnoOf(u.setuid(0))).toBe('EINVAL');
    expect(await errnoOf(u.fork({ newUser: true }))).toBe('EPERM');
    expect(await errnoOf(u.unshare({ newUser: true }))).toBe('EPERM');
    expect(await idLines(k, u)).toEqual(['Uid:\t0\t0\t0\t0', 'Gid:\t0\t0\t0\t0']); // the reader's namespace maps everything
    await k.init.writeUidMap(u.nspid[0]!, '0 0 4294967295');
    expect(await errnoOf(k.init.writeUidMap(u.nspid[0]!, '0 0 1'))).toBe('EPERM'); // once
    expect(await u.getresuid()).toEqual([0, 0, 0]);
    expect(await u.getresgid()).toEqual([65534, 65534, 65534]); // the gid map is separate
    await k.init.writeGidMap(u.nspid[0]!, { first: 0, lower: 0, count: 4294967295 });
    expect((await u.fork({ newUser: true, program: 'idle' })).pid).toBeGreaterThan(0);
  });

  it('8.10 a map shifts ids: uid 0 inside is 100000 outside', async () => {
    const k = backend.create();
    const u = await k.init.fork({ newUser: true, program: 'idle', name: 'u' });
    await k.init.writeUidMap(u.nspid[0]!, '0 100000 65536');
    await k.init.writeGidMap(u.nspid[0]!, '0 100000 65536');
    expect(await u.setresuid(0, 0, 0)).toBe(0); // privileged in its own namespace: kernel uid 100000
    expect(await u.getresuid()).toEqual([0, 0, 0]);
    expect(await idLines(k, u)).toEqual(['Uid:\t100000\t100000\t100000\t100000', 'Gid:\t0\t0\t0\t0']);
    expect(await errnoOf(u.setuid(70000))).toBe('EINVAL'); // not in the map
  });

  it('8.10 an unprivileged owner may map only its own id; others may not write the map at all', async () => {
    const k = backend.create();
    const nobody = await k.init.fork({ program: 'idle', name: 'nobody' });
    await nobody.dropPrivileges();
    const u = await nobody.fork({ newUser: true, program: 'idle', name: 'u' });
    expect(await errnoOf(nobody.writeUidMap(u.pidIn(nobody.ns), '0 0 1'))).toBe('EPERM'); // not its id
    expect(await errnoOf(nobody.writeGidMap(u.pidIn(nobody.ns), '0 65534 1'))).toBe('EPERM'); // gid_map needs setgroups deny
    expect(await nobody.writeUidMap(u.pidIn(nobody.ns), '0 65534 1')).toBe(0);
    expect(await u.getuid()).toBe(0);
  });

  it('8.11 a process that dropped to nobody cannot signal root: EPERM, also for signal 0 and a group; SIGCONT in its session is allowed', async () => {
    const k = backend.create();
    const sh = await k.init.fork({ program: 'idle', name: 'sh' });
    await sh.setsid();
    const root = await sh.fork({ program: 'idle', name: 'root' });
    await root.setpgid(0, 0);
    await root.sigaction('CONT', 'catch');
    const u = await sh.fork({ program: 'idle', name: 'u' });
    await u.dropPrivileges();
    expect(await u.getresuid()).toEqual([65534, 65534, 65534]);
    expect(await errnoOf(u.kill(root.pid, 0))).toBe('EPERM');
    expect(await errnoOf(u.kill(root.pid, SIGTERM))).toBe('EPERM');
    expect(await errnoOf(u.kill(-root.pid, SIGTERM))).toBe('EPERM');
    expect(await errnoOf(u.kill(1, 'KILL'))).toBe('EPERM');
    expect(await u.kill(root.pid, SIGCONT)).toBe(0);
    await k.settled();
    expect((await root.info()).handled).toEqual({ [SIGCONT]: 1 });
    expect((await root.info()).state).toBe('running');
    expect(await sh.kill(u.pid, 0)).toBe(0); // root may signal anyone
  });

  it('8.11 kill(-1) never reports EPERM; a group kill is 0 if any member took the signal', async () => {
    const k = backend.create();
    const sh = await k.init.fork({ program: 'idle', name: 'sh' });
    await sh.setsid();
    const u = await sh.fork({ program: 'idle', name: 'u' });
    await u.setpgid(0, 0);
    const other = await sh.fork({ program: 'idle', name: 'other' }); // root, in u's group
    await sh.setpgid(other.pid, u.pid);
    await u.setresuid(1000, 1000, 1000);
    const mine = await u.fork({ program: 'idle', name: 'mine' });
    await mine.sigaction(SIGUSR1, 'catch');
    await u.sigaction(SIGUSR2, 'catch'); // after the fork: mine keeps the default (terminate)
    expect(await u.kill(-1, SIGUSR1)).toBe(0);
    await k.settled();
    expect((await mine.info()).handled).toEqual({ [SIGUSR1]: 1 });
    expect((await other.info()).state).toBe('running');
    expect(await u.kill(0, SIGUSR2)).toBe(0); // u and mine take it, other refuses
    await k.settled();
    expect(await u.wait(mine.pid)).toEqual({ pid: mine.pid, status: SIGUSR2, change: { kind: 'killed', signal: SIGUSR2, core: false }, code: 2 });
    expect((await u.info()).handled).toEqual({ [SIGUSR2]: 1 });
    expect((await other.info()).state).toBe('running');
    expect(await errnoOf(u.kill(other.pid, SIGUSR2))).toBe('EPERM');
  });

  it('8.11 matching ids allow it: a target whose saved uid is the sender\'s real uid', async () => {
    const k = backend.create();
    const a = await k.init.fork({ program: 'idle', name: 'a' });
    const b = await k.init.fork({ program: 'idle', name: 'b' });
    await a.setresuid(1000, 1000, 1000);
    await b.setresuid(2000, 2000, 1000);
    expect(await a.kill(b.pid, 0)).toBe(0);
    expect(await errnoOf(b.kill(a.pid, 0))).toBe('EPERM');
  });

  it('8.12 execve: caught signals go back to default, ignored stay, the mask and pending stay, saved ids take the effective ones', async () => {
    const k = backend.create();
    const a = await k.init.fork({ program: 'idle', name: 'a' });
    await a.sigaction(SIGUSR1, 'catch');
    await a.sigaction(SIGUSR2, 'ignore');
    await a.sigprocmask('block', [SIGHUP]);
    await k.init.kill(a.pid, SIGHUP);
    await k.init.kill(a.pid, SIGUSR1);
    await k.settled();
    await a.setresuid(0, 1000, 0);
    await a.exec('idle', { name: 'a2' });
    expect(await a.getresuid()).toEqual([0, 1000, 1000]);
    expect((await a.info()).handled).toEqual({});
    expect((await a.sigaction(SIGUSR1)).handler).toBe('default');
    expect((await a.sigaction(SIGUSR2)).handler).toBe('ignore');
    expect(await a.sigpending()).toEqual([SIGHUP]);
    expect(await errnoOf(k.init.setpgid(a.pid, a.pid))).toBe('EACCES');
    // Real uid root: permitted capabilities back, but the effective uid is not root.
    expect((await a.info()).privileged).toBe(false);
    expect(await a.setuid(0)).toBe(0);
    expect((await a.info()).privileged).toBe(true);
  });

  it('7.2 setpgid finds a zombie child until it is reaped: it can lead a group or join one, and wait(-pgid) reaps it', async () => {
    const k = backend.create();
    const sh = await k.init.fork({ program: 'idle', name: 'sh' });
    await sh.setsid();
    const a = await sh.fork({ program: 'idle', name: 'a' });
    const b = await sh.fork({ program: 'idle', name: 'b' });
    const leader = await sh.fork({ program: 'idle', name: 'leader' });
    await sh.setpgid(leader.pid, leader.pid);
    await a.exit(3);
    await b.exit(4);
    await k.settled();
    expect(await sh.setpgid(a.pid, a.pid)).toBe(0);
    expect(await sh.getpgid(a.pid)).toBe(a.pid);
    expect(await sh.setpgid(b.pid, leader.pid)).toBe(0);
    expect(await sh.wait(-a.pid)).toEqual(exited(a.pid, 3));
    expect(await sh.wait(-leader.pid)).toEqual(exited(b.pid, 4));
    expect(await errnoOf(sh.setpgid(b.pid, b.pid))).toBe('ESRCH');
    expect(await k.checkInvariants()).toEqual([]);
  });
});
