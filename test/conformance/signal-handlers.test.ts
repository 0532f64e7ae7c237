// Conformance: signal frames and what handlers do (SEMANTICS 4.16), and the
// ioctls of namespace files (8.13), on every backend. Expected values: the
// kernel's, as docs/semantics.md quotes them (the scenarios
// signal-delivery-order, handler-steps and namespace-identity replay them
// on Linux).

import { expect, it } from 'vitest';
import { errnoOf, forEachBackend } from '../support/backends.js';
import { SIGRTMIN, SIGTERM, SIGUSR1, SIGUSR2, exited } from '../support/linux-values.js';

forEachBackend('signal handlers', (backend) => {
  it('4.16 a signal a process sends itself is handled before kill returns', async () => {
    const k = backend.create();
    const a = await k.init.fork({ program: 'idle', name: 'a' });
    await a.sigaction(SIGUSR1, 'catch');
    expect(await a.kill(a.pid, SIGUSR1, { report: true })).toEqual({ ret: 0, handled: { [SIGUSR1]: 1 } });
    await a.sigprocmask('block', [SIGUSR1]);
    expect(await a.kill(a.pid, SIGUSR1, { report: true })).toEqual({ ret: 0, handled: { [SIGUSR1]: 1 } });
    // Unblocking delivers it before sigprocmask returns: the next report sees it.
    await a.sigprocmask('unblock', [SIGUSR1]);
    expect(await a.kill(a.pid, 0, { report: true })).toEqual({ ret: 0, handled: { [SIGUSR1]: 2 } });
  });

  it('4.16 signals unblocked together are taken lowest first, and their handlers run last-framed first', async () => {
    const k = backend.create();
    const a = await k.init.fork({ program: 'idle', name: 'a' });
    const sigs = [SIGUSR1, SIGUSR2, SIGRTMIN + 1];
    for (const s of sigs) await a.sigaction(s, 'catch');
    await a.sigprocmask('block', sigs);
    for (const s of [SIGRTMIN + 1, SIGUSR2, SIGRTMIN + 1, SIGUSR1]) await k.init.kill(a.pid, s);
    await k.settled();
    await a.sigprocmask('unblock', sigs);
    await k.settled();
    expect((await a.info()).delivered).toEqual([SIGRTMIN + 1, SIGRTMIN + 1, SIGUSR2, SIGUSR1]);
  });

  it("4.16 a handler's steps: it kills, forks and exits as the process, with its signal blocked", async () => {
    const k = backend.create();
    const sh = await k.init.fork({ program: 'idle', name: 'sh' }); // waits only when told (the root init reaps at once)
    const a = await sh.fork({ program: 'idle', name: 'a' });
    const b = await sh.fork({ program: 'idle', name: 'b' });
    await b.sigaction(SIGTERM, 'catch');
    await a.sigaction(SIGUSR1, { handler: 'catch', steps: [{ do: 'kill', pid: b.pid, sig: SIGTERM }, { do: 'fork', name: 'h' }, { do: 'exit', code: 7 }] });
    await sh.kill(a.pid, SIGUSR1);
    await k.settled();
    expect(await sh.wait(a.pid)).toEqual(exited(a.pid, 7));
    expect((await b.info()).siginfo[SIGTERM]).toMatchObject({ pid: a.pid, code: 0 });
    const list = await k.procfs(k.init.ns, k.init).list();
    const h = list.find((e) => e.name === 'h');
    // The child was forked inside the handler, then its parent exited: the root init adopted it.
    expect(h).toMatchObject({ ppid: 1, state: 'running' });
    expect(await k.checkInvariants()).toEqual([]);
  });

  it('4.16 a sigprocmask step lasts until the handler returns; what it unblocks runs inside the handler', async () => {
    const k = backend.create();
    const b = await k.init.fork({ program: 'idle', name: 'b' });
    await b.sigaction(SIGTERM, 'catch');
    await b.sigprocmask('block', [SIGTERM]);
    await b.sigaction(SIGUSR2, { handler: 'catch', steps: [{ do: 'sigprocmask', how: 'unblock', set: [SIGTERM] }] });
    await k.init.kill(b.pid, SIGTERM);
    await k.init.kill(b.pid, SIGUSR2);
    await k.settled();
    expect((await b.info()).delivered).toEqual([SIGUSR2, SIGTERM]);
    expect(await b.sigprocmask('block', [])).toEqual([SIGTERM]);
  });

  it('4.16 a handler that kills its own signal again: it stays pending until the handler returns, then runs once more', async () => {
    const k = backend.create();
    const sh = await k.init.fork({ program: 'idle', name: 'sh' });
    const a = await sh.fork({ program: 'idle', name: 'a' });
    await a.setpgid(0, 0);
    await a.sigaction(SIGUSR1, { handler: 'catch', resetHand: true, steps: [{ do: 'kill', pid: 0, sig: SIGUSR1 }] });
    // SA_RESETHAND: the second SIGUSR1, pending while the handler ran, meets the default action and kills a.
    await sh.kill(a.pid, SIGUSR1);
    await k.settled();
    expect((await sh.wait(a.pid)).change).toEqual({ kind: 'killed', signal: SIGUSR1, core: false });
    expect((await sh.info()).handled).toEqual({});
  });

  it('4.16 handler steps are checked at the call: a bad step is a TypeError, nothing is sent', async () => {
    const k = backend.create();
    const a = await k.init.fork({ program: 'idle', name: 'a' });
    expect(() => a.sigaction(SIGUSR1, { handler: 'catch', steps: [{ do: 'explode' } as never] })).toThrow(/steps\[0\]: do must be exit, kill, sigprocmask or fork/);
    expect(() => a.sigaction(SIGUSR1, { handler: 'ignore', steps: [] })).toThrow(/steps need handler 'catch'/);
    expect((await a.sigaction(SIGUSR1)).handler).toBe('default');
  });
});

