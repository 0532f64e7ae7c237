// An open pidfd (SEMANTICS 8.4, 8.14-8.17): a handle on one process - not on
// a number - that any process may use as Linux allows (pidfd_send_signal
// and waitid take it through Process), with its readiness: exited()
// resolves when the process has exited, as poll(2) turns readable.

import { KernelError, PIDFD_NONBLOCK, PIDFD_THREAD, type NsRef, type PidfdRef, type PidfdState, type ProcKey } from '@pidsim/core';
import type { Kernel } from './kernel.js';
import { NsHandle } from './procfs.js';

/** pidfd_open(2)'s flags: a number as the syscall takes it (unknown bits are EINVAL), or by name. */
export type PidfdOpenFlags = number | { readonly nonblock?: boolean; readonly thread?: boolean };

/** poll(2) on a pidfd: POLLIN once the process has exited, POLLHUP too once it was reaped. */
export interface PidfdPoll {
  readonly readable: boolean;
  readonly hangup: boolean;
}

/** An open pidfd. It keeps the process's PID namespace alive until close(), as a struct pid does. */
export class PidFd {
  readonly #kernel: Kernel;
  /** The struct pid it holds, the namespace of its process, and the file's flags. */
  readonly value: PidfdRef;
  #open = true;

  constructor(kernel: Kernel, value: PidfdRef) {
    this.#kernel = kernel;
    this.value = value;
  }

  /** The process it names, forever (a ProcKey is never reused). */
  get key(): ProcKey {
    return this.value.ref.key;
  }

  /** The process's PID at every level, root first, as they were when the pidfd was opened. */
  get nspid(): readonly number[] {
    return this.value.ref.nums;
  }

  /** The process's namespace. */
  get ns(): NsRef {
    return this.value.ns;
  }

  /** The process's PID as namespace `ns` shows it, 0 if invisible there. */
  pidIn(ns: NsRef): number {
    const { chain, nums } = this.value.ref;
    return ns.level < chain.length && chain[ns.level] === ns.id ? nums[ns.level]! : 0;
  }

  /** PIDFD_NONBLOCK: waitid() on it does not block (EAGAIN). */
  get nonblock(): boolean {
    return (this.value.flags & PIDFD_NONBLOCK) !== 0;
  }

  /** PIDFD_THREAD: it names the thread; pidfd_send_signal() signals the thread (SI_TKILL). */
  get thread(): boolean {
    return (this.value.flags & PIDFD_THREAD) !== 0;
  }

  get open(): boolean {
    return this.#open;
  }

  /** close(2): the process's namespace may go once nothing else refers to it. */
  close(): void {
    if (!this.#open) return;
    this.#open = false;
    this.#kernel.transport.post(this.value.ns.id, { type: 'ns-ref', delta: -1 });
  }

  /** Resolves once the process has exited (a zombie, or reaped): the pidfd is readable (SEMANTICS 8.16). */
  exited(): Promise<void> {
    this.#check('exited');
    return this.#kernel.request<PidfdState>(this.value.ns.id, 'poll', (id) => ({ type: 'pidfd-state', id, key: this.key, block: true })).then(() => undefined);
  }

  /** poll(2) with a zero timeout: readable once the process has exited, hangup once it was reaped. */
  poll(): Promise<PidfdPoll> {
    return this.#state('poll').then(pollOf);
  }

  /** What the process is doing now: running (or stopped, or an init draining its namespace), exited, reaped. */
  state(): Promise<PidfdState> {
    return this.#state('state');
  }

  #state(where: string): Promise<PidfdState> {
    this.#check(where);
    return this.#kernel.request<PidfdState>(this.value.ns.id, 'poll', (id) => ({ type: 'pidfd-state', id, key: this.key, block: false }));
  }

  #check(where: string): void {
    if (!this.#open) throw new TypeError(`${where}: ${this} is closed`);
  }

  toString(): string {
    return `pidfd(NSpid ${this.value.ref.nums.join(' ')})`;
  }
}

export function pollOf(state: PidfdState): PidfdPoll {
  return { readable: state !== 'running', hangup: state === 'reaped' };
}

/** The open PidfdRef behind `fd`, for a syscall taking one: EBADF for a namespace handle, as for any fd that is not a pidfd. */
export function pidfdArg(fd: unknown, where: string): PidfdRef | KernelError {
  if (fd instanceof NsHandle) return new KernelError({ ok: false, code: 'EBADF', syscall: where, detail: 'a namespace file is not a pidfd' });
  if (!(fd instanceof PidFd)) throw new TypeError(`${where}: expected a PidFd (from pidfdOpen(), pidfd() or fork({ pidfd: true })), received ${describeArg(fd)}`);
  if (!fd.open) throw new TypeError(`${where}: ${fd} is closed`);
  return fd.value;
}

/** pidfd_open's flags as the syscall takes them (an unsigned int). */
export function toPidfdFlags(flags: unknown, where: string): number {
  if (typeof flags === 'number') {
    if (!Number.isInteger(flags) || flags < -2147483648 || flags > 0xffffffff) throw new TypeError(`${where}: flags must be a 32-bit integer, received ${flags}`);
    return flags >>> 0;
  }
  if (flags && typeof flags === 'object') {
    const f = flags as Record<string, unknown>;
    for (const k in f) if (k !== 'nonblock' && k !== 'thread') throw new TypeError(`${where}: unknown flag \`${k}\` (expected nonblock, thread)`);
    return (f['nonblock'] === true ? PIDFD_NONBLOCK : 0) | (f['thread'] === true ? PIDFD_THREAD : 0);
  }
  throw new TypeError(`${where}: flags must be a number or { nonblock, thread }, received ${JSON.stringify(flags)}`);
}

/** A value as a TypeError names it: JSON for plain values, the class for objects (which may be circular). */
export function describeArg(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? String(v);
  return v.constructor?.name ?? 'an object';
}
