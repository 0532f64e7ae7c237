// Conformance: pidfds (SEMANTICS 4.15, 4.17, 8.4, 8.5, 8.14-8.17), on every
// backend. Expected values: the kernel's, as docs/semantics.md quotes them
// (the pidfd-* scenarios replay them on Linux 6.18).

import { expect, it } from 'vitest';
import { KernelError, NsHandle, PidFd, type Kernel, type Process } from '../../src/index.js';
import { errnoOf, forEachBackend } from '../support/backends.js';
import {
  NOTHING,
  PIDFD_NONBLOCK,
  PIDFD_THREAD,
  SIGCHLD,
  SIGCONT,
  SIGKILL,
  SIGSTOP,
  SIGTERM,
  SIGUSR1,
  SIGUSR2,
  SI_TKILL,
  SI_USER,
  CLD_CONTINUED,
  CLD_STOPPED,
  exited,
  killed,
} from '../support/linux-values.js';

/** si_code and si_pid of the last delivery of `sig` to `p`, and how often its handler ran. */
async function caught(p: Process, sig: number): Promise<{ count: number; code?: number; pid?: number }> {
  const info = await p.info();
  const si = info.siginfo[sig];
  return { count: info.handled[sig] ?? 0, ...(si ? { code: si.code, pid: si.pid } : {}) };
}

/** A container: an idle runtime in the root namespace, and the init of a namespace below it. */
async function container(k: Kernel): Promise<{ runtime: Process; init: Process }> {
  const runtime = await k.init.fork({ program: 'idle', name: 'runtime' });
  const init = await runtime.fork({ newPid: true, program: 'idle', name: 'cinit' });
  return { runtime, init };
}

