// Conformance: SEMANTICS group 2 — PID namespace creation and nesting
// (2.1-2.13): clone(CLONE_NEWPID), unshare and setns (which move only
// pid_for_children), ENOMEM once an unshared namespace's init is gone, the flag
// rules (CLONE_PARENT, CLONE_THREAD's EINVAL checks; threads themselves are
// test/conformance/threads.test.ts), privileges, the depth and count limits, and namespace lifetime.
// Expected values: the kernel's observations quoted for each item in
// docs/semantics.md (and the scenarios of test/scenarios that replay them).

import { expect, it } from 'vitest';
import type { Kernel, NsRef, Process } from '../../src/index.js';
import { errnoOf, forEachBackend } from '../support/backends.js';
import { SIGKILL } from '../support/linux-values.js';
import { hostPpid, nest, nsState } from '../support/observe.js';

/** /proc/PID/ns/pid of the initial PID namespace (PROC_PID_INIT_INO), as enomem.c prints it. */
const ROOT_NS_LINK = 'pid:[4026531836]';

/** The parent namespace of `ns` as a snapshot records it. */
async function nsParent(k: Kernel, ns: NsRef): Promise<number | null> {
  const found = (await k.snapshot()).namespaces.find((a) => a.ns.id === ns.id);
  if (!found) throw new Error(`namespace ${ns.id} is not in the snapshot`);
  return found.ns.parent;
}

/** readlink /proc/self/ns/{pid,pid_for_children} of `p`, or the errno. */
async function nsLink(p: Process, which: 'pid' | 'pid_for_children'): Promise<string> {
  try {
    return await p.procfs().readNsLink('self', which);
  } catch (e) {
    const code = await errnoOf(Promise.reject(e));
    return `ERR ${code}`;
  }
}

/** A fresh namespace whose init is a reaper child of the global init; returns that init. */
function newNs(k: Kernel): Promise<Process> {
  return k.init.fork({ newPid: true, program: 'reaper' });
}

/** The init `n` of a namespace exits; the global init reaps it. */
async function endNs(k: Kernel, n: Process): Promise<void> {
  await n.exit(0);
  await k.settled();
}

