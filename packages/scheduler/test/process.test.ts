// The process handle at the edge (issue 12): a namespace handle of another
// kernel, or a closed one, is refused at the call with an errno and changes
// nothing; a reaped process's calls fail ESRCH with a message naming no
// internal id; bad arguments throw a TypeError naming the argument and value.

import { describe, expect, it } from 'vitest';
import { Kernel } from '../src/index.js';
import { forEachTransport, outcome } from './kernels.js';

forEachTransport('namespace handles of another kernel', (flavour) => {
  /**
   * Two kernels; `ours` has one container, `theirs` two, so the handle on
   * theirs' second container names a namespace id `ours` never gave out.
   */
  async function twoKernels() {
    const ours = flavour.create({}, true);
    const theirs = flavour.create();
    const caller = await ours.init.fork({ program: 'idle', name: 'caller' });
    const mine = await ours.init.fork({ newPid: true, program: 'reaper', name: 'mine' });
    await theirs.init.fork({ newPid: true, program: 'reaper', name: 'first' });
    const container = await theirs.init.fork({ newPid: true, program: 'reaper', name: 'second' });
    const foreign = await theirs.init.openNs(container.nspid[0]!);
    return { ours, theirs, caller, mine, foreign };
  }

  it('setns() with it rejects EINVAL naming the namespace, and the caller keeps its pid_for_children', async () => {
    const { ours, theirs, caller, foreign } = await twoKernels();
    expect(await outcome(caller.setns(foreign))).toEqual({
      error: 'KernelError',
      code: 'EINVAL',
      errno: 22,
      syscall: 'setns',
      message: `EINVAL: invalid argument, setns (${foreign} is a namespace of another kernel)`,
    });
    expect((await caller.info()).pidForChildren).toEqual(caller.ns);
    const child = await caller.fork({ program: 'idle' });
    expect(child.ns).toBe(caller.ns);
    await ours.settled();
    expect(await ours.checkInvariants()).toEqual([]);
    expect(await theirs.checkInvariants()).toEqual([]);
  });

  it.each([
    ['nsParent', (p: Awaited<ReturnType<typeof twoKernels>>) => p.caller.nsParent(p.foreign)],
    ['pidFromNs', (p: Awaited<ReturnType<typeof twoKernels>>) => p.caller.pidFromNs(p.foreign, 1)],
    ['pidInNs', (p: Awaited<ReturnType<typeof twoKernels>>) => p.caller.pidInNs(p.foreign, 1)],
  ])('%s() with it rejects EINVAL (ioctl)', async (_name, call) => {
    const k = await twoKernels();
    expect(await outcome(call(k))).toEqual({
      error: 'KernelError',
      code: 'EINVAL',
      errno: 22,
      syscall: 'ioctl',
      message: `EINVAL: invalid argument, ioctl (${k.foreign} is a namespace of another kernel)`,
    });
    expect(await k.ours.checkInvariants()).toEqual([]);
  });

  it("a closed kernel's handle is still another kernel's: EINVAL; its own processes get ESHUTDOWN", async () => {
    const { theirs, caller, foreign } = await twoKernels();
    const theirInit = theirs.init;
    await theirs.close();
    expect(await outcome(caller.setns(foreign))).toMatchObject({ code: 'EINVAL', syscall: 'setns' });
    expect(await outcome(theirInit.setns(foreign))).toMatchObject({
      code: 'ESHUTDOWN',
      errno: 108,
      syscall: 'setns',
      message: 'ESHUTDOWN: cannot send after transport endpoint shutdown, setns (the kernel is closed)',
    });
  });
});

forEachTransport('closed namespace handles', (flavour) => {
  it('setns() and the ioctls reject EBADF, as with a closed fd, and the namespace is not joined', async () => {
    const k = flavour.create();
    const runtime = await k.init.fork({ program: 'idle', name: 'runtime' });
    const container = await runtime.fork({ newPid: true, program: 'reaper', name: 'tini' });
    const h = await k.init.openNs(container.nspid[0]!);
    h.close();
    expect(h.open).toBe(false);
    const ebadf = (syscall: string) => ({
      error: 'KernelError',
      code: 'EBADF',
      errno: 9,
      syscall,
      message: `EBADF: bad file descriptor, ${syscall} (the handle of ${h} is closed)`,
    });
    expect(await outcome(runtime.setns(h))).toEqual(ebadf('setns'));
    expect(await outcome(runtime.nsParent(h))).toEqual(ebadf('ioctl'));
    expect(await outcome(runtime.pidFromNs(h, 1))).toEqual(ebadf('ioctl'));
    expect(await outcome(runtime.pidInNs(h, 1))).toEqual(ebadf('ioctl'));
    expect((await runtime.info()).pidForChildren).toEqual(runtime.ns);
    expect(await k.checkInvariants()).toEqual([]);
  });

  it('close() after kernel.close() releases nothing and throws nothing', async () => {
    const k = flavour.create();
    const container = await k.init.fork({ newPid: true, program: 'reaper' });
    const h = await k.init.openNs(container.nspid[0]!);
    await k.close();
    expect(() => h.close()).not.toThrow();
    expect(h.open).toBe(false);
  });
});

forEachTransport('calls of a process that was reaped', (flavour) => {
  it('fail ESRCH with a message that names no internal id', async () => {
    const k = flavour.create();
    const parent = await k.init.fork({ program: 'idle', name: 'parent' });
    const child = await parent.fork({ program: 'idle', name: 'child' });
    await child.exit(0);
    await parent.wait(child.pid);
    expect(await outcome(child.getpid())).toEqual({
      error: 'KernelError',
      code: 'ESRCH',
      errno: 3,
      syscall: 'getpid',
      message: 'ESRCH: no such process, getpid (the calling process no longer exists (it was reaped))',
    });
  });
});

describe('bad arguments to a process call', () => {
  it.each([
    ['setns(a non-handle)', (k: Kernel) => k.init.setns({ inode: 1 } as never), /^setns: expected an NsHandle from openNs\(\), received \{"inode":1\}$/],
    ['wait with a non-boolean flag', (k: Kernel) => k.init.wait(-1, { nohang: 1 as never }), /^wait: option `nohang` must be true or false, received 1$/],
    ['kill with a non-boolean report', (k: Kernel) => k.init.kill(1, 0, { report: 'yes' as never }), /^kill: option `report` must be true or false, received "yes"$/],
    ['sigaction with a non-boolean flag', (k: Kernel) => k.init.sigaction('TERM', { handler: 'catch', restart: () => true } as never), /^sigaction: `restart` must be true or false, received a function restart$/],
    ['sigqueue with a non-integer value', (k: Kernel) => k.init.sigqueue(1, 'USR1', 1.5), /^sigqueue: value must be an integer, received 1.5$/],
    ['sigprocmask with a non-list', (k: Kernel) => k.init.sigprocmask('block', 'USR1' as never), /^sigprocmask: sigs must be a list of signals, received "USR1"$/],
    ['reboot with a non-name', (k: Kernel) => k.init.reboot({ cmd: 'halt' } as never), /^reboot: cmd must be a command name, received \{"cmd":"halt"\}$/],
  ])('%s throws a TypeError at the call, naming it, and makes no call', (_name, call, message) => {
    const k = new Kernel({ transport: 'inline' });
    expect(() => call(k)).toThrow(TypeError);
    expect(() => call(k)).toThrow(message);
    expect(k.pendingCalls).toBe(0);
    return k.close();
  });
});