forEachBackend('pidfd', (backend) => {
  // --- 8.4 pidfd_open -----------------------------------------------------------------

  it('8.4 flags other than PIDFD_NONBLOCK and PIDFD_THREAD, then PIDs <= 0, are EINVAL; a free PID is ESRCH', async () => {
    const k = backend.create();
    const a = await k.init.fork({ program: 'idle', name: 'a' });
    expect(await errnoOf(k.init.pidfdOpen(a.pid, 1))).toBe('EINVAL');
    expect(await errnoOf(k.init.pidfdOpen(a.pid, 0x80000000))).toBe('EINVAL');
    expect(await errnoOf(k.init.pidfdOpen(a.pid, -1))).toBe('EINVAL');
    expect(await errnoOf(k.init.pidfdOpen(0))).toBe('EINVAL');
    expect(await errnoOf(k.init.pidfdOpen(-1))).toBe('EINVAL');
    expect(await errnoOf(k.init.pidfdOpen(999))).toBe('ESRCH');
    expect(await errnoOf(k.init.pidfdOpen(999, 1))).toBe('EINVAL'); // flags first
    const fd = await k.init.pidfdOpen(a.pid, PIDFD_NONBLOCK | PIDFD_THREAD);
    expect([fd.nonblock, fd.thread]).toEqual([true, true]);
    expect((await k.init.pidfdOpen(a.pid, { nonblock: true })).value.flags).toBe(PIDFD_NONBLOCK);
    expect(fd.key).toBe(a.key);
    expect(await k.checkInvariants()).toEqual([]);
  });

  it('8.4 the PID is looked up in the caller\'s namespace: a process of an ancestor namespace is ESRCH, one below is found', async () => {
    const k = backend.create();
    const { runtime, init } = await container(k);
    expect(await errnoOf(init.pidfdOpen(runtime.pid))).toBe('ESRCH'); // runtime's root PID names nobody inside
    const child = await init.fork({ program: 'idle', name: 'child' });
    const fromInside = await init.pidfdOpen(child.pid);
    const fromOutside = await runtime.pidfdOpen(child.pidIn(runtime.ns));
    expect(fromInside.key).toBe(child.key);
    expect(fromOutside.key).toBe(child.key);
    expect(fromOutside.nspid).toEqual(child.nspid);
  });

  it('8.4 a zombie gets a pidfd; a reaped process does not, even while its PID still names a process group', async () => {
    const k = backend.create();
    const p = await k.init.fork({ program: 'idle', name: 'p' });
    const a = await p.fork({ program: 'idle', name: 'a' });
    await a.exit(3);
    expect((await p.pidfdOpen(a.pid)).key).toBe(a.key); // a zombie
    expect(await p.wait(a.pid)).toEqual(exited(a.pid, 3));
    expect(await errnoOf(p.pidfdOpen(a.pid))).toBe('ESRCH');
    const b = await p.fork({ program: 'idle', name: 'b' });
    await b.setpgid(0, 0);
    const c = await b.fork({ program: 'idle', name: 'c' });
    await b.exit(0);
    await p.wait(b.pid);
    expect(await c.getpgid()).toBe(b.pid); // b's PID lives on as c's group
    expect(await errnoOf(p.pidfdOpen(b.pid))).toBe('ESRCH'); // "Task has already been reaped"
    expect(await errnoOf(b.pidfd())).toBe('ESRCH');
    expect(await k.checkInvariants()).toEqual([]);
  });

  it('8.4 process.pidfd() names the process where it lives, whatever the caller: a pidfd of a namespace init from the API', async () => {
    const k = backend.create();
    const { init } = await container(k);
    const fd = await init.pidfd({ thread: true });
    expect(fd.key).toBe(init.key);
    expect(fd.pidIn(init.ns)).toBe(1);
    expect(fd.pidIn(k.init.ns)).toBe(init.nspid[0]);
    expect(fd.thread).toBe(true);
    await init.exit(0);
    expect((await init.pidfd()).key).toBe(init.key); // still a zombie: its parent has not waited
  });

  it('8.4 bad arguments are TypeErrors naming the call and the value', async () => {
    const k = backend.create();
    const a = await k.init.fork({ program: 'idle', name: 'a' });
    const fd = await k.init.pidfdOpen(a.pid);
    expect(() => k.init.pidfdOpen(1.5)).toThrow(/pidfdOpen: a PID must be a 32-bit integer, received 1.5/);
    expect(() => k.init.pidfdOpen(a.pid, { nonblock: true, wait: true } as never)).toThrow(/pidfdOpen: unknown flag `wait`/);
    expect(() => k.init.pidfdSendSignal({} as never, SIGTERM)).toThrow(/pidfd_send_signal: expected a PidFd .*received Object/);
    expect(() => k.init.pidfdSendSignal(fd, SIGTERM, { flags: 'group' as never })).toThrow(/flags must be 'thread', 'thread-group', 'process-group' or a 32-bit integer, received "group"/);
    fd.close();
    expect(() => k.init.pidfdSendSignal(fd, SIGTERM)).toThrow(/pidfd_send_signal: pidfd\(NSpid 2\) is closed/);
    expect(() => fd.exited()).toThrow(/exited: pidfd\(NSpid 2\) is closed/);
    expect(() => fd.poll()).toThrow(/poll: pidfd\(NSpid 2\) is closed/);
    expect(() => k.procfs(k.init.ns).fdinfo(fd)).toThrow(/fdinfo: pidfd\(NSpid 2\) is closed/);
    expect(() => k.procfs(k.init.ns).fdinfo(a as never)).toThrow(/fdinfo: expected a PidFd, received Process/);
    expect(() => k.init.waitPidfd(fd)).toThrow(/waitid: pidfd\(NSpid 2\) is closed/);
  });

  // --- 4.15 pidfd_send_signal -------------------------------------------------------------

  it('4.15 from an ancestor namespace, SIGTERM through a pidfd to an init without a handler is dropped and SIGKILL tears it down (pidfd.c)', async () => {
    const k = backend.create();
    const { runtime, init } = await container(k);
    const inner = await init.fork({ program: 'idle', name: 'inner' });
    const fd = await runtime.pidfdOpen(init.pidIn(runtime.ns));
    expect(await runtime.pidfdSendSignal(fd, SIGTERM)).toBe(0);
    await k.settled();
    expect((await init.info()).state).toBe('running');
    expect(await runtime.pidfdSendSignal(fd, SIGKILL)).toBe(0);
    expect(await runtime.waitPidfd(fd)).toEqual(killed(init.pidIn(runtime.ns), SIGKILL));
    expect(await errnoOf(inner.info())).toBe('ESRCH');
    expect(await k.checkInvariants()).toEqual([]);
  });

  it('4.15 from inside, SIGKILL through a pidfd of the own init is dropped; a caught signal has si_pid as the init sees the sender', async () => {
    const k = backend.create();
    const { runtime, init } = await container(k);
    const d = await init.fork({ program: 'idle', name: 'd' });
    const fi = await d.pidfdOpen(1);
    expect(await d.pidfdSendSignal(fi, SIGKILL)).toBe(0);
    await k.settled();
    expect((await init.info()).state).toBe('running');
    await init.sigaction(SIGUSR1, 'catch');
    await d.pidfdSendSignal(fi, SIGUSR1);
    await k.settled();
    expect(await caught(init, SIGUSR1)).toEqual({ count: 1, code: SI_USER, pid: d.pid });
    // From the ancestor: si_pid 0 (3.9).
    await runtime.pidfdSendSignal(await runtime.pidfdOpen(init.pidIn(runtime.ns)), SIGUSR1);
    await k.settled();
    expect(await caught(init, SIGUSR1)).toEqual({ count: 2, code: SI_USER, pid: 0 });
  });

  it('4.15 a pidfd of a process outside the caller\'s namespace and its descendants is EINVAL, even once that process is reaped', async () => {
    const k = backend.create();
    const { runtime, init } = await container(k);
    const sibling = await runtime.fork({ newPid: true, program: 'idle', name: 'sibling' });
    const ofRuntime = await runtime.pidfd();
    const ofSibling = await sibling.pidfd();
    expect(await errnoOf(init.pidfdSendSignal(ofRuntime, 0))).toBe('EINVAL'); // an ancestor namespace's process
    expect(await errnoOf(init.pidfdSendSignal(ofSibling, SIGKILL))).toBe('EINVAL'); // a sibling namespace's init
    const z = await runtime.fork({ program: 'idle', name: 'z' });
    const ofZ = await runtime.pidfdOpen(z.pid);
    await z.exit(0);
    await runtime.wait(z.pid);
    expect(await errnoOf(runtime.pidfdSendSignal(ofZ, 0))).toBe('ESRCH');
    expect(await errnoOf(init.pidfdSendSignal(ofZ, 0))).toBe('EINVAL'); // access_pidfd_pidns() before the lookup
    expect(await errnoOf(init.pidfdSendSignal(ofZ, 0, { flags: 8 }))).toBe('EINVAL');
    expect((await sibling.info()).state).toBe('running');
  });

  it('4.15 the kill permission applies: a process that dropped privileges gets EPERM, SIGCONT within its session goes through (8.11)', async () => {
    const k = backend.create();
    const root2 = await k.init.fork({ program: 'idle', name: 'root2' });
    const u = await k.init.fork({ program: 'idle', name: 'u' });
    const fd = await u.pidfdOpen(root2.pid);
    await u.dropPrivileges();
    expect(await errnoOf(u.pidfdSendSignal(fd, 0))).toBe('EPERM');
    expect(await errnoOf(u.pidfdSendSignal(fd, SIGTERM))).toBe('EPERM');
    expect(await u.pidfdSendSignal(fd, SIGCONT)).toBe(0);
    expect(await u.pidfdSendSignal(await u.pidfd(), 0)).toBe(0); // itself
    expect((await root2.info()).state).toBe('running');
  });

  it('4.15 a zombie takes the signal and drops it; a reaped process is ESRCH whatever the signal; a bad signal to a live one is EINVAL', async () => {
    const k = backend.create();
    const p = await k.init.fork({ program: 'idle', name: 'p' });
    const a = await p.fork({ program: 'idle', name: 'a' });
    const fd = await p.pidfdOpen(a.pid);
    expect(await errnoOf(p.pidfdSendSignal(fd, 65))).toBe('EINVAL');
    expect(await errnoOf(p.pidfdSendSignal(fd, -1))).toBe('EINVAL');
    await a.exit(7);
    expect(await p.pidfdSendSignal(fd, SIGTERM)).toBe(0);
    expect(await errnoOf(p.pidfdSendSignal(fd, 65))).toBe('EINVAL');
    expect(await p.wait(a.pid)).toEqual(exited(a.pid, 7)); // the SIGTERM changed nothing
    expect(await errnoOf(p.pidfdSendSignal(fd, SIGTERM))).toBe('ESRCH');
    expect(await errnoOf(p.pidfdSendSignal(fd, 65))).toBe('ESRCH');
  });

  it('4.15 a namespace file is EBADF: it is not a pidfd', async () => {
    const k = backend.create();
    const ns = await k.init.openNs();
    expect(ns).toBeInstanceOf(NsHandle);
    const err = await k.init.pidfdSendSignal(ns, 0).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KernelError);
    expect(err).toMatchObject({ code: 'EBADF', errno: 9, syscall: 'pidfd_send_signal' });
    expect(await errnoOf(k.init.waitPidfd(ns))).toBe('EBADF');
  });

  // --- 4.17 the scope -------------------------------------------------------------------

  it('4.17 PIDFD_SIGNAL_THREAD and a PIDFD_THREAD pidfd deliver si_code SI_TKILL, PIDFD_SIGNAL_THREAD_GROUP SI_USER', async () => {
    const k = backend.create();
    const a = await k.init.fork({ program: 'idle', name: 'a' });
    await a.sigaction(SIGUSR1, 'catch');
    const fa = await k.init.pidfdOpen(a.pid);
    const ft = await k.init.pidfdOpen(a.pid, { thread: true });
    const step = async (fd: PidFd, flags: number | 'thread' | 'thread-group', count: number, code: number): Promise<void> => {
      expect(await k.init.pidfdSendSignal(fd, SIGUSR1, { flags })).toBe(0);
      await k.settled();
      expect(await caught(a, SIGUSR1)).toEqual({ count, code, pid: 1 });
    };
    await step(fa, 0, 1, SI_USER);
    await step(fa, 'thread', 2, SI_TKILL);
    await step(ft, 0, 3, SI_TKILL);
    await step(ft, 'thread-group', 4, SI_USER);
  });

  it('4.17 PIDFD_SIGNAL_PROCESS_GROUP signals the group the pidfd\'s process leads, still after the leader is reaped; ESRCH for a non-leader', async () => {
    const k = backend.create();
    const { init: p } = await container(k); // an idle init: it reaps only when asked
    const a = await p.fork({ program: 'idle', name: 'a' });
    await a.setpgid(0, 0);
    const a2 = await a.fork({ program: 'idle', name: 'a2' });
    const b = await p.fork({ program: 'idle', name: 'b' });
    const fa = await p.pidfdOpen(a.pid);
    expect(await errnoOf(p.pidfdSendSignal(await p.pidfdOpen(b.pid), SIGSTOP, { flags: 'process-group' }))).toBe('ESRCH');
    expect(await p.pidfdSendSignal(fa, SIGSTOP, { flags: 'process-group' })).toBe(0);
    await k.settled();
    expect([(await a.info()).state, (await a2.info()).state]).toEqual(['stopped', 'stopped']);
    await p.pidfdSendSignal(fa, SIGCONT, { flags: 'process-group' });
    await k.settled();
    await a.exit(0);
    expect(await p.wait(a.pid)).toEqual(exited(a.pid, 0));
    expect(await errnoOf(p.pidfdSendSignal(fa, SIGTERM))).toBe('ESRCH');
    expect(await p.pidfdSendSignal(fa, SIGTERM, { flags: 'process-group' })).toBe(0);
    expect(await p.wait(a2.pid)).toEqual(killed(a2.pid, SIGTERM)); // adopted by the namespace's init
    expect(await errnoOf(p.pidfdSendSignal(fa, SIGTERM, { flags: 'process-group' }))).toBe('ESRCH');
    expect(await k.checkInvariants()).toEqual([]);
  });

  it('4.17 unknown flags or two scopes at once are EINVAL, before anything else', async () => {
    const k = backend.create();
    const a = await k.init.fork({ program: 'idle', name: 'a' });
    const fd = await k.init.pidfdOpen(a.pid);
    for (const flags of [8, 3, 6, 0x80000000]) expect(await errnoOf(k.init.pidfdSendSignal(fd, SIGTERM, { flags }))).toBe('EINVAL');
    expect((await a.info()).state).toBe('running');
  });

  it('4.17 a signal a process sends itself through a pidfd is handled before the call returns', async () => {
    const k = backend.create();
    const a = await k.init.fork({ program: 'idle', name: 'a' });
    await a.sigaction(SIGUSR2, 'catch');
    expect(await a.pidfdSendSignal(await a.pidfdOpen(a.pid), SIGUSR2, { report: true })).toEqual({ ret: 0, handled: { [SIGUSR2]: 1 } });
  });

  // --- 8.5 fdinfo ---------------------------------------------------------------------

  it('8.5 fdinfo shows Pid and NSpid as the namespace of the procfs it is read through sees the process (pidfd.c)', async () => {
    const k = backend.create();
    const { runtime, init } = await container(k);
    const d = await init.fork({ program: 'idle', name: 'd' });
    const fd = await runtime.pidfdOpen(d.pidIn(runtime.ns));
    const ofRuntime = await runtime.pidfd();
    expect(await k.procfs(k.init.ns).fdinfo(fd)).toEqual({ flags: '02000002', pid: d.nspid[0], nspid: d.nspid });
    expect(await k.procfs(init.ns, init).fdinfo(fd)).toEqual({ flags: '02000002', pid: d.pid, nspid: [d.pid] });
    // Read inside through the host's /proc mount, and through the container's own (I(inside, HOST /proc mount) / OWN).
    expect((await k.procfs(k.init.ns, init).fdinfo(ofRuntime)).pid).toBe(runtime.pid);
    expect(await k.procfs(init.ns, init).fdinfo(ofRuntime)).toEqual({ flags: '02000002', pid: 0, nspid: [0] });
    expect(await k.procfs(k.init.ns).fdinfoText(await k.init.pidfdOpen(d.nspid[0]!, { nonblock: true, thread: true }))).toBe(
      `pos:\t0\nflags:\t02004202\nPid:\t${d.nspid[0]}\nNSpid:\t${d.nspid[0]}\t${d.pid}\n`,
    );
    await d.exit(1);
    expect((await k.procfs(k.init.ns).fdinfo(fd)).pid).toBe(d.nspid[0]); // a zombie
    await init.wait(d.pid);
    expect(await k.procfs(k.init.ns).fdinfo(fd)).toEqual({ flags: '02000002', pid: -1, nspid: [-1] });
    expect(await k.procfs(init.ns).fdinfo(fd)).toEqual({ flags: '02000002', pid: -1, nspid: [-1] });
  });

  // --- 8.14 a process, not a number ---------------------------------------------------

  it('8.14 after reaping and PID reuse, the old pidfd is ESRCH and never reaches the new process; waitid on it is ECHILD', async () => {
    const k = backend.create();
    const p = await k.init.fork({ program: 'idle', name: 'p' });
    const a = await p.fork({ program: 'idle', name: 'a' });
    const fa = await p.pidfdOpen(a.pid);
    const elsewhere = await k.init.pidfdOpen(a.nspid[0]!);
    await a.exit(0);
    await p.waitPidfd(fa);
    await k.init.writeSysctl('ns_last_pid', a.pid - 1);
    const b = await p.fork({ program: 'idle', name: 'b' });
    expect(b.pid).toBe(a.pid);
    await b.sigaction(SIGUSR1, 'catch');
    expect(await errnoOf(p.pidfdSendSignal(fa, SIGUSR1))).toBe('ESRCH');
    expect(await errnoOf(k.init.pidfdSendSignal(elsewhere, SIGKILL))).toBe('ESRCH');
    expect(await errnoOf(p.waitPidfd(fa, { nohang: true }))).toBe('ECHILD');
    expect(await fa.poll()).toEqual({ readable: true, hangup: true });
    await k.settled();
    const info = await b.info();
    expect([info.state, info.handled[SIGUSR1] ?? 0]).toEqual(['running', 0]);
    const fb = await p.pidfdOpen(b.pid);
    expect(fb.key).toBe(b.key);
    expect(await p.pidfdSendSignal(fb, SIGUSR1)).toBe(0);
    expect(await k.checkInvariants()).toEqual([]);
  });

  it('8.14 an open pidfd keeps its process\'s dead namespace; closing the last one frees it', async () => {
    const k = backend.create();
    const { runtime, init } = await container(k);
    const fd = await runtime.pidfdOpen(init.pidIn(runtime.ns));
    const held = await init.pidfd();
    await runtime.pidfdSendSignal(fd, SIGKILL);
    await runtime.waitPidfd(fd);
    await k.settled();
    const alive = async (): Promise<boolean> => (await k.snapshot()).namespaces.some((n) => n.ns.id === init.ns.id);
    expect(await alive()).toBe(true);
    expect((await k.snapshot()).namespaces.find((n) => n.ns.id === init.ns.id)?.ns.state).toBe('dead');
    fd.close();
    await k.settled();
    expect(await alive()).toBe(true);
    expect(await errnoOf(runtime.pidfdSendSignal(held, 0))).toBe('ESRCH');
    held.close();
    await k.settled();
    await k.settled(); // the actor is dropped at the quiescent point after it retired
    expect(await alive()).toBe(false);
    expect(await k.checkInvariants()).toEqual([]);
  });

  // --- 8.15 waitid(P_PIDFD) ---------------------------------------------------------------

  it('8.15 only the parent may wait through a pidfd; WNOHANG gives pid 0; PIDFD_NONBLOCK makes an empty wait EAGAIN; no state asked is EINVAL', async () => {
    const k = backend.create();
    const p = await k.init.fork({ program: 'idle', name: 'p' });
    const a = await p.fork({ program: 'idle', name: 'a' });
    const fa = await p.pidfdOpen(a.pid);
    const fn = await p.pidfdOpen(a.pid, { nonblock: true });
    expect(await p.waitPidfd(fa, { nohang: true })).toEqual(NOTHING);
    expect(await errnoOf(p.waitPidfd(fn))).toBe('EAGAIN');
    expect(await p.waitPidfd(fn, { nohang: true })).toEqual(NOTHING);
    expect(await errnoOf(p.waitPidfd(fa, { exited: false }))).toBe('EINVAL');
    expect(await errnoOf(k.init.waitPidfd(fa, { nohang: true }))).toBe('ECHILD'); // its grandparent
    const sibling = await p.fork({ program: 'idle', name: 'sibling' });
    expect(await errnoOf(sibling.waitPidfd(fa, { nohang: true }))).toBe('ECHILD');
    expect(await errnoOf(p.waitPidfd(await p.pidfd(), { nohang: true }))).toBe('ECHILD'); // itself
  });

  it('8.15 waitid through a pidfd reports stops and continues, blocks until the child dies, and leaves it with WNOWAIT', async () => {
    const k = backend.create();
    const p = await k.init.fork({ program: 'idle', name: 'p' });
    const a = await p.fork({ program: 'idle', name: 'a' });
    const fa = await p.pidfdOpen(a.pid);
    await p.pidfdSendSignal(fa, SIGSTOP);
    await k.settled();
    expect(await p.waitPidfd(fa, { untraced: true, nohang: true })).toMatchObject({ pid: a.pid, code: CLD_STOPPED, change: { kind: 'stopped', signal: SIGSTOP } });
    await p.pidfdSendSignal(fa, SIGCONT);
    await k.settled();
    expect(await p.waitPidfd(fa, { continued: true, exited: false })).toMatchObject({ pid: a.pid, code: CLD_CONTINUED });
    const waiting = p.waitPidfd(fa);
    await k.settled();
    await a.exit(4);
    expect(await waiting).toEqual(exited(a.pid, 4));
    expect(await errnoOf(p.waitPidfd(fa))).toBe('ECHILD');
    const c = await p.fork({ program: { name: 'exit', code: 5 }, name: 'c', pidfd: true });
    const fc = c.clonePidfd!;
    await k.settled();
    expect(await p.waitPidfd(fc, { nowait: true })).toEqual(exited(c.pid, 5));
    expect(await p.waitPidfd(fc)).toEqual(exited(c.pid, 5));
    expect(await k.checkInvariants()).toEqual([]);
  });

  it('8.15 with SIGCHLD ignored the child reaps itself: a wait blocked on its pidfd ends with ECHILD', async () => {
    const k = backend.create();
    const p = await k.init.fork({ program: 'idle', name: 'p' });
    const a = await p.fork({ program: 'idle', name: 'a', pidfd: true });
    const waiting = errnoOf(p.waitPidfd(a.clonePidfd!));
    await k.settled();
    await p.sigaction(SIGCHLD, 'ignore');
    await a.exit(0);
    expect(await waiting).toBe('ECHILD');
  });

  // --- 8.16 readiness -----------------------------------------------------------------

  it('8.16 exited() resolves when the process becomes a zombie - not when it stops; poll reads POLLIN, then POLLHUP once reaped', async () => {
    const k = backend.create();
    const p = await k.init.fork({ program: 'idle', name: 'p' });
    const a = await p.fork({ program: 'idle', name: 'a' });
    const fd = await p.pidfdOpen(a.pid);
    let done = false;
    const ready = fd.exited().then(() => (done = true));
    expect(await fd.poll()).toEqual({ readable: false, hangup: false });
    await p.kill(a.pid, SIGSTOP);
    await k.settled();
    expect(done).toBe(false);
    expect(await fd.poll()).toEqual({ readable: false, hangup: false });
    expect(await k.checkInvariants()).toEqual([]); // the blocked exited() is accounted for (invariant 6)
    await p.kill(a.pid, SIGKILL);
    await ready;
    expect(await fd.poll()).toEqual({ readable: true, hangup: false });
    await p.wait(a.pid);
    expect(await fd.poll()).toEqual({ readable: true, hangup: true });
    await fd.exited(); // at once
    expect(await fd.state()).toBe('reaped');
  });

  it('8.16 an init killed while a zombie of its namespace has a parent outside is not readable until the namespace drains', async () => {
    const k = backend.create();
    const { runtime, init } = await container(k);
    const fd = await runtime.pidfdOpen(init.pidIn(runtime.ns));
    const joiner = await runtime.fork({ program: 'idle', name: 'joiner' });
    await joiner.setns(await joiner.openNs(init.pidIn(joiner.ns)));
    const z = await joiner.fork({ program: 'idle', name: 'z' });
    await z.exit(0);
    let done = false;
    const ready = fd.exited().then(() => (done = true));
    await runtime.pidfdSendSignal(fd, SIGKILL);
    await k.settled();
    expect((await init.info()).state).toBe('exiting');
    expect(await fd.poll()).toEqual({ readable: false, hangup: false });
    expect(done).toBe(false);
    await joiner.wait(z.pidIn(joiner.ns));
    await ready;
    expect(await runtime.waitPidfd(fd)).toEqual(killed(init.pidIn(runtime.ns), SIGKILL));
    expect(await k.checkInvariants()).toEqual([]);
  });

  // --- 8.17 CLONE_PIDFD ---------------------------------------------------------------

  it('8.17 fork({ pidfd: true }) is clone3 CLONE_PIDFD: the caller gets a close-on-exec pidfd of the child, also of a new namespace\'s init', async () => {
    const k = backend.create();
    const a = await k.init.fork({ program: 'idle', name: 'a', pidfd: true });
    expect(a.clonePidfd).toBeInstanceOf(PidFd);
    expect(a.clonePidfd!.key).toBe(a.key);
    expect(await k.procfs(k.init.ns).fdinfo(a.clonePidfd!)).toEqual({ flags: '02000002', pid: a.pid, nspid: [a.pid] });
    const n = await k.init.fork({ newPid: true, program: 'idle', name: 'n', pidfd: true });
    expect(n.clonePidfd!.pidIn(n.ns)).toBe(1);
    expect(await k.procfs(k.init.ns).fdinfo(n.clonePidfd!)).toEqual({ flags: '02000002', pid: n.nspid[0], nspid: n.nspid });
    expect((await k.init.fork({ program: 'idle' })).clonePidfd).toBeUndefined();
  });

  it('8.17 a CLONE_PIDFD pidfd names the child even when it was reaped before fork returned', async () => {
    const k = backend.create();
    const p = await k.init.fork({ program: 'idle', name: 'p' });
    await p.sigaction(SIGCHLD, 'ignore');
    const c = await p.fork({ program: { name: 'exit', code: 0 }, name: 'c', pidfd: true });
    await k.settled();
    await c.clonePidfd!.exited();
    expect(await c.clonePidfd!.state()).toBe('reaped');
    expect(await errnoOf(p.pidfdSendSignal(c.clonePidfd!, 0))).toBe('ESRCH');
    expect(await errnoOf(p.pidfdOpen(c.pid))).toBe('ESRCH');
    expect(await k.checkInvariants()).toEqual([]);
  });
});
