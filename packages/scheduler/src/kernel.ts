// The public face of an emulated kernel: process handles whose methods are
// the syscalls, made on behalf of that process with PIDs as it sees them.
// Expected failures reject with KernelError; bad arguments throw TypeError
// at once and change nothing.

import {
  KernelError,
  PROGRAM_NAMES,
  asCallId,
  checkInvariants,
  parseSignal,
  renderPs,
  renderPsEf,
  renderPstree,
  renderStatus,
  type CallId,
  type CallMsg,
  type InvariantViolation,
  type KernelEvent,
  type KernelSnapshot,
  type NsId,
  type NsRef,
  type Op,
  type ProcEntry,
  type ProcKey,
  type ProcOp,
  type ProcessInfo,
  type ProgramSpec,
  type PsOptions,
  type PstreeOptions,
  type RebootCommand,
  type Result,
  type SigAction,
  type SysctlName,
  type TimedEvent,
  type WaitOptions,
  type WaitResult,
} from '@pidsim/core';
import PQueue from 'p-queue';
import { InlineTransport } from './inline-transport.js';
import { ThreadsTransport } from './threads-transport.js';
import type { Transport, TransportSink } from './transport.js';
import { resolveOptions, type KernelOptions, type ResolvedOptions } from './options.js';

/** A signal as a number or a name kill(1) accepts: 9, 'KILL', 'SIGKILL', 'RTMIN+1'. */
export type SignalLike = number | string;

/** What a new process runs: a program, or just its name for those without arguments. */
export type ProgramLike = ProgramSpec | 'idle' | 'reaper';

export interface ForkOptions {
  /** CLONE_NEWPID: the child is PID 1 of a new namespace. */
  readonly newPid?: boolean;
  /** CLONE_NEWUSER: the child gets a user namespace where it holds every capability. */
  readonly newUser?: boolean;
  /** CLONE_PARENT: the child's parent is the caller's parent. */
  readonly parent?: boolean;
  /** CLONE_THREAD: only its EINVAL rules are emulated. */
  readonly thread?: boolean;
  /** clone3 set_tid: PIDs innermost first. */
  readonly setTid?: readonly number[];
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
}

function toSignal(sig: SignalLike, where: string): number {
  if (typeof sig === 'number') {
    if (!Number.isInteger(sig)) throw new TypeError(`${where}: signal must be an integer or a name, received ${sig}`);
    return sig;
  }
  if (typeof sig !== 'string') throw new TypeError(`${where}: signal must be an integer or a name, received ${JSON.stringify(sig)}`);
  const n = parseSignal(sig);
  if (n === undefined) throw new TypeError(`${where}: unknown signal name ${JSON.stringify(sig)}`);
  return n;
}

function toPid(pid: unknown, where: string): number {
  if (typeof pid !== 'number' || !Number.isInteger(pid) || pid < -2147483648 || pid > 2147483647) {
    throw new TypeError(`${where}: a PID must be a 32-bit integer, received ${JSON.stringify(pid)}`);
  }
  return pid;
}

export function toProgram(program: unknown, where: string): ProgramSpec {
  if (program === 'idle' || program === 'reaper') return { name: program };
  if (program && typeof program === 'object' && 'name' in program) {
    const p = program as { name: unknown; seconds?: unknown; code?: unknown };
    if (p.name === 'idle' || p.name === 'reaper') return { name: p.name };
    if (p.name === 'sleep') {
      if (typeof p.seconds !== 'number' || !(p.seconds >= 0) || !Number.isFinite(p.seconds)) {
        throw new TypeError(`${where}: program 'sleep' needs \`seconds\` >= 0, received ${JSON.stringify(p.seconds)}`);
      }
      return { name: 'sleep', seconds: p.seconds };
    }
    if (p.name === 'exit') {
      if (typeof p.code !== 'number' || !Number.isInteger(p.code)) {
        throw new TypeError(`${where}: program 'exit' needs an integer \`code\`, received ${JSON.stringify(p.code)}`);
      }
      return { name: 'exit', code: p.code };
    }
  }
  throw new TypeError(`${where}: program must be one of ${PROGRAM_NAMES.join(', ')} (as {name: ...}), received ${JSON.stringify(program)}`);
}

