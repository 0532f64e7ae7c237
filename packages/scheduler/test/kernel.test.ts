// The kernel at the edge (issue 12): after close() every call rejects
// ESHUTDOWN naming its syscall, and nothing waits on a kernel that is gone;
// procfs() of another kernel's namespace is an errno at the call; an event
// listener that throws does not disturb the kernel.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Kernel } from '../src/index.js';
import { forEachTransport, outcome, thrownBy } from './kernels.js';

const shutdown = (syscall: string) => ({
  error: 'KernelError',
  code: 'ESHUTDOWN',
  errno: 108,
  syscall,
  message: `ESHUTDOWN: cannot send after transport endpoint shutdown, ${syscall} (the kernel is closed)`,
});

forEachTransport('a closed kernel', (flavour) => {
  it('rejects every later call with ESHUTDOWN naming the syscall', async () => {
    const k = flavour.create();
    const p = await k.init.fork({ program: 'idle' });
    const container = await k.init.fork({ newPid: true, program: 'reaper' });
    const h = await k.init.openNs(container.nspid[0]!);
    const procfs = k.procfs(k.init.ns);
    await k.close();
    expect(await outcome(p.fork())).toEqual(shutdown('clone'));
    expect(await outcome(p.wait(-1))).toEqual(shutdown('wait4'));
    expect(await outcome(p.kill(1, 'TERM'))).toEqual(shutdown('kill'));
    expect(await outcome(p.getpid())).toEqual(shutdown('getpid'));
    expect(await outcome(p.setns(h))).toEqual(shutdown('setns'));
    expect(await outcome(p.nsParent(h))).toEqual(shutdown('ioctl'));
    expect(await outcome(p.openNs(0))).toEqual(shutdown('open'));
    expect(await outcome(procfs.list())).toEqual(shutdown('getdents64'));
    expect(await outcome(procfs.status(p.nspid[0]!))).toEqual(shutdown('open'));
    expect(await outcome(k.procfs(k.init.ns).status(0))).toEqual(shutdown('open'));
    expect(await outcome(k.snapshot())).toEqual(shutdown('snapshot'));
    expect(await outcome(k.checkInvariants())).toEqual(shutdown('snapshot'));
    expect(await outcome(k.advance(10))).toEqual(shutdown('advance'));
    expect(k.pendingCalls).toBe(0);
  });

  it('settles the calls still pending with ESHUTDOWN: a blocked wait, a call of a stopped process', async () => {
    const k = flavour.create();
    const parent = await k.init.fork({ program: 'idle' });
    await parent.fork({ program: 'idle' });
    const stopped = await k.init.fork({ program: 'idle' });
    await k.init.kill(stopped.pid, 'STOP');
    await k.settled();
    const blocked = outcome(parent.wait(-1));
    const deferred = outcome(stopped.getppid());
    await k.settled();
    expect(k.pendingCalls).toBe(2);
    await k.close();
    expect(await blocked).toEqual(shutdown('wait4'));
    expect(await deferred).toEqual(shutdown('getppid'));
    expect(k.pendingCalls).toBe(0);
  });

  it('settled() resolves once closed: nothing is in flight any more', async () => {
    const k = flavour.create();
    const racing = outcome(k.settled());
    await k.close();
    expect(await racing).toEqual({ value: undefined });
    expect(await outcome(k.settled())).toEqual({ value: undefined });
  });

  it('a snapshot racing close() rejects ESHUTDOWN instead of waiting for a kernel that is gone', async () => {
    const k = flavour.create();
    await k.init.fork({ program: 'idle' });
    const racing = outcome(k.snapshot());
    await k.close();
    expect(await racing).toEqual(shutdown('snapshot'));
  });

  it('an advance() racing close() rejects ESHUTDOWN', async () => {
    const k = flavour.create({ clock: 'manual' });
    await k.init.fork({ program: { name: 'sleep', seconds: 5 } });
    const racing = outcome(k.advance(10_000));
    await k.close();
    expect(await racing).toEqual(shutdown('advance'));
  });

  it('every close() returns the first one, which resolves once the transport has stopped', async () => {
    const k = flavour.create();
    const first = k.close();
    const second = k.close();
    expect(second).toBe(first);
    await second;
    expect(k.closed).toBe(true);
  });
});

