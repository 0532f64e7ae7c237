// Conformance: SEMANTICS group 4, signals (4.1-4.14). Out of scope for now:
// 4.8 (threads) and the SIGSEGV-fault part of 4.5; pidfd_send_signal (4.15,
// 4.17) is in pidfd.test.ts. Expected
// values: the kernel's observations quoted for each item in docs/semantics.md.

import { expect, it } from 'vitest';
import type { Kernel, Process, TimedEvent } from '../../src/index.js';
import { errnoOf, forEachBackend } from '../support/backends.js';
import { CLD_CONTINUED, CLD_DUMPED, CLD_EXITED, CLD_KILLED, CLD_STOPPED, SIGCHLD, SIGCONT, SIGHUP, SIGINT, SIGKILL, SIGQUIT, SIGRTMIN, SIGSEGV, SIGSTOP, SIGTERM, SIGTSTP, SIGURG, SIGUSR1, SIGUSR2, SIGWINCH, SI_QUEUE, SI_USER } from '../support/linux-values.js';

/** Records every event of `k` from now on. */
function record(k: Kernel): TimedEvent[] {
  const events: TimedEvent[] = [];
  k.subscribe((e) => events.push(e));
  return events;
}

/** The handler runs `p` got for `sig`, in order, with the siginfo each received. */
function handlerRuns(events: readonly TimedEvent[], p: Process, sig: number): TimedEvent[] {
  return events.filter((e) => e.type === 'signal-delivered' && e.key === p.key && e.sig === sig && e.action === 'handler');
}

/**
 * A job-control pair: `parent` leads a session, `child` leads its own process
 * group in it. The child's group is not orphaned (its parent is in another
 * group of the same session), so SIGTSTP/SIGTTIN/SIGTTOU can stop it.
 */
async function jobControl(k: Kernel): Promise<{ parent: Process; child: Process }> {
  const parent = await k.init.fork({ program: 'idle', name: 'sh' });
  await parent.setsid();
  const child = await parent.fork({ program: 'idle', name: 'job' });
  await child.setpgid(0, 0);
  return { parent, child };
}

/**
 * initsig.c's setup: an outside parent H (idle, so the init's end stays
 * visible to wait) and a namespace whose init I does nothing by itself.
 */
async function container(k: Kernel): Promise<{ h: Process; i: Process }> {
  const h = await k.init.fork({ program: 'idle', name: 'H' });
  const i = await h.fork({ newPid: true, program: 'idle', name: 'init' });
  return { h, i };
}

// --- initsig.c matrix (4.1-4.4) --------------------------------------------------------
//
// Every RESULT line of `initsig <sender> <sig> <disp>` for sender in {inside,
// outside, self}, sig in {15, 9, 19, 10, 2}, disp in {dfl, handler, ign, block},
// run on the lab VM (sample-output.txt has the subset run_all.sh runs; the rest
// was run the same way). For SIGKILL/SIGSTOP, sigaction() fails with EINVAL and
// sigprocmask() silently leaves them out, so those rows behave as `dfl`.
// Every kill() returned 0 (4.1).

type Sender = 'inside' | 'outside' | 'self';
type Disp = 'dfl' | 'handler' | 'ign' | 'block';
type Outcome = 'ALIVE' | 'KILLED by sig 9' | 'STOPPED by 19';
/** sender, sig, disp, RESULT, handler_count, sigpending has sig (block rows) */
type Row = readonly [Sender, number, Disp, Outcome, number, 0 | 1];

const INITSIG: readonly Row[] = [
  ['inside', 15, 'dfl', 'ALIVE', 0, 0],
  ['inside', 15, 'handler', 'ALIVE', 1, 0],
  ['inside', 15, 'ign', 'ALIVE', 0, 0],
  ['inside', 15, 'block', 'ALIVE', 0, 1],
  ['inside', 9, 'dfl', 'ALIVE', 0, 0],
  ['inside', 9, 'handler', 'ALIVE', 0, 0],
  ['inside', 9, 'ign', 'ALIVE', 0, 0],
  ['inside', 9, 'block', 'ALIVE', 0, 0],
  ['inside', 19, 'dfl', 'ALIVE', 0, 0],
  ['inside', 19, 'handler', 'ALIVE', 0, 0],
  ['inside', 19, 'ign', 'ALIVE', 0, 0],
  ['inside', 19, 'block', 'ALIVE', 0, 0],
  ['inside', 10, 'dfl', 'ALIVE', 0, 0],
  ['inside', 10, 'handler', 'ALIVE', 1, 0],
  ['inside', 10, 'ign', 'ALIVE', 0, 0],
  ['inside', 10, 'block', 'ALIVE', 0, 1],
  ['inside', 2, 'dfl', 'ALIVE', 0, 0],
  ['inside', 2, 'handler', 'ALIVE', 1, 0],
  ['inside', 2, 'ign', 'ALIVE', 0, 0],
  ['inside', 2, 'block', 'ALIVE', 0, 1],
  ['self', 15, 'dfl', 'ALIVE', 0, 0],
  ['self', 15, 'handler', 'ALIVE', 1, 0],
  ['self', 15, 'ign', 'ALIVE', 0, 0],
  ['self', 15, 'block', 'ALIVE', 0, 1],
  ['self', 9, 'dfl', 'ALIVE', 0, 0],
  ['self', 9, 'handler', 'ALIVE', 0, 0],
  ['self', 9, 'ign', 'ALIVE', 0, 0],
  ['self', 9, 'block', 'ALIVE', 0, 0],
  ['self', 19, 'dfl', 'ALIVE', 0, 0],
  ['self', 19, 'handler', 'ALIVE', 0, 0],
  ['self', 19, 'ign', 'ALIVE', 0, 0],
  ['self', 19, 'block', 'ALIVE', 0, 0],
  ['self', 10, 'dfl', 'ALIVE', 0, 0],
  ['self', 10, 'handler', 'ALIVE', 1, 0],
  ['self', 10, 'ign', 'ALIVE', 0, 0],
  ['self', 10, 'block', 'ALIVE', 0, 1],
  ['self', 2, 'dfl', 'ALIVE', 0, 0],
  ['self', 2, 'handler', 'ALIVE', 1, 0],
  ['self', 2, 'ign', 'ALIVE', 0, 0],
  ['self', 2, 'block', 'ALIVE', 0, 1],
  ['outside', 15, 'dfl', 'ALIVE', 0, 0],
  ['outside', 15, 'handler', 'ALIVE', 1, 0],
  ['outside', 15, 'ign', 'ALIVE', 0, 0],
  ['outside', 15, 'block', 'ALIVE', 0, 1],
  ['outside', 9, 'dfl', 'KILLED by sig 9', 0, 0],
  ['outside', 9, 'handler', 'KILLED by sig 9', 0, 0],
  ['outside', 9, 'ign', 'KILLED by sig 9', 0, 0],
  ['outside', 9, 'block', 'KILLED by sig 9', 0, 0],
  ['outside', 19, 'dfl', 'STOPPED by 19', 0, 0],
  ['outside', 19, 'handler', 'STOPPED by 19', 0, 0],
  ['outside', 19, 'ign', 'STOPPED by 19', 0, 0],
  ['outside', 19, 'block', 'STOPPED by 19', 0, 0],
  ['outside', 10, 'dfl', 'ALIVE', 0, 0],
  ['outside', 10, 'handler', 'ALIVE', 1, 0],
  ['outside', 10, 'ign', 'ALIVE', 0, 0],
  ['outside', 10, 'block', 'ALIVE', 0, 1],
  ['outside', 2, 'dfl', 'ALIVE', 0, 0],
  ['outside', 2, 'handler', 'ALIVE', 1, 0],
  ['outside', 2, 'ign', 'ALIVE', 0, 0],
  ['outside', 2, 'block', 'ALIVE', 0, 1],
];

