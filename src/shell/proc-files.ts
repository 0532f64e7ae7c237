// This file implements the emulated file system as one process sees it:
// a root directory holding only /proc, and the /proc of the process's mount
// namespace (its proc mount's PID namespace decides which PIDs exist and how
// they are numbered, SEMANTICS 3.5-3.6). Paths resolve as the kernel does:
// /proc/self is the reader's PID *in that procfs* (ENOENT when the reader is
// not visible there), /proc/PID/ns/pid is a link to `pid:[inode]`, and
// /proc/sys/kernel/pid_max and ns_last_pid belong to the reader's *active*
// PID namespace whatever procfs is read (SEMANTICS 1.7, 1.8). /proc/PID/task
// lists the threads of the process, each with its own status, comm and
// cmdline (SEMANTICS 8.23).

import type { NsHandle, ProcEntry, ProcFs } from '../index.js';
import { HOST_NS_INODES, type MountNamespace } from './mount-namespace.js';
import { errnoOf } from './strerror.js';
import type { ShellHost } from './shell-host.js';
import type { Task } from './task.js';

export type FsResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly code: string };

/** The entries of /proc/PID/ns, in ls order. */
export const NS_ENTRIES = ['cgroup', 'ipc', 'mnt', 'net', 'pid', 'pid_for_children', 'time', 'time_for_children', 'user', 'uts'] as const;
type NsEntry = (typeof NS_ENTRIES)[number];

/** The files of a /proc/PID directory that the emulation provides. */
const PID_FILES = ['cmdline', 'comm', 'ns', 'status', 'task'] as const;
/** The files of a /proc/PID/task/TID directory that the emulation provides. */
const TASK_FILES = ['cmdline', 'comm', 'status'] as const;

/** What a path names, before checking that its PID exists. */
type ProcNode =
  | { readonly kind: 'root' }
  | { readonly kind: 'self' }
  | { readonly kind: 'pid-dir'; readonly pid: number | 'self' }
  | { readonly kind: 'pid-file'; readonly pid: number | 'self'; readonly file: 'status' | 'cmdline' | 'comm' }
  | { readonly kind: 'task-dir'; readonly pid: number | 'self' }
  | { readonly kind: 'task'; readonly pid: number | 'self'; readonly tid: number; readonly file: 'status' | 'cmdline' | 'comm' | null }
  | { readonly kind: 'ns-dir'; readonly pid: number | 'self' }
  | { readonly kind: 'ns-link'; readonly pid: number | 'self'; readonly entry: NsEntry }
  | { readonly kind: 'sys-dir' }
  | { readonly kind: 'sysctl'; readonly name: 'pid_max' | 'ns_last_pid' };

/** The kind of file a path names: ls and cat behave by it. */
export type FileKind = 'dir' | 'file' | 'link';

const ok = <T>(value: T): FsResult<T> => ({ ok: true, value });
const fail = <T>(code: string): FsResult<T> => ({ ok: false, code });

function parsePath(path: string): ProcNode | undefined {
  const parts = path.split('/').filter((p) => p !== '' && p !== '.');
  if (!path.startsWith('/') || parts[0] !== 'proc') return undefined;
  const rest = parts.slice(1);
  if (rest.length === 0) return { kind: 'root' };
  if (rest[0] === 'sys') {
    if (rest.length === 1 || (rest.length === 2 && rest[1] === 'kernel')) return { kind: 'sys-dir' };
    if (rest.length === 3 && rest[1] === 'kernel' && (rest[2] === 'pid_max' || rest[2] === 'ns_last_pid')) {
      return { kind: 'sysctl', name: rest[2] };
    }
    return undefined;
  }
  const pid = rest[0] === 'self' ? 'self' : /^[1-9]\d*$/.test(rest[0]!) ? Number(rest[0]) : undefined;
  if (pid === undefined) return undefined;
  if (rest.length === 1) return pid === 'self' ? { kind: 'self' } : { kind: 'pid-dir', pid };
  const file = rest[1]!;
  if (rest.length === 2) {
    if (file === 'ns') return { kind: 'ns-dir', pid };
    if (file === 'task') return { kind: 'task-dir', pid };
    if (file === 'status' || file === 'cmdline' || file === 'comm') return { kind: 'pid-file', pid, file };
    return undefined;
  }
  if (file === 'task' && /^[1-9]\d*$/.test(rest[2]!) && rest.length <= 4) {
    const tid = Number(rest[2]);
    if (rest.length === 3) return { kind: 'task', pid, tid, file: null };
    const f = rest[3]!;
    if (f === 'status' || f === 'cmdline' || f === 'comm') return { kind: 'task', pid, tid, file: f };
    return undefined;
  }
  if (rest.length === 3 && file === 'ns' && (NS_ENTRIES as readonly string[]).includes(rest[2]!)) {
    return { kind: 'ns-link', pid, entry: rest[2] as NsEntry };
  }
  return undefined;
}

