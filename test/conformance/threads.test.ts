// Conformance: thread groups (SEMANTICS 2.7, 4.8, 4.17, 5.4, 5.6, 5.8, 5.12,
// 5.13, 8.1-8.4, 8.18-8.23), on every backend. Expected values: the kernel's, as
// docs/semantics.md quotes them from lab/threads-probe.c and the thread-*
// scenarios (which replay them on Linux 6.18).

import { expect, it } from 'vitest';
import type { Kernel, Process } from '../../src/index.js';
import { errnoOf, forEachBackend } from '../support/backends.js';
import { NOTHING, PIDFD_THREAD, SIGKILL, SIGSTOP, SIGTERM, SIGUSR1, SIGUSR2, SI_TKILL, SI_USER, exited, killed } from '../support/linux-values.js';

/** How often `sig`'s handler ran in task `t`, with the last siginfo's code and pid. */
async function caught(t: Process, sig: number): Promise<{ count: number; code?: number; pid?: number }> {
  const info = await t.info();
  const si = info.siginfo[sig];
  return { count: info.handled[sig] ?? 0, ...(si ? { code: si.code, pid: si.pid } : {}) };
}

/**
 * A process p (PID 3) with `n` threads besides its leader (TIDs 4, 5...),
 * the child of an idle `parent` (PID 2) that reaps only when told (the
 * root's init reaps by itself).
 */
async function withThreads(k: Kernel, n: number): Promise<{ parent: Process; p: Process; threads: Process[] }> {
  const parent = await k.init.fork({ program: 'idle', name: 'parent' });
  const p = await parent.fork({ program: 'idle', name: 'p' });
  const threads: Process[] = [];
  for (let i = 0; i < n; i++) threads.push(await p.fork({ thread: true }));
  return { parent, p, threads };
}