function checkKeys(o: object, allowed: readonly string[], where: string): void {
  if (o === null || typeof o !== 'object') throw new TypeError(`${where}: options must be an object, received ${JSON.stringify(o)}`);
  for (const k in o) {
    if (!allowed.includes(k)) throw new TypeError(`${where}: unknown option \`${k}\` (expected one of ${allowed.join(', ')})`);
  }
}

export class Kernel implements TransportSink {
  readonly options: ResolvedOptions;
  /** The global init: PID 1 of the root namespace. */
  readonly init: Process;
  readonly #transport: Transport;
  /** Bounds the calls outstanding at once (maxInFlight), so a caller issuing a million forks stays in memory. */
  readonly #queue: PQueue | null;
  /** Calls sent and not yet answered. */
  readonly #pending = new Map<CallId, { resolve: (v: unknown) => void; reject: (e: Error) => void; syscall: string }>();
  readonly #stray: string[] = [];
  readonly #listeners = new Set<(e: TimedEvent) => void>();
  #nextCall = 1;
  #failure: Error | null = null;
  #closed = false;

  constructor(input?: KernelOptions) {
    this.options = resolveOptions(input);
    this.#transport =
      this.options.transport === 'threads'
        ? new ThreadsTransport({ ...this.options, sink: this })
        : new InlineTransport({ ...this.options, sink: this });
    this.#queue = this.options.maxInFlight === undefined ? null : new PQueue({ concurrency: this.options.maxInFlight });
    if (this.options.events) this.#transport.setEventsEnabled(true);
    const root = this.#transport.rootInit;
    this.init = new Process(this, root.key, root.ns, [1]);
  }

  get transport(): Transport {
    return this.#transport;
  }

  /** How many calls are waiting for an answer (blocked waits included). */
  get pendingCalls(): number {
    return this.#pending.size;
  }