/** /proc as `reader` sees it through its mount namespace. */
export class ProcFiles {
  readonly #host: ShellHost;
  readonly #reader: Task;
  readonly procfs: ProcFs;

  constructor(host: ShellHost, reader: Task) {
    this.#host = host;
    this.#reader = reader;
    this.procfs = host.kernel.procfs(reader.mnt.proc.pidNs, reader.proc);
  }

  /** The process behind a PID of this procfs, or ENOENT. */
  async entry(pid: number | 'self'): Promise<FsResult<ProcEntry>> {
    try {
      return ok(await this.procfs.status(pid));
    } catch (e) {
      const code = errnoOf(e);
      if (!code) throw e;
      return fail('ENOENT');
    }
  }

  /** Thread `tid` of the process at `pid`, or ENOENT when it has no such thread. */
  async taskEntry(pid: number | 'self', tid: number): Promise<FsResult<ProcEntry>> {
    try {
      const rows = await this.procfs.tasks(pid);
      const row = rows.find((r) => r.pid === tid);
      return row ? ok(row) : fail('ENOENT');
    } catch (e) {
      if (!errnoOf(e)) throw e;
      return fail('ENOENT');
    }
  }

  /** stat(): what the path is, ENOENT if nothing. */
  async kind(path: string): Promise<FsResult<FileKind>> {
    const node = parsePath(path);
    if (!node) return isRoot(path) ? ok('dir') : fail('ENOENT');
    switch (node.kind) {
      case 'root':
      case 'sys-dir':
        return ok('dir');
      case 'sysctl':
        return ok('file');
      case 'self': {
        const self = await this.#self();
        return self.ok ? ok('link') : self;
      }
      case 'task': {
        const t = await this.taskEntry(node.pid, node.tid);
        return t.ok ? ok(node.file === null ? 'dir' : 'file') : t;
      }
      default: {
        const e = await this.entry(node.pid);
        if (!e.ok) return e;
        return ok(node.kind === 'pid-dir' || node.kind === 'ns-dir' || node.kind === 'task-dir' ? 'dir' : node.kind === 'ns-link' ? 'link' : 'file');
      }
    }
  }

