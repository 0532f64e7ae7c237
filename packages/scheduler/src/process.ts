// A process handle: its methods are the syscalls, made on behalf of that
// process with PIDs as it sees them.

import {
  KernelError,
  PIDFD_SIGNAL_PROCESS_GROUP,
  PIDFD_SIGNAL_THREAD,
  PIDFD_SIGNAL_THREAD_GROUP,
  PIDFD_THREAD,
  type IdExtent,
  type PidfdRef,
  type NsRef,
  type Op,
  type ProcKey,
  type ProcessInfo,
  type RebootCommand,
  type SigAction,
  type SysctlName,
  type WaitOptions,
  type WaitResult,
} from '@pidsim/core';
import {
  checkArgv,
  checkFlags,
  checkHandlerSteps,
  checkKeys,
  checkName,
  checkNsKind,
  checkSetTid,
  checkSysctl,
  shown,
  toExtent,
  toId,
  toPid,
  toProgram,
  toSignal,
  type NsKind,
  type ProgramLike,
  type SignalLike,
} from './args.js';
import type { Kernel } from './kernel.js';
import { NsHandle, type ProcFs } from './procfs.js';
import { PidFd, pidfdArg, toPidfdFlags, type PidfdOpenFlags } from './pidfd.js';

export interface ForkOptions {
  /** CLONE_NEWPID: the child is PID 1 of a new namespace. */
  readonly newPid?: boolean;
  /** CLONE_NEWUSER: the child gets a user namespace where it holds every capability. */
  readonly newUser?: boolean;
  /** CLONE_PARENT: the child's parent is the caller's parent. */
  readonly parent?: boolean;
  /**
   * CLONE_THREAD|CLONE_SIGHAND|CLONE_VM: a new thread of the caller's
   * process (SEMANTICS 8.1). The handle is the thread's: calls through it
   * are made by that thread. Its `program` may only be idle (default),
   * sleep or exit (the thread returns); `name` is its comm.
   */
  readonly thread?: boolean;
  /** clone3 set_tid: PIDs innermost first. */
  readonly setTid?: readonly number[];
  /** clone3 CLONE_PIDFD: the child comes with a pidfd of it (`child.clonePidfd`), which the child itself does not hold. */
  readonly pidfd?: boolean;
  /** What the child runs (default: what the caller runs). */
  readonly program?: ProgramLike;
  /** The child's name (comm). */
  readonly name?: string;
  /** The child's command line. */
  readonly argv?: readonly string[];
}

export interface ForkResult {
  readonly key: ProcKey;
  readonly nums: readonly number[];
  /** The child's namespace; absent when it is the caller's own. */
  readonly ns?: NsRef;
  /** Set for a thread: its TIDs are `nums`. */
  readonly thread?: true;
}

/**
 * A process. Its methods are syscalls made by it; PIDs in arguments and
 * results are as its own namespace shows them.
 */
export class Process {
  readonly kernel: Kernel;
  /** The task this handle makes calls as: a thread's own key; the process's after a thread's execve took its place. */
  #key: ProcKey;
  /** The process's PID namespace (its active one; it never changes). */
  readonly ns: NsRef;
  /** Its PID (a thread's TID) at every level, root first (NSpid as the root's /proc shows it). */
  #nspid: readonly number[];
  /** Its thread group's id at every level (NStgid): the process's PIDs. */
  #nstgid: readonly number[];
  /** The pidfd CLONE_PIDFD gave the parent (`fork({ pidfd: true })`), else undefined. */
  readonly clonePidfd: PidFd | undefined;

  constructor(kernel: Kernel, key: ProcKey, ns: NsRef, nspid: readonly number[], clonePidfd?: PidFd, nstgid?: readonly number[]) {
    this.kernel = kernel;
    this.#key = key;
    this.ns = ns;
    this.#nspid = nspid;
    this.#nstgid = nstgid ?? nspid;
    this.clonePidfd = clonePidfd;
  }

  get key(): ProcKey {
    return this.#key;
  }