/** Runs one initsig.c case and checks its RESULT line. */
async function initsig(k: Kernel, [sender, sig, disp, outcome, handlerCount, pendingHas]: Row): Promise<void> {
  const { h, i } = await container(k);
  const hostPid = i.nspid[0]!;
  const kernelOnly = sig === SIGKILL || sig === SIGSTOP;
  if (disp === 'handler' || disp === 'ign') {
    const r = errnoOf(i.sigaction(sig, disp === 'handler' ? 'catch' : 'ignore'));
    expect(await r).toBe(kernelOnly ? 'EINVAL' : 'ok');
  } else if (disp === 'block') {
    await i.sigprocmask('block', [sig]);
    expect((await i.info()).blocked).toEqual(kernelOnly ? [] : [sig]);
  }
  let rc: number;
  if (sender === 'inside') {
    const sibling = await i.fork({ program: 'idle', name: 'sibling' });
    expect(sibling.pid).toBe(2);
    rc = await sibling.kill(1, sig);
  } else if (sender === 'outside') {
    rc = await h.kill(hostPid, sig);
  } else {
    rc = await i.kill(1, sig);
  }
  expect(rc).toBe(0); // 4.1
  await k.settled();

  if (outcome === 'KILLED by sig 9') {
    const w = await h.wait(hostPid, { nohang: true, untraced: true });
    expect(w).toMatchObject({ pid: hostPid, status: 9, change: { kind: 'killed', signal: 9, core: false } });
  } else if (outcome === 'STOPPED by 19') {
    const w = await h.wait(hostPid, { nohang: true, untraced: true });
    expect(w).toMatchObject({ pid: hostPid, status: 0x137f, change: { kind: 'stopped', signal: 19 } });
    expect((await i.info()).state).toBe('stopped');
  } else {
    if (disp === 'block') {
      // initsig.c: "init: sigpending has sig=1, unblocking" -> "survived unblock; still pending=0".
      expect(await i.sigpending()).toEqual(pendingHas ? [sig] : []);
      await i.sigprocmask('unblock', [sig]);
      await k.settled();
      expect(await i.sigpending()).toEqual([]);
    }
    const info = await i.info();
    expect(info.state).toBe('running');
    expect(info.handled[sig] ?? 0).toBe(handlerCount);
    expect(info.pending).toEqual([]);
    expect(await h.wait(hostPid, { nohang: true, untraced: true })).toMatchObject({ pid: 0 });
  }
  expect(await k.checkInvariants()).toEqual([]);
}