  /** read(): the text of a file. */
  async read(path: string): Promise<FsResult<string>> {
    const node = parsePath(path);
    if (!node) return fail(isRoot(path) ? 'EISDIR' : 'ENOENT');
    switch (node.kind) {
      case 'sysctl':
        return ok(`${await this.#reader.proc.readSysctl(node.name)}\n`);
      case 'pid-file': {
        const e = await this.entry(node.pid);
        if (!e.ok) return e;
        if (node.file === 'status') {
          const text = await this.procfs.statusText(e.value.pid);
          // The reader is on a CPU while it reads: fs/proc/array.c shows R for it, S for the
          // others, which all wait in a syscall (the kernel's state knows no "on a CPU now").
          return ok(e.value.key === this.#reader.key && e.value.state === 'running' ? text.replace(/^State:\t.*$/m, 'State:\tR (running)') : text);
        }
        if (node.file === 'comm') return ok(`${e.value.name}\n`);
        return ok(e.value.state === 'zombie' ? '' : e.value.cmdline.map((a) => `${a}\0`).join(''));
      }
      case 'task': {
        if (node.file === null) return fail('EISDIR');
        const t = await this.taskEntry(node.pid, node.tid);
        if (!t.ok) return t;
        if (node.file === 'status') return ok(await this.procfs.statusText(t.value.pid));
        if (node.file === 'comm') return ok(`${t.value.name}\n`);
        return ok(t.value.state === 'zombie' ? '' : t.value.cmdline.map((a) => `${a}\0`).join(''));
      }
      case 'ns-link': {
        // A namespace file opens, but read(2) on it is EINVAL.
        const e = await this.entry(node.pid);
        return e.ok ? fail('EINVAL') : e;
      }
      default: {
        const k = await this.kind(path);
        return k.ok ? fail('EISDIR') : k;
      }
    }
  }

  /** readlink(): /proc/self and the namespace links; EINVAL for anything that is not a link. */
  async readlink(path: string): Promise<FsResult<string>> {
    const node = parsePath(path);
    if (!node) return fail(isRoot(path) ? 'EINVAL' : 'ENOENT');
    if (node.kind === 'self') {
      const self = await this.#self();
      return self.ok ? ok(String(self.value)) : self;
    }
    if (node.kind !== 'ns-link') {
      const k = await this.kind(path);
      return k.ok ? fail('EINVAL') : k;
    }
    const e = await this.entry(node.pid);
    if (!e.ok) return e;
    return this.#nsLink(e.value, node.entry);
  }

  /** readdir(): the names in a directory. */
  async list(path: string): Promise<FsResult<string[]>> {
    const node = parsePath(path);
    if (!node) return isRoot(path) ? ok(['proc']) : fail('ENOENT');
    if (node.kind === 'ns-dir' || node.kind === 'pid-dir') {
      const e = await this.entry(node.pid);
      if (!e.ok) return e;
      return ok(node.kind === 'ns-dir' ? [...NS_ENTRIES] : [...PID_FILES]);
    }
    if (node.kind === 'task-dir') {
      try {
        return ok((await this.procfs.tids(node.pid)).map(String));
      } catch (e) {
        if (!errnoOf(e)) throw e;
        return fail('ENOENT');
      }
    }
    if (node.kind === 'task' && node.file === null) {
      const t = await this.taskEntry(node.pid, node.tid);
      return t.ok ? ok([...TASK_FILES]) : t;
    }
    if (node.kind === 'sys-dir') return ok(path.replace(/\/+$/, '').endsWith('kernel') ? ['ns_last_pid', 'pid_max'] : ['kernel']);
    if (node.kind === 'root') {
      const pids = (await this.procfs.list()).map((e) => String(e.pid));
      return ok([...pids, 'self', 'sys']);
    }
    const k = await this.kind(path);
    return k.ok ? fail('ENOTDIR') : k;
  }

  /** open("/proc/PID/ns/pid" or ".../pid_for_children"): a handle setns() takes. */
  async openPidNs(path: string): Promise<FsResult<NsHandle>> {
    const node = parsePath(path);
    if (!node || node.kind !== 'ns-link' || (node.entry !== 'pid' && node.entry !== 'pid_for_children')) {
      const k = await this.kind(path);
      return k.ok ? fail('EINVAL') : k;
    }
    const e = await this.entry(node.pid);
    if (!e.ok) return e;
    try {
      return ok(await this.procfs.openNs(e.value.pid, node.entry));
    } catch (err) {
      const code = errnoOf(err);
      if (!code) throw err;
      return fail(code === 'ESRCH' ? 'ENOENT' : code);
    }
  }

  /** open("/proc/PID/ns/mnt"): the mount namespace setns() would join. */
  async openMountNs(path: string): Promise<FsResult<MountNamespace>> {
    const node = parsePath(path);
    if (!node || node.kind !== 'ns-link' || node.entry !== 'mnt') {
      const k = await this.kind(path);
      return k.ok ? fail('EINVAL') : k;
    }
    const e = await this.entry(node.pid);
    if (!e.ok) return e;
    const task = this.#host.tasks.get(e.value.key);
    return task ? ok(task.mnt) : fail('ENOENT');
  }

  async #self(): Promise<FsResult<number>> {
    try {
      return ok(await this.procfs.self());
    } catch (e) {
      if (!errnoOf(e)) throw e;
      return fail('ENOENT');
    }
  }

  async #nsLink(e: ProcEntry, entry: NsEntry): Promise<FsResult<string>> {
    if (entry === 'pid' || entry === 'pid_for_children') {
      try {
        return ok(await this.procfs.readNsLink(e.pid, entry));
      } catch (err) {
        const code = errnoOf(err);
        if (!code) throw err;
        // pid_for_children has no target until the new namespace has its init (SEMANTICS 2.3).
        return fail(code === 'ESRCH' ? 'ENOENT' : code);
      }
    }
    if (entry === 'mnt') {
      const task = this.#host.tasks.get(e.key);
      if (!task) return fail('ENOENT');
      return ok(`mnt:[${task.mnt.inode}]`);
    }
    const inode = entry === 'time_for_children' ? HOST_NS_INODES.time : HOST_NS_INODES[entry];
    return ok(`${entry === 'time_for_children' ? 'time' : entry}:[${inode}]`);
  }
}

/** `/` (or `//`, `/.`): the root directory, whose only entry is `proc`; nothing else exists outside /proc. */
function isRoot(path: string): boolean {
  return path.startsWith('/') && path.split('/').every((p) => p === '' || p === '.');
}