forEachBackend('PID namespaces', (backend) => {
  // --- 2.1 clone(CLONE_NEWPID) -------------------------------------------------------

  it('2.1 clone(CLONE_NEWPID): the child is PID 1 of a new namespace with getppid() 0; the caller stays and sees it as 3', async () => {
    const k = backend.create();
    const p = await k.init.fork({ program: 'idle', name: 'p' }); // 2
    const c = await p.fork({ newPid: true, program: 'reaper', name: 'nsinit' });
    expect(c.nspid).toEqual([3, 1]);
    expect(c.pid).toBe(1);
    expect(await c.getpid()).toBe(1);
    expect(await c.getppid()).toBe(0);
    expect(c.ns.level).toBe(1);
    expect(c.ns.chain).toEqual([k.init.ns.id, c.ns.id]);
    expect(await nsParent(k, c.ns)).toBe(k.init.ns.id);
    expect(await hostPpid(k, c)).toBe(2);
    // The caller did not move, nor did its pid_for_children.
    expect(await p.getpid()).toBe(2);
    expect(await nsLink(p, 'pid')).toBe(ROOT_NS_LINK);
    expect(await nsLink(p, 'pid_for_children')).toBe(ROOT_NS_LINK);
    expect(await nsLink(c, 'pid')).toBe(`pid:[${c.ns.inode}]`);
    expect(c.ns.inode).not.toBe(4026531836);
    // The caller waits for it under its own number.
    await c.exit(5);
    await k.settled();
    const w = await p.wait(-1);
    expect(w.pid).toBe(3);
    expect(w.change).toEqual({ kind: 'exited', code: 5 });
    expect(await k.checkInvariants()).toEqual([]);
  });

  it("2.1 from inside a namespace: an ns init's clone(CLONE_NEWPID) returns 2 (cloneflags.c) and nests one level deeper", async () => {
    const k = backend.create();
    const n = await newNs(k); // [2, 1]
    const m = await n.fork({ newPid: true, program: 'reaper' });
    expect(m.nspid).toEqual([3, 2, 1]);
    expect(m.ns.level).toBe(2);
    expect(m.ns.chain).toEqual([k.init.ns.id, n.ns.id, m.ns.id]);
    expect(await nsParent(k, m.ns)).toBe(n.ns.id);
    expect(await m.getppid()).toBe(0);
    expect((await n.procfs().status(2)).ppid).toBe(1);
    expect(await k.checkInvariants()).toEqual([]);
  });

  // --- 2.2 unshare(CLONE_NEWPID) ---------------------------------------------------

  it('2.2 unshare(CLONE_NEWPID) leaves the caller where it is; its children are 1, 2, 3 there, each with getppid() 0', async () => {
    const k = backend.create();
    const p = await k.init.fork({ program: 'idle', name: 'p' }); // 2
    await p.unshare({ newPid: true });
    expect(await p.getpid()).toBe(2);
    expect(await nsLink(p, 'pid')).toBe(ROOT_NS_LINK);
    const pfc = (await p.info()).pidForChildren;
    expect(pfc.id).not.toBe(k.init.ns.id);
    expect(pfc.level).toBe(1);
    const c1 = await p.fork({ program: 'idle' });
    const c2 = await p.fork({ program: 'idle' });
    const c3 = await p.fork({ program: 'idle' });
    expect([c1.nspid, c2.nspid, c3.nspid]).toEqual([
      [3, 1],
      [4, 2],
      [5, 3],
    ]);
    for (const c of [c1, c2, c3]) {
      expect(c.ns.id).toBe(pfc.id);
      expect(await c.getppid()).toBe(0);
      expect(await hostPpid(k, c)).toBe(2);
    }
    expect((await k.procfs(pfc).list()).map((e) => [e.pid, e.ppid])).toEqual([
      [1, 0],
      [2, 0],
      [3, 0],
    ]);
    // The caller still is, and stays, in the root namespace.
    expect(p.ns.id).toBe(k.init.ns.id);
    expect(await p.getpid()).toBe(2);
    expect(await k.checkInvariants()).toEqual([]);
  });

  // --- 2.3 pid_for_children before the first child ---------------------------------

  it('2.3 pid_for_children is ENOENT between unshare and the first fork, then shows the new namespace, also after its init died', async () => {
    const k = backend.create();
    const p = await k.init.fork({ program: 'idle', name: 'p' }); // 2
    expect(await nsLink(p, 'pid_for_children')).toBe(ROOT_NS_LINK);
    await p.unshare({ newPid: true });
    expect(await nsLink(p, 'pid')).toBe(ROOT_NS_LINK);
    expect(await nsLink(p, 'pid_for_children')).toBe('ERR ENOENT');
    expect(await errnoOf(k.procfs(k.init.ns).readNsLink(2, 'pid_for_children'))).toBe('ENOENT');
    expect(await errnoOf(p.openNs('self', 'pid_for_children'))).toBe('ENOENT');
    const c1 = await p.fork({ program: 'idle' });
    const link = `pid:[${c1.ns.inode}]`;
    expect(await nsLink(p, 'pid_for_children')).toBe(link);
    expect(await k.procfs(k.init.ns).readNsLink(2, 'pid_for_children')).toBe(link);
    await c1.exit(0);
    await k.settled();
    expect(await nsLink(p, 'pid_for_children')).toBe(link);
    await p.wait(c1.nspid[0]!);
    await k.settled();
    expect(await nsLink(p, 'pid_for_children')).toBe(link);
    expect(await k.checkInvariants()).toEqual([]);
  });

  // --- 2.4 a second unshare --------------------------------------------------------

  it('2.4 a second unshare(CLONE_NEWPID) is EINVAL, before and after the first child; so is clone(CLONE_NEWPID)', async () => {
    const k = backend.create();
    const p = await k.init.fork({ program: 'idle', name: 'p' });
    await p.unshare({ newPid: true });
    const pfc = (await p.info()).pidForChildren;
    expect(await errnoOf(p.unshare({ newPid: true }))).toBe('EINVAL');
    // Verified on the lab kernel: clone(CLONE_NEWPID) after unshare(CLONE_NEWPID) -> EINVAL.
    expect(await errnoOf(p.fork({ newPid: true, program: 'reaper' }))).toBe('EINVAL');
    expect((await p.info()).pidForChildren.id).toBe(pfc.id);
    const c1 = await p.fork({ program: 'idle' });
    expect(c1.pid).toBe(1);
    expect(await errnoOf(p.unshare({ newPid: true }))).toBe('EINVAL');
    expect(await errnoOf(p.fork({ newPid: true, program: 'reaper' }))).toBe('EINVAL');
    expect((await p.fork({ program: 'idle' })).nspid).toEqual([4, 2]);
    expect(await k.checkInvariants()).toEqual([]);
  });

  it('2.4 after setns into a child namespace unshare(CLONE_NEWPID) is EINVAL; setns back to its own namespace lifts that', async () => {
    const k = backend.create();
    const n = await newNs(k);
    const q = await k.init.fork({ program: 'idle', name: 'q' }); // 3
    const h = await k.init.openNs(n.nspid[0]!);
    const own = await q.openNs('self');
    await q.setns(h);
    expect(await errnoOf(q.unshare({ newPid: true }))).toBe('EINVAL');
    expect(await errnoOf(q.fork({ newPid: true, program: 'reaper' }))).toBe('EINVAL');
    // Verified on the lab kernel: setns(own) resets pid_for_children; unshare again -> 0, child getpid 1.
    await q.setns(own);
    expect(await nsLink(q, 'pid_for_children')).toBe(ROOT_NS_LINK);
    expect(await errnoOf(q.unshare({ newPid: true }))).toBe('ok');
    const c = await q.fork({ program: 'idle' });
    expect(c.pid).toBe(1);
    expect(c.ns.id).not.toBe(n.ns.id);
    expect(c.ns.level).toBe(1);
    h.close();
    own.close();
    expect(await k.checkInvariants()).toEqual([]);
  });

  // --- 2.5 ENOMEM once the init of an unshared namespace is gone --------------------

  it('2.5 after the unshared namespace\'s init exits, forks by the unsharer fail ENOMEM, already while init is dying (enomem.c)', async () => {
    const k = backend.create();
    const p = await k.init.fork({ program: 'idle', name: 'p' }); // 2
    await p.unshare({ newPid: true });
    const c1 = await p.fork({ program: 'idle' }); // [3, 1]
    const c2 = await p.fork({ program: 'idle' }); // [4, 2]
    expect([c1.pid, c2.pid]).toEqual([1, 2]);
    await c1.exit(3);
    await k.settled();
    // init waits in zap_pid_ns_processes() for c2, whose parent p (outside) has not reaped it (6.3).
    expect((await p.wait(3, { nohang: true })).pid).toBe(0);
    expect(await errnoOf(p.fork({ program: 'idle' }))).toBe('ENOMEM');
    const w2 = await p.wait(4);
    expect(w2.change).toEqual({ kind: 'killed', signal: SIGKILL, core: false });
    const w1 = await p.wait(3);
    expect(w1.change).toEqual({ kind: 'exited', code: 3 });
    await k.settled();
    expect(await errnoOf(p.fork({ program: 'idle' }))).toBe('ENOMEM');
    expect(await nsLink(p, 'pid_for_children')).toBe(`pid:[${c1.ns.inode}]`);
    expect(await k.checkInvariants()).toEqual([]);
  });

  it("2.5 `unshare --pid sh -c` without --fork: the first child is pid 1, the next fork is 'Cannot fork' (proc_view.sh)", async () => {
    const k = backend.create();
    const sh = await k.init.fork({ program: 'reaper', name: 'sh' });
    await sh.unshare({ newPid: true });
    const first = await sh.fork({ program: { name: 'exit', code: 0 }, name: 'sh' });
    expect(first.pid).toBe(1);
    await k.settled(); // it exited and sh reaped it
    expect(await errnoOf(sh.fork({ program: 'idle' }))).toBe('ENOMEM');
    expect(await errnoOf(sh.fork({ program: 'idle' }))).toBe('ENOMEM');
    expect(await k.checkInvariants()).toEqual([]);
  });

  it('2.5 a process that setns\'ed into a namespace earlier gets ENOMEM once that namespace\'s init died (setns_teardown.c)', async () => {
    const k = backend.create();
    const n = await newNs(k); // [2, 1]
    await n.fork({ program: 'idle' }); // N 2
    const q = await k.init.fork({ program: 'idle', name: 'q' }); // 4
    const h = await k.init.openNs(n.nspid[0]!);
    await q.setns(h);
    h.close();
    const c = await q.fork({ program: 'idle' });
    expect(c.nspid).toEqual([5, 3]);
    await k.init.kill(n.nspid[0]!, 'KILL');
    await k.settled();
    expect(await errnoOf(q.fork({ program: 'idle' }))).toBe('ENOMEM');
    const w = await q.wait(-1);
    expect(w.pid).toBe(5);
    expect(w.change).toEqual({ kind: 'killed', signal: SIGKILL, core: false });
    await k.settled();
    expect(await errnoOf(q.fork({ program: 'idle' }))).toBe('ENOMEM');
    expect(await k.checkInvariants()).toEqual([]);
  });

  // --- 2.6 setns ---------------------------------------------------------------------

  it('2.6 setns into an ancestor or a sibling is EINVAL, into its own namespace 0 (setns_teardown.c)', async () => {
    const k = backend.create();
    const a = await newNs(k);
    const b = await newNs(k);
    const hRoot = await k.init.openNs('self');
    const hB = await k.init.openNs(b.nspid[0]!);
    const hOwn = await a.openNs('self');
    expect(await errnoOf(a.setns(hRoot))).toBe('EINVAL');
    expect(await errnoOf(a.setns(hB))).toBe('EINVAL');
    expect(await errnoOf(a.setns(hOwn))).toBe('ok');
    expect(await nsLink(a, 'pid_for_children')).toBe(`pid:[${a.ns.inode}]`);
    // A cousin is not a descendant either; a grandchild is.
    const a1 = await a.fork({ newPid: true, program: 'reaper' });
    const b1 = await b.fork({ newPid: true, program: 'reaper' });
    const a2 = await a1.fork({ newPid: true, program: 'reaper' });
    const x = await a.fork({ program: 'idle' });
    expect(await errnoOf(x.setns(await k.init.openNs(b1.nspid[0]!)))).toBe('EINVAL');
    expect(await errnoOf(x.setns(await k.init.openNs(a2.nspid[0]!)))).toBe('ok');
    expect(await nsLink(x, 'pid_for_children')).toBe(`pid:[${a2.ns.inode}]`);
    expect(await k.checkInvariants()).toEqual([]);
  });

  it('2.6 setns moves only pid_for_children: the caller keeps its PID, its next child is 3 in the target with getppid() 0', async () => {
    const k = backend.create();
    const n = await newNs(k); // [2, 1]
    await n.fork({ program: 'idle' }); // N 2
    const p = await k.init.fork({ program: 'idle', name: 'p' }); // 4
    const h = await k.init.openNs(n.nspid[0]!);
    await p.setns(h);
    expect(await p.getpid()).toBe(4);
    expect(await p.getppid()).toBe(1);
    expect(await nsLink(p, 'pid')).toBe(ROOT_NS_LINK);
    expect(await nsLink(p, 'pid_for_children')).toBe(`pid:[${n.ns.inode}]`);
    const c = await p.fork({ program: 'idle', name: 'nsenter' });
    expect(c.nspid).toEqual([5, 3]);
    expect(c.ns.id).toBe(n.ns.id);
    expect(await c.getpid()).toBe(3);
    expect(await c.getppid()).toBe(0);
    expect(await hostPpid(k, c)).toBe(4);
    expect(await nsLink(c, 'pid')).toBe(`pid:[${n.ns.inode}]`);
    expect(await nsLink(c, 'pid_for_children')).toBe(`pid:[${n.ns.inode}]`);
    // setns into its own namespace resets pid_for_children.
    await p.setns(await p.openNs('self'));
    const d = await p.fork({ program: 'idle' });
    expect(d.nspid).toEqual([6]);
    expect(await d.getppid()).toBe(4);
    h.close();
    expect(await k.checkInvariants()).toEqual([]);
  });

  it('2.6 setns into a namespace two levels down: the child lives there and its parent is two levels up', async () => {
    const k = backend.create();
    const [, n2] = await nest(k, 2); // n2: [3, 2, 1]
    const p = await k.init.fork({ program: 'idle', name: 'p' }); // 4
    await p.setns(await k.init.openNs(n2!.nspid[0]!));
    const c = await p.fork({ program: 'idle' });
    expect(c.nspid).toEqual([5, 3, 2]);
    expect(c.ns.level).toBe(2);
    expect(await c.getppid()).toBe(0);
    expect(await hostPpid(k, c)).toBe(4);
    expect(await k.checkInvariants()).toEqual([]);
  });

  it('2.6 setns needs CAP_SYS_ADMIN over the target\'s user namespace and the caller\'s (EPERM)', async () => {
    const k = backend.create();
    const n = await newNs(k);
    const h = await k.init.openNs(n.nspid[0]!);
    const u = await k.init.fork({ program: 'idle', name: 'nobody' });
    await u.dropPrivileges();
    expect(await errnoOf(u.setns(h))).toBe('EPERM');
    expect(await errnoOf(u.setns(await u.openNs('self')))).toBe('EPERM');
    // Verified on the lab kernel: root of a child user ns -> setns into a pid ns owned by the initial user ns -> EPERM.
    const r = await k.init.fork({ newUser: true, program: 'idle', name: 'userns-root' });
    expect(await errnoOf(r.setns(h))).toBe('EPERM');
    expect(await nsLink(r, 'pid_for_children')).toBe(ROOT_NS_LINK);
    // ...but a namespace its own user namespace owns is fine.
    const m = await r.fork({ newPid: true, program: 'reaper' });
    expect(await errnoOf(r.setns(await k.init.openNs(m.nspid[0]!)))).toBe('ok');
    expect((await r.fork({ program: 'idle' })).pid).toBe(2);
    h.close();
    expect(await k.checkInvariants()).toEqual([]);
  });

  // --- 2.7 CLONE_THREAD's EINVAL rules (threads: threads.test.ts) ------------------

  it('2.7 CLONE_THREAD with CLONE_NEWPID or CLONE_NEWUSER is EINVAL', async () => {
    const k = backend.create();
    const p = await k.init.fork({ program: 'idle' });
    expect(await errnoOf(p.fork({ thread: true, newPid: true }))).toBe('EINVAL');
    expect(await errnoOf(p.fork({ thread: true, newUser: true }))).toBe('EINVAL');
    expect(await errnoOf(p.fork({ thread: true, newPid: true, newUser: true }))).toBe('EINVAL');
    expect(await p.procfs().pids()).toEqual([1, 2]);
  });

  it('2.7 once pid_for_children differs from the active namespace (unshare or setns), CLONE_THREAD is EINVAL', async () => {
    const k = backend.create();
    const p = await k.init.fork({ program: 'idle' });
    await p.unshare({ newPid: true });
    expect(await errnoOf(p.fork({ thread: true }))).toBe('EINVAL');
    await p.fork({ program: 'idle' });
    expect(await errnoOf(p.fork({ thread: true }))).toBe('EINVAL');
    const n = await newNs(k);
    const q = await k.init.fork({ program: 'idle' });
    await q.setns(await k.init.openNs(n.nspid[0]!));
    expect(await errnoOf(q.fork({ thread: true }))).toBe('EINVAL');
  });

  // --- 2.8 CLONE_PARENT ----------------------------------------------------------------

  it('2.8 CLONE_PARENT from a namespace init (or the global init) is EINVAL', async () => {
    const k = backend.create();
    const n = await newNs(k);
    expect(await errnoOf(n.fork({ parent: true, program: 'idle' }))).toBe('EINVAL');
    expect(await errnoOf(k.init.fork({ parent: true, program: 'idle' }))).toBe('EINVAL');
    expect(await n.procfs().pids()).toEqual([1]);
  });

  it("2.8 CLONE_PARENT from a non-init works: the child is the caller's sibling (cloneflags.c: 4 ok)", async () => {
    const k = backend.create();
    const n = await newNs(k); // [2, 1]
    const m = await n.fork({ newPid: true, program: 'reaper' }); // N 2 (cloneflags.c: "clone CLONE_NEWPID -> 2")
    expect(m.nspid).toEqual([3, 2, 1]);
    const x = await n.fork({ program: 'idle', name: 'x' }); // N 3
    const s = await x.fork({ parent: true, program: 'idle', name: 'sibling' });
    expect(s.pid).toBe(4);
    expect(await s.getppid()).toBe(1);
    expect((await n.procfs().status(4)).ppid).toBe(1);
    expect(await errnoOf(x.wait(-1, { nohang: true }))).toBe('ECHILD');
    expect(await k.checkInvariants()).toEqual([]);
  });

  it("2.8 CLONE_NEWPID|CLONE_PARENT from a non-init works on 6.18: the new init's parent is the caller's parent", async () => {
    const k = backend.create();
    const p = await k.init.fork({ program: 'idle', name: 'p' }); // 2
    const c = await p.fork({ newPid: true, parent: true, program: 'reaper' });
    expect(c.nspid).toEqual([3, 1]);
    expect(await c.getppid()).toBe(0);
    expect(await hostPpid(k, c)).toBe(1);
    expect(await errnoOf(p.wait(-1, { nohang: true }))).toBe('ECHILD');
    expect(await k.checkInvariants()).toEqual([]);
  });

  it('2.8 CLONE_PARENT from a non-init whose parent is outside its namespace: the child gets that outside parent', async () => {
    const k = backend.create();
    const p = await k.init.fork({ program: 'idle', name: 'p' }); // 2
    await p.unshare({ newPid: true });
    await p.fork({ program: 'reaper' }); // [3, 1]
    const c2 = await p.fork({ program: 'idle' }); // [4, 2]
    const s = await c2.fork({ parent: true, program: { name: 'exit', code: 6 } });
    expect(s.nspid).toEqual([5, 3]);
    await k.settled();
    const w = await p.wait(5);
    expect(w.change).toEqual({ kind: 'exited', code: 6 });
    expect(await k.checkInvariants()).toEqual([]);
  });

  // --- 2.9 privileges ------------------------------------------------------------------

  it('2.9 without CAP_SYS_ADMIN unshare(CLONE_NEWPID) and clone(CLONE_NEWPID) are EPERM; with CLONE_NEWUSER they work', async () => {
    const k = backend.create();
    const u = await k.init.fork({ program: 'idle', name: 'nobody' });
    await u.dropPrivileges();
    expect(await errnoOf(u.unshare({ newPid: true }))).toBe('EPERM');
    expect(await errnoOf(u.fork({ newPid: true, program: 'reaper' }))).toBe('EPERM');
    expect((await u.info()).pidForChildren.id).toBe(k.init.ns.id);
    const c = await u.fork({ newPid: true, newUser: true, program: 'reaper' });
    expect(c.pid).toBe(1);
    expect(await errnoOf(u.unshare({ newUser: true, newPid: true }))).toBe('ok');
    const d = await u.fork({ program: 'reaper' });
    expect(d.pid).toBe(1);
    expect(d.ns.id).not.toBe(c.ns.id);
    expect(await k.checkInvariants()).toEqual([]);
  });

  it('2.9 the namespace made together with CLONE_NEWUSER is owned by the new user namespace', async () => {
    // Its init holds CAP_SYS_ADMIN over it: writing ns_last_pid (1.7) succeeds there and nowhere above.
    const k = backend.create();
    const u = await k.init.fork({ program: 'idle', name: 'nobody' });
    await u.dropPrivileges();
    await u.unshare({ newUser: true, newPid: true });
    const i = await u.fork({ program: 'reaper' });
    expect(await errnoOf(i.writeSysctl('ns_last_pid', 50))).toBe('ok');
    expect((await i.fork({ program: 'idle' })).pid).toBe(51);
    expect(await errnoOf(u.writeSysctl('ns_last_pid', 50))).toBe('EPERM');
  });

  // --- 2.10 depth ----------------------------------------------------------------------

  it('2.10 namespaces nest 32 deep; a 33rd level is ENOSPC (depth.c)', async () => {
    const k = backend.create();
    const inits = await nest(k, 32);
    const deepest = inits[31]!;
    expect(deepest.ns.level).toBe(32);
    expect(deepest.nspid).toEqual(Array.from({ length: 33 }, (_, i) => 33 - i));
    expect(await errnoOf(deepest.fork({ newPid: true, program: 'reaper' }))).toBe('ENOSPC');
    expect(await errnoOf(deepest.unshare({ newPid: true }))).toBe('ENOSPC');
    expect(await errnoOf(deepest.fork({ newPid: true, newUser: true, program: 'reaper' }))).toBe('ENOSPC');
    const x = await deepest.fork({ program: 'idle' });
    expect(x.pid).toBe(2);
    expect(await errnoOf(x.unshare({ newPid: true }))).toBe('ENOSPC');
    expect((await x.info()).pidForChildren.id).toBe(deepest.ns.id);
    expect(await k.checkInvariants()).toEqual([]);
  });

  it('2.10 unshare at level 31 still makes a level-32 namespace', async () => {
    const k = backend.create();
    const inits = await nest(k, 31);
    const y = await inits[30]!.fork({ program: 'idle' });
    await y.unshare({ newPid: true });
    const c = await y.fork({ program: 'reaper' });
    expect(c.pid).toBe(1);
    expect(c.ns.level).toBe(32);
    expect(await errnoOf(c.unshare({ newPid: true }))).toBe('ENOSPC');
  });

  // --- 2.11 the namespace tree mirrors the process tree ---------------------------

  it("2.11 a new namespace's parent is its creator's active namespace, and every process's parent is in its namespace or an ancestor", async () => {
    const k = backend.create();
    const a = await newNs(k);
    const b = await a.fork({ newPid: true, program: 'reaper' });
    const x = await a.fork({ program: 'idle' });
    await x.unshare({ newPid: true });
    const y = await x.fork({ program: 'reaper' });
    expect(await nsParent(k, a.ns)).toBe(k.init.ns.id);
    expect(await nsParent(k, b.ns)).toBe(a.ns.id);
    expect(await nsParent(k, y.ns)).toBe(a.ns.id);
    expect(y.ns.chain).toEqual([k.init.ns.id, a.ns.id, y.ns.id]);
    expect(await y.getppid()).toBe(0);
    // A setns'ed child (5.10) may have its parent any number of levels up.
    const q = await k.init.fork({ program: 'idle' });
    await q.setns(await k.init.openNs(b.nspid[0]!));
    const z = await q.fork({ program: 'idle' });
    expect(z.ns.id).toBe(b.ns.id);
    await k.settled();
    const snap = await k.snapshot();
    const procs = snap.namespaces.flatMap((n) => n.procs);
    for (const p of procs) {
      if (p.parent === null) continue;
      const parentChain = p.parentChain!;
      // The parent's namespace is the child's or an ancestor of it...
      expect(p.chain.slice(0, parentChain.length)).toEqual(parentChain);
      // ...and at most one level up, except for the setns'ed child.
      if (p.key !== z.key) expect(p.chain.length - parentChain.length).toBeLessThanOrEqual(1);
    }
    expect(procs.find((p) => p.key === z.key)!.parentChain).toEqual([k.init.ns.id]);
    expect(await k.checkInvariants()).toEqual([]);
  });

  // --- 2.12 max_pid_namespaces ----------------------------------------------------

  /** The identity uid and gid maps "0 0 4294967295" for `p`'s user namespace, written by `by` (in its parent user namespace). */
  async function mapIdentity(k: Kernel, p: Process, by: Process = k.init): Promise<void> {
    await by.writeUidMap(p.pidIn(by.ns), '0 0 4294967295');
    await by.writeGidMap(p.pidIn(by.ns), '0 0 4294967295');
  }

  it('2.12 with max_pid_namespaces=2 in a child user namespace, the third nested unshare is ENOSPC (maxpidns.c)', async () => {
    const k = backend.create();
    const u = await k.init.fork({ newUser: true, program: 'idle', name: 'userns' });
    await mapIdentity(k, u); // as maxpidns.c does: nested user namespaces need the creator's ids mapped
    await u.writeSysctl('max_pid_namespaces', 2);
    expect(await u.readSysctl('max_pid_namespaces')).toBe(2);
    await u.unshare({ newPid: true }); // level 0: ok
    const l1 = await u.fork({ program: 'reaper' });
    await l1.unshare({ newPid: true }); // level 1: ok
    const l2 = await l1.fork({ program: 'reaper' });
    expect(l2.ns.level).toBe(2);
    expect(await errnoOf(l2.unshare({ newPid: true }))).toBe('ENOSPC'); // level 2
    expect(await errnoOf(l2.fork({ newPid: true, program: 'reaper' }))).toBe('ENOSPC');
    expect(await errnoOf(l2.fork({ newPid: true, newUser: true, program: 'reaper' }))).toBe('ENOSPC');
    expect((await l2.info()).pidForChildren.id).toBe(l2.ns.id);
    // The limit is per user namespace: the initial one is not affected.
    expect((await k.init.fork({ newPid: true, program: 'reaper' })).pid).toBe(1);
    expect(await k.checkInvariants()).toEqual([]);
  });

  it('2.12 namespaces created in a descendant user namespace count against an ancestor\'s limit', async () => {
    const k = backend.create();
    const u = await k.init.fork({ newUser: true, program: 'idle', name: 'userns' });
    await mapIdentity(k, u);
    await u.writeSysctl('max_pid_namespaces', 1);
    const v = await u.fork({ newUser: true, program: 'idle', name: 'child-userns' });
    await mapIdentity(k, v, u);
    await v.unshare({ newPid: true }); // counted in v's user ns and in u's: u's is now full
    const r = await u.fork({ program: 'idle' });
    expect(await errnoOf(r.unshare({ newPid: true }))).toBe('ENOSPC');
    expect(await errnoOf(u.fork({ newPid: true, program: 'reaper' }))).toBe('ENOSPC');
    const w = await u.fork({ newUser: true, program: 'idle', name: 'other-child-userns' });
    expect(await errnoOf(w.unshare({ newPid: true }))).toBe('ENOSPC');
    expect(await errnoOf(u.fork({ newUser: true, newPid: true, program: 'reaper' }))).toBe('ENOSPC');
    expect(await errnoOf(v.fork({ newPid: true, newUser: true, program: 'reaper' }))).toBe('EINVAL'); // 2.4 first
  });

  it("2.12 a new user namespace starts with max_pid_namespaces 2147483647, not its parent's value", async () => {
    // Verified on the lab kernel: `unshare --user --map-root-user cat /proc/sys/user/max_pid_namespaces`
    // -> 2147483647 (kernel/user_namespace.c create_user_ns(): "ns->ucount_max[i] = INT_MAX").
    const k = backend.create();
    const u = await k.init.fork({ newUser: true, program: 'idle', name: 'userns' });
    await mapIdentity(k, u);
    expect(await u.readSysctl('max_pid_namespaces')).toBe(2147483647);
    await u.writeSysctl('max_pid_namespaces', 1);
    const v = await u.fork({ newUser: true, program: 'idle', name: 'child-userns' });
    expect(await v.readSysctl('max_pid_namespaces')).toBe(2147483647);
    expect(await u.readSysctl('max_pid_namespaces')).toBe(1);
  });

  it('2.12 a namespace stops counting once it is freed', async () => {
    const k = backend.create();
    const u = await k.init.fork({ newUser: true, program: 'idle', name: 'userns' });
    await u.writeSysctl('max_pid_namespaces', 1);
    const x = await u.fork({ newPid: true, program: 'reaper' });
    expect(await errnoOf(u.fork({ newPid: true, program: 'reaper' }))).toBe('ENOSPC');
    await x.exit(0);
    await k.settled();
    expect(await errnoOf(u.fork({ newPid: true, program: 'reaper' }))).toBe('ENOSPC'); // the zombie init holds it
    await u.wait(x.nspid[0]!);
    // On Linux the namespace (and its count) goes after an RCU grace period,
    // ~100 ms on the lab kernel; the emulator frees it at once, by quiescence.
    await k.settled();
    const y = await u.fork({ newPid: true, program: 'reaper' });
    expect(y.pid).toBe(1);
    expect(await k.checkInvariants()).toEqual([]);
  });

  // --- 2.13 namespace lifetime -----------------------------------------------------

  it('2.13 an open handle keeps a namespace after its init died: setns into it works, forks there fail ENOMEM (deadns.c)', async () => {
    const k = backend.create();
    const n = await newNs(k);
    const h = await k.init.openNs(n.nspid[0]!);
    expect(h.toString()).toBe(`pid:[${n.ns.inode}]`);
    await endNs(k, n);
    expect(await errnoOf(k.init.kill(n.nspid[0]!, 0))).toBe('ESRCH');
    expect(await nsState(k, n.ns)).toBe('dead');
    expect((await k.snapshot()).namespaces.some((a) => a.ns.id === n.ns.id)).toBe(true);
    const m = await newNs(k);
    expect(m.ns.inode).not.toBe(n.ns.inode);
    const q = await k.init.fork({ program: 'idle', name: 'q' });
    expect(await errnoOf(q.setns(h))).toBe('ok');
    expect(await nsLink(q, 'pid_for_children')).toBe(`pid:[${n.ns.inode}]`);
    expect(await errnoOf(q.fork({ program: 'idle' }))).toBe('ENOMEM');
    h.close();
    await k.settled();
    // q's pid_for_children still refers to it.
    expect((await k.snapshot()).namespaces.some((a) => a.ns.id === n.ns.id)).toBe(true);
    expect(await nsLink(q, 'pid_for_children')).toBe(`pid:[${n.ns.inode}]`);
    expect(await k.checkInvariants()).toEqual([]);
  });

  it('2.13 the inode number of a freed namespace is handed out again, the lowest free first', async () => {
    // Verified on the lab kernel: A B C = 177 178 179; free B -> D 178; free A then C
    // -> E 177, F 179, G new; free F then E -> H 177. (Linux frees a namespace after an
    // RCU grace period; the emulator does so at quiescence, which k.settled() awaits.)
    const k = backend.create();
    const a = await newNs(k);
    const b = await newNs(k);
    const c = await newNs(k);
    const base = a.ns.inode;
    expect([b.ns.inode, c.ns.inode]).toEqual([base + 1, base + 2]);
    await endNs(k, b);
    const d = await newNs(k);
    expect(d.ns.inode).toBe(base + 1);
    await endNs(k, a);
    await endNs(k, c);
    const e = await newNs(k);
    const f = await newNs(k);
    const g = await newNs(k);
    expect([e.ns.inode, f.ns.inode, g.ns.inode]).toEqual([base, base + 2, base + 3]);
    await endNs(k, f);
    await endNs(k, e);
    const h = await newNs(k);
    expect(h.ns.inode).toBe(base);
    expect(await k.checkInvariants()).toEqual([]);
  });

  it('2.13 a namespace held by an open handle keeps its inode until the handle is closed', async () => {
    const k = backend.create();
    const n = await newNs(k);
    const base = n.ns.inode;
    const handle = await k.init.openNs(n.nspid[0]!);
    await endNs(k, n);
    const m = await newNs(k);
    expect(m.ns.inode).toBe(base + 1);
    handle.close();
    await k.settled();
    const o = await newNs(k);
    expect(o.ns.inode).toBe(base);
    expect(await k.checkInvariants()).toEqual([]);
  });

  it("2.13 pid_for_children keeps an unshared namespace after its init was reaped; it goes (and its inode is reused) with the unsharer", async () => {
    const k = backend.create();
    const p = await k.init.fork({ program: 'idle', name: 'p' }); // 2
    await p.unshare({ newPid: true });
    const c1 = await p.fork({ program: 'idle' });
    const inode = c1.ns.inode;
    await c1.exit(0);
    await k.settled();
    await p.wait(c1.nspid[0]!);
    await k.settled();
    expect(await nsState(k, c1.ns)).toBe('dead');
    expect((await k.snapshot()).namespaces.some((a) => a.ns.id === c1.ns.id)).toBe(true);
    expect(await nsLink(p, 'pid_for_children')).toBe(`pid:[${inode}]`);
    const m = await newNs(k);
    expect(m.ns.inode).toBe(inode + 1);
    await p.exit(0);
    await k.settled(); // the global init reaps p; nothing refers to the namespace any more
    const o = await newNs(k);
    expect(o.ns.inode).toBe(inode);
    expect(await k.checkInvariants()).toEqual([]);
  });

  it("2.13 opening and closing /proc/PID/ns/pid_for_children does not drop the process's own reference", async () => {
    const k = backend.create();
    const p = await k.init.fork({ program: 'idle', name: 'p' });
    await p.unshare({ newPid: true });
    const c1 = await p.fork({ program: 'idle' });
    await c1.exit(0);
    await k.settled();
    await p.wait(c1.nspid[0]!);
    await k.settled();
    // Each readlink opens a handle (a reference) and closes it again.
    for (let i = 0; i < 5; i++) expect(await nsLink(p, 'pid_for_children')).toBe(`pid:[${c1.ns.inode}]`);
    await k.settled();
    expect(await nsState(k, c1.ns)).toBe('dead');
    expect((await k.snapshot()).namespaces.some((a) => a.ns.id === c1.ns.id)).toBe(true);
    expect((await newNs(k)).ns.inode).toBe(c1.ns.inode + 1);
    expect(await errnoOf(p.fork({ program: 'idle' }))).toBe('ENOMEM');
    expect(await k.checkInvariants()).toEqual([]);
  });

  it('2.13 a namespace that never got an init is freed with the unsharer, and its inode is reused', async () => {
    const k = backend.create();
    const p = await k.init.fork({ program: 'idle', name: 'p' });
    await p.unshare({ newPid: true });
    const ref = (await p.info()).pidForChildren;
    await p.exit(0);
    await k.settled();
    const n = await newNs(k);
    expect(n.ns.inode).toBe(ref.inode);
    expect(await k.checkInvariants()).toEqual([]);
  });
});
