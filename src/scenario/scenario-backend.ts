// The interface every scenario backend implements (pidsim on a transport, or
// real Linux), and the syscalls the runner asks of it. The runner has already
// turned process names into PIDs as the caller sees them; a backend only
// performs the call, waits until its effects have settled, and reports.

import type { KernelVariant } from '../index.js';
import type { Observation } from './scenario-schema.js';

/** Where a process lives, relative to the scenario's root namespace (level 0). */
export interface ProcIdentity {
  /** Its PID at each level, from the scenario's root namespace down to its own. */
  readonly nspid: readonly number[];
  /** An opaque id of its namespace at each of those levels (equal ids: same namespace). */
  readonly chain: readonly string[];
}

/** A syscall, with every PID already as the caller sees it. */
export type Syscall =
  | {
      readonly op: 'fork';
      readonly child: string;
      readonly newPid: boolean;
      readonly newUser: boolean;
      readonly parent: boolean;
      readonly setTid: readonly number[] | null;
      /** CLONE_PIDFD: the pidfd's name, held by the caller. */
      readonly pidfd: string | null;
      /** CLONE_THREAD|CLONE_SIGHAND|CLONE_VM: `child` is a thread of the caller's process. */
      readonly thread: boolean;
    }
  | { readonly op: 'unshare'; readonly pid: boolean; readonly user: boolean }
  | { readonly op: 'open_ns'; readonly handle: string; readonly pid: number | 'self'; readonly which: 'pid' | 'pid_for_children' }
  | { readonly op: 'setns'; readonly handle: string }
  | { readonly op: 'setns_at'; readonly pid: number | 'self'; readonly which: 'pid' | 'pid_for_children' }
  | { readonly op: 'kill'; readonly pid: number; readonly sig: number; readonly report: boolean }
  | {
      readonly op: 'sigaction';
      readonly sig: number;
      readonly action: 'default' | 'ignore' | 'catch';
      readonly flags: readonly SigactionFlag[];
      /** What the handler does (PIDs as the caller sees them); a fork names its child. */
      readonly steps: readonly HandlerStep[];
    }
  | { readonly op: 'sigprocmask'; readonly how: 'block' | 'unblock' | 'setmask'; readonly sigs: readonly number[] }
  | { readonly op: 'sigpending' }
  | { readonly op: 'subreaper'; readonly on: boolean }
  | { readonly op: 'setpgid'; readonly pid: number; readonly pgid: number }
  | { readonly op: 'setsid' }
  | { readonly op: 'getpgid'; readonly pid: number }
  | { readonly op: 'getsid'; readonly pid: number }
  | { readonly op: 'getpid' }
  | { readonly op: 'getppid' }
  | { readonly op: 'exit'; readonly code: number }
  | { readonly op: 'exit_group'; readonly code: number }
  | { readonly op: 'gettid' }
  /** tgkill(2); tkill(2) when `tgid` is null. */
  | { readonly op: 'tgkill'; readonly tgid: number | null; readonly tid: number; readonly sig: number }
  /** The TIDs of /proc/PID/task, ascending. */
  | { readonly op: 'tasks'; readonly pid: number | 'self' }
  | { readonly op: 'reboot'; readonly cmd: RebootCmd }
  | {
      readonly op: 'wait';
      readonly pid: number;
      readonly nohang: boolean;
      readonly untraced: boolean;
      readonly continued: boolean;
      readonly nowait: boolean;
    }
  | { readonly op: 'status'; readonly pid: number | 'self'; readonly fields: readonly StatusField[] }
  | { readonly op: 'pids' }
  | { readonly op: 'caught'; readonly sig: number }
  | { readonly op: 'sysctl'; readonly name: 'ns_last_pid' | 'pid_max' | 'max_pid_namespaces'; readonly value: number | null }
  | { readonly op: 'drop_privileges' }
  | { readonly op: 'exec' }
  | { readonly op: 'delivered' }
  | { readonly op: 'setid'; readonly kind: 'uid' | 'gid'; readonly id: number }
  | { readonly op: 'setresid'; readonly kind: 'uid' | 'gid'; readonly ids: readonly [number, number, number] }
  | { readonly op: 'getresid'; readonly kind: 'uid' | 'gid' }
  | { readonly op: 'id_map'; readonly kind: 'uid' | 'gid'; readonly pid: number; readonly map: readonly [number, number, number] }
  /** The inode of /proc/PID/ns/{which} (the runner names it). */
  | { readonly op: 'ns_id'; readonly pid: number | 'self'; readonly which: 'pid' | 'pid_for_children' }
  /** ioctl(NS_GET_PARENT) on it: the parent's inode, or an errno. */
  | { readonly op: 'ns_parent'; readonly pid: number | 'self'; readonly which: 'pid' | 'pid_for_children' }
  | { readonly op: 'ns_pid'; readonly dir: 'from' | 'in'; readonly pid: number | 'self'; readonly which: 'pid' | 'pid_for_children'; readonly nr: number }
  /** pidfd_open(pid, flags), the pidfd held as `handle`. */
  | { readonly op: 'pidfd_open'; readonly handle: string; readonly pid: number; readonly flags: number }
  /** pidfd_send_signal(fd, sig, NULL, flags); `handle` may name a namespace handle (EBADF). */
  | { readonly op: 'pidfd_send_signal'; readonly handle: string; readonly sig: number; readonly flags: number; readonly report: boolean }
  | {
      readonly op: 'waitid';
      readonly handle: string;
      readonly nohang: boolean;
      readonly untraced: boolean;
      readonly continued: boolean;
      readonly nowait: boolean;
      readonly exited: boolean;
    }
  /** /proc/self/fdinfo/FD through the caller's procfs. */
  | { readonly op: 'fdinfo'; readonly handle: string }
  /** poll(fd, POLLIN, 0). */
  | { readonly op: 'poll'; readonly handle: string };

