// The pidfd value's fdinfo (kernel/pid.c pidfd_show_fdinfo()), as the procfs
// of one namespace renders it: SEMANTICS 8.5.

import { describe, expect, it } from 'vitest';
import { PIDFD_NONBLOCK, PIDFD_THREAD, asNsId, asProcKey, pidfdFdinfo, renderPidfdFdinfo, type NsRef, type PidfdRef } from '../src/index.js';

const ns = (id: number, chain: number[]): NsRef => ({ id: asNsId(id), level: chain.length - 1, chain: chain.map(asNsId), inode: 0, userNs: [] });
const root = ns(0, [0]);
const mid = ns(1, [0, 1]);
const leaf = ns(2, [0, 1, 2]);
const sibling = ns(3, [0, 3]);
/** A process of `leaf`: PID 9 at the root, 4 in `mid`, 2 in its own namespace. */
const pidfd: PidfdRef = { ref: { key: asProcKey(7), chain: leaf.chain, nums: [9, 4, 2] }, ns: leaf, flags: 0 };

describe('pidfdFdinfo', () => {
  it('8.5 shows the PID in the procfs namespace, then every deeper level', () => {
    expect(pidfdFdinfo(pidfd, root, 'running')).toEqual({ flags: '02000002', pid: 9, nspid: [9, 4, 2] });
    expect(pidfdFdinfo(pidfd, mid, 'exited')).toEqual({ flags: '02000002', pid: 4, nspid: [4, 2] });
    expect(pidfdFdinfo(pidfd, leaf, 'running')).toEqual({ flags: '02000002', pid: 2, nspid: [2] });
  });

  it('8.5 0 alone where the process is invisible; -1 alone once reaped, wherever it is read', () => {
    expect(pidfdFdinfo(pidfd, sibling, 'running')).toEqual({ flags: '02000002', pid: 0, nspid: [0] });
    expect(pidfdFdinfo(pidfd, root, 'reaped')).toEqual({ flags: '02000002', pid: -1, nspid: [-1] });
    expect(pidfdFdinfo(pidfd, sibling, 'reaped')).toEqual({ flags: '02000002', pid: -1, nspid: [-1] });
  });

  it('8.5 flags: O_RDWR | O_CLOEXEC, and O_NONBLOCK, O_EXCL for PIDFD_NONBLOCK, PIDFD_THREAD, in octal', () => {
    const info = pidfdFdinfo({ ...pidfd, flags: PIDFD_NONBLOCK | PIDFD_THREAD }, mid, 'running');
    expect(info.flags).toBe('02004202');
    expect(renderPidfdFdinfo(info)).toBe('pos:\t0\nflags:\t02004202\nPid:\t4\nNSpid:\t4\t2\n');
  });
});
