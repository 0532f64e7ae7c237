// Conformance: SEMANTICS group 7 — process groups and sessions across PID
// namespaces. Expected values: the kernel's observations quoted in
// docs/semantics.md. The outside session leader H gets PID 100 (set_tid) so
// that its number is not also a PID inside the small namespaces (on a real
// host the outside pgid is large too).

import { expect, it } from 'vitest';
import type { Kernel, Process } from '../../src/index.js';
import { errnoOf, forEachBackend } from '../support/backends.js';
import { CLD_STOPPED, NOTHING, SIGCONT, SIGHUP, SIGTERM, SIGUSR1, killed } from '../support/linux-values.js';

/** H: PID 100 of the root namespace, leader of its own session and group. */
async function sessionLeader(k: Kernel): Promise<Process> {
  const h = await k.init.fork({ setTid: [100], program: 'idle', name: 'H' });
  expect(await h.setsid()).toBe(100);
  return h;
}

/** /proc/PID/status of `p` through the root namespace's procfs. */
async function hostStatus(k: Kernel, p: Process) {
  return k.procfs(k.init.ns).status(p.nspid[0]!);
}

forEachBackend('process groups and sessions', (backend) => {
  // --- 7.1 inheritance across CLONE_NEWPID / unshare ---------------------------------

  it('7.1 the ns init and its children inherit the outside group and session; the ids read 0 inside', async () => {
    const k = backend.create();
    const h = await sessionLeader(k);
    const i = await h.fork({ newPid: true, program: 'idle', name: 'init' });
    const c = await i.fork({ program: 'idle', name: 'c' });
    // pgrp.c: "init: getpgrp=0 getsid=0 getpgid(1)=0", "getpgid(<host pgid>) -> -1 ESRCH"
    for (const p of [i, c]) {
      expect(await p.getpgrp()).toBe(0);
      expect(await p.getsid()).toBe(0);
    }
    expect(await i.getpgid(1)).toBe(0);
    expect(await i.getsid(2)).toBe(0);
    expect(await errnoOf(i.getpgid(100))).toBe('ESRCH');
    // From the root namespace they are members of H's group and session.
    for (const p of [i, c]) {
      expect(await k.init.getpgid(p.nspid[0]!)).toBe(100);
      expect(await k.init.getsid(p.nspid[0]!)).toBe(100);
      const st = await hostStatus(k, p);
      expect([st.pgid, st.sid]).toEqual([100, 100]);
      expect(st.nspgid).toEqual([100, 0]);
      expect(st.nssid).toEqual([100, 0]);
    }
    // The membership is real: H's kill(0) reaches the members inside.
    for (const p of [h, i, c]) await p.sigaction('USR1', 'catch');
    expect(await h.kill(0, 'USR1')).toBe(0);
    await k.settled();
    for (const p of [h, i, c]) expect((await p.info()).handled[SIGUSR1]).toBe(1);
    expect(await k.checkInvariants()).toEqual([]);
  });

  it('7.1 children forked after unshare(CLONE_NEWPID) keep the unsharer\'s group and session', async () => {
    const k = backend.create();
    const h = await sessionLeader(k);
    const p = await h.fork({ program: 'idle', name: 'P' });
    await p.setpgid(0, 0);
    await p.unshare({ newPid: true });
    const c1 = await p.fork({ program: 'idle', name: 'c1' });
    const c2 = await p.fork({ program: 'idle', name: 'c2' });
    for (const c of [c1, c2]) {
      expect(await c.getpgrp()).toBe(0);
      expect(await c.getsid()).toBe(0);
      expect(await p.getpgid(c.nspid[0]!)).toBe(p.pid);
      expect(await p.getsid(c.nspid[0]!)).toBe(100);
      expect((await hostStatus(k, c)).nspgid).toEqual([p.pid, 0]);
    }
    expect(await k.checkInvariants()).toEqual([]);
  });

  // --- 7.2 setpgid across the boundary --------------------------------------------------

  it('7.2 setpgid() to a group id invisible in the namespace fails with EPERM; setpgid(child, child) uses the inner id', async () => {
    const k = backend.create();
    const h = await sessionLeader(k);
    const i = await h.fork({ newPid: true, program: 'idle', name: 'init' });
    const c = await i.fork({ program: 'idle', name: 'c' });
    expect(c.pid).toBe(2);
    // pgrp.c: "setpgid(child, <invisible outer pgid>) -> -1 EPERM"
    expect(await errnoOf(i.setpgid(2, 100))).toBe('EPERM');
    expect(await errnoOf(i.setpgid(0, 100))).toBe('EPERM');
    expect(await errnoOf(c.setpgid(0, 100))).toBe('EPERM');
    expect(await c.getpgrp()).toBe(0);
    expect(await k.init.getpgid(c.nspid[0]!)).toBe(100);

    // "setpgid(child, child) -> 0; getpgid(child)=2"
    expect(await i.setpgid(2, 2)).toBe(0);
    expect(await i.getpgid(2)).toBe(2);
    expect(await c.getpgrp()).toBe(2);
    expect(await k.init.getpgid(c.nspid[0]!)).toBe(c.nspid[0]);
    expect((await hostStatus(k, c)).nspgid).toEqual([c.nspid[0], 2]);
    expect((await hostStatus(k, c)).nssid).toEqual([100, 0]);

    // A visible group of the same session can be joined.
    const d = await i.fork({ program: 'idle', name: 'd' });
    expect(await i.setpgid(d.pid, 2)).toBe(0);
    expect(await d.getpgrp()).toBe(2);
    // A visible group of another session cannot.
    const e = await i.fork({ program: 'idle', name: 'e' });
    expect(await e.setsid()).toBe(e.pid);
    const f = await i.fork({ program: 'idle', name: 'f' });
    expect(await errnoOf(i.setpgid(f.pid, e.pid))).toBe('EPERM');
    expect(await f.getpgrp()).toBe(0);
    expect(await k.checkInvariants()).toEqual([]);
  });

  // --- 7.3 setsid() in an ns init --------------------------------------------------------

  it('7.3 setsid() in an ns init succeeds with sid = pgid = 1; its later children inherit the inner session', async () => {
    const k = backend.create();
    const h = await sessionLeader(k);
    const i = await h.fork({ newPid: true, program: 'idle', name: 'init' });
    // pgrp.c: "init: setsid() -> 1; getpgrp=1 getsid=1"
    expect(await i.setsid()).toBe(1);
    expect(await i.getpgrp()).toBe(1);
    expect(await i.getsid()).toBe(1);
    const st = await hostStatus(k, i);
    expect(st.nspgid).toEqual([i.nspid[0], 1]);
    expect(st.nssid).toEqual([i.nspid[0], 1]);
    expect(await k.init.getsid(i.nspid[0]!)).toBe(i.nspid[0]);

    const c = await i.fork({ program: 'idle', name: 'c' });
    expect(await c.getsid()).toBe(1);
    expect(await c.getpgrp()).toBe(1);
    // A group leader cannot start a session (the init could because it led no group).
    expect(await c.setpgid(0, 0)).toBe(0);
    expect(await errnoOf(c.setsid())).toBe('EPERM');
    expect(await errnoOf(i.setsid())).toBe('EPERM');
    expect(await k.checkInvariants()).toEqual([]);
  });

  it('7.3 a level-3 child that calls setpgid(0, 0) reads pgrp 2; NSpgid shows its id at every level (nspid3.c)', async () => {
    const k = backend.create();
    const h = await sessionLeader(k);
    const l1 = await h.fork({ newPid: true, program: 'idle', name: 'L1' });
    const l2 = await l1.fork({ newPid: true, program: 'idle', name: 'L2' });
    const l3 = await l2.fork({ newPid: true, program: 'idle', name: 'L3' });
    const c = await l3.fork({ program: 'idle', name: 'c' });
    for (const p of [l1, l2, l3, c]) expect([await p.getpgrp(), await p.getsid()]).toEqual([0, 0]);
    // "L3 init: NSpgid: 17394 0 0 0"
    expect((await hostStatus(k, l3)).nspgid).toEqual([100, 0, 0, 0]);
    expect(await c.setpgid(0, 0)).toBe(0);
    // "L3 child after setpgid(0,0): getpgrp=2", host view "NSpgid: 17398 4 3 2", "NSsid: 17394 0 0 0"
    expect(await c.getpgrp()).toBe(2);
    const st = await hostStatus(k, c);
    expect(st.nspgid).toEqual([c.nspid[0], 4, 3, 2]);
    expect(st.nssid).toEqual([100, 0, 0, 0]);
    expect(await k.checkInvariants()).toEqual([]);
  });

  // --- 7.4 orphaned process groups ---------------------------------------------------------

  it('7.4 an ns init in the same session keeps an adopted stopped group non-orphaned: no SIGHUP (pgrp.c V1)', async () => {
    const k = backend.create();
    const h = await sessionLeader(k);
    const i = await h.fork({ newPid: true, program: 'idle', name: 'init' });
    const m = await i.fork({ program: 'idle', name: 'M' });
    const b = await m.fork({ program: 'idle', name: 'B' });
    await b.sigaction('HUP', 'catch');
    await b.sigaction('CONT', 'catch');
    expect(await b.setpgid(0, 0)).toBe(0);
    await m.kill(b.pid, 'STOP');
    await k.settled();
    expect((await b.info()).state).toBe('stopped');

    await m.exit(0);
    await k.settled();
    // "V1 (M same session as init): adopted B=4 still STOPPED (group not orphaned)"
    const info = await b.info();
    expect(info.ppid).toBe(1);
    expect(info.state).toBe('stopped');
    expect(info.handled).toEqual({});
    const w = await i.wait(b.pid, { nohang: true, untraced: true });
    expect([NOTHING, { pid: b.pid, status: 0x137f, change: { kind: 'stopped', signal: 19 }, code: CLD_STOPPED }]).toContainEqual(w);
    expect(await k.checkInvariants()).toEqual([]);
  });

  it('7.4 when the adopting ns init is in another session, the stopped group gets SIGHUP then SIGCONT and dies (pgrp.c V2)', async () => {
    const k = backend.create();
    const h = await sessionLeader(k);
    const i = await h.fork({ newPid: true, program: 'idle', name: 'init' });
    const m = await i.fork({ program: 'idle', name: 'M' });
    expect(await m.setsid()).toBe(m.pid);
    const b = await m.fork({ program: 'idle', name: 'B' });
    expect(await b.setpgid(0, 0)).toBe(0);
    await m.kill(b.pid, 'STOP');
    await k.settled();
    expect((await b.info()).state).toBe('stopped');

    await m.exit(0);
    await k.settled();
    // "V2 (M setsid): adopted B=6 ended signaled=1 sig=1"
    expect(await i.wait(b.pid, { nohang: true })).toEqual(killed(b.pid, SIGHUP));
    expect(await k.checkInvariants()).toEqual([]);
  });

  it('7.4 both SIGHUP and SIGCONT reach every member of a newly orphaned group, and only if a member is stopped', async () => {
    const k = backend.create();
    const h = await sessionLeader(k);
    const i = await h.fork({ newPid: true, program: 'idle', name: 'init' });
    for (const stop of [true, false]) {
      const m = await i.fork({ program: 'idle', name: 'M' });
      await m.setsid();
      const b = await m.fork({ program: 'idle', name: 'B' });
      await b.setpgid(0, 0);
      const b2 = await b.fork({ program: 'idle', name: 'B2' }); // same group, parent b (same group)
      for (const p of [b, b2]) {
        await p.sigaction('HUP', 'catch');
        await p.sigaction('CONT', 'catch');
      }
      if (stop) await m.kill(b.pid, 'STOP');
      await k.settled();
      await m.exit(0);
      await k.settled();
      for (const p of [b, b2]) {
        const info = await p.info();
        expect(info.state).toBe('running');
        expect(info.handled).toEqual(stop ? { [SIGHUP]: 1, [SIGCONT]: 1 } : {});
      }
      expect((await b.info()).ppid).toBe(1);
    }
    expect(await k.checkInvariants()).toEqual([]);
  });

  it('7.4 kernel variant stopped-members: the SIGHUP reaches only the stopped members, the SIGCONT every member', async () => {
    const k = backend.create({ variant: { orphanedPgrpSighup: 'stopped-members' } });
    const h = await sessionLeader(k);
    const i = await h.fork({ newPid: true, program: 'idle', name: 'init' });
    const m = await i.fork({ program: 'idle', name: 'M' });
    await m.setsid();
    const b = await m.fork({ program: 'idle', name: 'B' });
    await b.setpgid(0, 0);
    const stopped = await b.fork({ program: 'idle', name: 'S' });
    const running = await b.fork({ program: 'idle', name: 'R' });
    for (const p of [stopped, running]) {
      await p.sigaction('HUP', 'catch');
      await p.sigaction('CONT', 'catch');
    }
    await m.kill(b.pid, 'STOP');
    await m.kill(stopped.pid, 'STOP');
    await k.settled();
    await m.exit(0);
    await k.settled();
    // The stopped members: b dies of SIGHUP (default action); S catches it, then SIGCONT.
    expect(await i.wait(b.pid, { nohang: true })).toEqual(killed(b.pid, SIGHUP));
    expect((await stopped.info()).handled).toEqual({ [SIGHUP]: 1, [SIGCONT]: 1 });
    // The running member gets the SIGCONT only.
    expect((await running.info()).handled).toEqual({ [SIGCONT]: 1 });
    expect(await k.checkInvariants()).toEqual([]);
  });

  it('7.4 on a bare system the global init does not count as a link: the adopted stopped group is orphaned', async () => {
    const k = backend.create();
    const sh = await k.init.fork({ program: 'reaper', name: 'sh' });
    await sh.setsid();
    const m = await sh.fork({ program: 'idle', name: 'M' });
    expect(await m.setpgid(0, 0)).toBe(0);
    const b = await m.fork({ program: 'idle', name: 'B' });
    await b.sigaction('HUP', 'catch');
    await b.sigaction('CONT', 'catch');
    const victim = await m.fork({ program: 'idle', name: 'V' });
    await sh.kill(b.pid, 'STOP');
    await k.settled();

    await m.exit(0);
    await k.settled();
    const info = await b.info();
    expect(info.ppid).toBe(1);
    expect(info.state).toBe('running');
    expect(info.handled).toEqual({ [SIGHUP]: 1, [SIGCONT]: 1 });
    // V had SIGHUP's default action: it died (and the global init reaped it).
    expect(await errnoOf(k.init.kill(victim.pid, 0))).toBe('ESRCH');
    expect(await k.checkInvariants()).toEqual([]);
  });

  // --- 7.5 kill(-pgid) reaches members in descendant namespaces -------------------------------

  it('7.5 kill(-pgid) inside a namespace reaches every member of the group, nested namespaces included', async () => {
    const k = backend.create();
    const i = await k.init.fork({ newPid: true, program: 'idle', name: 'init' });
    const c = await i.fork({ program: 'idle', name: 'c' });
    expect(await c.setpgid(0, 0)).toBe(0);
    const d = await c.fork({ program: 'idle', name: 'd' });
    const j = await c.fork({ newPid: true, program: 'idle', name: 'J' });
    const e = await j.fork({ program: 'idle', name: 'e' });
    const other = await i.fork({ program: 'idle', name: 'other' });
    expect([c.pid, d.pid, j.pidIn(i.ns), e.pidIn(i.ns), other.pid]).toEqual([2, 3, 4, 5, 6]);
    expect(await j.getpgrp()).toBe(0); // the group's leader c is invisible in J's namespace
    expect(await e.getpgrp()).toBe(0);
    expect(await i.getpgid(5)).toBe(2);
    for (const p of [c, d, j, e, other]) await p.sigaction('USR1', 'catch');

    // pgrp.c: "init: kill(-2) -> 0"
    expect(await i.kill(-2, 'USR1')).toBe(0);
    await k.settled();
    for (const p of [c, d, j, e]) expect((await p.info()).handled[SIGUSR1]).toBe(1);
    expect((await other.info()).handled[SIGUSR1]).toBeUndefined();

    // SIGTERM kills the members; J, an ns init with SIG_DFL, ignores it from an ancestor namespace (4.3).
    expect(await i.kill(-2, 'TERM')).toBe(0);
    await k.settled();
    expect(await i.wait(2, { nohang: true })).toEqual(killed(2, SIGTERM));
    expect(await i.wait(3, { nohang: true })).toEqual(killed(3, SIGTERM)); // d was reparented to init when c died
    expect(await j.wait(2, { nohang: true })).toEqual(killed(2, SIGTERM));
    expect((await j.info()).state).toBe('running');
    expect((await other.info()).state).toBe('running');
    expect(await k.checkInvariants()).toEqual([]);
  });
});
