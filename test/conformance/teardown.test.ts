// Conformance: SEMANTICS group 6 — what happens when a namespace's init dies
// (kernel/pid_namespace.c zap_pid_ns_processes()) — and 8.6 (nsenter = setns +
// fork), 8.7 (the ns init is protected as soon as it is the child reaper, and
// stays so across execve). Expected values: the kernel's observations quoted
// for each item in docs/semantics.md.

import { expect, it } from 'vitest';
import type { Kernel, Process } from '../../src/index.js';
import { errnoOf, forEachBackend } from '../support/backends.js';
import { NOTHING, SIGHUP, SIGINT, SIGKILL, SIGTERM, exited, killed } from '../support/linux-values.js';
import { exists, nsState } from '../support/observe.js';

/** `p`'s state as the root namespace's /proc shows it. */
async function hostState(k: Kernel, p: Process): Promise<string> {
  return (await k.procfs(k.init.ns).status(p.nspid[0]!)).state;
}

forEachBackend('namespace teardown', (backend) => {
  // --- 6.1 the trigger -------------------------------------------------------------

  it("6.1 the init's exit, fatal signal or reboot tears its namespace down; another process's exit does not", async () => {
    const k = backend.create();
    const h = await k.init.fork({ program: 'idle', name: 'H' });
    const triggers: [(i: Process) => Promise<unknown>, (pid: number) => object][] = [
      [(i) => i.exit(0), (pid) => exited(pid, 0)],
      [(i) => h.kill(i.nspid[0]!, 'KILL'), (pid) => killed(pid, SIGKILL)],
      [(i) => i.reboot('restart'), (pid) => killed(pid, SIGHUP)],
    ];
    for (const [trigger, expected] of triggers) {
      const i = await h.fork({ newPid: true, program: 'idle', name: 'I' });
      const c = await i.fork({ program: 'idle', name: 'c' });
      const d = await i.fork({ program: 'idle', name: 'd' });
      await d.exit(0); // not the init: nothing happens to the namespace
      await k.settled();
      expect(await nsState(k, i.ns)).toBe('active');
      expect(await hostState(k, c)).toBe('running');

      await trigger(i);
      await k.settled();
      expect(await exists(k, c)).toBe(false);
      expect(await exists(k, d)).toBe(false);
      expect(await h.wait(i.nspid[0]!, { nohang: true })).toEqual(expected(i.nspid[0]!));
      expect(await nsState(k, i.ns)).toBe('dead');
    }
    expect(await k.checkInvariants()).toEqual([]);
  });

  // --- 6.2 the steps of zap_pid_ns_processes() ---------------------------------------

  it('6.2 while the init is in teardown, forks into the namespace fail with ENOMEM', async () => {
    const k = backend.create();
    const p = await k.init.fork({ program: 'idle', name: 'P' });
    await p.unshare({ newPid: true });
    const c1 = await p.fork({ program: 'idle', name: 'child1' });
    const c2 = await p.fork({ program: 'idle', name: 'child2' });
    const q = await k.init.fork({ program: 'idle', name: 'Q' });
    await q.setns(await q.openNs(c1.nspid[0]!));
    await c1.exit(3);
    await k.settled();

    // enomem.c: "after init exit: waitpid(child1,WNOHANG)=0 child1 state=S child2 state=Z"
    expect(await nsState(k, c1.ns)).toBe('exiting');
    expect((await c1.info()).state).toBe('exiting');
    expect((await c2.info()).state).toBe('zombie');
    // "fork() while init is dying (zap in progress) -> rc=-1 errno=ENOMEM"
    expect(await errnoOf(p.fork({ program: 'idle' }))).toBe('ENOMEM');
    expect(await errnoOf(q.fork({ program: 'idle' }))).toBe('ENOMEM');
    expect(await k.checkInvariants()).toEqual([]);
  });

  it("6.2 the dying init's SIGCHLD becomes SIG_IGN: its zombies and killed children are reaped even if it never waits", async () => {
    const k = backend.create();
    const h = await k.init.fork({ program: 'idle', name: 'H' });
    const i = await h.fork({ newPid: true, program: 'idle', name: 'I' });
    await i.sigaction('CHLD', 'catch'); // replaced by SIG_IGN at teardown
    const z = await i.fork({ program: { name: 'exit', code: 4 }, name: 'z' });
    const c = await i.fork({ program: 'idle', name: 'c' });
    await k.settled();
    expect((await z.info()).state).toBe('zombie'); // I is 'idle': it never reaps
    expect((await c.info()).state).toBe('running');

    await i.exit(0);
    await k.settled();
    expect(await exists(k, z)).toBe(false);
    expect(await exists(k, c)).toBe(false);
    expect(await h.wait(i.nspid[0]!, { nohang: true })).toEqual(exited(i.nspid[0]!, 0));
    expect(await nsState(k, i.ns)).toBe('dead');
    expect(await k.checkInvariants()).toEqual([]);
  });

  // --- 6.3 the init waits for every process of the namespace, zombies included -------------

  it('6.3 init cannot finish dying while a zombie whose parent is outside (unshare) remains', async () => {
    const k = backend.create();
    const p = await k.init.fork({ program: 'idle', name: 'P' });
    await p.unshare({ newPid: true });
    const c1 = await p.fork({ program: 'idle', name: 'child1' });
    const c2 = await p.fork({ program: 'idle', name: 'child2' });
    const c1pid = c1.nspid[0]!;
    const c2pid = c2.nspid[0]!;
    await c1.exit(3);
    await k.settled();

    expect(await p.wait(c1pid, { nohang: true })).toEqual(NOTHING);
    expect((await c1.info()).state).toBe('exiting');
    expect((await c2.info()).state).toBe('zombie');
    expect(await k.checkInvariants()).toEqual([]);

    // enomem.c: "child2 wait: signaled=1 sig=9", then "child1 (init) reaped, exit status=3".
    expect(await p.wait(c2pid, { nohang: true })).toEqual(killed(c2pid, SIGKILL));
    await k.settled();
    expect(await p.wait(c1pid, { nohang: true })).toEqual(exited(c1pid, 3));
    expect(await errnoOf(p.wait(-1, { nohang: true }))).toBe('ECHILD');
    expect(await nsState(k, c1.ns)).toBe('dead');
    expect(await k.checkInvariants()).toEqual([]);
  });

  it("6.3 init cannot finish dying while a setns'ed child's zombie remains (setns_teardown.c)", async () => {
    const k = backend.create();
    const h = await k.init.fork({ program: 'idle', name: 'H' });
    const i = await h.fork({ newPid: true, program: 'reaper', name: 'I' });
    await i.fork({ program: 'idle', name: 'K' });
    const p = await h.fork({ program: 'idle', name: 'P' });
    await p.setns(await p.openNs(i.nspid[0]!));
    const c = await p.fork({ program: 'idle', name: 'C' });
    expect(c.pid).toBe(3);

    await h.kill(i.nspid[0]!, 'KILL');
    await k.settled();
    // "H: waitpid(I,WNOHANG)=0; I state=S (wchan zap), C state=Z"
    expect(await h.wait(i.nspid[0]!, { nohang: true })).toEqual(NOTHING);
    expect(await hostState(k, i)).toBe('exiting');
    expect(await hostState(k, c)).toBe('zombie');
    expect(await nsState(k, i.ns)).toBe('exiting');

    // "H: reaped C signaled=1 sig=9" (here P, C's parent, reaps) then "now waitpid(I,WNOHANG)=I signaled=1 sig=9".
    expect(await p.wait(c.nspid[0]!, { nohang: true })).toEqual(killed(c.nspid[0]!, SIGKILL));
    await k.settled();
    expect(await h.wait(i.nspid[0]!, { nohang: true })).toEqual(killed(i.nspid[0]!, SIGKILL));
    expect(await nsState(k, i.ns)).toBe('dead');
    expect(await k.checkInvariants()).toEqual([]);
  });

  it('6.3 quirk: an outside parent blocked in wait(init) while its own zombie is in the namespace deadlocks', async () => {
    const k = backend.create();
    const p = await k.init.fork({ program: 'idle', name: 'P' });
    await p.unshare({ newPid: true });
    const c1 = await p.fork({ program: 'idle', name: 'child1' });
    const c2 = await p.fork({ program: 'idle', name: 'child2' });
    let outcome: string | null = null;
    const w = errnoOf(p.wait(c1.nspid[0]!)).then((code) => (outcome = code));
    await c1.exit(3);
    await k.settled();

    expect(outcome).toBeNull(); // still blocked: the init waits for c2, c2 waits for P
    expect((await c1.info()).state).toBe('exiting');
    expect((await c2.info()).state).toBe('zombie');
    expect(await k.checkInvariants()).toEqual([]);

    // Only P's death breaks it: its children go to the global init, which reaps them.
    await k.init.kill(p.pid, 'KILL');
    await k.settled();
    await w;
    // P died blocked in wait4(): a call of a process that has exited fails ESRCH (docs/protocol.md, "Syscalls").
    expect(outcome).toBe('ESRCH');
    expect(await exists(k, c1)).toBe(false);
    expect(await exists(k, c2)).toBe(false);
    expect(await nsState(k, c1.ns)).toBe('dead');
    expect(await k.checkInvariants()).toEqual([]);
  });

  // --- 6.4 everyone else dies of SIGKILL -------------------------------------------------

  it('6.4 every other process of the namespace dies of SIGKILL, whatever its handlers, mask or state', async () => {
    const k = backend.create();
    const p = await k.init.fork({ program: 'idle', name: 'P' });
    await p.unshare({ newPid: true });
    const init = await p.fork({ program: 'idle', name: 'init' });
    const ignoring = await p.fork({ program: 'idle', name: 'ignoring' });
    for (const sig of ['TERM', 'HUP', 'INT', 'QUIT', 'USR1']) await ignoring.sigaction(sig, 'ignore');
    const catching = await p.fork({ program: 'idle', name: 'catching' });
    for (const sig of ['TERM', 'HUP', 'INT', 'QUIT', 'USR1']) await catching.sigaction(sig, 'catch');
    const blocking = await p.fork({ program: 'idle', name: 'blocking' });
    await blocking.sigprocmask('block', ['TERM', 'HUP', 'INT', 'QUIT', 'USR1', 'KILL']);
    const stopped = await p.fork({ program: 'idle', name: 'stopped' });
    await p.kill(stopped.nspid[0]!, 'STOP');
    const grandchild = await init.fork({ program: 'idle', name: 'grandchild' });
    await grandchild.sigaction('TERM', 'ignore');
    await k.settled();
    expect((await stopped.info()).state).toBe('stopped');

    await init.exit(0);
    await k.settled();
    for (const c of [ignoring, catching, blocking, stopped]) {
      const info = await c.info();
      expect(info.state).toBe('zombie');
      expect(info.handled).toEqual({});
      expect(await p.wait(c.nspid[0]!, { nohang: true })).toEqual(killed(c.nspid[0]!, SIGKILL));
    }
    await k.settled();
    expect(await exists(k, grandchild)).toBe(false);
    expect(await p.wait(init.nspid[0]!, { nohang: true })).toEqual(exited(init.nspid[0]!, 0));
    expect(await k.checkInvariants()).toEqual([]);
  });

  // --- 6.5 cascade ---------------------------------------------------------------------

  it('6.5 SIGKILL of a level-1 init tears down levels 2 and 3; nothing is left when it is reapable (cascade.c)', async () => {
    const k = backend.create();
    const h = await k.init.fork({ program: 'idle', name: 'H' });
    const l1 = await h.fork({ newPid: true, program: 'reaper', name: 'L1-init' });
    const a1 = await l1.fork({ program: 'idle', name: 'L1-child' });
    const l2 = await l1.fork({ newPid: true, program: 'idle', name: 'L2-init' });
    const a2 = await l2.fork({ program: 'idle', name: 'L2-child' });
    const l3 = await l2.fork({ newPid: true, program: 'idle', name: 'L3-init' });
    const a3 = await l3.fork({ program: 'idle', name: 'L3-child' });
    const subtree = [l1, a1, l2, a2, l3, a3];
    for (const c of [a1, a2, a3]) await c.sigaction('TERM', 'ignore');
    // cascade.c: "L1-init 1, L1-child 2, L2-init 1, L2-child 2, L3-init 1, L3-child 2"
    expect(subtree.map((p) => p.pid)).toEqual([1, 2, 1, 2, 1, 2]);
    expect(a3.nspid.slice(1)).toEqual([6, 4, 2]);

    const w = h.wait(l1.nspid[0]!);
    expect(await h.kill(l1.nspid[0]!, 'KILL')).toBe(0);
    expect(await w).toEqual(killed(l1.nspid[0]!, SIGKILL));
    // Right as the L1 init is reaped, nothing of the subtree has a PID in the root namespace.
    const left = await k.procfs(k.init.ns).pids();
    expect(left.filter((pid) => subtree.some((p) => p.nspid[0] === pid))).toEqual([]);

    await k.settled();
    expect(await k.procfs(k.init.ns).pids()).toEqual([1, h.pid]);
    for (const p of [l1, l2, l3]) expect(await nsState(k, p.ns)).toBe('dead');
    expect(await k.checkInvariants()).toEqual([]);
  });

  it('6.5 killing a level-2 init tears down levels 2 and 3 only; level 1 lives on', async () => {
    const k = backend.create();
    const h = await k.init.fork({ program: 'idle', name: 'H' });
    const l1 = await h.fork({ newPid: true, program: 'idle', name: 'L1-init' });
    const a1 = await l1.fork({ program: 'idle', name: 'L1-child' });
    const l2 = await l1.fork({ newPid: true, program: 'idle', name: 'L2-init' });
    const a2 = await l2.fork({ program: 'idle', name: 'L2-child' });
    const l3 = await l2.fork({ newPid: true, program: 'idle', name: 'L3-init' });
    const a3 = await l3.fork({ program: 'idle', name: 'L3-child' });

    await a1.kill(l2.pidIn(a1.ns), 'KILL'); // from L1: an ancestor of L2, so SIGKILL is forced (4.3)
    await k.settled();
    for (const p of [a2, l3, a3]) expect(await exists(k, p)).toBe(false);
    expect(await l1.wait(l2.pidIn(l1.ns), { nohang: true })).toEqual(killed(3, SIGKILL));
    expect(await nsState(k, l2.ns)).toBe('dead');
    expect(await nsState(k, l3.ns)).toBe('dead');
    expect(await nsState(k, l1.ns)).toBe('active');
    expect((await a1.info()).state).toBe('running');
    expect((await l1.info()).state).toBe('running');
    expect(await l1.procfs().pids()).toEqual([1, 2]);
    expect(await k.checkInvariants()).toEqual([]);
  });

  // --- 6.6 a dead namespace never gets processes again --------------------------------------

  it('6.6 after teardown, forks into the namespace fail with ENOMEM; setns into it still succeeds (deadns.c)', async () => {
    const k = backend.create();
    const h = await k.init.fork({ program: 'idle', name: 'H' });
    const i = await h.fork({ newPid: true, program: 'reaper', name: 'I' });
    const handle = await h.openNs(i.nspid[0]!);
    const q = await k.init.fork({ program: 'idle', name: 'Q' });
    await q.setns(handle); // before the death (setns_teardown.c's Q)
    await h.kill(i.nspid[0]!, 'KILL');
    await k.settled();
    expect(await h.wait(i.nspid[0]!, { nohang: true })).toEqual(killed(i.nspid[0]!, SIGKILL));
    expect(await nsState(k, i.ns)).toBe('dead');

    // "Q (setns'ed into N earlier): fork after N's init died -> rc=-1 errno=ENOMEM"
    expect(await errnoOf(q.fork({ program: 'idle' }))).toBe('ENOMEM');
    // "(1) setns(fd of dead ns) -> 0 ok", "(1) fork after that -> -1 ENOMEM"
    const r = await k.init.fork({ program: 'idle', name: 'R' });
    expect(await errnoOf(r.setns(handle))).toBe('ok');
    expect(await errnoOf(r.fork({ program: 'idle' }))).toBe('ENOMEM');
    expect(await errnoOf(r.fork({ program: 'idle' }))).toBe('ENOMEM');
    expect((await r.info()).state).toBe('running');
    expect(await nsState(k, i.ns)).toBe('dead');
    handle.close();
    expect(await k.checkInvariants()).toEqual([]);
  });

  it('6.6 the unsharer can never fork again once its namespace init is gone', async () => {
    const k = backend.create();
    const p = await k.init.fork({ program: 'idle', name: 'P' });
    await p.unshare({ newPid: true });
    const c1 = await p.fork({ program: 'idle', name: 'child1' });
    await c1.exit(0);
    await k.settled();
    expect(await p.wait(c1.nspid[0]!, { nohang: true })).toEqual(exited(c1.nspid[0]!, 0));
    expect(await errnoOf(p.fork({ program: 'idle' }))).toBe('ENOMEM');
    expect(await errnoOf(p.fork({ program: 'idle' }))).toBe('ENOMEM');
    expect(await nsState(k, c1.ns)).toBe('dead');
    expect(await k.checkInvariants()).toEqual([]);
  });

  // --- 6.7 reboot(2) inside a namespace -------------------------------------------------------

  it('6.7 reboot(RESTART/RESTART2) by the init: its parent sees it killed by SIGHUP; HALT/POWER_OFF: by SIGINT', async () => {
    const k = backend.create();
    const h = await k.init.fork({ program: 'idle', name: 'H' });
    const cases = [
      ['restart', SIGHUP],
      ['restart2', SIGHUP],
      ['halt', SIGINT],
      ['power-off', SIGINT],
    ] as const;
    for (const [cmd, sig] of cases) {
      const i = await h.fork({ newPid: true, program: 'idle', name: 'I' });
      const c = await i.fork({ program: 'idle', name: 'c' });
      await i.reboot(cmd).catch(() => undefined); // reboot(2) does not return to a caller it kills
      await k.settled();
      expect(await h.wait(i.nspid[0]!, { nohang: true })).toEqual(killed(i.nspid[0]!, sig));
      expect(await exists(k, c)).toBe(false);
      expect(await nsState(k, i.ns)).toBe('dead');
    }
    expect((await h.info()).state).toBe('running');
    expect(await k.checkInvariants()).toEqual([]);
  });

  it('6.7 reboot by a non-init: the init dies of SIGHUP/SIGINT and the caller itself exits with status 0', async () => {
    const k = backend.create();
    for (const [cmd, sig] of [['restart', SIGHUP], ['power-off', SIGINT]] as const) {
      const p = await k.init.fork({ program: 'idle', name: 'P' });
      await p.unshare({ newPid: true });
      const init = await p.fork({ program: 'idle', name: 'init' });
      const caller = await p.fork({ program: 'idle', name: 'caller' });
      expect(caller.pid).toBe(2);
      await caller.reboot(cmd).catch(() => undefined);
      await k.settled();
      // reboot_pid_ns(): SIGKILL to the child reaper, then do_exit(0) in the caller.
      // Linux 6.18 (this lab, 8 runs): "caller: exited=1 code=0", "init: signaled=1 sig=1".
      expect(await p.wait(caller.nspid[0]!, { nohang: true })).toEqual(exited(caller.nspid[0]!, 0));
      await k.settled();
      expect(await p.wait(init.nspid[0]!, { nohang: true })).toEqual(killed(init.nspid[0]!, sig));
    }
    expect(await k.checkInvariants()).toEqual([]);
  });

  it('6.7 reboot in a nested namespace kills only that namespace', async () => {
    const k = backend.create();
    const h = await k.init.fork({ program: 'idle', name: 'H' });
    const l1 = await h.fork({ newPid: true, program: 'idle', name: 'L1' });
    const a1 = await l1.fork({ program: 'idle', name: 'a1' });
    const l2 = await l1.fork({ newPid: true, program: 'idle', name: 'L2' });
    const a2 = await l2.fork({ program: 'idle', name: 'a2' });
    await a2.reboot('halt').catch(() => undefined);
    await k.settled();
    expect(await l1.wait(l2.pidIn(l1.ns), { nohang: true })).toEqual(killed(l2.pidIn(l1.ns), SIGINT));
    expect(await exists(k, a2)).toBe(false);
    expect(await nsState(k, l2.ns)).toBe('dead');
    expect(await nsState(k, l1.ns)).toBe('active');
    expect((await l1.info()).state).toBe('running');
    expect((await a1.info()).state).toBe('running');
    expect(await k.checkInvariants()).toEqual([]);
  });

  it('6.7 reboot(CAD_ON/CAD_OFF) in a namespace fails with EINVAL and changes nothing; without CAP_SYS_BOOT, EPERM', async () => {
    const k = backend.create();
    const h = await k.init.fork({ program: 'idle', name: 'H' });
    const i = await h.fork({ newPid: true, program: 'idle', name: 'I' });
    const c = await i.fork({ program: 'idle', name: 'c' });
    // reboot_ns.c: "init: reboot(cad_on) returned rc=-1 errno=EINVAL"; "child: reboot(cad_on) returned rc=-1 errno=EINVAL"
    expect(await errnoOf(i.reboot('cad-on'))).toBe('EINVAL');
    expect(await errnoOf(i.reboot('cad-off'))).toBe('EINVAL');
    expect(await errnoOf(c.reboot('cad-on'))).toBe('EINVAL');
    expect(await errnoOf(c.reboot('cad-off'))).toBe('EINVAL');
    const u = await i.fork({ program: 'idle', name: 'u' });
    await u.dropPrivileges();
    expect(await errnoOf(u.reboot('restart'))).toBe('EPERM');
    await k.settled();
    for (const p of [i, c, u]) expect((await p.info()).state).toBe('running');
    expect(await nsState(k, i.ns)).toBe('active');
    expect(await h.wait(-1, { nohang: true })).toEqual(NOTHING);
    expect(await k.checkInvariants()).toEqual([]);
  });

  // --- 6.8 outside processes are untouched ----------------------------------------------------

  it('6.8 teardown leaves processes outside alone; the outside parent reaps its killed children itself', async () => {
    const k = backend.create();
    const h = await k.init.fork({ program: 'idle', name: 'H' });
    const i = await h.fork({ newPid: true, program: 'reaper', name: 'I' });
    const sibling = await h.fork({ newPid: true, program: 'idle', name: 'J' });
    const inSibling = await sibling.fork({ program: 'idle', name: 'j' });
    const p = await h.fork({ program: 'idle', name: 'P' });
    const outsideChild = await p.fork({ program: 'idle', name: 'D' });
    await p.setns(await p.openNs(i.nspid[0]!));
    const c1 = await p.fork({ program: 'idle', name: 'C1' });
    const c2 = await p.fork({ program: 'idle', name: 'C2' });
    await c2.sigaction('TERM', 'ignore');

    await h.kill(i.nspid[0]!, 'KILL');
    await k.settled();
    for (const x of [h, p, outsideChild, sibling, inSibling]) expect((await x.info()).state).toBe('running');
    expect(await nsState(k, sibling.ns)).toBe('active');
    expect(await hostState(k, c1)).toBe('zombie');
    expect(await hostState(k, c2)).toBe('zombie');
    expect(await p.wait(c1.nspid[0]!, { nohang: true })).toEqual(killed(c1.nspid[0]!, SIGKILL));
    expect(await p.wait(c2.nspid[0]!, { nohang: true })).toEqual(killed(c2.nspid[0]!, SIGKILL));
    await k.settled();
    expect(await h.wait(i.nspid[0]!, { nohang: true })).toEqual(killed(i.nspid[0]!, SIGKILL));
    expect(await p.wait(-1, { nohang: true })).toEqual(NOTHING); // D, still running
    expect(await k.checkInvariants()).toEqual([]);
  });

  // --- 8.6 nsenter --pid = setns + fork --------------------------------------------------------

  it('8.6 nsenter --pid is setns + fork: the child is inside with getppid() 0; /proc depends on the mount', async () => {
    const k = backend.create();
    const u = await k.init.fork({ program: 'idle', name: 'unshare' });
    const init = await u.fork({ newPid: true, program: 'reaper', name: 'sleep' });
    const nsenter = await k.init.fork({ program: 'idle', name: 'nsenter' });
    const before = await nsenter.getpid();
    await nsenter.setns(await nsenter.openNs(init.nspid[0]!));
    expect(await nsenter.getpid()).toBe(before);
    const sh = await nsenter.fork({ program: 'reaper', name: 'sh' });
    expect(sh.ns.id).toBe(init.ns.id);
    // proc_view.sh: "nsenter: $$=2 ppid=0"
    expect(sh.pid).toBe(2);
    expect(await sh.getpid()).toBe(2);
    expect(await sh.getppid()).toBe(0);
    const ps = await sh.fork({ program: 'idle', name: 'ps' });
    expect(ps.pid).toBe(3);
    expect(await ps.getppid()).toBe(2);

    // --mount: the container's /proc ("1 0 sleep", "2 0 sh", "3 2 ps").
    const inside = await sh.procfs().list();
    expect(inside.map((e) => [e.pid, e.ppid, e.name])).toEqual([
      [1, 0, 'sleep'],
      [2, 0, 'sh'],
      [3, 2, 'ps'],
    ]);
    expect(await sh.procfs().self()).toBe(2);
    // Without --mount: the host's /proc, where sh has its host PID and nsenter is its parent.
    const host = k.procfs(k.init.ns, sh);
    expect(await host.self()).toBe(sh.nspid[0]);
    expect((await host.status(sh.nspid[0]!)).ppid).toBe(nsenter.pid);
    expect((await host.status(sh.nspid[0]!)).nspid).toEqual([sh.nspid[0], 2]);
    expect(await k.checkInvariants()).toEqual([]);
  });

  // --- 8.7 the ns init is unkillable from inside, across execve --------------------------------

  it('8.7 the first process of a namespace is protected as its child reaper, and stays PID 1 and protected after execve', async () => {
    const k = backend.create();
    const p = await k.init.fork({ program: 'idle', name: 'P' });
    await p.unshare({ newPid: true });
    const init = await p.fork({ program: 'idle', name: 'init' });
    const c = await init.fork({ program: 'idle', name: 'c' });
    await init.sigaction('TERM', 'catch');
    await init.exec('reaper', { name: 'newinit' });
    // execve reset the caught SIGTERM to SIG_DFL: now dropped like SIGKILL from inside.
    for (const sig of ['TERM', 'KILL', 'INT', 'HUP']) expect(await c.kill(1, sig)).toBe(0);
    expect(await init.kill(1, 'KILL')).toBe(0);
    await k.settled();
    const info = await init.info();
    expect(info.state).toBe('running');
    expect(info.name).toBe('newinit');
    expect(info.handled[SIGTERM]).toBeUndefined();
    expect(await init.getpid()).toBe(1);
    expect(await c.procfs().pids()).toEqual([1, 2]);

    // Still the child reaper: an orphan in the namespace goes to it.
    const m = await c.fork({ program: 'idle', name: 'm' });
    const o = await m.fork({ program: 'idle', name: 'o' });
    await m.exit(0);
    await k.settled();
    expect(await o.getppid()).toBe(1);

    // A process that is not the init is killable from inside.
    await c.kill(o.pid, 'TERM');
    await k.settled();
    expect(await exists(k, o)).toBe(false);
    expect(await k.checkInvariants()).toEqual([]);
  });
});
