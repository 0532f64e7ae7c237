// Conformance: SEMANTICS group 3, visibility and PID translation (3.1-3.11).
// 3.12 (SCM_CREDENTIALS / SO_PEERCRED) is out of scope for now.
// Expected values: the kernel's observations quoted for each item in
// docs/semantics.md.

import { expect, it } from 'vitest';
import type { Kernel, Process } from '../../src/index.js';
import { errnoOf, forEachBackend } from '../support/backends.js';
import { CLD_EXITED, SIGCHLD, SIGUSR1, SIGUSR2, SI_USER } from '../support/linux-values.js';

/**
 * nspid3.c's tree: H (host, session and group leader) creates L1 init, which
 * creates L2 init, which creates L3 init, which has one child C.
 * Root PIDs: init 1, H 2, L1 3, L2 4, L3 5, C 6.
 */
async function nestedTree(k: Kernel): Promise<{ h: Process; l1: Process; l2: Process; l3: Process; c: Process }> {
  const h = await k.init.fork({ program: 'idle', name: 'H' });
  await h.setsid();
  const l1 = await h.fork({ newPid: true, program: 'reaper', name: 'L1' });
  const l2 = await l1.fork({ newPid: true, program: 'reaper', name: 'L2' });
  const l3 = await l2.fork({ newPid: true, program: 'reaper', name: 'L3' });
  const c = await l3.fork({ program: 'idle', name: 'C' });
  return { h, l1, l2, l3, c };
}