  get nspid(): readonly number[] {
    return this.#nspid;
  }

  /** The thread group's id at every level, root first (equal to `nspid` but for a thread). */
  get nstgid(): readonly number[] {
    return this.#nstgid;
  }

  /** getpid() without a syscall: the PID in its own namespace (a thread's TGID). */
  get pid(): number {
    return this.#nstgid[this.ns.level]!;
  }

  /** gettid() without a syscall: the thread's own number (the PID for a process's leader). */
  get tid(): number {
    return this.#nspid[this.ns.level]!;
  }

  /** This handle is a thread other than its group's leader. */
  get isThread(): boolean {
    return this.#nspid !== this.#nstgid;
  }

  /** This process's PID (a thread's TGID) as namespace `ns` shows it, 0 if invisible there. */
  pidIn(ns: NsRef): number {
    return ns.level < this.ns.chain.length && this.ns.chain[ns.level] === ns.id ? this.#nstgid[ns.level]! : 0;
  }

  /** This thread's TID as namespace `ns` shows it (its PID for a leader), 0 if invisible there. */
  tidIn(ns: NsRef): number {
    return ns.level < this.ns.chain.length && this.ns.chain[ns.level] === ns.id ? this.#nspid[ns.level]! : 0;
  }

  #call<T>(op: Op): Promise<T> {
    return this.kernel.call<T>(this.key, this.ns.id, op);
  }

  /** fork()/clone(): the child, as a handle. */
  fork(options?: ForkOptions): Promise<Process> {
    let op: Op = PLAIN_FORK;
    if (options !== undefined) {
      checkKeys(options, FORK_KEYS, 'fork');
      const o: { -readonly [K in keyof ForkArgsOp]?: ForkArgsOp[K] } = { op: 'fork' };
      if (options.newPid) o.newPid = true;
      if (options.newUser) o.newUser = true;
      if (options.parent) o.parent = true;
      if (options.thread) o.thread = true;
      if (options.setTid !== undefined) o.setTid = checkSetTid(options.setTid);
      if (options.pidfd) o.pidfd = true;
      if (options.program !== undefined) o.program = toProgram(options.program, 'fork');
      if (options.name !== undefined) o.name = checkName(options.name, 'fork');
      if (options.argv !== undefined) o.argv = checkArgv(options.argv, 'fork');
      op = o as Op;
    }
    if (op.op === 'fork' && op.pidfd) {
      // The child's namespace took a reference for the pidfd at commit; a thread's pidfd is a PIDFD_THREAD one.
      return this.#call<ForkResult>(op).then((r) => {
        const ns = r.ns === undefined ? this.ns : this.kernel.issue(r.ns);
        const pidfd = new PidFd(this.kernel, { ref: { key: r.key, chain: ns.chain, nums: r.nums }, ns, flags: r.thread ? PIDFD_THREAD : 0 });
        return new Process(this.kernel, r.key, ns, r.nums, pidfd, r.thread ? this.#nstgid : undefined);
      });
    }
    return this.#call<ForkResult>(op).then((r) =>
      r.thread ? new Process(this.kernel, r.key, this.ns, r.nums, undefined, this.#nstgid) : new Process(this.kernel, r.key, r.ns === undefined ? this.ns : this.kernel.issue(r.ns), r.nums),
    );
  }

  /** clone() is fork() with flags. */
  clone(options: ForkOptions = {}): Promise<Process> {
    return this.fork(options);
  }

  /** unshare(CLONE_NEWPID [| CLONE_NEWUSER]). */
  unshare(options: { newPid?: boolean; newUser?: boolean }): Promise<void> {
    checkKeys(options, ['newPid', 'newUser'], 'unshare');
    return this.#call({ op: 'unshare', newPid: options.newPid === true, newUser: options.newUser === true });
  }

  /** setns(fd, CLONE_NEWPID) with a handle from openNs() of this kernel: EINVAL for another kernel's, EBADF once closed. */
  setns(ns: NsHandle): Promise<void> {
    const refused = refusal(this.kernel, ns, 'setns', 'setns');
    if (refused) return Promise.reject(refused);
    return this.#call({ op: 'setns', ns: ns.ref });
  }

  /**
   * exit(2): the calling thread ends; the process with its last thread
   * (SEMANTICS 8.19). Resolves once it has exited.
   */
  exit(code = 0): Promise<void> {
    if (!Number.isInteger(code)) throw new TypeError(`exit: code must be an integer, received ${code}`);
    return this.#call({ op: 'exit', code });
  }

  /** exit_group(2): every thread of the process ends, from whichever thread it is called. */
  exitGroup(code = 0): Promise<void> {
    if (!Number.isInteger(code)) throw new TypeError(`exitGroup: code must be an integer, received ${code}`);
    return this.#call({ op: 'exit-group', code });
  }

  /** gettid(2). */
  gettid(): Promise<number> {
    return this.#call({ op: 'gettid' });
  }

  /** tgkill(2): signal thread `tid` of thread group `tgid`, both as this process sees them (SEMANTICS 8.18). */
  tgkill(tgid: number, tid: number, sig: SignalLike = 15): Promise<number> {
    return this.#call({ op: 'tgkill', tgid: toPid(tgid, 'tgkill'), tid: toPid(tid, 'tgkill'), sig: toSignal(sig, 'tgkill') });
  }

  /** tkill(2): tgkill without the group check. */
  tkill(tid: number, sig: SignalLike = 15): Promise<number> {
    return this.#call({ op: 'tkill', tid: toPid(tid, 'tkill'), sig: toSignal(sig, 'tkill') });
  }

  /**
   * execve(): run another program. From a thread, the other threads end and
   * this handle then stands for the process (its TID is gone: it has the
   * leader's, SEMANTICS 8.21).
   */
  exec(program: ProgramLike, options: { name?: string; argv?: readonly string[] } = {}): Promise<void> {
    return this.#call<{ key: ProcKey; nums: readonly number[] } | undefined>({
      op: 'exec',
      program: toProgram(program, 'exec'),
      ...(options.name !== undefined ? { name: checkName(options.name, 'exec') } : {}),
      ...(options.argv !== undefined ? { argv: checkArgv(options.argv, 'exec') } : {}),
    }).then((took) => {
      if (took === undefined) return;
      this.#key = took.key;
      this.#nspid = took.nums;
      this.#nstgid = took.nums;
    });
  }

  /**
   * kill(2): pid > 0, 0 (own group), -1 (all), < -1 (a group). Resolves 0;
   * with `{ report: true }`, `{ ret: 0, handled }`: how often each of this
   * process's handlers had run when kill returned.
   */
  kill(pid: number, sig?: SignalLike): Promise<number>;
  kill(pid: number, sig: SignalLike, options: { report: true }): Promise<KillReport>;
  kill(pid: number, sig: SignalLike = 15, options?: { report: true }): Promise<number | KillReport> {
    if (options !== undefined) checkFlags(options, ['report'], 'kill');
    return this.#call({ op: 'kill', pid: toPid(pid, 'kill'), sig: toSignal(sig, 'kill'), ...(options?.report ? { report: true } : {}) });
  }

  /** sigqueue(3): a signal with a value (real-time signals queue). */
  sigqueue(pid: number, sig: SignalLike, value: number): Promise<number> {
    if (!Number.isInteger(value)) throw new TypeError(`sigqueue: value must be an integer, received ${shown(value)}`);
    return this.#call({ op: 'kill', pid: toPid(pid, 'sigqueue'), sig: toSignal(sig, 'sigqueue'), value });
  }

  /** waitpid(2)/waitid(2): pid -1 any child, > 0 one, 0 own group, < -1 a group. */
  wait(pid = -1, options: WaitOptions = NO_WAIT_OPTIONS): Promise<WaitResult> {
    if (options !== NO_WAIT_OPTIONS) checkFlags(options, ['nohang', 'untraced', 'continued', 'exited', 'nowait'], 'wait');
    return this.#call({ op: 'wait', pid: toPid(pid, 'wait'), options });
  }

  /** sigaction(2): sets (if given) and returns the old action. */
  sigaction(sig: SignalLike, action?: SigAction | 'default' | 'ignore' | 'catch'): Promise<SigAction> {
    const a = typeof action === 'string' ? { handler: action } : action;
    if (a !== undefined) {
      checkKeys(a, ['handler', 'steps', 'restart', 'noCldStop', 'noCldWait', 'resetHand'], 'sigaction');
      for (const flag of ['restart', 'noCldStop', 'noCldWait', 'resetHand'] as const) {
        if (a[flag] !== undefined && typeof a[flag] !== 'boolean') throw new TypeError(`sigaction: \`${flag}\` must be true or false, received ${shown(a[flag])}`);
      }
      if (!['default', 'ignore', 'catch'].includes(a.handler)) {
        throw new TypeError(`sigaction: handler must be 'default', 'ignore' or 'catch', received ${JSON.stringify(a.handler)}`);
      }
      if (a.steps !== undefined) {
        if (a.handler !== 'catch') throw new TypeError(`sigaction: steps need handler 'catch', received handler ${JSON.stringify(a.handler)}`);
        checkHandlerSteps(a.steps);
      }
    }
    return this.#call({ op: 'sigaction', sig: toSignal(sig, 'sigaction'), ...(a ? { action: a } : {}) });
  }

  /** sigprocmask(2): returns the old mask. */
  sigprocmask(how: 'block' | 'unblock' | 'setmask', sigs?: readonly SignalLike[]): Promise<number[]> {
    if (!['block', 'unblock', 'setmask'].includes(how)) throw new TypeError(`sigprocmask: how must be block, unblock or setmask, received ${JSON.stringify(how)}`);
    if (sigs !== undefined && !Array.isArray(sigs)) throw new TypeError(`sigprocmask: sigs must be a list of signals, received ${shown(sigs)}`);
    return this.#call({ op: 'sigprocmask', how, ...(sigs ? { set: sigs.map((s) => toSignal(s, 'sigprocmask')) } : {}) });
  }

  /** sigpending(2): signals pending and blocked. */
  sigpending(): Promise<number[]> {
    return this.#call({ op: 'sigpending' });
  }

  /** prctl(PR_SET_CHILD_SUBREAPER). */
  setChildSubreaper(on: boolean): Promise<void> {
    return this.#call({ op: 'prctl-subreaper', value: on === true });
  }

  /** prctl(PR_GET_CHILD_SUBREAPER). */
  async isChildSubreaper(): Promise<boolean> {
    return (await this.#call<number>({ op: 'prctl-subreaper' })) === 1;
  }

  setpgid(pid = 0, pgid = 0): Promise<number> {
    return this.#call({ op: 'setpgid', pid: toPid(pid, 'setpgid'), pgid: toPid(pgid, 'setpgid') });
  }

  getpgid(pid = 0): Promise<number> {
    return this.#call({ op: 'getpgid', pid: toPid(pid, 'getpgid') });
  }

  getpgrp(): Promise<number> {
    return this.getpgid(0);
  }

  setsid(): Promise<number> {
    return this.#call({ op: 'setsid' });
  }

  getsid(pid = 0): Promise<number> {
    return this.#call({ op: 'getsid', pid: toPid(pid, 'getsid') });
  }

  getpid(): Promise<number> {
    return this.#call({ op: 'getpid' });
  }

  getppid(): Promise<number> {
    return this.#call({ op: 'getppid' });
  }

  /** Reads /proc/sys/kernel/{ns_last_pid,pid_max} of this process's PID namespace, or user/max_pid_namespaces of its user namespace. */
  readSysctl(name: SysctlName): Promise<number> {
    checkSysctl(name);
    return this.#call({ op: 'sysctl', name });
  }

  /** Writes /proc/sys/kernel/{ns_last_pid,pid_max} of this process's PID namespace, or user/max_pid_namespaces of its user namespace. */
  async writeSysctl(name: SysctlName, value: number): Promise<void> {
    checkSysctl(name);
    if (typeof value !== 'number') throw new TypeError(`writeSysctl: value must be a number, received ${JSON.stringify(value)}`);
    await this.#call({ op: 'sysctl', name, value });
  }

  /** reboot(2) inside a PID namespace. */
  reboot(cmd: RebootCommand): Promise<void> {
    // Unknown names are the kernel's EINVAL; only a non-string is the caller's mistake.
    if (typeof cmd !== 'string') throw new TypeError(`reboot: cmd must be a command name, received ${shown(cmd)}`);
    return this.#call({ op: 'reboot', cmd });
  }

  /**
   * Become the user nobody, as a service dropping root does: setgroups(0),
   * setresgid(65534 x3), setresuid(65534 x3). Every capability goes with uid 0.
   */
  dropPrivileges(): Promise<void> {
    return this.#call({ op: 'drop-privileges' });
  }

  /** setuid(2): all three uids with CAP_SETUID, else the effective one (to the real or saved uid). */
  setuid(uid: number): Promise<number> {
    return this.#call({ op: 'setid', kind: 'uid', id: toId(uid, 'setuid') });
  }

  /** setgid(2). */
  setgid(gid: number): Promise<number> {
    return this.#call({ op: 'setid', kind: 'gid', id: toId(gid, 'setgid') });
  }

  /** setresuid(2): -1 keeps an id. */
  setresuid(ruid: number, euid: number, suid: number): Promise<number> {
    return this.#call({ op: 'setresid', kind: 'uid', ids: [toId(ruid, 'setresuid', true), toId(euid, 'setresuid', true), toId(suid, 'setresuid', true)] });
  }

  /** setresgid(2): -1 keeps an id. */
  setresgid(rgid: number, egid: number, sgid: number): Promise<number> {
    return this.#call({ op: 'setresid', kind: 'gid', ids: [toId(rgid, 'setresgid', true), toId(egid, 'setresgid', true), toId(sgid, 'setresgid', true)] });
  }

  /** getresuid(2): [real, effective, saved], as the process's user namespace shows them. */
  getresuid(): Promise<[number, number, number]> {
    return this.#call({ op: 'getresid', kind: 'uid' });
  }

  /** getresgid(2). */
  getresgid(): Promise<[number, number, number]> {
    return this.#call({ op: 'getresid', kind: 'gid' });
  }

  /**
   * Writes /proc/PID/uid_map of process `pid`'s user namespace (PID as this
   * process sees it): one extent, `"first lower count"` or an object, once.
   */
  writeUidMap(pid: number, map: string | IdExtent): Promise<number> {
    return this.#call({ op: 'write-id-map', pid: toPid(pid, 'writeUidMap'), kind: 'uid', extent: toExtent(map, 'writeUidMap') });
  }

  /** Writes /proc/PID/gid_map (needs CAP_SETGID over the parent user namespace). */
  writeGidMap(pid: number, map: string | IdExtent): Promise<number> {
    return this.#call({ op: 'write-id-map', pid: toPid(pid, 'writeGidMap'), kind: 'gid', extent: toExtent(map, 'writeGidMap') });
  }

  async getuid(): Promise<number> {
    return (await this.getresuid())[0];
  }

  async geteuid(): Promise<number> {
    return (await this.getresuid())[1];
  }

  async getgid(): Promise<number> {
    return (await this.getresgid())[0];
  }

  async getegid(): Promise<number> {
    return (await this.getresgid())[1];
  }

  /** ioctl(fd, NS_GET_PARENT): the parent of the handle's namespace; EPERM outside this process's scope. */
  async nsParent(ns: NsHandle): Promise<NsHandle> {
    const refused = refusal(this.kernel, ns, 'nsParent', 'ioctl');
    if (refused) throw refused;
    const h = ns.ref;
    if (h.level === 0) throw new KernelError({ ok: false, code: 'EPERM', syscall: 'ioctl', subject: 'NS_GET_PARENT' });
    const ref = await this.kernel.call<NsRef>(this.key, h.chain[h.level - 1]!, { op: 'ns-ioctl', cmd: 'get-parent', ns: h, caller: this.ns });
    return new NsHandle(this.kernel, ref);
  }

  /** ioctl(fd, NS_GET_PID_FROM_PIDNS, pid): PID `pid` of the handle's namespace, as this process sees it. */
  pidFromNs(ns: NsHandle, pid: number): Promise<number> {
    const nr = toPid(pid, 'pidFromNs');
    const refused = refusal(this.kernel, ns, 'pidFromNs', 'ioctl');
    if (refused) return Promise.reject(refused);
    return this.kernel.call<number>(this.key, ns.ref.id, { op: 'ns-ioctl', cmd: 'pid-from-ns', ns: ns.ref, caller: this.ns, pid: nr });
  }

  /** ioctl(fd, NS_GET_PID_IN_PIDNS, pid): PID `pid` of this process's namespace, as the handle's namespace sees it. */
  pidInNs(ns: NsHandle, pid: number): Promise<number> {
    const nr = toPid(pid, 'pidInNs');
    const refused = refusal(this.kernel, ns, 'pidInNs', 'ioctl');
    if (refused) return Promise.reject(refused);
    return this.kernel.call<number>(this.key, this.ns.id, { op: 'ns-ioctl', cmd: 'pid-in-ns', ns: ns.ref, caller: this.ns, pid: nr });
  }

  /**
   * pidfd_open(2) of process `pid` as this process sees it (SEMANTICS 8.4).
   * `flags`: PIDFD_NONBLOCK and PIDFD_THREAD, by name or as the number the
   * syscall takes (other bits are EINVAL).
   */
  pidfdOpen(pid: number, flags: PidfdOpenFlags = 0): Promise<PidFd> {
    const op: Op = { op: 'pidfd-open', pid: toPid(pid, 'pidfdOpen'), flags: toPidfdFlags(flags, 'pidfdOpen') };
    return this.#call<PidfdRef>(op).then((value) => new PidFd(this.kernel, value));
  }

  /**
   * A pidfd naming this process, taken where it lives (no process makes
   * the call and no number is looked up): ESRCH only once it was reaped.
   * Any process may then use it as Linux allows.
   */
  pidfd(flags: { readonly nonblock?: boolean; readonly thread?: boolean } = {}): Promise<PidFd> {
    if (typeof flags !== 'object' || flags === null) throw new TypeError(`pidfd: flags must be { nonblock, thread }, received ${JSON.stringify(flags)}`);
    const f = toPidfdFlags(flags, 'pidfd');
    return this.kernel.request<PidfdRef>(this.ns.id, 'pidfd_open', (id) => ({ type: 'pidfd-get', id, key: this.key, flags: f })).then((value) => new PidFd(this.kernel, value));
  }

  /**
   * pidfd_send_signal(2) through `pidfd` (SEMANTICS 4.15, 4.17): EINVAL when
   * its process is outside this process's namespace and its descendants,
   * ESRCH once it was reaped; init protection and EPERM as kill(). `flags`:
   * the scope by name or the number the syscall takes. With `report`, as kill's.
   */
  pidfdSendSignal(pidfd: PidFd | NsHandle, sig: SignalLike, options: PidfdSignalOptions & { report: true }): Promise<KillReport>;
  pidfdSendSignal(pidfd: PidFd | NsHandle, sig?: SignalLike, options?: PidfdSignalOptions): Promise<number>;
  pidfdSendSignal(pidfd: PidFd | NsHandle, sig: SignalLike = 15, options: PidfdSignalOptions = {}): Promise<number | KillReport> {
    checkKeys(options, ['flags', 'report'], 'pidfdSendSignal');
    const fd = pidfdArg(pidfd, 'pidfd_send_signal');
    const s = toSignal(sig, 'pidfdSendSignal');
    const flags = toSignalFlags(options.flags ?? 0);
    if (fd instanceof KernelError) return Promise.reject(fd);
    return this.#call({ op: 'pidfd-send-signal', pidfd: fd, sig: s, flags, ...(options.report ? { report: true } : {}) });
  }

  /** waitid(P_PIDFD): waits for the child `pidfd` names, ECHILD once it was reaped whatever its PID names now (SEMANTICS 8.15). */
  waitPidfd(pidfd: PidFd | NsHandle, options: WaitOptions = NO_WAIT_OPTIONS): Promise<WaitResult> {
    if (options !== NO_WAIT_OPTIONS) checkKeys(options, ['nohang', 'untraced', 'continued', 'exited', 'nowait'], 'waitPidfd');
    const fd = pidfdArg(pidfd, 'waitid');
    if (fd instanceof KernelError) return Promise.reject(fd);
    return this.#call({ op: 'waitid-pidfd', pidfd: fd, options });
  }

  /** What this process is, as its own namespace shows it. */
  info(): Promise<ProcessInfo> {
    return this.#call<ProcessInfo>({ op: 'info' }).then((info) => {
      this.kernel.issue(info.ns);
      this.kernel.issue(info.pidForChildren);
      return info;
    });
  }

  /** The procfs of this process's namespace, as if /proc were mounted for it. */
  procfs(): ProcFs {
    return this.kernel.procfs(this.ns, this);
  }

  /** open("/proc/PID/ns/pid") through this process's procfs; only 'pid' and 'pid_for_children' (a TypeError for other kinds). */
  openNs(pid: number | 'self' = 'self', which: NsKind = 'pid'): Promise<NsHandle> {
    checkNsKind(which, 'openNs');
    return this.procfs().openNs(pid, which);
  }

  toString(): string {
    return this.isThread ? `Thread(tid ${this.tid} of pid ${this.pid}, NSpid ${this.nspid.join(' ')})` : `Process(pid ${this.pid}, NSpid ${this.nspid.join(' ')})`;
  }
}

