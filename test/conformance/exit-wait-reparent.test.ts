// Conformance: SEMANTICS group 5 — exit, zombies, wait(2), reparenting.
// Thread items 5.4, 5.8 and 5.12 are out of scope (SEMANTICS "Scope").
// Expected values: the kernel's observations quoted for each item in
// docs/semantics.md (and the scenarios of test/scenarios that replay them).

import { expect, it } from 'vitest';
import { errnoOf, forEachBackend } from '../support/backends.js';
import { CLD_CONTINUED, CLD_DUMPED, CLD_EXITED, CLD_KILLED, CLD_STOPPED, NOTHING, SIGCHLD, exited, killed } from '../support/linux-values.js';
import { exists, hostPpid } from '../support/observe.js';

forEachBackend('exit, zombies, wait, reparenting', (backend) => {
  // --- 5.1 wait status encoding --------------------------------------------------

  it('5.1 exit(n) is reported as status (n & 0xff) << 8 with CLD_EXITED', async () => {
    const k = backend.create();
    const p = await k.init.fork({ program: 'idle', name: 'parent' });
    const c = await p.fork({ program: 'idle' });
    await c.exit(3);
    await k.settled();
    expect(await p.wait(c.pid)).toEqual({ pid: c.pid, status: 0x0300, change: { kind: 'exited', code: 3 }, code: CLD_EXITED });

    // waitsig.c: exit(263) -> WEXITSTATUS=7 (only the low 8 bits survive).
    const d = await p.fork({ program: 'idle' });
    await d.exit(263);
    await k.settled();
    expect(await p.wait(d.pid)).toEqual({ pid: d.pid, status: 0x0700, change: { kind: 'exited', code: 7 }, code: CLD_EXITED });

    const e = await p.fork({ program: { name: 'exit', code: 0 } });
    await k.settled();
    expect(await p.wait(e.pid)).toEqual({ pid: e.pid, status: 0, change: { kind: 'exited', code: 0 }, code: CLD_EXITED });
    expect(await k.checkInvariants()).toEqual([]);
  });

  it('5.1 death by a signal is reported as the signal number, | 0x80 when a core is dumped', async () => {
    const k = backend.create();
    const p = await k.init.fork({ program: 'idle', name: 'parent' });
    const c = await p.fork({ program: 'idle' });
    expect(await p.kill(c.pid, 'TERM')).toBe(0);
    await k.settled();
    expect(await p.wait(c.pid)).toEqual({ pid: c.pid, status: 0x000f, change: { kind: 'killed', signal: 15, core: false }, code: CLD_KILLED });

    // waitsig.c: abort() -> raw=0x0086 (SIGABRT's default action dumps core).
    const d = await p.fork({ program: 'idle' });
    await p.kill(d.pid, 'ABRT');
    await k.settled();
    expect(await p.wait(d.pid)).toEqual({ pid: d.pid, status: 0x0086, change: { kind: 'killed', signal: 6, core: true }, code: CLD_DUMPED });

    const e = await p.fork({ program: 'idle' });
    await p.kill(e.pid, 'KILL');
    await k.settled();
    expect(await p.wait(e.pid)).toEqual(killed(e.pid, 9));
    expect(await k.checkInvariants()).toEqual([]);
  });

  it('5.1 stopped is (sig << 8) | 0x7f with CLD_STOPPED, continued is 0xffff with CLD_CONTINUED', async () => {
    const k = backend.create();
    const p = await k.init.fork({ program: 'idle', name: 'parent' });
    const c = await p.fork({ program: 'idle' });
    // c leads its own group, linked to the session through p: SIGTSTP stops it
    // (in init's group, an orphaned one, it would not: get_signal(), SEMANTICS 4.10).
    await p.setpgid(c.pid, c.pid);
    await p.kill(c.pid, 'STOP');
    await k.settled();
    expect(await p.wait(c.pid, { untraced: true })).toEqual({ pid: c.pid, status: 0x137f, change: { kind: 'stopped', signal: 19 }, code: CLD_STOPPED });
    await p.kill(c.pid, 'CONT');
    await k.settled();
    expect(await p.wait(c.pid, { continued: true })).toEqual({ pid: c.pid, status: 0xffff, change: { kind: 'continued' }, code: CLD_CONTINUED });

    await p.kill(c.pid, 'TSTP');
    await k.settled();
    expect(await p.wait(c.pid, { untraced: true })).toEqual({ pid: c.pid, status: 0x147f, change: { kind: 'stopped', signal: 20 }, code: CLD_STOPPED });
    await p.kill(c.pid, 'KILL');
    await k.settled();
    expect(await p.wait(c.pid)).toEqual(killed(c.pid, 9));
    expect(await k.checkInvariants()).toEqual([]);
  });

  // --- 5.2 zombies ---------------------------------------------------------------

  it('5.2 a dead child is a zombie until reaped; kill(zombie, 0) and kill(zombie, SIGKILL) return 0 and change nothing', async () => {
    const k = backend.create();
    const p = await k.init.fork({ program: 'idle', name: 'parent' });
    const c = await p.fork({ program: 'idle', name: 'child' });
    await p.kill(c.pid, 'KILL');
    await k.settled();

    const info = await c.info();
    expect(info.state).toBe('zombie');
    expect(info.exit).toEqual({ kind: 'killed', signal: 9, core: false });
    expect((await p.procfs().status(c.pid)).state).toBe('zombie');
    expect(await p.kill(c.pid, 0)).toBe(0);
    expect(await p.kill(c.pid, 'KILL')).toBe(0);
    expect(await p.kill(c.pid, 'TERM')).toBe(0);
    await k.settled();
    expect((await c.info()).state).toBe('zombie');
    expect((await c.info()).exit).toEqual({ kind: 'killed', signal: 9, core: false });
    expect(await k.checkInvariants()).toEqual([]);

    // Reaping removes it: its PID no longer answers.
    expect(await p.wait(c.pid)).toEqual(killed(c.pid, 9));
    expect(await errnoOf(c.info())).toBe('ESRCH');
    expect(await errnoOf(p.kill(c.pid, 0))).toBe('ESRCH');
    expect(await p.procfs().pids()).not.toContain(c.pid);
    expect(await k.checkInvariants()).toEqual([]);
  });

  it('5.2 a zombie keeps its PID at every level until it is reaped', async () => {
    const k = backend.create();
    const h = await k.init.fork({ program: 'idle', name: 'H' });
    const i = await h.fork({ newPid: true, program: 'idle', name: 'I' });
    const c = await i.fork({ program: 'idle', name: 'c' });
    expect(c.pid).toBe(2);
    await c.exit(0);
    await k.settled();

    expect((await k.procfs(k.init.ns).status(c.nspid[0]!)).state).toBe('zombie');
    expect((await i.procfs().status(2)).state).toBe('zombie');
    // Both numbers are still taken (set_tid on a used number: EEXIST, SEMANTICS 1.11).
    expect(await errnoOf(i.fork({ setTid: [2], program: 'idle' }))).toBe('EEXIST');
    expect(await errnoOf(k.init.fork({ setTid: [c.nspid[0]!], program: 'idle' }))).toBe('EEXIST');

    expect(await i.wait(2)).toEqual(exited(2, 0));
    // Freed at every level once reaped: both numbers can be taken again.
    const again = await i.fork({ setTid: [2, c.nspid[0]!], program: 'idle' });
    expect(again.nspid).toEqual([c.nspid[0], 2]);
    expect(await k.checkInvariants()).toEqual([]);
  });

  // --- 5.3 ECHILD, WNOHANG, WNOWAIT, WUNTRACED, WCONTINUED ---------------------------

  it('5.3 wait with no children, or for a PID that is not a child, fails with ECHILD', async () => {
    const k = backend.create();
    const p = await k.init.fork({ program: 'idle', name: 'p' });
    const sibling = await k.init.fork({ program: 'idle', name: 'sibling' });
    expect(await errnoOf(p.wait())).toBe('ECHILD');
    expect(await errnoOf(p.wait(-1, { nohang: true }))).toBe('ECHILD');
    const c = await p.fork({ program: 'idle' });
    expect(await errnoOf(p.wait(1))).toBe('ECHILD');
    expect(await errnoOf(p.wait(sibling.pid))).toBe('ECHILD');
    expect(await errnoOf(p.wait(c.pid + 1000))).toBe('ECHILD');
    expect(await k.checkInvariants()).toEqual([]);
  });

  it('5.3 WNOHANG with only running children returns 0; a blocking wait returns when a child dies', async () => {
    const k = backend.create();
    const p = await k.init.fork({ program: 'idle', name: 'p' });
    const c = await p.fork({ program: 'idle' });
    expect(await p.wait(-1, { nohang: true })).toEqual(NOTHING);
    expect(await p.wait(c.pid, { nohang: true })).toEqual(NOTHING);

    let result: unknown = null;
    const w = p.wait(-1).then((r) => (result = r));
    await k.settled();
    expect(result).toBeNull();
    expect((await c.info()).state).toBe('running');
    await k.init.kill(c.pid, 'TERM');
    await k.settled();
    await w;
    expect(result).toEqual(killed(c.pid, 15));
    expect(await k.checkInvariants()).toEqual([]);
  });

  it('5.3 WNOWAIT reports without reaping: the child stays a zombie and can be waited for again', async () => {
    const k = backend.create();
    const p = await k.init.fork({ program: 'idle', name: 'p' });
    const c = await p.fork({ program: 'idle' });
    await p.kill(c.pid, 'KILL');
    await k.settled();
    expect(await p.wait(c.pid, { nowait: true })).toEqual(killed(c.pid, 9));
    expect((await c.info()).state).toBe('zombie');
    expect(await p.wait(-1, { nowait: true, nohang: true })).toEqual(killed(c.pid, 9));
    expect((await c.info()).state).toBe('zombie');
    expect(await p.wait(-1)).toEqual(killed(c.pid, 9));
    expect(await errnoOf(c.info())).toBe('ESRCH');
    expect(await errnoOf(p.wait(-1, { nohang: true }))).toBe('ECHILD');
    expect(await k.checkInvariants()).toEqual([]);
  });

  it('5.3 stops are reported only with WUNTRACED and continues only with WCONTINUED, each once', async () => {
    const k = backend.create();
    const p = await k.init.fork({ program: 'idle', name: 'p' });
    const c = await p.fork({ program: 'idle' });
    await p.kill(c.pid, 'STOP');
    await k.settled();
    expect((await c.info()).state).toBe('stopped');
    expect(await p.wait(-1, { nohang: true })).toEqual(NOTHING);
    expect(await p.wait(-1, { nohang: true, continued: true })).toEqual(NOTHING);
    const stopped = { pid: c.pid, status: 0x137f, change: { kind: 'stopped', signal: 19 }, code: CLD_STOPPED };
    expect(await p.wait(-1, { nohang: true, untraced: true, nowait: true })).toEqual(stopped);
    expect(await p.wait(-1, { nohang: true, untraced: true })).toEqual(stopped);
    expect(await p.wait(-1, { nohang: true, untraced: true })).toEqual(NOTHING);

    await p.kill(c.pid, 'CONT');
    await k.settled();
    expect((await c.info()).state).toBe('running');
    expect(await p.wait(-1, { nohang: true, untraced: true })).toEqual(NOTHING);
    const continued = { pid: c.pid, status: 0xffff, change: { kind: 'continued' }, code: CLD_CONTINUED };
    expect(await p.wait(-1, { nohang: true, continued: true })).toEqual(continued);
    expect(await p.wait(-1, { nohang: true, continued: true })).toEqual(NOTHING);
    expect(await k.checkInvariants()).toEqual([]);
  });

  // --- 5.5 auto-reaping ----------------------------------------------------------

  it('5.5 with SIGCHLD = SIG_IGN, exited children are reaped at once and waitpid fails with ECHILD', async () => {
    const k = backend.create();
    const p = await k.init.fork({ program: 'idle', name: 'p' });
    await p.sigaction('CHLD', 'ignore');
    const c = await p.fork({ program: 'idle' });
    await c.exit(5);
    await k.settled();
    expect(await errnoOf(c.info())).toBe('ESRCH');
    expect(await p.procfs().pids()).not.toContain(c.pid);
    expect(await errnoOf(p.wait(c.pid, { nohang: true }))).toBe('ECHILD');
    expect(await errnoOf(p.wait(-1))).toBe('ECHILD');

    const d = await p.fork({ program: 'idle' });
    await p.kill(d.pid, 'KILL');
    await k.settled();
    expect(await errnoOf(d.info())).toBe('ESRCH');
    expect(await errnoOf(p.wait(d.pid))).toBe('ECHILD');
    expect(await k.checkInvariants()).toEqual([]);
  });

  it('5.5 with SIGCHLD = SIG_IGN, a blocking wait() waits until all children are gone, then fails with ECHILD', async () => {
    const k = backend.create();
    const p = await k.init.fork({ program: 'idle', name: 'p' });
    await p.sigaction('CHLD', 'ignore');
    const c1 = await p.fork({ program: 'idle' });
    const c2 = await p.fork({ program: 'idle' });
    let outcome: string | null = null;
    const w = errnoOf(p.wait(-1)).then((code) => (outcome = code));
    await k.settled();
    expect(outcome).toBeNull();
    await c1.exit(0);
    await k.settled();
    expect(outcome).toBeNull();
    await c2.exit(0);
    await k.settled();
    await w;
    expect(outcome).toBe('ECHILD');
    expect(await k.checkInvariants()).toEqual([]);
  });

  it('5.5 with SA_NOCLDWAIT, children are reaped at once (SIGCHLD is still sent) and wait fails with ECHILD', async () => {
    const k = backend.create();
    const p = await k.init.fork({ program: 'idle', name: 'p' });
    await p.sigaction('CHLD', { handler: 'default', noCldWait: true });
    const c = await p.fork({ program: 'idle' });
    await c.exit(1);
    await k.settled();
    expect(await errnoOf(c.info())).toBe('ESRCH');
    expect(await errnoOf(p.wait(-1, { nohang: true }))).toBe('ECHILD');

    // With a handler too: no zombie, and (on Linux) the SIGCHLD is still generated.
    const q = await k.init.fork({ program: 'idle', name: 'q' });
    await q.sigaction('CHLD', { handler: 'catch', noCldWait: true, restart: true });
    const d = await q.fork({ program: 'idle' });
    await d.exit(2);
    await k.settled();
    expect(await errnoOf(d.info())).toBe('ESRCH');
    expect(await errnoOf(q.wait(-1, { nohang: true }))).toBe('ECHILD');
    expect((await q.info()).handled[SIGCHLD]).toBe(1);
    expect(await k.checkInvariants()).toEqual([]);
  });

  // --- 5.6 reparenting order -----------------------------------------------------

  it('5.6 orphans go to the ns init, or to the nearest living subreaper ancestor in the namespace (orphan.c cases 1-3)', async () => {
    const k = backend.create();
    const h = await k.init.fork({ program: 'idle', name: 'H' });
    await h.setChildSubreaper(true);
    const i = await h.fork({ newPid: true, program: 'reaper', name: 'I' });

    // case 1: I -> A -> B; A exits => B adopted by I.
    const a = await i.fork({ program: 'idle', name: 'A' });
    const b = await a.fork({ program: 'idle', name: 'B' });
    expect([a.pid, b.pid]).toEqual([2, 3]);
    expect(await b.getppid()).toBe(2);
    await a.exit(0);
    await k.settled();
    expect(await b.getppid()).toBe(1);

    // case 2: I -> S(subreaper) -> A2 -> B2; A2 exits => B2 adopted by S.
    const s = await i.fork({ program: 'idle', name: 'S' });
    await s.setChildSubreaper(true);
    expect(await s.isChildSubreaper()).toBe(true);
    const a2 = await s.fork({ program: 'idle', name: 'A2' });
    const b2 = await a2.fork({ program: 'idle', name: 'B2' });
    expect([s.pid, a2.pid, b2.pid]).toEqual([4, 5, 6]);
    expect(await a2.isChildSubreaper()).toBe(false); // not inherited (prctl(2))
    expect(await b2.getppid()).toBe(5);
    await a2.exit(0);
    await k.settled();
    expect(await b2.getppid()).toBe(4);
    expect((await b2.info()).ppid).toBe(4);

    // case 3: the subreaper S exits too => B2 goes to I.
    await s.exit(0);
    await k.settled();
    expect(await b2.getppid()).toBe(1);
    expect(await hostPpid(k, b2)).toBe(i.nspid[0]);
    expect(await k.checkInvariants()).toEqual([]);
  });

  it('5.6 the nearest subreaper wins, not the parent nor a farther one; when it exits, the next one up adopts', async () => {
    const k = backend.create();
    const s1 = await k.init.fork({ program: 'idle', name: 'S1' });
    await s1.setChildSubreaper(true);
    const s2 = await s1.fork({ program: 'idle', name: 'S2' });
    await s2.setChildSubreaper(true);
    const m = await s2.fork({ program: 'idle', name: 'M' });
    const a = await m.fork({ program: 'idle', name: 'A' });
    const b = await a.fork({ program: 'idle', name: 'B' });
    await a.exit(0);
    await k.settled();
    expect(await b.getppid()).toBe(s2.pid);

    await s2.exit(0);
    await k.settled();
    expect(await b.getppid()).toBe(s1.pid);
    expect(await m.getppid()).toBe(s1.pid);

    await s1.exit(0);
    await k.settled();
    expect(await b.getppid()).toBe(1);
    expect(await m.getppid()).toBe(1);
    expect(await k.checkInvariants()).toEqual([]);
  });

  it('5.6 when the subreaper dies together with the parent, the orphan ends with the ns init (dead subreapers are skipped)', async () => {
    const k = backend.create();
    const i = await k.init.fork({ newPid: true, program: 'reaper', name: 'I' });
    const s = await i.fork({ program: 'idle', name: 'S' });
    await s.setChildSubreaper(true);
    expect(await s.setpgid(0, 0)).toBe(0);
    const a = await s.fork({ program: 'idle', name: 'A' });
    const b = await a.fork({ program: 'idle', name: 'B' });
    expect(await b.setpgid(0, 0)).toBe(0);
    // S and A die at once; whichever order their exits take, B cannot stay with a dead S.
    expect(await i.kill(-s.pid, 'KILL')).toBe(0);
    await k.settled();
    expect(await b.getppid()).toBe(1);
    expect(await exists(k, s)).toBe(false);
    expect(await exists(k, a)).toBe(false);
    expect(await k.checkInvariants()).toEqual([]);
  });

  // --- 5.7 subreapers never adopt across a namespace boundary ------------------------

  it("5.7 a subreaper in an ancestor namespace never adopts an orphan whose parent died inside the namespace", async () => {
    const k = backend.create();
    const h = await k.init.fork({ program: 'idle', name: 'H' });
    await h.setChildSubreaper(true);
    const i = await h.fork({ newPid: true, program: 'reaper', name: 'I' });
    const a = await i.fork({ program: 'idle', name: 'A' });
    const b = await a.fork({ program: 'idle', name: 'B' });
    await a.exit(0);
    await k.settled();
    expect(await b.getppid()).toBe(1);
    expect(await hostPpid(k, b)).toBe(i.nspid[0]);
    expect(await h.wait(-1, { nohang: true })).toEqual(NOTHING); // only I, running

    await h.kill(i.nspid[0]!, 'KILL');
    await k.settled();
    expect(await h.wait(-1, { nohang: true })).toEqual(killed(i.nspid[0]!, 9));
    // orphan.c: "no orphan from inside N was ever adopted by H: waitpid(-1,WNOHANG)=-1 errno=ECHILD"
    expect(await errnoOf(h.wait(-1, { nohang: true }))).toBe('ECHILD');
    expect(await k.checkInvariants()).toEqual([]);
  });

  it('5.6 orphans adopted by an init that reaps at once all arrive: a zombie among them loses none of the others', async () => {
    // Found by pidsim stress: reaping an adopted zombie at once used to drop
    // the reaper's emptied children list while later orphans were still being moved.
    const k = backend.create();
    const u = await k.init.fork({ program: 'reaper', name: 'u' });
    await u.unshare({ newPid: true });
    const init = await u.fork({ program: 'reaper', name: 'init' });
    const c = await u.fork({ program: 'idle', name: 'c' });
    await c.fork({ program: { name: 'exit', code: 0 }, name: 'zombie' });
    const b = await c.fork({ program: 'idle', name: 'b' });
    await k.settled();
    await c.exit(0);
    await k.settled();
    const row = (await init.procfs().list()).find((e) => e.key === b.key);
    expect(row?.ppid).toBe(1);
    expect(await k.checkInvariants()).toEqual([]);
  });

  it('5.7 a subreaper that is the init of the parent namespace does not adopt from a nested namespace either', async () => {
    const k = backend.create();
    const i = await k.init.fork({ newPid: true, program: 'idle', name: 'I' });
    await i.setChildSubreaper(true);
    const j = await i.fork({ newPid: true, program: 'reaper', name: 'J' });
    const a = await j.fork({ program: 'idle', name: 'A' });
    const b = await a.fork({ program: 'idle', name: 'B' });
    expect(b.nspid.slice(1)).toEqual([4, 3]);
    await a.exit(0);
    await k.settled();
    expect(await b.getppid()).toBe(1);
    expect((await i.procfs().status(4)).ppid).toBe(2); // J is 2 in I's namespace
    expect(await i.wait(-1, { nohang: true })).toEqual(NOTHING); // only J, running
    expect(await k.checkInvariants()).toEqual([]);
  });

  // --- 5.9 getppid follows reparenting ------------------------------------------------

  it("5.9 getppid() changes on reparenting, to the new parent's number in the child's namespace", async () => {
    const k = backend.create();
    // Root namespace: the orphan goes to the global init.
    const p = await k.init.fork({ program: 'idle', name: 'P' });
    const c = await p.fork({ program: 'idle', name: 'C' });
    expect(await c.getppid()).toBe(p.pid);
    await p.exit(0);
    await k.settled();
    expect(await c.getppid()).toBe(1);
    expect((await c.info()).ppid).toBe(1);

    // Inside a namespace: the subreaper's inner number, not its root number.
    const i = await k.init.fork({ newPid: true, program: 'reaper', name: 'I' });
    const s = await i.fork({ program: 'idle', name: 'S' });
    await s.setChildSubreaper(true);
    const a = await s.fork({ program: 'idle', name: 'A' });
    const b = await a.fork({ program: 'idle', name: 'B' });
    expect(s.pid).toBe(2);
    expect(s.nspid[0]).not.toBe(2);
    expect(await b.getppid()).toBe(3);
    await a.exit(0);
    await k.settled();
    expect(await b.getppid()).toBe(2);
    expect((await b.info()).ppid).toBe(2);
    expect((await i.procfs().status(b.pid)).ppid).toBe(2);
    expect(await hostPpid(k, b)).toBe(s.nspid[0]);
    expect(await k.checkInvariants()).toEqual([]);
  });

  // --- 5.10 setns'ed and unshare'd children reparent in the parent's namespace -----------

  it("5.10 a setns'ed child whose outside parent exits goes to the parent's subreaper, not to the ns init; getppid stays 0", async () => {
    const k = backend.create();
    const h = await k.init.fork({ program: 'idle', name: 'H' });
    await h.setChildSubreaper(true);
    const i = await h.fork({ newPid: true, program: 'reaper', name: 'I' });
    const kk = await i.fork({ program: 'idle', name: 'K' });
    const p = await h.fork({ program: 'idle', name: 'P' });
    await p.setns(await p.openNs(i.nspid[0]!));
    const c = await p.fork({ program: 'idle', name: 'C' });
    expect(c.pid).toBe(3);
    expect(await c.getppid()).toBe(0);
    expect(await hostPpid(k, c)).toBe(p.pid);

    await p.exit(0);
    await k.settled();
    expect(await c.getppid()).toBe(0);
    expect((await c.info()).ppid).toBe(0);
    expect(await hostPpid(k, c)).toBe(h.pid);
    expect(await errnoOf(i.wait(3, { nohang: true }))).toBe('ECHILD');
    expect(await h.wait(c.nspid[0]!, { nohang: true })).toEqual(NOTHING);

    // H, its new parent, is the one that reaps it.
    await h.kill(c.nspid[0]!, 'KILL');
    await k.settled();
    expect(await h.wait(c.nspid[0]!, { nohang: true })).toEqual(killed(c.nspid[0]!, 9));
    expect((await kk.info()).state).toBe('running');
    expect(await k.checkInvariants()).toEqual([]);
  });

  it("5.10 without a subreaper, children forked after unshare go to the parent's ns init (the global init), getppid 0", async () => {
    const k = backend.create();
    const p = await k.init.fork({ program: 'idle', name: 'P' });
    await p.unshare({ newPid: true });
    const c1 = await p.fork({ program: 'idle', name: 'c1' });
    const c2 = await p.fork({ program: 'idle', name: 'c2' });
    expect([c1.pid, c2.pid]).toEqual([1, 2]);
    expect(await c2.getppid()).toBe(0);

    await p.exit(0);
    await k.settled();
    expect(await c2.getppid()).toBe(0);
    expect(await c1.getppid()).toBe(0);
    expect(await hostPpid(k, c2)).toBe(1);
    expect(await hostPpid(k, c1)).toBe(1);
    expect(await errnoOf(c1.wait(2, { nohang: true }))).toBe('ECHILD');
    expect((await c2.info()).state).toBe('running');
    expect(await k.checkInvariants()).toEqual([]);
  });

  // --- 5.11 what the parent of an ns init sees ------------------------------------------

  it("5.11 the ns init's parent sees the init's own exit code, though teardown SIGKILLs everyone else", async () => {
    const k = backend.create();
    const h = await k.init.fork({ program: 'idle', name: 'H' });
    const i = await h.fork({ newPid: true, program: 'idle', name: 'I' });
    const c = await i.fork({ program: 'idle', name: 'c' });
    const d = await i.fork({ program: 'idle', name: 'd' });
    await d.sigaction('TERM', 'ignore');
    await i.exit(3);
    await k.settled();
    expect(await h.wait(i.nspid[0]!, { nohang: true })).toEqual(exited(i.nspid[0]!, 3));
    expect(await exists(k, c)).toBe(false);
    expect(await exists(k, d)).toBe(false);
    expect(await k.checkInvariants()).toEqual([]);
  });

  it("5.11 an ns init killed by a signal is reported to its parent as killed by that signal", async () => {
    const k = backend.create();
    const h = await k.init.fork({ program: 'idle', name: 'H' });
    const i = await h.fork({ newPid: true, program: 'reaper', name: 'I' });
    await i.fork({ program: 'idle', name: 'c' });
    await h.kill(i.nspid[0]!, 'KILL');
    await k.settled();
    expect(await h.wait(-1, { nohang: true })).toEqual(killed(i.nspid[0]!, 9));

    const j = await h.fork({ newPid: true, program: 'idle', name: 'J' });
    await j.exit(0);
    await k.settled();
    expect(await h.wait(-1, { nohang: true })).toEqual(exited(j.nspid[0]!, 0));
    expect(await k.checkInvariants()).toEqual([]);
  });
});