forEachTransport('procfs() of another kernel', (flavour) => {
  async function twoKernels() {
    const ours = flavour.create({}, true);
    const theirs = flavour.create();
    await theirs.init.fork({ newPid: true, program: 'reaper' });
    const container = await theirs.init.fork({ newPid: true, program: 'reaper' });
    const handle = await theirs.init.openNs(container.nspid[0]!);
    return { ours, theirs, container, handle };
  }

  it("of its handle throws EINVAL (mount) at once, of its process's namespace too", async () => {
    const { ours, container, handle } = await twoKernels();
    expect(thrownBy(() => ours.procfs(handle))).toEqual({
      error: 'KernelError',
      code: 'EINVAL',
      errno: 22,
      syscall: 'mount',
      message: `EINVAL: invalid argument, mount proc (${handle} is a namespace of another kernel)`,
    });
    expect(thrownBy(() => ours.procfs(container.ns))).toEqual({
      error: 'KernelError',
      code: 'EINVAL',
      errno: 22,
      syscall: 'mount',
      message: `EINVAL: invalid argument, mount proc (pid:[${container.ns.inode}] is not a namespace this kernel gave out)`,
    });
  });

  it('with a reader of another kernel throws EINVAL at once', async () => {
    const { ours, container } = await twoKernels();
    expect(thrownBy(() => ours.procfs(ours.init.ns, container))).toEqual({
      error: 'KernelError',
      code: 'EINVAL',
      errno: 22,
      syscall: 'mount',
      message: `EINVAL: invalid argument, mount proc (the reader, ${container}, is a process of another kernel)`,
    });
  });

  it('takes this kernel\'s namespaces as it gave them: a handle, a process\'s ns, info().pidForChildren, not a copy', async () => {
    const { theirs, container, handle } = await twoKernels();
    const child = await container.fork({ program: 'idle' });
    expect(await theirs.procfs(handle).pids()).toEqual([1, 2]);
    expect(await theirs.procfs(container.ns).pids()).toEqual([1, 2]);
    expect(await theirs.procfs((await child.info()).pidForChildren).pids()).toEqual([1, 2]);
    expect(thrownBy(() => theirs.procfs({ ...container.ns }))).toMatchObject({ code: 'EINVAL', syscall: 'mount' });
    expect(thrownBy(() => theirs.handle(child.key, { ...container.ns }, child.nspid))).toMatchObject({ code: 'EINVAL', syscall: 'handle' });
    expect(await theirs.handle(child.key, container.ns, child.nspid).getpid()).toBe(2);
  });
});

describe('procfs() with what is not a namespace', () => {
  it('throws a TypeError naming the value', async () => {
    const k = new Kernel();
    expect(thrownBy(() => k.procfs('pid:[4026531836]' as never))).toEqual({
      error: 'TypeError',
      message: 'procfs: ns must be a namespace (a process\'s `ns` or an NsHandle), received "pid:[4026531836]"',
    });
    expect(thrownBy(() => k.procfs(k.init.ns, { pid: 1 } as never))).toEqual({ error: 'TypeError', message: 'procfs: reader must be a Process, received {"pid":1}' });
    await k.close();
  });
});

describe('an event listener that throws', () => {
  // In a child process, since the listener's error is meant to reach the host as
  // an uncaught exception, which would fail this test run if it happened here.
  it('leaves the kernel consistent; its own error reaches the host, on its own', () => {
    const entry = fileURLToPath(new URL('../dist/index.js', import.meta.url));
    const script = `
      import { Kernel } from ${JSON.stringify(entry)};
      const seen = [];
      process.on('uncaughtException', (e) => seen.push(e.message));
      for (const transport of ['inline', 'threads']) {
        const k = new Kernel({ transport, workers: 1 });
        let forks = 0;
        k.subscribe((e) => { if (e.type === 'fork' && ++forks === 2) throw new Error('listener failed on ' + transport); });
        const c = await k.init.fork({ program: 'idle' });
        const d = await k.init.fork({ program: 'idle' });
        const e = await k.init.fork({ program: 'idle' });
        await k.settled();
        console.log(transport, [c.pid, d.pid, e.pid].join(' '), JSON.stringify(await k.checkInvariants()));
        await k.close();
      }
      console.log(JSON.stringify(seen));
    `;
    // A file, not `-e`: worker threads inherit the parent's execArgv, and `--input-type` would stop them.
    const dir = mkdtempSync(join(tmpdir(), 'pidsim-listener-'));
    let out: string;
    try {
      writeFileSync(join(dir, 'listener.mjs'), script);
      out = execFileSync(process.execPath, [join(dir, 'listener.mjs')], { encoding: 'utf8' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(out).toBe('inline 2 3 4 []\nthreads 2 3 4 []\n["listener failed on inline","listener failed on threads"]\n');
  });
});