type ForkArgsOp = Extract<Op, { op: 'fork' }>;

/** pidfd_send_signal's options: the scope (by name, or the syscall's flags as a number) and kill's `report`. */
export interface PidfdSignalOptions {
  readonly flags?: number | 'thread' | 'thread-group' | 'process-group';
  readonly report?: boolean;
}

const SIGNAL_SCOPES = { thread: PIDFD_SIGNAL_THREAD, 'thread-group': PIDFD_SIGNAL_THREAD_GROUP, 'process-group': PIDFD_SIGNAL_PROCESS_GROUP } as const;

function toSignalFlags(flags: unknown): number {
  if (typeof flags === 'string' && flags in SIGNAL_SCOPES) return SIGNAL_SCOPES[flags as keyof typeof SIGNAL_SCOPES];
  if (typeof flags === 'number' && Number.isInteger(flags) && flags >= -2147483648 && flags <= 0xffffffff) return flags >>> 0;
  throw new TypeError(`pidfdSendSignal: flags must be 'thread', 'thread-group', 'process-group' or a 32-bit integer, received ${JSON.stringify(flags)}`);
}

/** kill(..., { report: true }): how often each of the caller's handlers had run when kill returned. */
export interface KillReport {
  readonly ret: 0;
  readonly handled: Readonly<Record<number, number>>;
}

/**
 * Why call `where` (syscall `syscall`) cannot use `ns`: a TypeError, thrown, if
 * it is no handle at all; else the KernelError the kernel refuses it with
 * (Kernel.refuseHandle), or null.
 */
function refusal(kernel: Kernel, ns: NsHandle, where: string, syscall: string): KernelError | null {
  if (!(ns instanceof NsHandle)) throw new TypeError(`${where}: expected an NsHandle from openNs(), received ${shown(ns)}`);
  return kernel.refuseHandle(ns, syscall);
}
const NO_WAIT_OPTIONS: WaitOptions = Object.freeze({});
const PLAIN_FORK: Op = Object.freeze({ op: 'fork' });
const FORK_KEYS = ['newPid', 'newUser', 'parent', 'thread', 'setTid', 'pidfd', 'program', 'name', 'argv'] as const;
