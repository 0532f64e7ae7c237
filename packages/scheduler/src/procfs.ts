// /proc as a namespace's procfs shows it, and open /proc/PID/ns/pid handles.
// Only PID namespaces are emulated: /proc/PID/ns/ has `pid` and
// `pid_for_children` here, and asking for another kind (net, mnt, user...)
// is a TypeError at the call, not an errno (see checkNsKind).

import {
  KernelError,
  pidfdFdinfo,
  renderPidfdFdinfo,
  renderPs,
  renderPsEf,
  renderPstree,
  renderStatus,
  type NsRef,
  type PidfdFdinfo,
  type ProcEntry,
  type ProcKey,
  type ProcOp,
  type PsOptions,
  type PstreeOptions,
} from '@pidsim/core';
import { checkNsKind, toPid, type NsKind } from './args.js';
import type { Kernel } from './kernel.js';
import type { Process } from './process.js';
import { PidFd, describeArg } from './pidfd.js';

/**
 * An open /proc/PID/ns/pid (or pid_for_children): setns() takes it; it keeps
 * the namespace alive. It belongs to the kernel that opened it: another
 * kernel's calls refuse it (EINVAL), and once closed it is EBADF.
 */
export class NsHandle {
  readonly #kernel: Kernel;
  readonly ref: NsRef;
  #open = true;

  constructor(kernel: Kernel, ref: NsRef) {
    this.#kernel = kernel;
    this.ref = kernel.issue(ref);
  }

  /** The kernel whose namespace this is. */
  get kernel(): Kernel {
    return this.#kernel;
  }

  get inode(): number {
    return this.ref.inode;
  }

  /** What readlink(2) shows: `pid:[4026531836]`. */
  toString(): string {
    return `pid:[${this.ref.inode}]`;
  }

  get open(): boolean {
    return this.#open;
  }

  /** close(2): the namespace may go once nothing else refers to it. After kernel.close() there is nothing left to release. */
  close(): void {
    if (!this.#open) return;
    this.#open = false;
    this.#kernel.releaseNs(this.ref);
  }
}

/** A procfs mounted for one namespace: what `ls /proc`, `cat /proc/PID/status`, ps and pstree see. */
export class ProcFs {
  readonly #kernel: Kernel;
  readonly ns: NsRef;
  readonly #reader: Process | undefined;

  constructor(kernel: Kernel, ns: NsRef, reader?: Process) {
    this.#kernel = kernel;
    this.ns = ns;
    this.#reader = reader;
  }

  #resolve(pid: number | 'self', path: string): number {
    if (pid !== 'self') return toPid(pid, path);
    if (!this.#reader) throw new TypeError(`${path}: 'self' needs a reader process`);
    return this.#reader.pidIn(this.ns);
  }

  #call<T>(op: ProcOp): Promise<T> {
    return this.#kernel.call<T>(this.#reader?.key ?? (0 as ProcKey), this.ns.id, op);
  }

  /** Every process visible here, by PID. */
  list(): Promise<ProcEntry[]> {
    return this.#call({ op: 'proc-list' });
  }

  /** The numbers `ls /proc` shows. */
  async pids(): Promise<number[]> {
    return (await this.list()).map((e) => e.pid);
  }

  /** The answer the edge gives by itself for a path that does not exist: ENOENT, or ESHUTDOWN once the kernel is closed. */
  #noEntry(syscall: string, path: string): Promise<never> {
    return Promise.reject(this.#kernel.refuseClosed(syscall) ?? new KernelError({ ok: false, code: 'ENOENT', syscall, subject: path }));
  }

  /** readlink /proc/self: the reader's PID here; ENOENT when it has none (SEMANTICS 3.6). */
  async self(): Promise<number> {
    const pid = this.#resolve('self', 'readlink /proc/self');
    const refused = this.#kernel.refuseClosed('readlink');
    if (refused) throw refused;
    if (pid === 0) throw new KernelError({ ok: false, code: 'ENOENT', syscall: 'readlink', subject: '/proc/self' });
    return pid;
  }