  /** Sends a syscall on behalf of `caller` to the actor of namespace `to`. */
  call<T>(caller: ProcKey, to: NsId, op: Op | ProcOp): Promise<T> {
    if (this.#queue) return this.#queue.add(() => this.#send<T>(caller, to, op)) as Promise<T>;
    return this.#send<T>(caller, to, op);
  }

  #send<T>(caller: ProcKey, to: NsId, op: Op | ProcOp): Promise<T> {
    if (this.#failure) return Promise.reject(this.#failure);
    if (this.#closed) return Promise.reject(new Error('pidsim: the kernel is closed'));
    const id = asCallId(this.#nextCall++);
    const msg: CallMsg = { type: 'call', id, caller, op };
    return new Promise<T>((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (v: unknown) => void, reject, syscall: op.op });
      this.#transport.post(to, msg);
    });
  }

  // --- TransportSink --------------------------------------------------------------

  reply(id: CallId, result: Result<unknown>): void {
    const p = this.#pending.get(id);
    if (!p) {
      this.#stray.push(`a reply to call ${id}, which is not pending (answered twice, or never asked)`);
      return;
    }
    this.#pending.delete(id);
    if (result.ok) p.resolve(result.value);
    else p.reject(new KernelError(result));
  }

  event(event: KernelEvent): void {
    if (this.#listeners.size === 0) return;
    const timed = { ...event, time: this.#transport.now() } as TimedEvent;
    for (const fn of this.#listeners) fn(timed);
  }

  idle(): void {
    // A blocked call waits on something; if only time can bring it, let time pass.
    if (this.options.clock === 'auto' && this.#pending.size > 0) this.#transport.fireNextTimer();
  }

  failed(cause: Error): void {
    this.#failure = cause;
    for (const [id, p] of this.#pending) {
      this.#pending.delete(id);
      p.reject(cause);
    }
  }

  // --- the kernel as a whole ------------------------------------------------------

  /** Calls `listener` with every event from now on (and turns event reporting on). Returns an unsubscribe. */
  subscribe(listener: (e: TimedEvent) => void): () => void {
    this.#listeners.add(listener);
    this.#transport.setEventsEnabled(true);
    return () => {
      this.#listeners.delete(listener);
      if (this.#listeners.size === 0 && !this.options.events) this.#transport.setEventsEnabled(false);
    };
  }

  /** Resolves when no message is in flight anywhere. */
  settled(): Promise<void> {
    return this.#transport.settled();
  }

  async snapshot(): Promise<KernelSnapshot> {
    const namespaces = await this.#transport.snapshot();
    const faults = await this.#transport.faultReport();
    return { namespaces, pendingCalls: this.#pending.size, strayReplies: [...this.#stray], faults, time: this.#transport.now() };
  }

  /** Checks every invariant of ARCHITECTURE.md over a snapshot taken at quiescence. */
  async checkInvariants(): Promise<InvariantViolation[]> {
    return checkInvariants(await this.snapshot());
  }

  /** Virtual time, in milliseconds since boot. */
  now(): number {
    return this.#transport.now();
  }

  /** When the earliest program timer (a `sleep`) runs out, in virtual ms since boot; undefined if none. */
  nextTimerAt(): number | undefined {
    return this.#transport.nextTimerAt();
  }

  /** Lets `ms` of virtual time pass, firing every timer due. */
  async advance(ms: number): Promise<void> {
    if (!(ms >= 0) || !Number.isFinite(ms)) throw new TypeError(`advance: ms must be a finite number >= 0, received ${ms}`);
    await this.#transport.advanceTo(this.#transport.now() + ms);
  }

  /** A procfs instance mounted for namespace `ns` (SEMANTICS 3.6); `reader` resolves `self`. */
  procfs(ns: NsRef | NsHandle, reader?: Process): ProcFs {
    return new ProcFs(this, ns instanceof NsHandle ? ns.ref : ns, reader);
  }

  /** A handle for a process the kernel reported (fork result, event). */
  handle(key: ProcKey, ns: NsRef, nspid: readonly number[]): Process {
    return new Process(this, key, ns, nspid);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#transport.close();
    const err = new Error('pidsim: the kernel was closed');
    for (const [id, p] of this.#pending) {
      this.#pending.delete(id);
      p.reject(err);
    }
  }
}

/** An open /proc/PID/ns/pid (or pid_for_children): setns() takes it; it keeps the namespace alive. */
export class NsHandle {
  readonly #kernel: Kernel;
  readonly ref: NsRef;
  #open = true;

  constructor(kernel: Kernel, ref: NsRef) {
    this.#kernel = kernel;
    this.ref = ref;
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

  /** close(2): the namespace may go once nothing else refers to it. */
  close(): void {
    if (!this.#open) return;
    this.#open = false;
    this.#kernel.transport.post(this.ref.id, { type: 'ns-ref', delta: -1 });
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

  /** readlink /proc/self: the reader's PID here; ENOENT when it has none (SEMANTICS 3.6). */
  async self(): Promise<number> {
    const pid = this.#resolve('self', 'readlink /proc/self');
    if (pid === 0) throw new KernelError({ ok: false, code: 'ENOENT', syscall: 'readlink', subject: '/proc/self' });
    return pid;
  }

  /** /proc/PID/status as data. */
  status(pid: number | 'self'): Promise<ProcEntry> {
    const nr = this.#resolve(pid, 'status');
    if (nr === 0) return Promise.reject(new KernelError({ ok: false, code: 'ENOENT', syscall: 'open', subject: '/proc/self/status' }));
    return this.#call({ op: 'proc-status', pid: nr });
  }

  /** /proc/PID/status as text. */
  async statusText(pid: number | 'self'): Promise<string> {
    return renderStatus(await this.status(pid));
  }

  /** open("/proc/PID/ns/pid" or ".../pid_for_children"): a handle setns() accepts. */
  async openNs(pid: number | 'self', which: 'pid' | 'pid_for_children' = 'pid'): Promise<NsHandle> {
    const nr = this.#resolve(pid, `/proc/${pid}/ns/${which}`);
    if (nr === 0) throw new KernelError({ ok: false, code: 'ENOENT', syscall: 'open', subject: `/proc/self/ns/${which}` });
    const ref = await this.#call<NsRef>({ op: 'proc-ns', pid: nr, which });
    return new NsHandle(this.#kernel, ref);
  }

  /** readlink("/proc/PID/ns/pid"): `pid:[inode]`. */
  async readNsLink(pid: number | 'self', which: 'pid' | 'pid_for_children' = 'pid'): Promise<string> {
    const h = await this.openNs(pid, which);
    const text = h.toString();
    h.close();
    return text;
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

/**
 * A process. Its methods are syscalls made by it; PIDs in arguments and
 * results are as its own namespace shows them.
 */
export class Process {
  readonly kernel: Kernel;
  readonly key: ProcKey;
  /** The process's PID namespace (its active one; it never changes). */
  readonly ns: NsRef;
  /** Its PID at every level, root first (NSpid as the root's /proc shows it). */
  readonly nspid: readonly number[];

  constructor(kernel: Kernel, key: ProcKey, ns: NsRef, nspid: readonly number[]) {
    this.kernel = kernel;
    this.key = key;
    this.ns = ns;
    this.nspid = nspid;
  }

  /** getpid() without a syscall: the PID in its own namespace. */
  get pid(): number {
    return this.nspid[this.ns.level]!;
  }

  /** This process's PID as namespace `ns` shows it, 0 if invisible there. */
  pidIn(ns: NsRef): number {
    return ns.level < this.ns.chain.length && this.ns.chain[ns.level] === ns.id ? this.nspid[ns.level]! : 0;
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
      if (options.program !== undefined) o.program = toProgram(options.program, 'fork');
      if (options.name !== undefined) o.name = checkName(options.name, 'fork');
      if (options.argv !== undefined) o.argv = checkArgv(options.argv, 'fork');
      op = o as Op;
    }
    return this.#call<ForkResult>(op).then((r) => new Process(this.kernel, r.key, r.ns ?? this.ns, r.nums));
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

  /** setns(fd, CLONE_NEWPID) with a handle from openNs(). */
  setns(ns: NsHandle): Promise<void> {
    if (!(ns instanceof NsHandle)) throw new TypeError('setns: expected an NsHandle from openNs()');
    if (!ns.open) throw new TypeError(`setns: the handle of ${ns} is closed`);
    return this.#call({ op: 'setns', ns: ns.ref });
  }

  /** exit(2). Resolves once the process has exited. */
  exit(code = 0): Promise<void> {
    if (!Number.isInteger(code)) throw new TypeError(`exit: code must be an integer, received ${code}`);
    return this.#call({ op: 'exit', code });
  }

  /** execve(): run another program. */
  exec(program: ProgramLike, options: { name?: string; argv?: readonly string[] } = {}): Promise<void> {
    return this.#call({
      op: 'exec',
      program: toProgram(program, 'exec'),
      ...(options.name !== undefined ? { name: checkName(options.name, 'exec') } : {}),
      ...(options.argv !== undefined ? { argv: checkArgv(options.argv, 'exec') } : {}),
    });
  }

  /** kill(2): pid > 0, 0 (own group), -1 (all), < -1 (a group). Resolves 0. */
  kill(pid: number, sig: SignalLike = 15): Promise<number> {
    return this.#call({ op: 'kill', pid: toPid(pid, 'kill'), sig: toSignal(sig, 'kill') });
  }

  /** sigqueue(3): a signal with a value (real-time signals queue). */
  sigqueue(pid: number, sig: SignalLike, value: number): Promise<number> {
    return this.#call({ op: 'kill', pid: toPid(pid, 'sigqueue'), sig: toSignal(sig, 'sigqueue'), value });
  }

  /** waitpid(2)/waitid(2): pid -1 any child, > 0 one, 0 own group, < -1 a group. */
  wait(pid = -1, options: WaitOptions = NO_WAIT_OPTIONS): Promise<WaitResult> {
    if (options !== NO_WAIT_OPTIONS) checkKeys(options, ['nohang', 'untraced', 'continued', 'exited', 'nowait'], 'wait');
    return this.#call({ op: 'wait', pid: toPid(pid, 'wait'), options });
  }

  /** sigaction(2): sets (if given) and returns the old action. */
  sigaction(sig: SignalLike, action?: SigAction | 'default' | 'ignore' | 'catch'): Promise<SigAction> {
    const a = typeof action === 'string' ? { handler: action } : action;
    if (a !== undefined) {
      checkKeys(a, ['handler', 'restart', 'noCldStop', 'noCldWait', 'resetHand'], 'sigaction');
      if (!['default', 'ignore', 'catch'].includes(a.handler)) {
        throw new TypeError(`sigaction: handler must be 'default', 'ignore' or 'catch', received ${JSON.stringify(a.handler)}`);
      }
    }
    return this.#call({ op: 'sigaction', sig: toSignal(sig, 'sigaction'), ...(a ? { action: a } : {}) });
  }

  /** sigprocmask(2): returns the old mask. */
  sigprocmask(how: 'block' | 'unblock' | 'setmask', sigs?: readonly SignalLike[]): Promise<number[]> {
    if (!['block', 'unblock', 'setmask'].includes(how)) throw new TypeError(`sigprocmask: how must be block, unblock or setmask, received ${JSON.stringify(how)}`);
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
    return this.#call({ op: 'reboot', cmd });
  }

  /** Become an unprivileged user (setuid(65534)): no capabilities anywhere. */
  dropPrivileges(): Promise<void> {
    return this.#call({ op: 'drop-privileges' });
  }

  /** What this process is, as its own namespace shows it. */
  info(): Promise<ProcessInfo> {
    return this.#call({ op: 'info' });
  }

  /** The procfs of this process's namespace, as if /proc were mounted for it. */
  procfs(): ProcFs {
    return this.kernel.procfs(this.ns, this);
  }

  /** open("/proc/PID/ns/pid") through this process's procfs. */
  openNs(pid: number | 'self' = 'self', which: 'pid' | 'pid_for_children' = 'pid'): Promise<NsHandle> {
    return this.procfs().openNs(pid, which);
  }

  toString(): string {
    return `Process(pid ${this.pid}, NSpid ${this.nspid.join(' ')})`;
  }
}

type ForkArgsOp = Extract<Op, { op: 'fork' }>;
const NO_WAIT_OPTIONS: WaitOptions = Object.freeze({});
const PLAIN_FORK: Op = Object.freeze({ op: 'fork' });
const FORK_KEYS = ['newPid', 'newUser', 'parent', 'thread', 'setTid', 'program', 'name', 'argv'] as const;

function checkSetTid(setTid: unknown): readonly number[] {
  if (!Array.isArray(setTid) || !setTid.every((n) => Number.isInteger(n))) {
    throw new TypeError(`fork: setTid must be an array of integers, received ${JSON.stringify(setTid)}`);
  }
  return setTid;
}

function checkName(name: unknown, where: string): string {
  if (typeof name !== 'string' || name.length === 0) throw new TypeError(`${where}: name must be a non-empty string, received ${JSON.stringify(name)}`);
  return name;
}

function checkArgv(argv: unknown, where: string): readonly string[] {
  if (!Array.isArray(argv) || argv.length === 0 || !argv.every((s) => typeof s === 'string')) {
    throw new TypeError(`${where}: argv must be a non-empty array of strings, received ${JSON.stringify(argv)}`);
  }
  return argv;
}

function checkSysctl(name: unknown): void {
  if (name !== 'ns_last_pid' && name !== 'pid_max' && name !== 'max_pid_namespaces') {
    throw new TypeError(`sysctl: name must be 'ns_last_pid', 'pid_max' or 'max_pid_namespaces', received ${JSON.stringify(name)}`);
  }
}