forEachBackend('threads', (backend) => {
  // --- 8.1, 8.2, 8.23: ids, /proc --------------------------------------------------------

  it('8.1 a thread has a TID at every level from the same allocator; getpid is the TGID in every thread', async () => {
    const k = backend.create();
    const runtime = await k.init.fork({ program: 'idle', name: 'runtime' });
    const c = await runtime.fork({ newPid: true, program: 'idle', name: 'c' });
    const p = await c.fork({ program: 'idle', name: 'p' });
    const t = await p.fork({ thread: true, name: 'worker' });
    expect([p.nspid, t.nspid, t.nstgid]).toEqual([[4, 2], [5, 3], [4, 2]]);
    expect([t.pid, t.tid, t.isThread, p.isThread]).toEqual([2, 3, true, false]);
    expect(await t.gettid()).toBe(3);
    expect(await t.getpid()).toBe(2);
    expect(await p.gettid()).toBe(2);
    expect(await t.getppid()).toBe(1);
    const info = await t.info();
    expect([info.pid, info.tid, info.nspid, info.threads, info.name]).toEqual([2, 3, [5, 3], 2, 'worker']);
    // The next fork anywhere in the namespace takes the next number.
    expect((await c.fork({ program: 'idle' })).nspid).toEqual([6, 4]);
    expect(await k.checkInvariants()).toEqual([]);
  });

  it('8.23 /proc lists processes only; /proc/TID opens; /proc/PID/task lists the group; status shows Tgid, NStgid, Threads', async () => {
    const k = backend.create();
    const { p, threads } = await withThreads(k, 2);
    const fs = k.init.procfs();
    expect(await fs.pids()).toEqual([1, 2, 3]);
    expect(await fs.tids(p.pid)).toEqual([3, 4, 5]);
    expect(await fs.tids(threads[1]!.tid)).toEqual([3, 4, 5]);
    const st = await fs.status(threads[0]!.tid);
    expect([st.pid, st.tgid, st.nspid, st.nstgid, st.ppid, st.threads]).toEqual([4, 3, [4], [3], 2, 3]);
    const text = await fs.statusText(threads[0]!.tid);
    expect(text).toMatch(/^Tgid:\t3$/m);
    expect(text).toMatch(/^Pid:\t4$/m);
    expect(text).toMatch(/^NStgid:\t3$/m);
    expect(text).toMatch(/^NSpid:\t4$/m);
    expect(text).toMatch(/^Threads:\t3$/m);
    expect((await fs.threads()).map((e) => [e.tgid, e.pid])).toEqual([[1, 1], [2, 2], [3, 3], [3, 4], [3, 5]]);
    // pidfd_open of a TID that leads no group: ENOENT without PIDFD_THREAD (SEMANTICS 8.4).
    expect(await errnoOf(k.init.pidfdOpen(threads[0]!.tid))).toBe('ENOENT');
    expect((await k.init.pidfdOpen(threads[0]!.tid, PIDFD_THREAD)).thread).toBe(true);
    expect(await k.checkInvariants()).toEqual([]);
  });

  // --- 5.13, 5.4, 5.8: threads and wait ------------------------------------------------------

  it('5.13 a thread is no child: wait for its TID, or with only threads, is ECHILD', async () => {
    const k = backend.create();
    const { p, threads } = await withThreads(k, 1);
    expect(await errnoOf(p.wait(threads[0]!.tid, { nohang: true }))).toBe('ECHILD');
    expect(await errnoOf(p.wait(-1, { nohang: true }))).toBe('ECHILD');
    expect(await errnoOf(k.init.wait(threads[0]!.tid, { nohang: true }))).toBe('ECHILD');
  });

  it('5.4 5.8 a child forked by a thread is its process\'s: it stays so when that thread exits, and a sibling thread reaps it', async () => {
    const k = backend.create();
    const { p, threads } = await withThreads(k, 2);
    const child = await threads[0]!.fork({ program: 'idle', name: 'kid' });
    expect(await child.getppid()).toBe(p.pid);
    await threads[0]!.exit(7);
    expect(await child.getppid()).toBe(p.pid);
    await child.exit(6);
    expect(await threads[1]!.wait(child.pid)).toEqual(exited(child.pid, 6));
    expect(await k.checkInvariants()).toEqual([]);
  });

  // --- 8.19, 5.12: exit and exit_group -------------------------------------------------------

  it('8.19 exit ends one thread and frees its TID at once; exit_group from any thread ends the process with its code', async () => {
    const k = backend.create();
    const { parent, p, threads } = await withThreads(k, 2);
    await threads[0]!.exit(7);
    expect(await k.init.procfs().tids(p.pid)).toEqual([3, 5]);
    expect(await errnoOf(k.init.kill(4, 0))).toBe('ESRCH');
    expect(await errnoOf(threads[0]!.gettid())).toBe('ESRCH');
    expect(await parent.wait(p.pid, { nohang: true })).toEqual(NOTHING);
    await threads[1]!.exitGroup(9);
    expect(await parent.wait(p.pid)).toEqual(exited(p.pid, 9));
    expect(await errnoOf(k.init.kill(5, 0))).toBe('ESRCH');
    expect(await k.checkInvariants()).toEqual([]);
  });

  it('5.12 a leader that exits first is a zombie thread; its parent hears of the process only with the last thread, whose status it gets', async () => {
    const k = backend.create();
    const { parent, p, threads } = await withThreads(k, 1);
    await p.sigaction(SIGUSR1, 'catch');
    await p.exit(3);
    expect(await parent.wait(p.pid, { nohang: true })).toEqual(NOTHING);
    const st = await k.init.procfs().status(p.pid);
    expect([st.state, st.threads]).toEqual(['zombie', 2]);
    expect(await k.init.procfs().tids(p.pid)).toEqual([3, 4]);
    expect(await errnoOf(p.getpid())).toBe('ESRCH');
    expect(await k.checkInvariants()).toEqual([]);
    // kill() of the PID reaches the live thread.
    expect(await k.init.kill(p.pid, SIGUSR1)).toBe(0);
    expect(await caught(threads[0]!, SIGUSR1)).toEqual({ count: 1, code: SI_USER, pid: 1 });
    await threads[0]!.exit(5);
    expect(await parent.wait(p.pid)).toEqual(exited(p.pid, 5));
    expect(await k.checkInvariants()).toEqual([]);
  });

  it('5.6 (a) 5.12 a leader that exits first leaves its children to the live thread: not reparented to the ns init, reaped by that thread', async () => {
    // lab/leader-exit-children-probe.c (Linux 6.18): K getppid -> 2; I waitpid(K), waitpid(Z) -> ECHILD; T reaps Z (4), K (6); I gets P exited 5.
    const k = backend.create();
    const runtime = await k.init.fork({ program: 'idle', name: 'runtime' });
    const init = await runtime.fork({ newPid: true, program: 'idle', name: 'init' });
    const p = await init.fork({ program: 'idle', name: 'p' });
    const kid = await p.fork({ program: 'idle', name: 'kid' });
    const zombie = await p.fork({ program: { name: 'exit', code: 4 }, name: 'zombie' });
    const t = await p.fork({ thread: true });
    await k.settled();
    await p.exit(3);
    expect([p.pid, kid.pid, zombie.pid, t.tid]).toEqual([2, 3, 4, 5]);
    expect(await kid.getppid()).toBe(2);
    expect(await init.wait(p.pid, { nohang: true })).toEqual(NOTHING);
    expect(await errnoOf(init.wait(kid.pid, { nohang: true }))).toBe('ECHILD');
    expect(await errnoOf(init.wait(zombie.pid, { nohang: true }))).toBe('ECHILD');
    expect(await t.wait(zombie.pid, { nohang: true })).toEqual(exited(zombie.pid, 4));
    await kid.exit(6);
    expect(await t.wait(kid.pid)).toEqual(exited(kid.pid, 6));
    expect(await errnoOf(t.wait(-1, { nohang: true }))).toBe('ECHILD');
    await t.exit(5);
    expect(await init.wait(p.pid)).toEqual(exited(p.pid, 5));
    expect(await k.checkInvariants()).toEqual([]);
  });

  it('5.12 8.3 an ns init whose leader exits lives on in its thread; the group\'s exit tears the namespace down', async () => {
    const k = backend.create();
    const runtime = await k.init.fork({ program: 'idle', name: 'runtime' });
    const c = await runtime.fork({ newPid: true, program: 'idle', name: 'cinit' });
    const ct = await c.fork({ thread: true });
    const a = await c.fork({ program: 'idle', name: 'a' });
    const aThread = await a.fork({ thread: true });
    await c.exit(0);
    const b = await ct.fork({ program: 'idle', name: 'b' });
    expect(b.pid).toBe(5);
    expect(await b.getppid()).toBe(1);
    expect(await runtime.wait(c.nspid[0]!, { nohang: true })).toEqual(NOTHING);
    await ct.exitGroup(2);
    expect(await runtime.wait(c.nspid[0]!)).toEqual(exited(c.nspid[0]!, 2));
    expect(await k.init.procfs().pids()).toEqual([1, runtime.pid]);
    expect(await errnoOf(aThread.gettid())).toBe('ESRCH');
    expect(await k.checkInvariants()).toEqual([]);
  });

  // --- 8.20, 4.8: signals ----------------------------------------------------------------------

  it('8.20 a process-directed signal goes to a thread that does not block it; with all blocking it is pending for every thread', async () => {
    const k = backend.create();
    const { p, threads } = await withThreads(k, 1);
    const t = threads[0]!;
    await p.sigaction(SIGUSR1, 'catch');
    await p.sigprocmask('block', [SIGUSR1, SIGUSR2]);
    await k.init.kill(p.pid, SIGUSR1);
    expect([await caught(p, SIGUSR1), await caught(t, SIGUSR1)]).toEqual([{ count: 0 }, { count: 1, code: SI_USER, pid: 1 }]);
    await t.sigprocmask('block', [SIGUSR1, SIGUSR2]);
    await k.init.kill(p.pid, SIGUSR1);
    await k.init.tgkill(p.pid, p.tid, SIGUSR2);
    expect(await p.sigpending()).toEqual([SIGUSR1, SIGUSR2]);
    expect(await t.sigpending()).toEqual([SIGUSR1]);
    expect(await t.sigprocmask('unblock', [SIGUSR1])).toEqual([SIGUSR1, SIGUSR2]);
    expect((await caught(t, SIGUSR1)).count).toBe(2);
    expect(await p.sigpending()).toEqual([SIGUSR2]);
    expect(await k.checkInvariants()).toEqual([]);
  });

  it('4.8 kill() of a TID signals its process, first offered to that thread', async () => {
    const k = backend.create();
    const { p, threads } = await withThreads(k, 2);
    await p.sigaction(SIGUSR1, 'catch');
    await k.init.kill(threads[1]!.tid, SIGUSR1);
    expect([(await caught(p, SIGUSR1)).count, (await caught(threads[0]!, SIGUSR1)).count, (await caught(threads[1]!, SIGUSR1)).count]).toEqual([0, 0, 1]);
    await k.init.kill(p.pid, SIGUSR1);
    expect((await caught(p, SIGUSR1)).count).toBe(1);
  });

  it('8.20 a fatal signal taken by any thread ends the group; a stop stops every thread and a continue resumes their deferred calls', async () => {
    const k = backend.create();
    const { parent, p, threads } = await withThreads(k, 2);
    await k.init.kill(p.pid, SIGSTOP);
    expect(await parent.wait(p.pid, { untraced: true })).toMatchObject({ pid: p.pid, change: { kind: 'stopped', signal: SIGSTOP } });
    const tids = (await k.init.procfs().tasks(p.pid)).map((e) => e.state);
    expect(tids).toEqual(['stopped', 'stopped', 'stopped']);
    const deferred = threads[0]!.gettid();
    await k.init.kill(p.pid, 'CONT');
    expect(await deferred).toBe(threads[0]!.tid);
    expect(await parent.wait(p.pid, { continued: true })).toMatchObject({ change: { kind: 'continued' } });
    expect(await k.init.tgkill(p.pid, threads[1]!.tid, SIGTERM)).toBe(0);
    expect(await parent.wait(p.pid)).toEqual(killed(p.pid, SIGTERM));
    expect(await k.checkInvariants()).toEqual([]);
  });

  // --- 8.18 tgkill, tkill -------------------------------------------------------------------------

  it('8.18 tgkill and tkill: EINVAL for ids <= 0 or a bad signal, ESRCH for a TID outside the group; SI_TKILL to that thread', async () => {
    const k = backend.create();
    const { parent, p, threads } = await withThreads(k, 1);
    const t = threads[0]!;
    await p.sigaction(SIGUSR1, 'catch');
    expect(await errnoOf(k.init.tgkill(0, t.tid, 0))).toBe('EINVAL');
    expect(await errnoOf(k.init.tgkill(-1, t.tid, 0))).toBe('EINVAL');
    expect(await errnoOf(k.init.tgkill(p.pid, 0, 0))).toBe('EINVAL');
    expect(await errnoOf(k.init.tgkill(p.pid, t.tid, 65))).toBe('EINVAL');
    expect(await errnoOf(k.init.tgkill(1, t.tid, 0))).toBe('ESRCH');
    expect(await errnoOf(k.init.tgkill(t.tid, t.tid, 0))).toBe('ESRCH');
    expect(await errnoOf(k.init.tgkill(p.pid, 999, 0))).toBe('ESRCH');
    expect(await errnoOf(k.init.tkill(0, 0))).toBe('EINVAL');
    expect(await errnoOf(k.init.tkill(999, 0))).toBe('ESRCH');
    expect(await k.init.tgkill(p.pid, t.tid, SIGUSR1)).toBe(0);
    expect([await caught(t, SIGUSR1), (await caught(p, SIGUSR1)).count]).toEqual([{ count: 1, code: SI_TKILL, pid: 1 }, 0]);
    expect(await k.init.tkill(p.tid, SIGUSR1)).toBe(0);
    expect(await caught(p, SIGUSR1)).toEqual({ count: 1, code: SI_TKILL, pid: 1 });
    // A thread-directed SIGKILL still ends the whole group.
    await k.init.tkill(t.tid, SIGKILL);
    expect(await parent.wait(p.pid)).toEqual(killed(p.pid, SIGKILL));
  });

  it('8.18 tgkill from inside a namespace reads both ids there; init protection holds for a thread of an ns init', async () => {
    const k = backend.create();
    const runtime = await k.init.fork({ program: 'idle', name: 'runtime' });
    const c = await runtime.fork({ newPid: true, program: 'idle', name: 'cinit' });
    const ct = await c.fork({ thread: true });
    const a = await c.fork({ program: 'idle', name: 'a' });
    // From inside: SIGTERM with SIG_DFL to the init's thread is dropped (4.2); from the parent namespace, SIGKILL goes through (4.3).
    expect(await a.tgkill(1, 2, SIGTERM)).toBe(0);
    expect(await k.init.procfs().tids(c.nspid[0]!)).toHaveLength(2);
    expect(await errnoOf(a.tgkill(1, ct.tidIn(k.init.ns), 0))).toBe('ESRCH');
    expect(await runtime.tgkill(c.nspid[0]!, ct.nspid[0]!, SIGKILL)).toBe(0);
    expect(await runtime.wait(c.nspid[0]!)).toEqual(killed(c.nspid[0]!, SIGKILL));
    expect(await k.checkInvariants()).toEqual([]);
  });

  // --- 4.17 pidfd_send_signal's scope with a second thread ---------------------------------------

  it('4.17 a PIDFD_THREAD pidfd signals its thread (SI_TKILL, pending for it alone if it blocks); the group scope is first offered to that thread', async () => {
    // lab/pidfd-thread-probe.c (Linux 6.18), P signalling itself: the same handler threads, codes and pending sets.
    const k = backend.create();
    const { p, threads } = await withThreads(k, 1);
    const t = threads[0]!;
    await p.sigaction(SIGUSR1, 'catch');
    const ft = await p.pidfdOpen(t.tid, PIDFD_THREAD);
    const fp = await p.pidfdOpen(p.pid);
    expect(await p.pidfdSendSignal(ft, SIGUSR1)).toBe(0);
    expect([await caught(t, SIGUSR1), (await caught(p, SIGUSR1)).count]).toEqual([{ count: 1, code: SI_TKILL, pid: p.pid }, 0]);
    expect(await p.pidfdSendSignal(ft, SIGUSR1, { flags: 'thread-group' })).toBe(0);
    expect([await caught(t, SIGUSR1), (await caught(p, SIGUSR1)).count]).toEqual([{ count: 2, code: SI_USER, pid: p.pid }, 0]);
    expect(await p.pidfdSendSignal(fp, SIGUSR1, { flags: 'thread' })).toBe(0);
    expect([(await caught(t, SIGUSR1)).count, await caught(p, SIGUSR1)]).toEqual([2, { count: 1, code: SI_TKILL, pid: p.pid }]);
    await t.sigprocmask('block', [SIGUSR1]);
    expect(await p.pidfdSendSignal(ft, SIGUSR1, { flags: 'thread-group' })).toBe(0);
    expect([(await caught(t, SIGUSR1)).count, await caught(p, SIGUSR1)]).toEqual([2, { count: 2, code: SI_USER, pid: p.pid }]);
    expect(await p.pidfdSendSignal(ft, SIGUSR1)).toBe(0);
    expect([await t.sigpending(), await p.sigpending(), (await caught(p, SIGUSR1)).count]).toEqual([[SIGUSR1], [], 2]);
    await t.sigprocmask('unblock', [SIGUSR1]);
    expect(await caught(t, SIGUSR1)).toEqual({ count: 3, code: SI_TKILL, pid: p.pid });
    await t.exit(0);
    expect(await errnoOf(p.pidfdSendSignal(ft, SIGUSR1))).toBe('ESRCH');
    expect(await k.checkInvariants()).toEqual([]);
  });

  // --- 8.21 execve from a thread ------------------------------------------------------------------

  it('8.21 execve from a thread ends the others and gives the caller the TGID; its old TID is free', async () => {
    const k = backend.create();
    const { parent, p, threads } = await withThreads(k, 2);
    const [t, u] = threads as [Process, Process];
    await u.sigprocmask('block', [SIGUSR2]);
    await u.exec('idle', { name: 'after' });
    expect([u.pid, u.tid, u.isThread, u.key]).toEqual([p.pid, p.pid, false, p.key]);
    expect(await u.gettid()).toBe(p.pid);
    expect(await p.gettid()).toBe(p.pid);
    expect(await u.sigprocmask('block', [])).toEqual([SIGUSR2]);
    expect(await k.init.procfs().tids(p.pid)).toEqual([p.pid]);
    expect(await errnoOf(t.gettid())).toBe('ESRCH');
    expect(await errnoOf(k.init.kill(5, 0))).toBe('ESRCH');
    expect((await u.info()).name).toBe('after');
    await u.exit(4);
    expect(await parent.wait(p.pid)).toEqual(exited(p.pid, 4));
    expect(await k.checkInvariants()).toEqual([]);
  });

  // --- 8.22, 2.7 namespaces ---------------------------------------------------------------------------

  it('8.22 a thread\'s unshare moves its own pid_for_children only; CLONE_NEWUSER needs a single thread', async () => {
    const k = backend.create();
    const { p, threads } = await withThreads(k, 1);
    const t = threads[0]!;
    expect(await errnoOf(t.unshare({ newUser: true }))).toBe('EINVAL');
    await t.unshare({ newPid: true });
    const c = await t.fork({ program: 'idle', name: 'c' });
    expect([c.pid, c.nspid]).toEqual([1, [5, 1]]);
    expect(await errnoOf(t.fork({ thread: true }))).toBe('EINVAL');
    const t2 = await p.fork({ thread: true });
    expect(t2.tid).toBe(6);
    expect((await p.fork({ program: 'idle' })).nspid).toEqual([7]);
    expect(await c.getppid()).toBe(0);
    expect(await p.wait(c.nspid[0]!, { nohang: true })).toEqual(NOTHING);
    expect(await k.checkInvariants()).toEqual([]);
  });

  it('2.7 a thread runs idle, sleep or exit; a program of its own is EINVAL, and it returns by exiting', async () => {
    const k = backend.create();
    const p = await k.init.fork({ program: 'idle', name: 'p' });
    expect(await errnoOf(p.fork({ thread: true, program: 'reaper' }))).toBe('EINVAL');
    const quick = await p.fork({ thread: true, program: { name: 'exit', code: 3 } });
    const sleeper = await p.fork({ thread: true, program: { name: 'sleep', seconds: 1 } });
    await k.settled();
    expect(await errnoOf(quick.gettid())).toBe('ESRCH');
    expect(await k.init.procfs().tids(p.pid)).toEqual([2, sleeper.tid]);
    await k.advance(1000);
    await k.settled();
    expect(await k.init.procfs().tids(p.pid)).toEqual([2]);
    expect(await k.init.wait(p.pid, { nohang: true })).toEqual(NOTHING);
    expect(await k.checkInvariants()).toEqual([]);
  });

  it('exitGroup, tgkill and tkill refuse arguments of the wrong kind, naming the value', () => {
    const k = backend.create();
    expect(() => k.init.exitGroup(1.5)).toThrow(/exitGroup: code must be an integer, received 1.5/);
    expect(() => k.init.tgkill(1, 'x' as unknown as number)).toThrow(TypeError);
    expect(() => k.init.tkill(1, 'NOSUCHSIG')).toThrow(TypeError);
  });
});