forEachBackend('visibility', (backend) => {
  // --- 3.1 ------------------------------------------------------------------------

  it('3.1 a PID of an ancestor-namespace process is ESRCH from inside (kill, getpgid, getsid)', async () => {
    const k = backend.create();
    // Three idle processes first, so that H's number (5) is not a number of L3's namespace.
    for (let n = 0; n < 3; n++) await k.init.fork({ program: 'idle' });
    const { h, l3, c } = await nestedTree(k);
    expect(h.pid).toBe(5);
    expect(c.nspid).toEqual([9, 4, 3, 2]);
    // nspid3.c: "L3 child: kill(host pid 17394,0) rc=-1 errno=ESRCH"; "kill(2 [self],0) rc=0".
    expect(await errnoOf(c.kill(h.pid, 0))).toBe('ESRCH');
    expect(await errnoOf(c.kill(h.pid, 'TERM'))).toBe('ESRCH');
    expect(await c.kill(2, 0)).toBe(0);
    expect(await c.kill(1, 0)).toBe(0);
    // Numbers that exist in the root namespace (and in L1, L2) but not in L3's.
    for (const nr of [3, 4, 6, 7, 8, 9]) expect(await errnoOf(c.kill(nr, 0))).toBe('ESRCH');
    // pgrp.c: "getpgid(<host pgid>) -> ESRCH".
    expect(await errnoOf(c.getpgid(h.pid))).toBe('ESRCH');
    expect(await errnoOf(c.getsid(h.pid))).toBe('ESRCH');
    expect(await errnoOf(l3.getpgid(9))).toBe('ESRCH');
    await k.settled();
    expect((await h.info()).state).toBe('running');
    expect(await k.checkInvariants()).toEqual([]);
  });

  it('3.1 an ancestor addresses a descendant-namespace process by its own-level number', async () => {
    const k = backend.create();
    const { h, l1, c } = await nestedTree(k);
    // From the root: C is 6; from L1: C is 4.
    expect(await h.kill(6, 0)).toBe(0);
    expect(await l1.kill(4, 0)).toBe(0);
    expect(await h.getpgid(6)).toBe(2);
    expect(await l1.getpgid(4)).toBe(0); // its group leader H is invisible in L1 (3.2, 3.4)
    // The inner number means something else (or nothing) in an ancestor.
    expect(await errnoOf(l1.kill(6, 0))).toBe('ESRCH');
    expect(c.pidIn(l1.ns)).toBe(4);
    expect(await k.checkInvariants()).toEqual([]);
  });

  it('3.1 a process in a sibling namespace is not addressable at all', async () => {
    const k = backend.create();
    const a = await k.init.fork({ newPid: true, program: 'reaper', name: 'A' });
    const b = await k.init.fork({ newPid: true, program: 'reaper', name: 'B' });
    const a2 = await a.fork({ program: 'idle', name: 'a2' });
    const b2 = await b.fork({ program: 'idle', name: 'b2' });
    const b3 = await b.fork({ program: 'idle', name: 'b3' });
    // A's namespace holds 1 and 2 only; B's 3 is not there and B's 1/2 are A's own.
    expect(await errnoOf(a2.kill(3, 0))).toBe('ESRCH');
    expect(await errnoOf(a2.kill(b.nspid[0]!, 0))).toBe('ESRCH');
    expect(await errnoOf(a2.getpgid(3))).toBe('ESRCH');
    await a2.kill(2, 'TERM'); // a2 kills its own namespace's PID 2: itself, not b2
    await k.settled();
    expect((await b2.info()).state).toBe('running');
    expect((await b3.info()).state).toBe('running');
    expect(await k.checkInvariants()).toEqual([]);
  });

  // --- 3.2 ------------------------------------------------------------------------

  it('3.2 every kernel-to-user PID of an invisible process reads 0 (getppid, getpgrp, getsid, /proc, si_pid)', async () => {
    const k = backend.create();
    const h = await k.init.fork({ program: 'idle', name: 'H' });
    await h.setsid();
    const i = await h.fork({ newPid: true, program: 'idle', name: 'I' });
    await i.sigaction(SIGUSR1, 'catch');
    expect(await i.getppid()).toBe(0);
    expect(await i.getpgrp()).toBe(0);
    expect(await i.getsid()).toBe(0);
    const row = await i.procfs().status(1);
    expect({ pid: row.pid, ppid: row.ppid, pgid: row.pgid, sid: row.sid }).toEqual({ pid: 1, ppid: 0, pgid: 0, sid: 0 });
    await h.kill(i.nspid[0]!, SIGUSR1);
    await k.settled();
    expect((await i.info()).siginfo[SIGUSR1]?.pid).toBe(0);
    // The same ids are non-zero for a viewer that sees H.
    const outer = await k.procfs(k.init.ns).status(i.nspid[0]!);
    expect({ ppid: outer.ppid, pgid: outer.pgid, sid: outer.sid }).toEqual({ ppid: h.pid, pgid: h.pid, sid: h.pid });
    expect(await k.checkInvariants()).toEqual([]);
  });

  // --- 3.3 ------------------------------------------------------------------------

  it('3.3 getppid() is 0 in every namespace init, 1 for a child of an init', async () => {
    const k = backend.create();
    const { l1, l2, l3, c } = await nestedTree(k);
    // nspid3.c: "L1/L2/L3 init: getpid=1 getppid=0", "L3 child: getpid=2 getppid=1".
    for (const init of [l1, l2, l3]) {
      expect(await init.getpid()).toBe(1);
      expect(await init.getppid()).toBe(0);
    }
    expect(await c.getpid()).toBe(2);
    expect(await c.getppid()).toBe(1);
    expect(await k.checkInvariants()).toEqual([]);
  });

  it('3.3 getppid() is 0 for children forked after unshare(CLONE_NEWPID) or setns()', async () => {
    const k = backend.create();
    const p = await k.init.fork({ program: 'idle', name: 'P' });
    await p.unshare({ newPid: true });
    const c1 = await p.fork({ program: 'reaper', name: 'c1' });
    const c2 = await p.fork({ program: 'idle', name: 'c2' });
    expect([c1.pid, c2.pid]).toEqual([1, 2]);
    expect(await c1.getppid()).toBe(0);
    expect(await c2.getppid()).toBe(0);
    // setns_teardown.c: "C (forked by P after setns): getpid=3 getppid=0".
    const q = await k.init.fork({ program: 'idle', name: 'Q' });
    await q.setns(await k.init.openNs(c1.nspid[0]!));
    const c3 = await q.fork({ program: 'idle', name: 'nsenter' });
    expect(c3.pid).toBe(3);
    expect(await c3.getppid()).toBe(0);
    // The container's own ps: PPID 0 for init and for the nsenter'ed process (proc_view.sh "2 0 sh").
    const rows = await c1.procfs().list();
    expect(rows.map((r) => [r.pid, r.ppid])).toEqual([
      [1, 0],
      [2, 0],
      [3, 0],
    ]);
    expect(await k.checkInvariants()).toEqual([]);
  });

  // --- 3.4 ------------------------------------------------------------------------

  it('3.4 a new namespace inherits an invisible process group and session: getpgrp/getsid/getpgid read 0', async () => {
    const k = backend.create();
    const { l1, l2, l3, c } = await nestedTree(k);
    // nspid3.c: "L1 init: getpid=1 getppid=0 getpgrp=0 getsid=0" (same for L2, L3).
    for (const p of [l1, l2, l3, c]) {
      expect(await p.getpgrp()).toBe(0);
      expect(await p.getsid()).toBe(0);
    }
    // pgrp.c: "init: getpgrp=0 getsid=0 getpgid(1)=0".
    expect(await l3.getpgid(1)).toBe(0);
    expect(await l3.getpgid(2)).toBe(0);
    expect(await l3.getsid(1)).toBe(0);
    // nspid3.c: "L3 child after setpgid(0,0): getpgrp=2"; the session stays invisible.
    await c.setpgid(0, 0);
    expect(await c.getpgrp()).toBe(2);
    expect(await c.getsid()).toBe(0);
    expect(await l3.getpgid(2)).toBe(2);
    expect(await l2.getpgid(3)).toBe(3);
    // The root sees the same group and session under its own numbers.
    expect(await k.init.getpgid(6)).toBe(6);
    expect(await k.init.getsid(6)).toBe(2);
    expect(await k.checkInvariants()).toEqual([]);
  });

  it('3.4 after setsid() an ns init reads sid = pgid = 1', async () => {
    const k = backend.create();
    const h = await k.init.fork({ program: 'idle', name: 'H' });
    await h.setsid();
    const i = await h.fork({ newPid: true, program: 'reaper', name: 'I' });
    expect(await i.getpgrp()).toBe(0);
    // pgrp.c: "init: setsid() -> 1; getpgrp=1 getsid=1".
    expect(await i.setsid()).toBe(1);
    expect(await i.getpgrp()).toBe(1);
    expect(await i.getsid()).toBe(1);
    expect(await h.getpgid(i.nspid[0]!)).toBe(i.nspid[0]);
    expect(await k.checkInvariants()).toEqual([]);
  });

  // --- 3.5 ------------------------------------------------------------------------

  it('3.5 host /proc status of a level-3 task lists NS ids from the root down, 0 where invisible', async () => {
    const k = backend.create();
    const { l1, l2, c } = await nestedTree(k);
    await c.setpgid(0, 0);
    const host = k.procfs(k.init.ns);
    // nspid3.c "host view of deepest task": Pid 17398, PPid 17397, NStgid/NSpid/NSpgid 17398 4 3 2, NSsid 17394 0 0 0.
    const row = await host.status(6);
    expect({ pid: row.pid, ppid: row.ppid, nspid: row.nspid, nspgid: row.nspgid, nssid: row.nssid }).toEqual({
      pid: 6,
      ppid: 5,
      nspid: [6, 4, 3, 2],
      nspgid: [6, 4, 3, 2],
      nssid: [2, 0, 0, 0],
    });
    const text = await host.statusText(6);
    expect(text).toContain('\nPid:\t6\n');
    expect(text).toContain('\nPPid:\t5\n');
    expect(text).toContain('\nNStgid:\t6\t4\t3\t2\n');
    expect(text).toContain('\nNSpid:\t6\t4\t3\t2\n');
    expect(text).toContain('\nNSpgid:\t6\t4\t3\t2\n');
    expect(text).toContain('\nNSsid:\t2\t0\t0\t0\n');
    // nspid3.c "L2 init: NSpgid: 17394 0 0", "L1 init: NSsid: 17394 0".
    const l2row = await host.status(l2.nspid[0]!);
    expect({ nspid: l2row.nspid, nspgid: l2row.nspgid, nssid: l2row.nssid }).toEqual({
      nspid: [4, 2, 1],
      nspgid: [2, 0, 0],
      nssid: [2, 0, 0],
    });
    const l1row = await host.status(l1.nspid[0]!);
    expect({ pid: l1row.pid, ppid: l1row.ppid, nspid: l1row.nspid, nspgid: l1row.nspgid }).toEqual({
      pid: 3,
      ppid: 2,
      nspid: [3, 1],
      nspgid: [2, 0],
    });
    expect(await k.checkInvariants()).toEqual([]);
  });

  it('3.5 the leftmost NS column is the procfs instance level; its own proc shows one column', async () => {
    const k = backend.create();
    const { l1, l3, c } = await nestedTree(k);
    await c.setpgid(0, 0);
    // Through L1's proc: ids from level 1 down.
    const viaL1 = await k.procfs(l1.ns).status(4);
    expect({ pid: viaL1.pid, ppid: viaL1.ppid, nspid: viaL1.nspid, nspgid: viaL1.nspgid, nssid: viaL1.nssid }).toEqual({
      pid: 4,
      ppid: 3,
      nspid: [4, 3, 2],
      nspgid: [4, 3, 2],
      nssid: [0, 0, 0],
    });
    // proc_view.sh §1: the container's own proc shows "PPid: 0", "NSpid: 1".
    const own = await l3.procfs().status(1);
    expect({ pid: own.pid, ppid: own.ppid, nspid: own.nspid, nspgid: own.nspgid, nssid: own.nssid }).toEqual({
      pid: 1,
      ppid: 0,
      nspid: [1],
      nspgid: [0],
      nssid: [0],
    });
    const text = await l3.procfs().statusText(1);
    expect(text).toContain('\nPPid:\t0\n');
    expect(text).toContain('\nNSpid:\t1\n');
    expect(text).toContain('\nTgid:\t1\n');
    expect((await l3.procfs().status(2)).nspid).toEqual([2]);
    expect(await k.checkInvariants()).toEqual([]);
  });

  // --- 3.6 ------------------------------------------------------------------------

  it('3.6 a procfs lists the processes of its mount namespace whoever reads it', async () => {
    const k = backend.create();
    const { h, l1, l3, c } = await nestedTree(k);
    const outsider = await k.init.fork({ program: 'idle', name: 'outsider' });
    // proc_view.sh §1: the container's own /proc shows only the container.
    expect(await k.procfs(l1.ns, h).pids()).toEqual([1, 2, 3, 4]);
    expect(await k.procfs(l1.ns, c).pids()).toEqual([1, 2, 3, 4]);
    expect(await k.procfs(l1.ns).pids()).toEqual([1, 2, 3, 4]);
    expect(await k.procfs(l3.ns, h).pids()).toEqual([1, 2]);
    // proc_view.sh §2: without remounting, a process in a new namespace sees every host process.
    expect(await k.procfs(k.init.ns, c).pids()).toEqual([1, 2, 3, 4, 5, 6, outsider.pid]);
    expect(await k.procfs(k.init.ns, c).pids()).toEqual(await k.procfs(k.init.ns, h).pids());
    expect(await k.checkInvariants()).toEqual([]);
  });

  it('3.6 readlink /proc/self gives the reader\'s number in the mount\'s namespace, ENOENT if it has none', async () => {
    const k = backend.create();
    const { h, l1, c } = await nestedTree(k);
    // proc_view.sh §2: "sh $$=1 ; readlink /proc/self = 16877" (its host PID).
    expect(await k.procfs(k.init.ns, l1).self()).toBe(3);
    expect(await k.procfs(k.init.ns, c).self()).toBe(6);
    expect(await k.procfs(l1.ns, c).self()).toBe(4);
    expect(await c.procfs().self()).toBe(2);
    // proc_view.sh §4: "cannot read symbolic link '.../proc/self': No such file or directory".
    expect(await errnoOf(k.procfs(l1.ns, h).self())).toBe('ENOENT');
    expect(await errnoOf(k.procfs(l1.ns, k.init).self())).toBe('ENOENT');
    // A PID the mount's namespace does not have is not there either.
    expect(await errnoOf(k.procfs(l1.ns, h).status(6))).toBe('ENOENT');
    expect(await k.checkInvariants()).toEqual([]);
  });

  // --- 3.7 ------------------------------------------------------------------------

  it('3.7 /proc/1/stat ppid of an ns init is 0 through its own proc', async () => {
    const k = backend.create();
    const h = await k.init.fork({ program: 'idle', name: 'H' });
    const i = await h.fork({ newPid: true, program: 'reaper', name: 'sh' });
    const ps = await i.fork({ program: 'idle', name: 'ps' });
    expect(ps.pid).toBe(2);
    // proc_view.sh §1: "1 0 sh", "2 1 ps", "stat ppid field of pid1: 0".
    const rows = await i.procfs().list();
    expect(rows.map((r) => [r.pid, r.ppid, r.name])).toEqual([
      [1, 0, 'sh'],
      [2, 1, 'ps'],
    ]);
    const lines = (await i.procfs().psEf()).trim().split('\n').slice(1).map((l) => l.trim().split(/\s+/));
    expect(lines.map((f) => [f[1], f[2], f[f.length - 1]])).toEqual([
      ['1', '0', 'sh'],
      ['2', '1', 'ps'],
    ]);
    // The host's proc shows the real parent.
    expect((await k.procfs(k.init.ns).status(i.nspid[0]!)).ppid).toBe(h.pid);
    expect(await k.checkInvariants()).toEqual([]);
  });

  // --- 3.8 ------------------------------------------------------------------------

  it('3.8 pid_max and ns_last_pid read and write the caller\'s active namespace', async () => {
    const k = backend.create();
    const { h, l1, l2 } = await nestedTree(k);
    expect(await k.init.readSysctl('pid_max')).toBe(32768);
    expect(await h.readSysctl('pid_max')).toBe(32768);
    expect(await l1.readSysctl('pid_max')).toBe(4194304);
    expect(await k.init.readSysctl('ns_last_pid')).toBe(6);
    expect(await l1.readSysctl('ns_last_pid')).toBe(4);
    expect(await l2.readSysctl('ns_last_pid')).toBe(3);
    await l1.writeSysctl('pid_max', 400);
    expect(await l1.readSysctl('pid_max')).toBe(400);
    expect(await k.init.readSysctl('pid_max')).toBe(32768); // pidalloc.c "host after: pid_max=32768 (unchanged)"
    expect(await l2.readSysctl('pid_max')).toBe(4194304);
    await l1.writeSysctl('ns_last_pid', 99);
    expect(await l1.readSysctl('ns_last_pid')).toBe(99);
    expect(await k.init.readSysctl('ns_last_pid')).toBe(6);
    const next = await l1.fork({ program: 'idle' });
    expect(next.nspid).toEqual([7, 100]);
    expect(await k.checkInvariants()).toEqual([]);
  });

  it('3.8 after unshare(CLONE_NEWPID) the sysctls are still those of the caller\'s active namespace', async () => {
    const k = backend.create();
    const p = await k.init.fork({ program: 'idle', name: 'P' });
    await p.unshare({ newPid: true });
    const child = await p.fork({ program: 'reaper' });
    expect(child.nspid).toEqual([3, 1]);
    // P's active namespace is still the root: its reads are the root's, not pid_for_children's.
    expect(await p.readSysctl('ns_last_pid')).toBe(3);
    expect(await p.readSysctl('pid_max')).toBe(32768);
    expect(await child.readSysctl('ns_last_pid')).toBe(1);
    expect(await child.readSysctl('pid_max')).toBe(4194304);
    expect(await k.checkInvariants()).toEqual([]);
  });

  // --- 3.9 ------------------------------------------------------------------------

  it('3.9 a signal from an ancestor namespace carries si_pid 0; from inside, the sender\'s PID', async () => {
    const k = backend.create();
    const h = await k.init.fork({ program: 'idle', name: 'H' });
    const i = await h.fork({ newPid: true, program: 'idle', name: 'I' });
    const j = await i.fork({ program: 'idle', name: 'J' });
    await i.sigaction(SIGUSR1, 'catch');
    // siginfo.c: "I(after H's kill) got sig=10 si_pid=0 si_uid=0 si_code=0".
    expect(await h.kill(i.nspid[0]!, SIGUSR1)).toBe(0);
    await k.settled();
    let info = await i.info();
    expect(info.handled[SIGUSR1]).toBe(1);
    expect(info.siginfo[SIGUSR1]).toMatchObject({ signo: SIGUSR1, pid: 0, uid: 0, code: SI_USER });
    // siginfo.c: "I(after J's kill and exit) got sig=10 si_pid=2 si_uid=0 si_code=0".
    expect(await j.kill(1, SIGUSR1)).toBe(0);
    await k.settled();
    info = await i.info();
    expect(info.handled[SIGUSR1]).toBe(2);
    expect(info.siginfo[SIGUSR1]).toMatchObject({ signo: SIGUSR1, pid: 2, uid: 0, code: SI_USER });
    // sigqueue from the ancestor: si_pid 0 too, si_code and value kept.
    await i.sigaction(SIGUSR2, 'catch');
    expect(await h.sigqueue(i.nspid[0]!, SIGUSR2, 42)).toBe(0);
    await k.settled();
    expect((await i.info()).siginfo[SIGUSR2]).toMatchObject({ signo: SIGUSR2, pid: 0, uid: 0, code: -1, value: 42 });
    // A grandparent two levels up is invisible too.
    const n2 = await i.fork({ newPid: true, program: 'idle', name: 'N2' });
    await n2.sigaction(SIGUSR1, 'catch');
    await i.kill(n2.nspid[1]!, SIGUSR1);
    await k.settled();
    expect((await n2.info()).siginfo[SIGUSR1]).toMatchObject({ pid: 0, code: SI_USER });
    await h.kill(n2.nspid[0]!, SIGUSR1);
    await k.settled();
    expect((await n2.info()).handled[SIGUSR1]).toBe(2);
    expect((await n2.info()).siginfo[SIGUSR1]).toMatchObject({ pid: 0, code: SI_USER });
    expect(await k.checkInvariants()).toEqual([]);
  });

  // --- 3.10 -----------------------------------------------------------------------

  it('3.10 quirk: kill(0) from a child namespace reaches an ancestor with the sender\'s inner PID as si_pid', async () => {
    const k = backend.create();
    const h = await k.init.fork({ program: 'idle', name: 'H' });
    await h.setsid();
    await h.sigaction(SIGUSR2, 'catch');
    await h.unshare({ newPid: true });
    const i = await h.fork({ program: 'idle', name: 'I' });
    await i.sigaction(SIGUSR2, 'catch');
    const j = await i.fork({ program: 'idle', name: 'J' });
    expect(j.pid).toBe(2);
    expect(j.nspid[0]).not.toBe(2);
    // siginfo.c: "J: kill(0,SIGUSR2) rc=0"; "H got sig=12 si_pid=2 si_code=0" (J's inner PID, untranslated).
    expect(await j.kill(0, SIGUSR2)).toBe(0);
    await k.settled();
    const hinfo = await h.info();
    expect(hinfo.handled[SIGUSR2]).toBe(1);
    expect(hinfo.siginfo[SIGUSR2]).toMatchObject({ signo: SIGUSR2, pid: 2, uid: 0, code: SI_USER });
    // "I(after J's kill and exit) got sig=12 si_pid=2".
    const iinfo = await i.info();
    expect(iinfo.handled[SIGUSR2]).toBe(1);
    expect(iinfo.siginfo[SIGUSR2]).toMatchObject({ signo: SIGUSR2, pid: 2, code: SI_USER });
    expect(await k.checkInvariants()).toEqual([]);
  });

  // --- 3.11 -----------------------------------------------------------------------

  it('3.11 SIGCHLD si_pid is the child\'s PID in the parent\'s namespace', async () => {
    const k = backend.create();
    const h = await k.init.fork({ program: 'idle', name: 'H' });
    await h.sigaction(SIGCHLD, 'catch');
    await h.unshare({ newPid: true });
    const i = await h.fork({ program: 'idle', name: 'I' });
    await i.sigaction(SIGCHLD, 'catch');
    const j = await i.fork({ program: 'idle', name: 'J' });
    // siginfo.c: I "got sig=17 si_pid=2 si_code=1 si_status=7".
    await j.exit(7);
    await k.settled();
    const iinfo = await i.info();
    expect(iinfo.handled[SIGCHLD]).toBe(1);
    expect(iinfo.siginfo[SIGCHLD]).toMatchObject({ signo: SIGCHLD, pid: 2, code: CLD_EXITED, status: 7 });
    const wj = await i.wait(2);
    expect(wj).toMatchObject({ pid: 2, change: { kind: 'exited', code: 7 } });
    // "H got sig=17 si_pid=17545 si_code=1 si_status=4" with 17545 = I's host PID, I being 1 inside.
    await i.exit(4);
    await k.settled();
    const hinfo = await h.info();
    expect(hinfo.handled[SIGCHLD]).toBe(1);
    expect(hinfo.siginfo[SIGCHLD]).toMatchObject({ signo: SIGCHLD, pid: i.nspid[0], code: CLD_EXITED, status: 4 });
    expect(i.nspid[0]).not.toBe(1);
    const wi = await h.wait(i.nspid[0]!);
    expect(wi).toMatchObject({ pid: i.nspid[0], change: { kind: 'exited', code: 4 } });
    await k.settled();
    expect(await k.checkInvariants()).toEqual([]);
  });
});