forEachBackend('signals', (backend) => {
  // --- 4.1 ----------------------------------------------------------------------------

  it('4.1 kill() returns 0 when init protection or SIG_IGN drops the signal', async () => {
    const k = backend.create();
    const events = record(k);
    const { i } = await container(k);
    const s = await i.fork({ program: 'idle', name: 's' });
    const ign = await i.fork({ program: 'idle', name: 'ign' });
    await ign.sigaction(SIGTERM, 'ignore');
    expect(await s.kill(1, SIGTERM)).toBe(0);
    expect(await s.kill(1, SIGKILL)).toBe(0);
    expect(await s.kill(ign.pid, SIGTERM)).toBe(0);
    await k.settled();
    expect((await i.info()).state).toBe('running');
    expect((await ign.info()).state).toBe('running');
    const dropped = events.flatMap((e) => (e.type === 'signal-ignored' ? [[e.key, e.sig, e.reason]] : []));
    expect(dropped).toEqual([
      [i.key, SIGTERM, 'init-protected'],
      [i.key, SIGKILL, 'init-protected'],
      [ign.key, SIGTERM, 'ignored'],
    ]);
    expect(await k.checkInvariants()).toEqual([]);
  });

  // --- 4.2 / 4.3 / 4.4: the initsig.c matrix -----------------------------------------------

  it.each(INITSIG.filter((r) => r[0] !== 'outside'))(
    '4.2 initsig sender=%s sig=%i disp=%s: init %s',
    async (...row) => {
      await initsig(backend.create(), row);
    },
  );

  it.each(INITSIG.filter((r) => r[0] === 'outside'))(
    '4.3 initsig sender=%s sig=%i disp=%s: init %s',
    async (...row) => {
      await initsig(backend.create(), row);
    },
  );

  // --- 4.2 ----------------------------------------------------------------------------

  it('4.2 from inside its namespace, SIGKILL and SIGSTOP to a SIG_DFL ns init are discarded', async () => {
    const k = backend.create();
    const { h, i } = await container(k);
    const s = await i.fork({ program: 'idle', name: 's' });
    for (const sig of [SIGKILL, SIGSTOP, SIGTERM, SIGINT, SIGHUP, SIGUSR1, SIGQUIT]) {
      expect(await s.kill(1, sig)).toBe(0);
      expect(await i.kill(1, sig)).toBe(0);
    }
    await k.settled();
    const info = await i.info();
    expect(info.state).toBe('running');
    expect(info.pending).toEqual([]);
    expect(await h.wait(i.nspid[0]!, { nohang: true, untraced: true })).toMatchObject({ pid: 0 });
    // The namespace still works: init can fork.
    expect((await i.fork({ program: 'idle' })).pid).toBe(3);
    expect(await k.checkInvariants()).toEqual([]);
  });

  it('4.2 a SIGSEGV sent with kill() from inside does not kill the ns init', async () => {
    const k = backend.create();
    const { h, i } = await container(k);
    const s = await i.fork({ program: 'idle', name: 's' });
    // deadns.c: "init survived kill(1,SIGSEGV) from inside".
    expect(await s.kill(1, SIGSEGV)).toBe(0);
    await k.settled();
    expect((await i.info()).state).toBe('running');
    expect(await h.wait(i.nspid[0]!, { nohang: true })).toMatchObject({ pid: 0 });
    expect(await k.checkInvariants()).toEqual([]);
  });

  it('4.2 a nested ns init is protected from its own namespace, not from its parent namespace', async () => {
    const k = backend.create();
    const { i } = await container(k);
    const n2 = await i.fork({ newPid: true, program: 'idle', name: 'n2init' });
    const d = await n2.fork({ program: 'idle', name: 'd' });
    expect(n2.nspid.slice(1)).toEqual([2, 1]);
    expect(await d.kill(1, SIGKILL)).toBe(0);
    expect(await d.kill(1, SIGTERM)).toBe(0);
    await k.settled();
    expect((await n2.info()).state).toBe('running');
    // From the level above (its parent's namespace), SIGKILL is forced (4.3).
    expect(await i.kill(2, SIGKILL)).toBe(0);
    await k.settled();
    expect(await i.wait(2, { nohang: true })).toMatchObject({ pid: 2, change: { kind: 'killed', signal: 9, core: false } });
    expect(await errnoOf(d.info())).toBe('ESRCH'); // torn down with its namespace (6.4) and reaped by n2init
    expect(await k.checkInvariants()).toEqual([]);
  });

  it('4.2 a process that entered with setns+fork is inside: its SIGKILL to the init is discarded', async () => {
    const k = backend.create();
    const { i } = await container(k);
    const p = await k.init.fork({ program: 'idle', name: 'nsenter' });
    await p.setns(await k.init.openNs(i.nspid[0]!));
    const c = await p.fork({ program: 'idle', name: 'sh' });
    expect(c.pid).toBe(2);
    expect(await c.kill(1, SIGKILL)).toBe(0);
    await k.settled();
    expect((await i.info()).state).toBe('running');
    // p itself still lives in the root namespace: an ancestor sender (4.3).
    expect(await p.kill(i.nspid[0]!, SIGKILL)).toBe(0);
    await k.settled();
    const w = await p.wait(c.nspid[0]!);
    expect(w).toMatchObject({ change: { kind: 'killed', signal: 9, core: false } });
    expect(await k.checkInvariants()).toEqual([]);
  });

  it('4.2 an init\'s one-shot handler (SA_RESETHAND) takes the first SIGTERM from inside; the second is discarded', async () => {
    const k = backend.create();
    const { h, i } = await container(k);
    const s = await i.fork({ program: 'idle', name: 's' });
    await i.sigaction(SIGTERM, { handler: 'catch', resetHand: true });
    expect(await s.kill(1, SIGTERM)).toBe(0);
    await k.settled();
    expect((await i.info()).handled[SIGTERM]).toBe(1);
    expect(await i.sigaction(SIGTERM)).toEqual({ handler: 'default' });
    expect(await s.kill(1, SIGTERM)).toBe(0);
    await k.settled();
    const info = await i.info();
    expect(info.state).toBe('running');
    expect(info.handled[SIGTERM]).toBe(1);
    expect(await h.wait(i.nspid[0]!, { nohang: true })).toMatchObject({ pid: 0 });
    expect(await k.checkInvariants()).toEqual([]);
  });

  it('4.2 the global init is protected from SIGKILL, SIGSTOP and SIG_DFL signals alike', async () => {
    const k = backend.create();
    const s = await k.init.fork({ program: 'idle', name: 's' });
    for (const sig of [SIGKILL, SIGSTOP, SIGTERM, SIGINT, SIGUSR1]) expect(await s.kill(1, sig)).toBe(0);
    await k.settled();
    expect((await k.init.info()).state).toBe('running');
    expect((await k.init.fork({ program: 'idle' })).pid).toBe(3);
    expect(await k.checkInvariants()).toEqual([]);
  });

  // --- 4.3 ----------------------------------------------------------------------------

  it('4.3 from an ancestor namespace SIGKILL kills a container init', async () => {
    const k = backend.create();
    const { h, i } = await container(k);
    const child = await i.fork({ program: 'idle', name: 'child' });
    // initsig.c: "outside 9 dfl: init KILLED by sig 9".
    expect(await h.kill(i.nspid[0]!, 'SIGKILL')).toBe(0);
    await k.settled();
    const w = await h.wait(i.nspid[0]!);
    expect(w).toEqual({ pid: i.nspid[0], status: 9, change: { kind: 'killed', signal: 9, core: false }, code: CLD_KILLED });
    expect(await errnoOf(child.info())).toBe('ESRCH');
    expect(await errnoOf(h.kill(child.nspid[0]!, 0))).toBe('ESRCH');
    expect(await k.checkInvariants()).toEqual([]);
  });

  it('4.3 from two levels up SIGKILL is forced too, SIGTERM/SIGINT/SIGHUP/SIGTSTP are not', async () => {
    const k = backend.create();
    const { h, i } = await container(k);
    const n2 = await i.fork({ newPid: true, program: 'idle', name: 'n2init' });
    for (const sig of [SIGTERM, SIGINT, SIGHUP, SIGUSR1, SIGUSR2, SIGTSTP]) expect(await h.kill(n2.nspid[0]!, sig)).toBe(0);
    await k.settled();
    expect((await n2.info()).state).toBe('running');
    expect((await n2.info()).pending).toEqual([]);
    // proc_view.sh: "kill(SIGTERM) from host to container init(sleep, SIG_DFL): alive=yes".
    expect(await h.kill(n2.nspid[0]!, SIGKILL)).toBe(0);
    await k.settled();
    expect(await i.wait(n2.nspid[1]!, { nohang: true })).toMatchObject({ change: { kind: 'killed', signal: 9, core: false } });
    expect((await i.info()).state).toBe('running');
    expect(await k.checkInvariants()).toEqual([]);
  });

  it('4.3 SIGSTOP from an ancestor stops a container init; SIGCONT from there resumes it', async () => {
    const k = backend.create();
    const { h, i } = await container(k);
    expect(await h.kill(i.nspid[0]!, SIGSTOP)).toBe(0);
    await k.settled();
    expect((await i.info()).state).toBe('stopped');
    expect(await h.wait(i.nspid[0]!, { untraced: true, nohang: true })).toMatchObject({ status: 0x137f, code: CLD_STOPPED });
    expect(await h.kill(i.nspid[0]!, SIGCONT)).toBe(0);
    await k.settled();
    expect((await i.info()).state).toBe('running');
    expect(await h.wait(i.nspid[0]!, { continued: true, nohang: true })).toMatchObject({ status: 0xffff, code: CLD_CONTINUED });
    expect(await k.checkInvariants()).toEqual([]);
  });

  it('4.3 a handler in the init runs for an ancestor\'s SIGTERM, with si_pid 0', async () => {
    const k = backend.create();
    const { h, i } = await container(k);
    await i.sigaction(SIGTERM, 'catch');
    expect(await h.kill(i.nspid[0]!, SIGTERM)).toBe(0);
    await k.settled();
    const info = await i.info();
    expect(info.state).toBe('running');
    expect(info.handled[SIGTERM]).toBe(1);
    expect(info.siginfo[SIGTERM]).toMatchObject({ signo: SIGTERM, code: SI_USER, pid: 0, uid: 0 });
    expect(await k.checkInvariants()).toEqual([]);
  });

  // --- 4.4 ----------------------------------------------------------------------------

  it('4.4 a blocked SIGTERM to init stays pending, then is dropped at unblock if still SIG_DFL', async () => {
    const k = backend.create();
    const { h, i } = await container(k);
    const s = await i.fork({ program: 'idle', name: 's' });
    await i.sigprocmask('block', [SIGTERM, SIGUSR1]);
    expect(await s.kill(1, SIGTERM)).toBe(0);
    expect(await h.kill(i.nspid[0]!, SIGUSR1)).toBe(0);
    await k.settled();
    expect(await i.sigpending()).toEqual([SIGUSR1, SIGTERM]);
    expect((await i.info()).pending).toEqual([SIGUSR1, SIGTERM]);
    expect(await i.sigprocmask('unblock', [SIGTERM, SIGUSR1])).toEqual([SIGUSR1, SIGTERM]);
    await k.settled();
    expect(await i.sigpending()).toEqual([]);
    const info = await i.info();
    expect(info.state).toBe('running');
    expect(info.pending).toEqual([]);
    expect(await h.wait(i.nspid[0]!, { nohang: true })).toMatchObject({ pid: 0 });
    expect(await k.checkInvariants()).toEqual([]);
  });

  it('4.4 the check is made at dequeue: a handler installed while the signal is pending runs', async () => {
    const k = backend.create();
    const { i } = await container(k);
    const s = await i.fork({ program: 'idle', name: 's' });
    await i.sigprocmask('block', [SIGTERM]);
    expect(await s.kill(1, SIGTERM)).toBe(0);
    await k.settled();
    expect(await i.sigpending()).toEqual([SIGTERM]);
    await i.sigaction(SIGTERM, 'catch');
    await i.sigprocmask('unblock', [SIGTERM]);
    await k.settled();
    const info = await i.info();
    expect(info.state).toBe('running');
    expect(info.handled[SIGTERM]).toBe(1);
    expect(info.siginfo[SIGTERM]).toMatchObject({ signo: SIGTERM, pid: 2, code: SI_USER });
    expect(await k.checkInvariants()).toEqual([]);
  });

  // --- 4.5 ----------------------------------------------------------------------------

  it('4.5 the kernel SIGKILLs of a teardown reach nested inits (cascade.c)', async () => {
    const k = backend.create();
    const h = await k.init.fork({ program: 'idle', name: 'H' });
    const l1 = await h.fork({ newPid: true, program: 'reaper', name: 'L1-init' });
    const l1c = await l1.fork({ program: 'idle', name: 'L1-child' });
    const l2 = await l1.fork({ newPid: true, program: 'reaper', name: 'L2-init' });
    const l2c = await l2.fork({ program: 'idle', name: 'L2-child' });
    const l3 = await l2.fork({ newPid: true, program: 'reaper', name: 'L3-init' });
    const l3c = await l3.fork({ program: 'idle', name: 'L3-child' });
    await l3c.sigaction(SIGTERM, 'ignore');
    const events = record(k);
    // cascade.c: "host: kill(L1 init, SIGKILL)" -> "reaped L1 init, WTERMSIG=9; remaining tasks: none".
    expect(await h.kill(l1.nspid[0]!, SIGKILL)).toBe(0);
    await k.settled();
    expect(await h.wait(l1.nspid[0]!, { nohang: true })).toMatchObject({ pid: l1.nspid[0], change: { kind: 'killed', signal: 9, core: false } });
    const exits = new Map(events.flatMap((e) => (e.type === 'exit' ? [[e.key, e.change] as const] : [])));
    for (const p of [l1, l1c, l2, l2c, l3, l3c]) expect(exits.get(p.key)).toEqual({ kind: 'killed', signal: 9, core: false });
    // The nested inits' SIGKILL came from the kernel (no sending process).
    for (const p of [l2, l3]) {
      const sent = events.filter((e) => e.type === 'signal-sent' && e.key === p.key && e.sig === SIGKILL);
      expect(sent.length).toBeGreaterThan(0);
      expect(sent.every((e) => e.type === 'signal-sent' && e.from === null)).toBe(true);
    }
    expect(await k.procfs(k.init.ns).pids()).toEqual([1, h.pid]);
    expect(await k.checkInvariants()).toEqual([]);
  });

  it('4.5 a kernel-generated SIGKILL (reboot by a non-init inside) kills the ns init that kill() cannot', async () => {
    const k = backend.create();
    const { h, i } = await container(k);
    const s = await i.fork({ program: 'idle', name: 's' });
    expect(await s.kill(1, SIGKILL)).toBe(0);
    await k.settled();
    expect((await i.info()).state).toBe('running');
    // reboot_ns.c "restart by child -> init terminated by signal 1 (Hangup)".
    // The caller exits in reboot(); either answer is legal for a call that does not return on Linux.
    expect(['ok', 'ESRCH']).toContain(await errnoOf(s.reboot('restart')));
    await k.settled();
    expect(await h.wait(i.nspid[0]!, { nohang: true })).toMatchObject({ pid: i.nspid[0], change: { kind: 'killed', signal: SIGHUP, core: false } });
    expect(await k.checkInvariants()).toEqual([]);
  });

  // --- 4.6 ----------------------------------------------------------------------------

  it('4.6 kill(-1) inside a namespace spares init and the caller, reaches nested namespaces, ESRCH when nobody is left', async () => {
    const k = backend.create();
    const { h, i } = await container(k);
    const outsider = await k.init.fork({ program: 'idle', name: 'outsider' });
    const sibling = await k.init.fork({ newPid: true, program: 'idle', name: 'sibling-init' });
    const siblingChild = await sibling.fork({ program: 'idle', name: 'sibling-child' });
    const a = await i.fork({ program: 'idle', name: 'A' });
    const b = await i.fork({ program: 'idle', name: 'B' });
    const c = await i.fork({ program: 'idle', name: 'C' });
    await c.unshare({ newPid: true });
    const n2 = await c.fork({ program: 'idle', name: 'N2-init' });
    const d = await n2.fork({ program: 'idle', name: 'D' });
    expect([a.pid, b.pid, c.pid, n2.nspid[1], d.nspid[1], d.pid]).toEqual([2, 3, 4, 5, 6, 2]);

    // killall.c: "A(pid 3): kill(-1,SIGTERM) rc=0": B, C and D die of SIGTERM, N2's init survives.
    expect(await a.kill(-1, SIGTERM)).toBe(0);
    await k.settled();
    expect(await n2.wait(2)).toMatchObject({ pid: 2, change: { kind: 'killed', signal: SIGTERM, core: false } });
    expect(await i.wait(b.pid)).toMatchObject({ pid: 3, change: { kind: 'killed', signal: SIGTERM, core: false } });
    expect(await i.wait(c.pid)).toMatchObject({ pid: 4, change: { kind: 'killed', signal: SIGTERM, core: false } });
    expect((await n2.info()).state).toBe('running');
    expect((await a.info()).state).toBe('running');
    expect((await i.info()).state).toBe('running');
    expect(await n2.getppid()).toBe(0);

    // "kill(-1,SIGKILL) rc=0" -> "I: reaped 6 sig 9" (here N2's init is 5; C died, so I adopted it).
    expect(await a.kill(-1, SIGKILL)).toBe(0);
    await k.settled();
    expect(await i.wait(5)).toMatchObject({ pid: 5, change: { kind: 'killed', signal: SIGKILL, core: false } });
    expect(await i.procfs().pids()).toEqual([1, 2]);

    // "kill(-1,SIGKILL) again (only init+self left) rc=-1 errno=ESRCH".
    expect(await errnoOf(a.kill(-1, SIGKILL))).toBe('ESRCH');
    expect(await errnoOf(a.kill(-1, 0))).toBe('ESRCH');
    // "host: outsider alive=1"; nothing in a sibling namespace was hit either.
    for (const p of [outsider, sibling, siblingChild, h, a, i]) expect((await p.info()).state).toBe('running');
    expect(await k.checkInvariants()).toEqual([]);
  });

  it('4.6 kill(-1) counts zombies as matched', async () => {
    const k = backend.create();
    const { i } = await container(k);
    const a = await i.fork({ program: 'idle', name: 'A' });
    const z = await i.fork({ program: 'idle', name: 'Z' });
    await z.exit(0);
    await k.settled();
    expect((await z.info()).state).toBe('zombie');
    // The zombie still has its PID (1.12): kill_something_info() finds a task, so no ESRCH.
    expect(await a.kill(-1, SIGUSR1)).toBe(0);
    await k.settled();
    expect(await i.wait(z.pid)).toMatchObject({ pid: 3, change: { kind: 'exited', code: 0 } });
    expect(await errnoOf(a.kill(-1, SIGUSR1))).toBe('ESRCH');
    expect(await k.checkInvariants()).toEqual([]);
  });

  // --- 4.7 ----------------------------------------------------------------------------

  it('4.7 kill(0) from inside a namespace reaches group members in ancestor namespaces', async () => {
    const k = backend.create();
    const h = await k.init.fork({ program: 'idle', name: 'H' });
    await h.setsid();
    await h.sigaction(SIGUSR2, 'catch'); // inherited by I and J, as in siginfo.c
    const other = await k.init.fork({ program: 'idle', name: 'other-group' });
    await other.sigaction(SIGUSR2, 'catch');
    await h.unshare({ newPid: true });
    const i = await h.fork({ program: 'idle', name: 'I' });
    const j = await i.fork({ program: 'idle', name: 'J' });
    // siginfo.c: "J: getpid=2 getpgrp=0 (H's pgid invisible)", "J: kill(0,SIGUSR2) rc=0".
    expect(await j.getpgrp()).toBe(0);
    expect(await j.kill(0, SIGUSR2)).toBe(0);
    await k.settled();
    for (const p of [h, i, j]) expect((await p.info()).handled[SIGUSR2]).toBe(1);
    expect((await other.info()).handled[SIGUSR2] ?? 0).toBe(0);
    // "J: kill(-17544,SIGUSR2) rc=-1 errno=ESRCH": the group's number is not visible in J's namespace.
    expect(await errnoOf(j.kill(-h.pid, SIGUSR2))).toBe('ESRCH');
    await k.settled();
    expect((await h.info()).handled[SIGUSR2]).toBe(1);
    expect(await k.checkInvariants()).toEqual([]);
  });

  it('4.7 kill(-pgid) reaches every member, including those in descendant namespaces', async () => {
    const k = backend.create();
    const { i } = await container(k);
    const p = await i.fork({ program: 'idle', name: 'P' });
    await p.setpgid(0, 0);
    await p.sigaction(SIGUSR1, 'catch');
    const q = await p.fork({ program: 'idle', name: 'Q' });
    const r = await p.fork({ newPid: true, program: 'idle', name: 'R' });
    const s = await r.fork({ program: 'idle', name: 'S' });
    const stranger = await i.fork({ program: 'idle', name: 'stranger' });
    await stranger.sigaction(SIGUSR1, 'catch');
    expect([p.pid, q.pid, r.nspid[1], s.pid]).toEqual([2, 3, 4, 2]);
    expect(await s.getpgrp()).toBe(0);
    // pgrp.c: "init: kill(-2) -> 0".
    expect(await i.kill(-2, SIGUSR1)).toBe(0);
    await k.settled();
    for (const m of [p, q, r, s]) expect((await m.info()).handled[SIGUSR1]).toBe(1);
    expect((await stranger.info()).handled[SIGUSR1] ?? 0).toBe(0);
    // A PID that is no process group's id: ESRCH.
    expect(await errnoOf(i.kill(-3, SIGUSR1))).toBe('ESRCH');
    expect(await errnoOf(i.kill(-77, SIGUSR1))).toBe('ESRCH');
    expect(await k.checkInvariants()).toEqual([]);
  });

  // --- 4.9 ----------------------------------------------------------------------------

  it('4.9 kill(pid, 0) is 0 for live processes and zombies, ESRCH once reaped or never there', async () => {
    const k = backend.create();
    const events = record(k);
    const parent = await k.init.fork({ program: 'idle', name: 'parent' });
    const child = await parent.fork({ program: 'idle', name: 'child' });
    expect(await parent.kill(child.pid, 0)).toBe(0);
    expect(await child.kill(parent.pid, 0)).toBe(0);
    expect(await child.kill(1, 0)).toBe(0);
    expect(events.filter((e) => e.type === 'signal-sent')).toEqual([]);
    // waitsig.c: "after SIGKILL before wait: state=Z; kill(zombie,0)=0; kill(zombie,SIGKILL)=0".
    await parent.kill(child.pid, SIGKILL);
    await k.settled();
    expect((await child.info()).state).toBe('zombie');
    expect(await parent.kill(child.pid, 0)).toBe(0);
    expect(await parent.kill(child.pid, SIGKILL)).toBe(0);
    await k.settled();
    expect((await child.info()).exit).toEqual({ kind: 'killed', signal: 9, core: false });
    expect(await parent.wait(child.pid)).toMatchObject({ pid: child.pid, status: 9 });
    expect(await errnoOf(parent.kill(child.pid, 0))).toBe('ESRCH');
    expect(await errnoOf(parent.kill(4242, 0))).toBe('ESRCH');
    expect(await k.checkInvariants()).toEqual([]);
  });

  it('4.9 kill(pid, 0) on a protected init is 0 from inside and outside', async () => {
    const k = backend.create();
    const { h, i } = await container(k);
    const s = await i.fork({ program: 'idle', name: 's' });
    expect(await s.kill(1, 0)).toBe(0);
    expect(await h.kill(i.nspid[0]!, 0)).toBe(0);
    expect(await i.kill(1, 0)).toBe(0);
    // The init's outer number (3) means nothing inside (3.1).
    expect(i.nspid[0]).toBe(3);
    expect(await errnoOf(s.kill(3, 0))).toBe('ESRCH');
    expect(await k.checkInvariants()).toEqual([]);
  });

  // --- 4.10 ---------------------------------------------------------------------------

  it.each([
    [1, 'terminate'],
    [2, 'terminate'],
    [3, 'core'],
    [4, 'core'],
    [5, 'core'],
    [6, 'core'],
    [7, 'core'],
    [8, 'core'],
    [9, 'terminate'],
    [10, 'terminate'],
    [11, 'core'],
    [12, 'terminate'],
    [13, 'terminate'],
    [14, 'terminate'],
    [15, 'terminate'],
    [16, 'terminate'],
    [17, 'ignore'],
    [18, 'continue'],
    [19, 'stop'],
    [20, 'stop'],
    [21, 'stop'],
    [22, 'stop'],
    [23, 'ignore'],
    [24, 'core'],
    [25, 'core'],
    [26, 'terminate'],
    [27, 'terminate'],
    [28, 'ignore'],
    [29, 'terminate'],
    [30, 'terminate'],
    [31, 'core'],
    [34, 'terminate'],
    [50, 'terminate'],
    [64, 'terminate'],
  ] as const)('4.10 SIG_DFL of signal %i: %s', async (sig, action) => {
    const k = backend.create();
    const { parent, child } = await jobControl(k);
    expect(await parent.kill(child.pid, sig)).toBe(0);
    await k.settled();
    const w = await parent.wait(child.pid, { nohang: true, untraced: true });
    switch (action) {
      case 'terminate':
        expect(w).toEqual({ pid: child.pid, status: sig, change: { kind: 'killed', signal: sig, core: false }, code: CLD_KILLED });
        break;
      case 'core':
        expect(w).toEqual({ pid: child.pid, status: sig | 0x80, change: { kind: 'killed', signal: sig, core: true }, code: CLD_DUMPED });
        break;
      case 'stop':
        expect(w).toEqual({ pid: child.pid, status: (sig << 8) | 0x7f, change: { kind: 'stopped', signal: sig }, code: CLD_STOPPED });
        expect((await child.info()).state).toBe('stopped');
        break;
      case 'continue':
      case 'ignore':
        expect(w.pid).toBe(0);
        expect((await child.info()).state).toBe('running');
        expect((await child.info()).pending).toEqual([]);
        break;
    }
    expect(await k.checkInvariants()).toEqual([]);
  });

  it('4.10 SIGTSTP/SIGTTIN/SIGTTOU with SIG_DFL do not stop a process of an orphaned process group; SIGSTOP does', async () => {
    // kernel/signal.c get_signal(): "The job control signals do nothing in an orphaned
    // pgrp, but SIGSTOP always works." Lab run (Linux 6.18): a child in its session
    // leader's group (orphaned: the leader's parent is in another session) stays S after
    // SIGTSTP/SIGTTIN/SIGTTOU; a sibling that leads its own group goes T; SIGSTOP stops both.
    const k = backend.create();
    const sh = await k.init.fork({ program: 'idle', name: 'sh' });
    await sh.setsid();
    for (const sig of [SIGTSTP, 21, 22, SIGSTOP]) {
      const orphaned = await sh.fork({ program: 'idle', name: 'same-group' });
      const job = await sh.fork({ program: 'idle', name: 'own-group' });
      await job.setpgid(0, 0);
      await sh.kill(orphaned.pid, sig);
      await sh.kill(job.pid, sig);
      await k.settled();
      expect([sig, (await orphaned.info()).state]).toEqual([sig, sig === SIGSTOP ? 'stopped' : 'running']);
      expect([sig, (await job.info()).state]).toEqual([sig, 'stopped']);
      await sh.kill(orphaned.pid, SIGKILL);
      await sh.kill(job.pid, SIGKILL);
      await k.settled();
      await sh.wait(orphaned.pid);
      await sh.wait(job.pid);
    }
    expect(await k.checkInvariants()).toEqual([]);
  });

  it('4.6 kill(-1) shares one siginfo: after a target that cannot see the sender, later targets get si_pid 0 too', async () => {
    // Quirk of send_signal_locked() writing si_pid = 0 into the siginfo the
    // for_each_process() loop shares (creation order). Lab run on Linux 6.18,
    // same layout: C1 (2) and B (3) see si_pid 6; D (N2's init) and C2 (5,
    // in the sender's own namespace, created after D) see 0.
    const k = backend.create();
    const init = await k.init.fork({ newPid: true, program: 'reaper', name: 'init' });
    await init.sigaction(SIGUSR1, 'ignore');
    const c1 = await init.fork({ program: 'idle', name: 'c1' });
    await c1.sigaction(SIGUSR1, 'catch');
    const b = await init.fork({ program: 'idle', name: 'b' });
    await b.sigaction(SIGUSR1, 'catch');
    await b.unshare({ newPid: true });
    const d = await b.fork({ program: 'idle', name: 'd' });
    await d.sigaction(SIGUSR1, 'catch');
    const c2 = await init.fork({ program: 'idle', name: 'c2' });
    await c2.sigaction(SIGUSR1, 'catch');
    const a = await init.fork({ program: 'idle', name: 'a' });
    expect([c1.pid, b.pid, d.pidIn(init.ns), c2.pid, a.pid]).toEqual([2, 3, 4, 5, 6]);
    expect(await a.kill(-1, SIGUSR1)).toBe(0);
    await k.settled();
    const siPid = async (p: typeof a): Promise<number | undefined> => (await p.info()).siginfo[SIGUSR1]?.pid;
    expect([await siPid(c1), await siPid(b), await siPid(d), await siPid(c2)]).toEqual([6, 6, 0, 0]);
    expect(await k.checkInvariants()).toEqual([]);
  });

  it('4.10 SIGKILL and SIGSTOP cannot be caught, ignored, reset or blocked', async () => {
    const k = backend.create();
    const p = await k.init.fork({ program: 'idle', name: 'p' });
    for (const sig of [SIGKILL, SIGSTOP]) {
      for (const action of ['catch', 'ignore', 'default'] as const) expect(await errnoOf(p.sigaction(sig, action))).toBe('EINVAL');
      expect(await p.sigaction(sig)).toEqual({ handler: 'default' });
    }
    await p.sigprocmask('block', [SIGKILL, SIGSTOP, SIGTERM]);
    expect(await p.sigprocmask('block', [])).toEqual([SIGTERM]);
    expect((await p.info()).blocked).toEqual([SIGTERM]);
    expect(await k.init.kill(p.pid, SIGKILL)).toBe(0);
    await k.settled();
    expect(await errnoOf(p.info())).toBe('ESRCH'); // killed and reaped by the reaper init
    expect(await k.checkInvariants()).toEqual([]);
  });

  it('4.10 SIG_IGN and a handler both keep a process alive through SIGTERM; SIG_DFL again kills', async () => {
    const k = backend.create();
    const parent = await k.init.fork({ program: 'idle', name: 'parent' });
    const ign = await parent.fork({ program: 'idle', name: 'ign' });
    const caught = await parent.fork({ program: 'idle', name: 'caught' });
    expect(await ign.sigaction(SIGTERM, 'ignore')).toEqual({ handler: 'default' });
    await caught.sigaction(SIGTERM, 'catch');
    await parent.kill(ign.pid, SIGTERM);
    await parent.kill(caught.pid, SIGTERM);
    await k.settled();
    // waitsig.c: "child ignoring SIGTERM: alive=1".
    expect((await ign.info()).state).toBe('running');
    expect((await ign.info()).handled[SIGTERM] ?? 0).toBe(0);
    expect((await caught.info()).state).toBe('running');
    expect((await caught.info()).handled[SIGTERM]).toBe(1);
    expect(await caught.sigaction(SIGTERM, 'default')).toEqual({ handler: 'catch' });
    await parent.kill(caught.pid, SIGTERM);
    await k.settled();
    expect(await parent.wait(caught.pid)).toMatchObject({ change: { kind: 'killed', signal: SIGTERM, core: false } });
    expect(await k.checkInvariants()).toEqual([]);
  });

  it('4.10 SA_RESETHAND: the handler runs once, the next signal takes the default action', async () => {
    const k = backend.create();
    const parent = await k.init.fork({ program: 'idle', name: 'parent' });
    const child = await parent.fork({ program: 'idle', name: 'child' });
    await child.sigaction(SIGUSR1, { handler: 'catch', resetHand: true });
    await parent.kill(child.pid, SIGUSR1);
    await k.settled();
    expect((await child.info()).handled[SIGUSR1]).toBe(1);
    expect(await child.sigaction(SIGUSR1)).toEqual({ handler: 'default' });
    await parent.kill(child.pid, SIGUSR1);
    await k.settled();
    expect(await parent.wait(child.pid)).toMatchObject({ change: { kind: 'killed', signal: SIGUSR1, core: false } });
    expect(await k.checkInvariants()).toEqual([]);
  });

  // --- 4.11 ---------------------------------------------------------------------------

  it('4.11 blocked signals stay pending even when ignored (SIG_IGN, or SIG_DFL-ignore)', async () => {
    const k = backend.create();
    const parent = await k.init.fork({ program: 'idle', name: 'parent' });
    const child = await parent.fork({ program: 'idle', name: 'child' });
    await child.sigaction(SIGUSR2, 'ignore');
    await child.sigprocmask('block', [SIGUSR2, SIGURG]);
    // waitsig.c: "SIG_IGN + blocked SIGUSR2: pending=1", "SIG_DFL(ignore-action) SIGURG blocked: pending=1".
    await parent.kill(child.pid, SIGUSR2);
    await parent.kill(child.pid, SIGURG);
    await k.settled();
    expect(await child.sigpending()).toEqual([SIGUSR2, SIGURG]);
    // Unblocked, they are dequeued and ignored.
    await child.sigprocmask('unblock', [SIGUSR2, SIGURG]);
    await k.settled();
    expect(await child.sigpending()).toEqual([]);
    expect((await child.info()).pending).toEqual([]);
    expect((await child.info()).state).toBe('running');
    // Not blocked, an ignored signal is not even queued.
    await parent.kill(child.pid, SIGUSR2);
    await k.settled();
    expect((await child.info()).pending).toEqual([]);
    expect(await k.checkInvariants()).toEqual([]);
  });

  it('4.11 setting SIG_IGN (or SIG_DFL of an ignore-default signal) discards a pending instance', async () => {
    const k = backend.create();
    const parent = await k.init.fork({ program: 'idle', name: 'parent' });
    const child = await parent.fork({ program: 'idle', name: 'child' });
    await child.sigaction(SIGWINCH, 'catch');
    await child.sigprocmask('block', [SIGUSR1, SIGWINCH, SIGTERM]);
    await parent.kill(child.pid, SIGUSR1);
    await parent.kill(child.pid, SIGWINCH);
    await parent.kill(child.pid, SIGTERM);
    await k.settled();
    expect(await child.sigpending()).toEqual([SIGUSR1, SIGTERM, SIGWINCH]);
    await child.sigaction(SIGUSR1, 'ignore');
    expect(await child.sigpending()).toEqual([SIGTERM, SIGWINCH]);
    await child.sigaction(SIGWINCH, 'default');
    expect(await child.sigpending()).toEqual([SIGTERM]);
    await child.sigaction(SIGTERM, 'catch'); // a handler does not discard
    expect(await child.sigpending()).toEqual([SIGTERM]);
    await child.sigprocmask('setmask', []);
    await k.settled();
    const info = await child.info();
    expect(info.state).toBe('running');
    expect(info.handled).toEqual({ [SIGTERM]: 1 });
    expect(await k.checkInvariants()).toEqual([]);
  });

  // --- 4.12 ---------------------------------------------------------------------------

  it('4.12 three SIGUSR1 while blocked are delivered once; three SIGRTMIN three times, in order', async () => {
    const k = backend.create();
    const events = record(k);
    const parent = await k.init.fork({ program: 'idle', name: 'parent' });
    const child = await parent.fork({ program: 'idle', name: 'child' });
    await child.sigaction(SIGUSR1, 'catch');
    await child.sigaction('RTMIN', 'catch');
    await child.sigprocmask('block', [SIGUSR1, SIGRTMIN]);
    for (const value of [1, 2, 3]) {
      await parent.kill(child.pid, SIGUSR1);
      await parent.sigqueue(child.pid, 'SIGRTMIN', value);
      await k.settled();
    }
    // waitsig.c: "blocked: pending USR1=1 RTMIN=1".
    expect(await child.sigpending()).toEqual([SIGUSR1, SIGRTMIN]);
    await child.sigprocmask('unblock', [SIGUSR1, SIGRTMIN]);
    await k.settled();
    // "SIGUSR1 handler ran 1 time(s) (sent 3), SIGRTMIN ran 3 time(s) (sent 3)".
    const info = await child.info();
    expect(info.handled).toEqual({ [SIGUSR1]: 1, [SIGRTMIN]: 3 });
    expect(info.pending).toEqual([]);
    const values = handlerRuns(events, child, SIGRTMIN).map((e) => (e.type === 'signal-delivered' ? e.info?.value : undefined));
    expect(values).toEqual([1, 2, 3]);
    expect(info.siginfo[SIGRTMIN]).toMatchObject({ signo: SIGRTMIN, code: SI_QUEUE, pid: parent.pid, value: 3 });
    expect(info.siginfo[SIGUSR1]).toMatchObject({ signo: SIGUSR1, code: SI_USER, pid: parent.pid });
    expect(await k.checkInvariants()).toEqual([]);
  });

  it('4.12 a standard signal sent again while pending is dropped: the first sender\'s siginfo is kept', async () => {
    const k = backend.create();
    const parent = await k.init.fork({ program: 'idle', name: 'parent' });
    const child = await parent.fork({ program: 'idle', name: 'child' });
    const other = await k.init.fork({ program: 'idle', name: 'other' });
    await child.sigaction(SIGUSR1, 'catch');
    await child.sigprocmask('block', [SIGUSR1]);
    await parent.kill(child.pid, SIGUSR1);
    await k.settled();
    await other.kill(child.pid, SIGUSR1);
    await k.settled();
    await child.sigprocmask('unblock', [SIGUSR1]);
    await k.settled();
    const info = await child.info();
    expect(info.handled[SIGUSR1]).toBe(1);
    expect(info.siginfo[SIGUSR1]).toMatchObject({ signo: SIGUSR1, code: SI_USER, pid: parent.pid });
    expect(await k.checkInvariants()).toEqual([]);
  });

  it('4.12 real-time signals sent with kill() queue too; taken lowest first, their handlers run last-framed first', async () => {
    const k = backend.create();
    const events = record(k);
    const parent = await k.init.fork({ program: 'idle', name: 'parent' });
    const child = await parent.fork({ program: 'idle', name: 'child' });
    const rt = [SIGRTMIN, SIGRTMIN + 1, SIGRTMIN + 2];
    for (const sig of rt) await child.sigaction(sig, 'catch');
    await child.sigprocmask('block', rt);
    for (const sig of [SIGRTMIN + 2, SIGRTMIN + 1, SIGRTMIN + 1, SIGRTMIN]) {
      await parent.kill(child.pid, sig);
      await k.settled();
    }
    await child.sigprocmask('unblock', rt);
    await k.settled();
    // man7/signal.7: "delivered starting with the lowest-numbered signal": get_signal() takes
    // RTMIN, RTMIN+1, RTMIN+2 in that order, each getting a frame with its signal blocked, so
    // the last frame's handler runs first; when RTMIN+2's returns, RTMIN+1's runs, and once
    // that one's sigreturn unblocks RTMIN+1 its second instance runs, then RTMIN's (as the
    // scenario signal-delivery-order shows on Linux).
    const order = events.flatMap((e) => (e.type === 'signal-delivered' && e.key === child.key ? [e.sig] : []));
    expect(order).toEqual([SIGRTMIN + 2, SIGRTMIN + 1, SIGRTMIN + 1, SIGRTMIN]);
    expect((await child.info()).delivered).toEqual(order);
    expect((await child.info()).handled).toEqual({ [SIGRTMIN]: 1, [SIGRTMIN + 1]: 2, [SIGRTMIN + 2]: 1 });
    expect(await k.checkInvariants()).toEqual([]);
  });

  // --- 4.13 ---------------------------------------------------------------------------

  it('4.13 SIGCHLD on exit, kill and core dump carries CLD_EXITED/KILLED/DUMPED and the status', async () => {
    const k = backend.create();
    const parent = await k.init.fork({ program: 'idle', name: 'parent' });
    await parent.sigaction(SIGCHLD, 'catch');
    const a = await parent.fork({ program: 'idle', name: 'a' });
    const b = await parent.fork({ program: 'idle', name: 'b' });
    const c = await parent.fork({ program: 'idle', name: 'c' });
    // siginfo.c: "got sig=17 si_pid=2 si_code=1 si_status=7".
    await a.exit(7);
    await k.settled();
    let info = await parent.info();
    expect(info.handled[SIGCHLD]).toBe(1);
    expect(info.siginfo[SIGCHLD]).toEqual({ signo: SIGCHLD, code: CLD_EXITED, pid: a.pid, uid: 0, status: 7 });
    await parent.kill(b.pid, SIGTERM);
    await k.settled();
    info = await parent.info();
    expect(info.handled[SIGCHLD]).toBe(2);
    expect(info.siginfo[SIGCHLD]).toEqual({ signo: SIGCHLD, code: CLD_KILLED, pid: b.pid, uid: 0, status: SIGTERM });
    await parent.kill(c.pid, SIGQUIT);
    await k.settled();
    info = await parent.info();
    expect(info.handled[SIGCHLD]).toBe(3);
    expect(info.siginfo[SIGCHLD]).toEqual({ signo: SIGCHLD, code: CLD_DUMPED, pid: c.pid, uid: 0, status: SIGQUIT });
    // Still zombies for wait (the handler does not reap).
    expect(await parent.wait(a.pid)).toMatchObject({ change: { kind: 'exited', code: 7 } });
    expect(await k.checkInvariants()).toEqual([]);
  });

  it('4.13 SIGCHLD on stop and continue (CLD_STOPPED, CLD_CONTINUED), not with SA_NOCLDSTOP', async () => {
    const k = backend.create();
    const parent = await k.init.fork({ program: 'idle', name: 'parent' });
    await parent.sigaction(SIGCHLD, 'catch');
    const child = await parent.fork({ program: 'idle', name: 'child' });
    await parent.kill(child.pid, SIGSTOP);
    await k.settled();
    let info = await parent.info();
    expect(info.handled[SIGCHLD]).toBe(1);
    expect(info.siginfo[SIGCHLD]).toEqual({ signo: SIGCHLD, code: CLD_STOPPED, pid: child.pid, uid: 0, status: SIGSTOP });
    await parent.kill(child.pid, SIGCONT);
    await k.settled();
    info = await parent.info();
    expect(info.handled[SIGCHLD]).toBe(2);
    expect(info.siginfo[SIGCHLD]).toEqual({ signo: SIGCHLD, code: CLD_CONTINUED, pid: child.pid, uid: 0, status: SIGCONT });

    await parent.sigaction(SIGCHLD, { handler: 'catch', noCldStop: true });
    await parent.kill(child.pid, SIGSTOP);
    await k.settled();
    expect((await child.info()).state).toBe('stopped');
    await parent.kill(child.pid, SIGCONT);
    await k.settled();
    expect((await child.info()).state).toBe('running');
    expect((await parent.info()).handled[SIGCHLD]).toBe(2);
    await child.exit(0);
    await k.settled();
    info = await parent.info();
    expect(info.handled[SIGCHLD]).toBe(3);
    expect(info.siginfo[SIGCHLD]).toMatchObject({ code: CLD_EXITED, pid: child.pid, status: 0 });
    expect(await k.checkInvariants()).toEqual([]);
  });

  it('4.13 a parent with SIG_DFL for SIGCHLD is not affected by it', async () => {
    const k = backend.create();
    const parent = await k.init.fork({ program: 'idle', name: 'parent' });
    const child = await parent.fork({ program: 'idle', name: 'child' });
    await child.exit(3);
    await k.settled();
    const info = await parent.info();
    expect(info.state).toBe('running');
    expect(info.pending).toEqual([]);
    expect(await parent.wait(child.pid)).toMatchObject({ pid: child.pid, status: 0x300, change: { kind: 'exited', code: 3 } });
    expect(await k.checkInvariants()).toEqual([]);
  });

  // --- 4.14 ---------------------------------------------------------------------------

  it('4.14 a stop signal discards a pending SIGCONT', async () => {
    const k = backend.create();
    const parent = await k.init.fork({ program: 'idle', name: 'parent' });
    const child = await parent.fork({ program: 'idle', name: 'child' });
    await child.sigaction(SIGCONT, 'catch');
    await child.sigprocmask('block', [SIGCONT]);
    await parent.kill(child.pid, SIGCONT);
    await k.settled();
    expect((await child.info()).pending).toEqual([SIGCONT]);
    await parent.kill(child.pid, SIGSTOP);
    await k.settled();
    const info = await child.info();
    expect(info.state).toBe('stopped');
    expect(info.pending).toEqual([]);
    expect(info.handled[SIGCONT] ?? 0).toBe(0);
    expect(await k.checkInvariants()).toEqual([]);
  });

  it('4.14 SIGCONT discards a pending stop signal', async () => {
    const k = backend.create();
    const { parent, child } = await jobControl(k); // SIGTSTP would stop it (not orphaned)
    await child.sigprocmask('block', [SIGTSTP]);
    await parent.kill(child.pid, SIGTSTP);
    await k.settled();
    expect(await child.sigpending()).toEqual([SIGTSTP]);
    await parent.kill(child.pid, SIGCONT);
    await k.settled();
    expect(await child.sigpending()).toEqual([]);
    await child.sigprocmask('unblock', [SIGTSTP]);
    await k.settled();
    expect((await child.info()).state).toBe('running');
    expect(await parent.wait(child.pid, { nohang: true, untraced: true })).toMatchObject({ pid: 0 });
    expect(await k.checkInvariants()).toEqual([]);
  });

  it.each([
    ['blocked', 'block'],
    ['ignored', 'ignore'],
    ['caught', 'catch'],
  ] as const)('4.14 SIGCONT resumes a stopped process even when %s', async (_how, setup) => {
    const k = backend.create();
    const parent = await k.init.fork({ program: 'idle', name: 'parent' });
    const child = await parent.fork({ program: 'idle', name: 'child' });
    if (setup === 'block') await child.sigprocmask('block', [SIGCONT]);
    else await child.sigaction(SIGCONT, setup);
    await parent.kill(child.pid, SIGSTOP);
    await k.settled();
    expect((await child.info()).state).toBe('stopped');
    await parent.kill(child.pid, SIGCONT);
    await k.settled();
    const info = await child.info();
    expect(info.state).toBe('running');
    // Blocked, SIGCONT is still queued after it resumed the process; caught, the handler ran.
    expect(info.pending).toEqual(setup === 'block' ? [SIGCONT] : []);
    expect(info.handled[SIGCONT] ?? 0).toBe(setup === 'catch' ? 1 : 0);
    expect(await parent.wait(child.pid, { nohang: true, continued: true })).toMatchObject({ pid: child.pid, status: 0xffff });
    // The process runs syscalls again.
    expect(await child.getpid()).toBe(child.pid);
    expect(await k.checkInvariants()).toEqual([]);
  });

  it('4.14 SIGCONT from inside resumes an ns init stopped from outside', async () => {
    // Lab run (Linux 6.18): "init after outside STOP: T", inside sibling "kill(1,SIGCONT) rc=0",
    // "init after inside CONT: S" - prepare_signal() continues before init protection is checked.
    const k = backend.create();
    const { h, i } = await container(k);
    const s = await i.fork({ program: 'idle', name: 's' });
    await h.kill(i.nspid[0]!, SIGSTOP);
    await k.settled();
    expect((await i.info()).state).toBe('stopped');
    expect(await s.kill(1, SIGCONT)).toBe(0);
    await k.settled();
    expect((await i.info()).state).toBe('running');
    expect((await i.info()).pending).toEqual([]);
    expect(await h.wait(i.nspid[0]!, { nohang: true, continued: true })).toMatchObject({ pid: i.nspid[0], status: 0xffff });
    expect(await k.checkInvariants()).toEqual([]);
  });

  it('4.14 a stopped process acts on SIGKILL at once, on other fatal signals only after SIGCONT', async () => {
    const k = backend.create();
    const parent = await k.init.fork({ program: 'idle', name: 'parent' });
    const a = await parent.fork({ program: 'idle', name: 'a' });
    const b = await parent.fork({ program: 'idle', name: 'b' });
    await parent.kill(a.pid, SIGSTOP);
    await parent.kill(b.pid, SIGSTOP);
    await k.settled();
    await parent.kill(a.pid, SIGKILL);
    await parent.kill(b.pid, SIGTERM);
    await k.settled();
    expect(await parent.wait(a.pid, { nohang: true })).toMatchObject({ pid: a.pid, change: { kind: 'killed', signal: SIGKILL, core: false } });
    // complete_signal(): no thread of a stopped process "wants" the signal, so SIGTERM
    // stays pending until SIGCONT (checked on the lab kernel: stopped, then killed by 15 after CONT).
    expect((await b.info()).state).toBe('stopped');
    expect((await b.info()).pending).toEqual([SIGTERM]);
    await parent.kill(b.pid, SIGCONT);
    await k.settled();
    expect(await parent.wait(b.pid, { nohang: true })).toMatchObject({ pid: b.pid, change: { kind: 'killed', signal: SIGTERM, core: false } });
    expect(await k.checkInvariants()).toEqual([]);
  });
});