  /** /proc/PID/status as data. */
  status(pid: number | 'self'): Promise<ProcEntry> {
    const nr = this.#resolve(pid, 'status');
    if (nr === 0) return this.#noEntry('open', '/proc/self/status');
    return this.#call({ op: 'proc-status', pid: nr });
  }

  /**
   * readdir(/proc/PID/task): a row per thread of the process, by TID, the
   * leader first even once its own thread exited (SEMANTICS 8.1, 5.12).
   */
  tasks(pid: number | 'self'): Promise<ProcEntry[]> {
    const nr = this.#resolve(pid, 'tasks');
    if (nr === 0) return this.#noEntry('open', '/proc/self/task');
    return this.#call<ProcEntry[]>({ op: 'proc-tasks', pid: nr }).then((rows) => rows.sort((x, y) => x.pid - y.pid));
  }

  /** The numbers `ls /proc/PID/task` shows. */
  async tids(pid: number | 'self'): Promise<number[]> {
    return (await this.tasks(pid)).map((e) => e.pid);
  }

  /** Every thread of every process visible here (what `ps -eL` walks), by TGID then TID. */
  async threads(): Promise<ProcEntry[]> {
    const out: ProcEntry[] = [];
    for (const p of await this.list()) {
      if (p.threads <= 1 && p.tgid === p.pid) {
        out.push(p);
        continue;
      }
      // A process may exit between the listing and this read: it then has no tasks left to show.
      const rows = await this.tasks(p.pid).catch((e: unknown) => (e instanceof KernelError && e.code === 'ENOENT' ? [] : Promise.reject(e)));
      out.push(...rows);
    }
    return out;
  }

  /** /proc/PID/status as text. */
  async statusText(pid: number | 'self'): Promise<string> {
    return renderStatus(await this.status(pid));
  }

  /**
   * open("/proc/PID/ns/pid" or ".../pid_for_children"): a handle setns() accepts.
   * Another kind throws a TypeError at once (checkNsKind says why).
   */
  openNs(pid: number | 'self', which: NsKind = 'pid'): Promise<NsHandle> {
    const kind = checkNsKind(which, 'openNs');
    const nr = this.#resolve(pid, `/proc/${pid}/ns/${kind}`);
    if (nr === 0) return this.#noEntry('open', `/proc/self/ns/${kind}`);
    return this.#call<NsRef>({ op: 'proc-ns', pid: nr, which: kind }).then((ref) => new NsHandle(this.#kernel, ref));
  }

  /** readlink("/proc/PID/ns/pid"): `pid:[inode]`. */
  readNsLink(pid: number | 'self', which: NsKind = 'pid'): Promise<string> {
    checkNsKind(which, 'readNsLink');
    return this.openNs(pid, which).then((h) => {
      const text = h.toString();
      h.close();
      return text;
    });
  }

  /**
   * /proc/self/fdinfo/FD of a pidfd, read through this procfs (SEMANTICS
   * 8.5): Pid and NSpid as this procfs's namespace shows the process, 0 when
   * invisible there, -1 once it was reaped.
   */
  fdinfo(pidfd: PidFd): Promise<PidfdFdinfo> {
    if (!(pidfd instanceof PidFd)) throw new TypeError(`fdinfo: expected a PidFd, received ${describeArg(pidfd)}`);
    if (!pidfd.open) throw new TypeError(`fdinfo: ${pidfd} is closed`);
    return pidfd.state().then((state) => pidfdFdinfo(pidfd.value, this.ns, state));
  }

  /** The fdinfo file's text: `pos`, `flags`, `Pid`, `NSpid`. */
  async fdinfoText(pidfd: PidFd): Promise<string> {
    return renderPidfdFdinfo(await this.fdinfo(pidfd));
  }

  async psEf(options?: PsOptions): Promise<string> {
    return renderPsEf(await this.list(), options);
  }

  async ps(options?: PsOptions): Promise<string> {
    return renderPs(await this.list(), options);
  }

  async pstree(options?: PstreeOptions): Promise<string> {
    return renderPstree(await this.list(), options);
  }
}
