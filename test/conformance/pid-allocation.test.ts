// Conformance: SEMANTICS group 1 — PID allocation (1.1-1.12): one number per
// level, cyclic allocation with the RESERVED_PIDS wrap, EAGAIN on exhaustion at
// any level, the per-namespace sysctls ns_last_pid and pid_max, and clone3
// set_tid. Expected values: the kernel's observations quoted for each item in
// docs/semantics.md.

import { expect, it } from 'vitest';
import type { Kernel, Process } from '../../src/index.js';
import { errnoOf, forEachBackend } from '../support/backends.js';
import { nest } from '../support/observe.js';

/** The numbers `ls /proc` shows in `p`'s own namespace. */
async function pidsSeenBy(p: Process): Promise<number[]> {
  return p.procfs().pids();
}

/** kill(pid, 0) from the global init: does any task (live or zombie) hold root PID `pid`? */
async function rootPidTaken(k: Kernel, pid: number): Promise<boolean> {
  return (await errnoOf(k.init.kill(pid, 0))) === 'ok';
}

forEachBackend('PID allocation', (backend) => {
  // --- 1.1 one number per level ------------------------------------------------------

  it('1.1 a level-3 task has one PID per level, NSpid 5 4 3 2 (root first), and getpid() is the innermost', async () => {
    const k = backend.create();
    const [n1, n2, n3] = await nest(k, 3);
    expect(n1!.nspid).toEqual([2, 1]);
    expect(n2!.nspid).toEqual([3, 2, 1]);
    expect(n3!.nspid).toEqual([4, 3, 2, 1]);
    const c = await n3!.fork({ program: 'idle', name: 'child' });
    expect(c.nspid).toEqual([5, 4, 3, 2]);
    expect(c.ns.level).toBe(3);
    expect(c.pid).toBe(2);
    expect(await c.getpid()).toBe(2);
    expect(await c.getppid()).toBe(1);
    // /proc/PID/status NSpid as each level's procfs shows it (nspid3.c: "NSpid: 17398 4 3 2").
    expect((await k.procfs(k.init.ns).status(5)).nspid).toEqual([5, 4, 3, 2]);
    expect((await k.procfs(n1!.ns).status(4)).nspid).toEqual([4, 3, 2]);
    expect((await k.procfs(n2!.ns).status(3)).nspid).toEqual([3, 2]);
    expect((await k.procfs(n3!.ns).status(2)).nspid).toEqual([2]);
    expect(await k.checkInvariants()).toEqual([]);
  });

  it("1.1 each level's number comes from that level's own allocator (moving one cursor moves only that level)", async () => {
    const k = backend.create();
    const [n1, , n3] = await nest(k, 3);
    await n3!.fork({ program: 'idle' }); // NSpid 5 4 3 2
    await n1!.writeSysctl('ns_last_pid', 99);
    const d = await n3!.fork({ program: 'idle' });
    expect(d.nspid).toEqual([6, 100, 4, 3]);
    expect(await k.init.readSysctl('ns_last_pid')).toBe(6);
    expect(await n1!.readSysctl('ns_last_pid')).toBe(100);
    expect(await n3!.readSysctl('ns_last_pid')).toBe(3);
    expect(await k.checkInvariants()).toEqual([]);
  });

  it('1.1 numbers are allocated innermost first: a fork that fails at an outer level has already moved the inner cursor', async () => {
    // Verified on the lab kernel: N2's ns_last_pid goes 2 -> 3 -> 4 over two
    // forks that fail with EAGAIN because N (its parent namespace) is full.
    const k = backend.create();
    const [n1, n2] = await nest(k, 2);
    await n1!.writeSysctl('pid_max', 301);
    await n1!.writeSysctl('ns_last_pid', 299);
    await n1!.fork({ program: 'idle' }); // N1 pid 300: N1 is now full (1.4, 1.5)
    expect(await n2!.readSysctl('ns_last_pid')).toBe(1);
    expect(await errnoOf(n2!.fork({ program: 'idle' }))).toBe('EAGAIN');
    expect(await n2!.readSysctl('ns_last_pid')).toBe(2);
    expect(await errnoOf(n2!.fork({ program: 'idle' }))).toBe('EAGAIN');
    expect(await n2!.readSysctl('ns_last_pid')).toBe(3);
    // The numbers themselves were given back: N2 still holds only its init.
    expect(await pidsSeenBy(n2!)).toEqual([1]);
    await n1!.writeSysctl('ns_last_pid', 0);
    const c = await n2!.fork({ program: 'idle' });
    expect(c.nspid).toEqual([5, 3, 4]);
    expect(await k.checkInvariants()).toEqual([]);
  });

  // --- 1.2 the first PID in a namespace is 1 -------------------------------------------

  it('1.2 the first process of a new namespace is PID 1, then 2, 3', async () => {
    const k = backend.create();
    const n = await k.init.fork({ newPid: true, program: 'reaper', name: 'nsinit' });
    expect(n.pid).toBe(1);
    expect(await n.getpid()).toBe(1);
    expect(await n.readSysctl('ns_last_pid')).toBe(1);
    const a = await n.fork({ program: 'idle' });
    const b = await n.fork({ program: 'idle' });
    expect([a.pid, b.pid]).toEqual([2, 3]);
    expect(await a.getpid()).toBe(2);
    expect(await b.getpid()).toBe(3);
    expect(await pidsSeenBy(n)).toEqual([1, 2, 3]);
    expect(await k.checkInvariants()).toEqual([]);
  });

  it('1.2 the global init is PID 1 and the first fork gets 2', async () => {
    const k = backend.create();
    expect(k.init.pid).toBe(1);
    expect(await k.init.getpid()).toBe(1);
    const a = await k.init.fork({ program: 'idle' });
    expect(a.nspid).toEqual([2]);
  });

  // --- 1.3 cyclic, not lowest-free ---------------------------------------------------

  it('1.3 after 2 and 3 are freed the next fork gets 4, not 2 (pidalloc.c)', async () => {
    const k = backend.create();
    const n = await k.init.fork({ newPid: true, program: 'reaper' });
    const a = await n.fork({ program: 'idle' });
    const b = await n.fork({ program: 'idle' });
    expect([a.pid, b.pid]).toEqual([2, 3]);
    await a.exit(0);
    await b.exit(0);
    await k.settled(); // n (a reaper) reaps both: 2 and 3 are free again
    expect(await pidsSeenBy(n)).toEqual([1]);
    const c = await n.fork({ program: 'idle' });
    expect(c.pid).toBe(4);
    expect(await n.readSysctl('ns_last_pid')).toBe(4);
    expect(await k.checkInvariants()).toEqual([]);
  });

  it('1.3 the root namespace allocates cyclically too', async () => {
    const k = backend.create();
    const a = await k.init.fork({ program: 'idle' });
    await a.exit(0);
    await k.settled();
    expect(await rootPidTaken(k, 2)).toBe(false);
    const b = await k.init.fork({ program: 'idle' });
    expect(b.pid).toBe(3);
  });

  // --- 1.4 the RESERVED_PIDS wrap ----------------------------------------------------

  it('1.4 after a wrap, allocation restarts at 300, not 1 (pid_max 400, ns_last_pid 397: 398 399 300 301)', async () => {
    const k = backend.create();
    const n = await k.init.fork({ newPid: true, program: 'reaper' });
    await n.writeSysctl('pid_max', 400);
    await n.writeSysctl('ns_last_pid', 397);
    const got: number[] = [];
    for (let i = 0; i < 4; i++) got.push((await n.fork({ program: 'idle' })).pid);
    expect(got).toEqual([398, 399, 300, 301]);
    expect(await n.readSysctl('ns_last_pid')).toBe(301);
    // 2..299 stay free but are skipped from now on.
    expect((await n.fork({ program: 'idle' })).pid).toBe(302);
    expect(await pidsSeenBy(n)).toEqual([1, 300, 301, 302, 398, 399]);
    expect(await k.checkInvariants()).toEqual([]);
  });

  it('1.4 the wrap rule applies in the root namespace as well', async () => {
    const k = backend.create({ pidMax: 400 });
    await k.init.writeSysctl('ns_last_pid', 398);
    const a = await k.init.fork({ program: 'idle' });
    const b = await k.init.fork({ program: 'idle' });
    const c = await k.init.fork({ program: 'idle' });
    expect([a.pid, b.pid, c.pid]).toEqual([399, 300, 301]);
  });

  it('1.4 after the wrap the search takes the first free number from 300 up, skipping taken ones', async () => {
    const k = backend.create();
    const n = await k.init.fork({ newPid: true, program: 'reaper' });
    await n.writeSysctl('pid_max', 400);
    await n.writeSysctl('ns_last_pid', 299);
    const p300 = await n.fork({ program: 'idle' });
    const p301 = await n.fork({ program: 'idle' });
    const p302 = await n.fork({ program: 'idle' });
    expect([p300.pid, p301.pid, p302.pid]).toEqual([300, 301, 302]);
    await p302.exit(0);
    await k.settled(); // reaped by n: 302 is free
    await n.writeSysctl('ns_last_pid', 398);
    const x = await n.fork({ program: 'idle' });
    const y = await n.fork({ program: 'idle' });
    const z = await n.fork({ program: 'idle' });
    expect([x.pid, y.pid, z.pid]).toEqual([399, 302, 303]);
    expect(await k.checkInvariants()).toEqual([]);
  });

  it('1.4 the lower bound is 300 only once the cursor is past 300: with ns_last_pid 299 a full top wraps to 2', async () => {
    // Verified on the lab kernel: pid_max 301, 300 taken, write ns_last_pid=299, fork -> 2.
    const k = backend.create();
    const n = await k.init.fork({ newPid: true, program: 'reaper' });
    await n.writeSysctl('pid_max', 301);
    await n.writeSysctl('ns_last_pid', 299);
    expect((await n.fork({ program: 'idle' })).pid).toBe(300);
    await n.writeSysctl('ns_last_pid', 299);
    expect((await n.fork({ program: 'idle' })).pid).toBe(2);
    expect(await n.readSysctl('ns_last_pid')).toBe(2);
  });

  // --- 1.5 exhaustion -> EAGAIN ------------------------------------------------------

  it('1.5 pid_max 301, ns_last_pid 299: fork -> 300, next fork EAGAIN although only 1 and 300 are in use', async () => {
    const k = backend.create();
    const n = await k.init.fork({ newPid: true, program: 'reaper' });
    await n.writeSysctl('pid_max', 301);
    await n.writeSysctl('ns_last_pid', 299);
    expect((await n.fork({ program: 'idle' })).pid).toBe(300);
    expect(await errnoOf(n.fork({ program: 'idle' }))).toBe('EAGAIN');
    expect(await errnoOf(n.fork({ program: 'idle' }))).toBe('EAGAIN');
    // The failed forks left nothing behind, and did not move the cursor (verified on the lab kernel).
    expect(await pidsSeenBy(n)).toEqual([1, 300]);
    expect(await n.readSysctl('ns_last_pid')).toBe(300);
    expect(await k.checkInvariants()).toEqual([]);
  });

  it('1.5 the root namespace runs out the same way', async () => {
    const k = backend.create({ pidMax: 301 });
    await k.init.writeSysctl('ns_last_pid', 299);
    const a = await k.init.fork({ program: 'idle' });
    expect(a.pid).toBe(300);
    expect(await errnoOf(k.init.fork({ program: 'idle' }))).toBe('EAGAIN');
    expect(await errnoOf(a.fork({ program: 'idle' }))).toBe('EAGAIN');
    expect(await k.checkInvariants()).toEqual([]);
  });

  it('1.5 a CLONE_NEWPID fork into a full namespace fails EAGAIN and leaves no namespace behind', async () => {
    // Verified on the lab kernel: clone(CLONE_NEWPID) while the parent level is full -> EAGAIN.
    const k = backend.create();
    const n = await k.init.fork({ newPid: true, program: 'reaper' });
    await n.writeSysctl('pid_max', 301);
    await n.writeSysctl('ns_last_pid', 299);
    await n.fork({ program: 'idle' });
    const before = (await k.snapshot()).namespaces.filter((a) => a.ns.state !== 'dead').length;
    expect(await errnoOf(n.fork({ newPid: true, program: 'reaper' }))).toBe('EAGAIN');
    await k.settled();
    expect((await k.snapshot()).namespaces.filter((a) => a.ns.state !== 'dead').length).toBe(before);
    expect(await pidsSeenBy(n)).toEqual([1, 300]);
    expect(await k.checkInvariants()).toEqual([]);
  });

  // --- 1.6 an ancestor's pid_max bounds a descendant ---------------------------------

  it('1.6 N1 pid_max 310 stops forks in N2 after 307 children (last N2 pid 1306) with EAGAIN (pidmax_nested.c)', async () => {
    const k = backend.create();
    const n1 = await k.init.fork({ newPid: true, program: 'reaper', name: 'n1' });
    await n1.writeSysctl('pid_max', 310);
    const n2 = await n1.fork({ newPid: true, program: 'reaper', name: 'n2' });
    expect(await n2.readSysctl('pid_max')).toBe(4194304);
    await n2.writeSysctl('ns_last_pid', 999);
    let last: Process | undefined;
    let forked = 0;
    for (;;) {
      let child: Process | undefined;
      const code = await errnoOf(n2.fork({ program: 'idle' }).then((c) => void (child = c)));
      if (code !== 'ok') {
        expect(code).toBe('EAGAIN');
        break;
      }
      last = child;
      forked++;
      if (forked > 400) throw new Error('N1 should have run out of numbers');
    }
    expect(forked).toBe(307);
    // Root: init 1, n1 2, n2 3, children 4..310; N1: n2 2, children 3..309; N2: 1000..1306.
    expect(last!.nspid).toEqual([310, 309, 1306]);
    // N2 itself still has room: its pid_max is untouched.
    expect(await n2.readSysctl('pid_max')).toBe(4194304);
    expect(await errnoOf(n2.fork({ program: 'idle' }))).toBe('EAGAIN');
    expect(await k.checkInvariants()).toEqual([]);
  });

  it("1.6 the root namespace's pid_max bounds a nested namespace's forks", async () => {
    const k = backend.create({ pidMax: 301 });
    const n = await k.init.fork({ newPid: true, program: 'reaper' });
    await k.init.writeSysctl('ns_last_pid', 299);
    const a = await n.fork({ program: 'idle' });
    expect(a.nspid).toEqual([300, 2]);
    expect(await n.readSysctl('pid_max')).toBe(4194304);
    expect(await errnoOf(n.fork({ program: 'idle' }))).toBe('EAGAIN');
    expect(await pidsSeenBy(n)).toEqual([1, 2]);
    expect(await k.checkInvariants()).toEqual([]);
  });

  // --- 1.7 ns_last_pid ---------------------------------------------------------------

  it('1.7 writing ns_last_pid=99 makes the next fork 100; 0 resets the cursor so low numbers come back (pidalloc.c)', async () => {
    const k = backend.create();
    const n = await k.init.fork({ newPid: true, program: 'reaper' });
    await n.writeSysctl('ns_last_pid', 99);
    expect(await n.readSysctl('ns_last_pid')).toBe(99);
    expect((await n.fork({ program: 'idle' })).pid).toBe(100);
    await n.writeSysctl('pid_max', 400);
    await n.writeSysctl('ns_last_pid', 397);
    for (let i = 0; i < 3; i++) await n.fork({ program: 'idle' }); // 398 399 300: wrapped
    await n.writeSysctl('ns_last_pid', 0);
    expect((await n.fork({ program: 'idle' })).pid).toBe(2);
    expect(await k.checkInvariants()).toEqual([]);
  });

  it('1.7 values outside [0, pid_max] are EINVAL; pid_max itself is accepted', async () => {
    const k = backend.create();
    const n = await k.init.fork({ newPid: true, program: 'reaper' });
    await n.writeSysctl('pid_max', 400);
    expect(await errnoOf(n.writeSysctl('ns_last_pid', 500))).toBe('EINVAL');
    expect(await errnoOf(n.writeSysctl('ns_last_pid', 401))).toBe('EINVAL');
    expect(await errnoOf(n.writeSysctl('ns_last_pid', -1))).toBe('EINVAL');
    expect(await n.readSysctl('ns_last_pid')).toBe(1);
    // Verified on the lab kernel: write 400 (== pid_max) OK, reads 400, next fork wraps to 300.
    expect(await errnoOf(n.writeSysctl('ns_last_pid', 400))).toBe('ok');
    expect(await n.readSysctl('ns_last_pid')).toBe(400);
    expect((await n.fork({ program: 'idle' })).pid).toBe(300);
  });

  it("1.7 the sysctl is the reader's *active* namespace's, not its pid_for_children's", async () => {
    const k = backend.create();
    const p = await k.init.fork({ program: 'idle', name: 'p' }); // root pid 2
    await p.unshare({ newPid: true });
    const c1 = await p.fork({ program: 'reaper' }); // N pid 1, root 3
    expect(await p.readSysctl('ns_last_pid')).toBe(3);
    expect(await c1.readSysctl('ns_last_pid')).toBe(1);
    await p.writeSysctl('ns_last_pid', 49);
    const c2 = await p.fork({ program: 'idle' }); // into N: root number 50, N number 2
    expect(c2.nspid).toEqual([50, 2]);
    expect(await k.init.readSysctl('ns_last_pid')).toBe(50);
    expect(await c1.readSysctl('ns_last_pid')).toBe(2);
    expect(await k.checkInvariants()).toEqual([]);
  });

  it('1.7 writing ns_last_pid needs CAP_SYS_ADMIN over the namespace (EPERM); reading does not', async () => {
    const k = backend.create();
    const u = await k.init.fork({ program: 'idle', name: 'user' });
    await u.dropPrivileges();
    expect(await u.readSysctl('ns_last_pid')).toBe(2);
    expect(await errnoOf(u.writeSysctl('ns_last_pid', 99))).toBe('EPERM');
    expect(await k.init.readSysctl('ns_last_pid')).toBe(2);
    expect((await k.init.fork({ program: 'idle' })).pid).toBe(3);
  });

  it("1.7 capabilities in a child user namespace do not cover the root namespace's ns_last_pid (EPERM), but cover one that user ns owns", async () => {
    // Verified on the lab kernel: uid 0 of a child user ns -> write ns_last_pid of
    // a pid ns owned by the initial user ns -> EPERM; of its own new pid ns -> OK.
    const k = backend.create();
    const u = await k.init.fork({ newUser: true, program: 'reaper', name: 'userns-root' });
    expect(await errnoOf(u.writeSysctl('ns_last_pid', 99))).toBe('EPERM');
    const i = await u.fork({ newPid: true, program: 'reaper' }); // its pid ns is owned by u's user ns
    expect(await errnoOf(i.writeSysctl('ns_last_pid', 50))).toBe('ok');
    expect((await i.fork({ program: 'idle' })).pid).toBe(51);
  });

  // --- 1.8 pid_max per namespace -----------------------------------------------------

  it('1.8 a new namespace starts at pid_max 4194304, not its parent\'s value; setting it changes neither parent nor later children', async () => {
    const k = backend.create();
    expect(await k.init.readSysctl('pid_max')).toBe(32768);
    const n = await k.init.fork({ newPid: true, program: 'reaper' });
    expect(await n.readSysctl('pid_max')).toBe(4194304);
    await n.writeSysctl('pid_max', 400);
    expect(await n.readSysctl('pid_max')).toBe(400);
    expect(await k.init.readSysctl('pid_max')).toBe(32768);
    const n2 = await n.fork({ newPid: true, program: 'reaper' });
    expect(await n2.readSysctl('pid_max')).toBe(4194304);
    expect(await n.readSysctl('pid_max')).toBe(400);
  });

  it('1.8 pid_max below 301 or above 4194304 is EINVAL; both bounds are accepted', async () => {
    const k = backend.create();
    const n = await k.init.fork({ newPid: true, program: 'reaper' });
    expect(await errnoOf(n.writeSysctl('pid_max', 300))).toBe('EINVAL');
    expect(await errnoOf(n.writeSysctl('pid_max', 4194305))).toBe('EINVAL');
    expect(await errnoOf(n.writeSysctl('pid_max', 0))).toBe('EINVAL');
    expect(await n.readSysctl('pid_max')).toBe(4194304);
    expect(await errnoOf(n.writeSysctl('pid_max', 301))).toBe('ok');
    expect(await n.readSysctl('pid_max')).toBe(301);
    expect(await errnoOf(n.writeSysctl('pid_max', 4194304))).toBe('ok');
    expect(await n.readSysctl('pid_max')).toBe(4194304);
  });

  it("1.8 a child may set pid_max above the root's; its own numbers may then exceed the root's pid_max (60001)", async () => {
    const k = backend.create();
    const n = await k.init.fork({ newPid: true, program: 'reaper' });
    await n.writeSysctl('pid_max', 100000);
    expect(await n.readSysctl('pid_max')).toBe(100000);
    await n.writeSysctl('ns_last_pid', 60000);
    const c = await n.fork({ program: 'idle' });
    expect(c.nspid).toEqual([3, 60001]);
    expect((await n.procfs().status(60001)).nspid).toEqual([60001]);
    expect((await k.procfs(k.init.ns).status(3)).nspid).toEqual([3, 60001]);
    expect(await k.init.readSysctl('pid_max')).toBe(32768);
  });

  it("1.8 pid_max is read and written for the reader's active namespace", async () => {
    const k = backend.create();
    const p = await k.init.fork({ program: 'idle', name: 'p' });
    await p.unshare({ newPid: true });
    const c1 = await p.fork({ program: 'reaper' });
    await c1.writeSysctl('pid_max', 400);
    expect(await p.readSysctl('pid_max')).toBe(32768);
    expect(await c1.readSysctl('pid_max')).toBe(400);
    await p.writeSysctl('pid_max', 50000);
    expect(await k.init.readSysctl('pid_max')).toBe(50000);
    expect(await c1.readSysctl('pid_max')).toBe(400);
  });

  // --- 1.9 the root default ----------------------------------------------------------

  it('1.9 the root namespace boots with pid_max 32768 and ns_last_pid 1', async () => {
    const k = backend.create();
    expect(await k.init.readSysctl('pid_max')).toBe(32768);
    expect(await k.init.readSysctl('ns_last_pid')).toBe(1);
    const root = (await k.snapshot()).namespaces.find((a) => a.ns.level === 0)!;
    expect(root.ns.pidMax).toBe(32768);
  });

  // --- 1.10 set_tid layout -----------------------------------------------------------

  it('1.10 set_tid={31000} in the root gives PID 31000', async () => {
    const k = backend.create();
    const c = await k.init.fork({ setTid: [31000], program: 'idle' });
    expect(c.nspid).toEqual([31000]);
    expect(await c.getpid()).toBe(31000);
  });

  it('1.10 CLONE_NEWPID set_tid={1, 31000}: the caller sees 31000, the child is PID 1', async () => {
    const k = backend.create();
    const c = await k.init.fork({ newPid: true, setTid: [1, 31000], program: 'reaper' });
    expect(c.nspid).toEqual([31000, 1]);
    expect(c.pid).toBe(1);
    expect(await c.getpid()).toBe(1);
    expect(await c.getppid()).toBe(0);
    expect((await k.procfs(k.init.ns).status(31000)).nspid).toEqual([31000, 1]);
  });

  it('1.10 fewer entries than levels: unspecified outer levels are allocated normally', async () => {
    const k = backend.create();
    const n = await k.init.fork({ newPid: true, program: 'reaper' }); // root 2
    const a = await n.fork({ setTid: [42], program: 'idle' });
    expect(a.nspid).toEqual([3, 42]);
    expect(await a.getpid()).toBe(42);
    const m = await k.init.fork({ newPid: true, setTid: [1], program: 'reaper' });
    expect(m.nspid).toEqual([4, 1]);
    // set_tid did not move N's cursor (1 was the last number it handed out), so this is N's 2.
    const n2 = await n.fork({ newPid: true, program: 'reaper' });
    expect(n2.nspid).toEqual([5, 2, 1]);
    const b = await n2.fork({ setTid: [50, 60], program: 'idle' });
    expect(b.nspid).toEqual([6, 60, 50]);
    const c = await n2.fork({ setTid: [7, 8, 9], program: 'idle' });
    expect(c.nspid).toEqual([9, 8, 7]);
    expect(await k.checkInvariants()).toEqual([]);
  });

  it('1.10 set_tid does not move the cyclic cursor', async () => {
    // Verified on the lab kernel: host ns_last_pid is unchanged by set_tid={31000}.
    const k = backend.create();
    await k.init.fork({ setTid: [31000], program: 'idle' });
    expect(await k.init.readSysctl('ns_last_pid')).toBe(1);
    expect((await k.init.fork({ program: 'idle' })).pid).toBe(2);
  });

  // --- 1.11 set_tid errors -----------------------------------------------------------

  it('1.11 in the root: {1} EEXIST, {0} EINVAL, {32768 = pid_max} EINVAL, {x, x} without CLONE_NEWPID EINVAL', async () => {
    const k = backend.create();
    expect(await errnoOf(k.init.fork({ setTid: [1], program: 'idle' }))).toBe('EEXIST');
    expect(await errnoOf(k.init.fork({ setTid: [0], program: 'idle' }))).toBe('EINVAL');
    expect(await errnoOf(k.init.fork({ setTid: [-5], program: 'idle' }))).toBe('EINVAL');
    expect(await errnoOf(k.init.fork({ setTid: [32768], program: 'idle' }))).toBe('EINVAL');
    expect(await errnoOf(k.init.fork({ setTid: [31000, 31000], program: 'idle' }))).toBe('EINVAL');
    expect((await k.init.fork({ setTid: [32767], program: 'idle' })).pid).toBe(32767);
    expect(await pidsSeenBy(k.init)).toEqual([1, 32767]);
    expect(await k.checkInvariants()).toEqual([]);
  });

  it('1.11 CLONE_NEWPID: set_tid={5} is EINVAL (no init yet); {1, taken} is EEXIST; {1, 2, 3} is EINVAL (too many levels)', async () => {
    const k = backend.create();
    const a = await k.init.fork({ program: 'idle' }); // root 2
    expect(await errnoOf(k.init.fork({ newPid: true, setTid: [5], program: 'reaper' }))).toBe('EINVAL');
    expect(await errnoOf(k.init.fork({ newPid: true, setTid: [5, 31000], program: 'reaper' }))).toBe('EINVAL');
    expect(await errnoOf(k.init.fork({ newPid: true, setTid: [1, a.pid], program: 'reaper' }))).toBe('EEXIST');
    expect(await errnoOf(k.init.fork({ newPid: true, setTid: [1, 31000, 3], program: 'reaper' }))).toBe('EINVAL');
    await k.settled();
    expect(await rootPidTaken(k, 31000)).toBe(false);
    expect(await pidsSeenBy(k.init)).toEqual([1, 2]);
    expect(await k.checkInvariants()).toEqual([]);
  });

  it('1.11 inside a namespace: {1, x} EEXIST (init), {44, 1} EEXIST (outer 1), {existing child} EEXIST; nothing leaks', async () => {
    const k = backend.create();
    const n = await k.init.fork({ newPid: true, program: 'reaper' }); // [2, 1]
    const c = await n.fork({ program: 'idle' }); // [3, 2]
    expect(await errnoOf(n.fork({ setTid: [1, 31000], program: 'idle' }))).toBe('EEXIST');
    expect(await errnoOf(n.fork({ setTid: [44, 1], program: 'idle' }))).toBe('EEXIST');
    expect(await errnoOf(n.fork({ setTid: [c.pid], program: 'idle' }))).toBe('EEXIST');
    expect(await errnoOf(n.fork({ setTid: [0], program: 'idle' }))).toBe('EINVAL');
    expect(await errnoOf(n.fork({ setTid: [4194304], program: 'idle' }))).toBe('EINVAL');
    expect(await errnoOf(n.fork({ setTid: [44, 31000, 1], program: 'idle' }))).toBe('EINVAL');
    // The inner 44 reserved by the {44, 1} attempt was given back, and so was root 31000.
    const d = await n.fork({ setTid: [44, 31000], program: 'idle' });
    expect(d.nspid).toEqual([31000, 44]);
    expect(await pidsSeenBy(n)).toEqual([1, 2, 44]);
    expect(await k.checkInvariants()).toEqual([]);
  });

  it('1.11 set_tid is checked against the pid_max of its own level', async () => {
    const k = backend.create();
    const n = await k.init.fork({ newPid: true, program: 'reaper' });
    await n.writeSysctl('pid_max', 400);
    expect(await errnoOf(n.fork({ setTid: [400], program: 'idle' }))).toBe('EINVAL');
    expect((await n.fork({ setTid: [399], program: 'idle' })).pid).toBe(399);
    // Above the root's pid_max is fine at a level whose own pid_max allows it.
    await n.writeSysctl('pid_max', 100000);
    expect((await n.fork({ setTid: [50000], program: 'idle' })).pid).toBe(50000);
    expect(await errnoOf(n.fork({ setTid: [50001, 40000], program: 'idle' }))).toBe('EINVAL');
  });

  it('1.11 a number is reusable at once after the child holding it is reaped ({42} twice -> 42 both times)', async () => {
    const k = backend.create();
    const n = await k.init.fork({ newPid: true, program: 'reaper' });
    const a = await n.fork({ setTid: [42], program: 'idle' });
    expect(a.pid).toBe(42);
    await a.exit(0);
    await k.settled(); // reaped by n
    const b = await n.fork({ setTid: [42], program: 'idle' });
    expect(b.pid).toBe(42);
    const c = await n.fork({ setTid: [43, 31000], program: 'idle' });
    expect(c.nspid).toEqual([31000, 43]);
    expect(await k.checkInvariants()).toEqual([]);
  });

  it('1.11 an unprivileged caller gets EPERM for set_tid={50}; a plain fork still works', async () => {
    const k = backend.create();
    const n = await k.init.fork({ newPid: true, program: 'reaper' });
    const u = await n.fork({ program: 'idle', name: 'nobody' });
    await u.dropPrivileges();
    expect(await errnoOf(u.fork({ setTid: [50], program: 'idle' }))).toBe('EPERM');
    expect(await pidsSeenBy(n)).toEqual([1, 2]);
    expect((await u.fork({ program: 'idle' })).pid).toBe(3);
  });

  it('1.11 set_tid needs the capability at each level it names: root of a child user ns may pick its own level, not the root level', async () => {
    // Verified on the lab kernel: init of a pid ns owned by a child user ns:
    // set_tid={5} -> 5, set_tid={6, 200} -> EPERM.
    const k = backend.create();
    const i = await k.init.fork({ newUser: true, newPid: true, program: 'reaper' }); // [2, 1]
    expect((await i.fork({ setTid: [5], program: 'idle' })).nspid).toEqual([3, 5]);
    expect(await errnoOf(i.fork({ setTid: [6, 200], program: 'idle' }))).toBe('EPERM');
    expect(await pidsSeenBy(i)).toEqual([1, 5]);
    expect(await rootPidTaken(k, 200)).toBe(false);
    expect((await i.fork({ setTid: [6], program: 'idle' })).nspid).toEqual([4, 6]);
  });

  it('1.11 more than 32 set_tid entries is EINVAL even for a child with 33 levels', async () => {
    const k = backend.create();
    const inits = await nest(k, 32);
    const deepest = inits[31]!;
    expect(deepest.ns.level).toBe(32);
    const tids33 = Array.from({ length: 33 }, (_, i) => 100 + i);
    expect(await errnoOf(deepest.fork({ setTid: tids33, program: 'idle' }))).toBe('EINVAL');
    const c = await deepest.fork({ setTid: tids33.slice(0, 32), program: 'idle' });
    // Levels 32..1 got 100..131 (innermost first); the root number was allocated normally.
    expect(c.nspid).toEqual([34, ...tids33.slice(0, 32).reverse()]);
    expect(await k.checkInvariants()).toEqual([]);
  });

  // --- 1.12 freed at reap, not at exit -----------------------------------------------

  it('1.12 a zombie keeps its numbers at every level until it is reaped', async () => {
    const k = backend.create();
    const n = await k.init.fork({ newPid: true, program: 'idle', name: 'idle-init' }); // [2, 1], does not reap
    const c = await n.fork({ program: 'idle' }); // [3, 2]
    await c.exit(7);
    await k.settled();
    expect((await k.procfs(k.init.ns).status(3)).state).toBe('zombie');
    expect(await rootPidTaken(k, 3)).toBe(true);
    expect(await n.kill(2, 0)).toBe(0);
    expect(await errnoOf(k.init.fork({ setTid: [3], program: 'idle' }))).toBe('EEXIST');
    expect(await errnoOf(n.fork({ setTid: [2], program: 'idle' }))).toBe('EEXIST');
    expect(await pidsSeenBy(n)).toEqual([1, 2]);
    const w = await n.wait(2);
    expect(w.pid).toBe(2);
    expect(w.change).toEqual({ kind: 'exited', code: 7 });
    await k.settled();
    expect(await rootPidTaken(k, 3)).toBe(false);
    expect(await pidsSeenBy(n)).toEqual([1]);
    expect((await n.fork({ setTid: [2, 3], program: 'idle' })).nspid).toEqual([3, 2]);
    expect(await k.checkInvariants()).toEqual([]);
  });

  it('1.12 a zombie in the root namespace still answers kill(pid, 0) and blocks set_tid of its number', async () => {
    const k = backend.create();
    const p = await k.init.fork({ program: 'idle', name: 'parent' }); // 2
    const c = await p.fork({ program: 'idle' }); // 3
    await c.exit(0);
    await k.settled();
    expect(await p.kill(3, 0)).toBe(0);
    expect(await errnoOf(k.init.fork({ setTid: [3], program: 'idle' }))).toBe('EEXIST');
    await p.wait(3);
    await k.settled();
    expect(await errnoOf(p.kill(3, 0))).toBe('ESRCH');
    expect((await k.init.fork({ setTid: [3], program: 'idle' })).pid).toBe(3);
  });
});