forEachBackend('namespace files', (backend) => {
  it('8.13 NS_GET_PARENT: the parent namespace, EPERM outside the caller\'s scope', async () => {
    const k = backend.create();
    const a = await k.init.fork({ newPid: true, program: 'idle', name: 'a' });
    const b = await a.fork({ newPid: true, program: 'idle', name: 'b' });
    const hb = await k.init.openNs(b.nspid[0]!);
    const parent = await k.init.nsParent(hb);
    expect(parent.inode).toBe(a.ns.inode);
    expect((await k.init.nsParent(parent)).inode).toBe(k.init.ns.inode);
    expect(await errnoOf(k.init.nsParent(await k.init.openNs('self')))).toBe('EPERM');
    const own = await b.openNs('self');
    expect(await errnoOf(b.nsParent(own))).toBe('EPERM');
    expect(await errnoOf(a.nsParent(await a.openNs(1)))).toBe('EPERM');
    expect((await a.nsParent(await a.openNs(b.pidIn(a.ns)))).inode).toBe(a.ns.inode);
  });

  it('8.13 NS_GET_PID_FROM_PIDNS and NS_GET_PID_IN_PIDNS translate PIDs; ESRCH where there is none', async () => {
    const k = backend.create();
    const a = await k.init.fork({ newPid: true, program: 'idle', name: 'a' });
    const b = await a.fork({ program: 'idle', name: 'b' });
    const ha = await k.init.openNs(a.nspid[0]!);
    expect(await k.init.pidFromNs(ha, 2)).toBe(b.nspid[0]);
    expect(await errnoOf(k.init.pidFromNs(ha, 9))).toBe('ESRCH');
    expect(await k.init.pidInNs(ha, b.nspid[0]!)).toBe(2);
    expect(await errnoOf(k.init.pidInNs(ha, 1))).toBe('ESRCH');
    // From inside: a PID of its own namespace, as the root namespace numbers it.
    const root = await a.openNs('self');
    const hostNs = await k.init.openNs('self');
    expect(await a.pidInNs(root, 2)).toBe(2);
    expect(await b.pidInNs(hostNs, 1)).toBe(a.nspid[0]);
    expect(await errnoOf(b.pidFromNs(hostNs, 1))).toBe('ESRCH');
  });
});