export type SigactionFlag = 'restart' | 'nocldstop' | 'nocldwait' | 'resethand';
export type HandlerStep =
  | { readonly do: 'exit'; readonly code: number }
  | { readonly do: 'kill'; readonly pid: number; readonly sig: number }
  | { readonly do: 'sigprocmask'; readonly how: 'block' | 'unblock' | 'setmask'; readonly sigs: readonly number[] }
  | { readonly do: 'fork'; readonly child: string };
export type RebootCmd = 'restart' | 'restart2' | 'halt' | 'power-off' | 'cad-on' | 'cad-off';
export type StatusField = 'state' | 'ppid' | 'nspid' | 'nspgid' | 'nssid' | 'uid' | 'gid';

/**
 * One backend, opened for one run of one scenario. After `call` or `join`
 * resolves, everything the call set off has settled (signals handled, exits
 * and teardowns done as far as the kernel will take them).
 */
export interface ScenarioBackend {
  /** e.g. `linux`, `inline seed 7`. */
  readonly name: string;
  /** The absolute level of the scenario's root namespace, null when it cannot be known. */
  readonly rootLevel: number | null;
  /** A process the scenario created (its identity from birth, kept after it dies). */
  identity(proc: string): ProcIdentity | undefined;
  /** Whether `proc` has a call that has not returned yet (observed as 'blocked'). */
  hasPending(proc: string): boolean;
  /** Whether `proc` was reaped: its PIDs are free, and may name another process now. */
  reaped(proc: string): Promise<boolean>;
  /**
   * Makes `syscall` on behalf of `proc`. Resolves with the observation:
   * the value or errno name, 'dead' if the process has exited, or 'blocked'
   * if the call has not returned once everything settled (join collects it).
   */
  call(proc: string, syscall: Syscall): Promise<Observation>;
  /** Settles and returns the result of the pending call of `proc` ('blocked' if it still has not returned). */
  join(proc: string): Promise<Observation>;
  /** Lets `ms` of time pass (virtual time on pidsim, real time on Linux), then settles. */
  sleep(ms: number): Promise<void>;
  /** Ends every process of the run. Safe to call twice. */
  close(): Promise<void>;
}

/** How to open a backend for one run; `rootName` is the scenario's first process. */
export interface BackendFactory {
  readonly name: string;
  open(rootName: string): Promise<ScenarioBackend>;
  /**
   * Whose behaviour the backend has where kernel builds differ: pidsim's is
   * configured, Linux's is probed on the host (kernel-fingerprint.ts).
   * Asked only by scenarios with variant-specific expectations.
   */
  variant(): Promise<KernelVariant>;
}

/** A backend that cannot run here (not root, no namespaces, transport not built yet). */
export class BackendUnavailableError extends Error {
  constructor(backend: string, reason: string) {
    super(`the ${backend} backend is unavailable: ${reason}`);
    this.name = 'BackendUnavailableError';
  }
}

/** The scenario asked for something impossible at run time (a process that was never created, ...). */
export class ScenarioRunError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ScenarioRunError';
  }
}
