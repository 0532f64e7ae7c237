// The message protocol between the client (the Kernel API), the namespace
// actors, and the host that runs them. One discriminated union per direction,
// plain data only (it crosses postMessage). docs/protocol.md explains each
// message, its order, and why no interleaving breaks the invariants.

import type { CallId, NsId, ProcKey, UserNsId } from './ids.js';
import type { PidRef } from './pid-ref.js';
import type { ProgramSpec } from './program.js';
import type { RebootCommand } from './clone-flags.js';
import type { ChildChange, WaitOptions } from './wait-status.js';
import type { Failure, Result } from './errno.js';
import type { SigSet } from './signals.js';
import type { KernelEvent } from './events.js';
import type { ActorSnapshot } from './snapshot.js';
import type { Cred, IdExtent, IdKind } from './credentials.js';
import type { PidTableBuffers } from './pid-allocator.js';
import type { PidfdRef } from './pidfd.js';

/** A PID namespace as a value: enough to route to it and check ancestry. */
export interface NsRef {
  readonly id: NsId;
  readonly level: number;
  /** Namespace ids from the root (index 0) to this one. */
  readonly chain: readonly NsId[];
  /** The number /proc/PID/ns/pid shows as `pid:[inode]`. */
  readonly inode: number;
  /** The owning user namespace's chain, root first (for capability checks). */
  readonly userNs: readonly UserNsId[];
}

/** What the child of a fork/clone is, as the caller asks for it. */
export interface ForkArgs {
  /** CLONE_NEWPID: the child is init of a new namespace (SEMANTICS 2.1). */
  readonly newPid?: boolean;
  /** CLONE_NEWUSER: the child gets a new user namespace, where it holds every capability. */
  readonly newUser?: boolean;
  /** CLONE_PARENT: the child's parent is the caller's parent (SEMANTICS 2.8). */
  readonly parent?: boolean;
  /** CLONE_THREAD|CLONE_SIGHAND|CLONE_VM: a new thread of the caller's thread group (SEMANTICS 2.7, 8.1). */
  readonly thread?: boolean;
  /** clone3 set_tid: PIDs innermost first (SEMANTICS 1.10, 1.11). */
  readonly setTid?: readonly number[];
  /** CLONE_PIDFD: the caller gets a pidfd of the child along with it (SEMANTICS 8.17). */
  readonly pidfd?: boolean;
  /** What the child runs; by default what the caller runs (fork copies). */
  readonly program?: ProgramSpec;
  /** The child's name (comm); by default the program's, or the caller's if the program is inherited. */
  readonly name?: string;
  /** The child's command line (/proc/PID/cmdline, ps CMD); by default [name]. */
  readonly argv?: readonly string[];
}

export type SigHandler = 'default' | 'ignore' | 'catch';

/**
 * What a caught signal's handler does, in order, as a C handler would
 * (each is an async-signal-safe call): _exit(code), kill(pid, sig) with
 * `pid` as the process sees it, sigprocmask (undone when the handler
 * returns, as sigreturn restores the mask), fork (the child, named `name`,
 * runs `idle`).
 */
export type HandlerStep =
  | { readonly do: 'exit'; readonly code: number }
  | { readonly do: 'kill'; readonly pid: number; readonly sig: number }
  | { readonly do: 'sigprocmask'; readonly how: 'block' | 'unblock' | 'setmask'; readonly set: readonly number[] }
  | { readonly do: 'fork'; readonly name: string };

export interface SigAction {
  readonly handler: SigHandler;
  /** For `catch`: what the handler does besides counting (nothing by default). */
  readonly steps?: readonly HandlerStep[];
  /** SA_RESTART: a wait interrupted by this handler restarts instead of failing EINTR. */
  readonly restart?: boolean;
  /** SA_NOCLDSTOP (SIGCHLD only): no SIGCHLD when a child stops or continues. */
  readonly noCldStop?: boolean;
  /** SA_NOCLDWAIT (SIGCHLD only): children are reaped automatically (SEMANTICS 5.5). */
  readonly noCldWait?: boolean;
  /** SA_RESETHAND: the handler is reset to default when it runs. */
  readonly resetHand?: boolean;
}

/** The siginfo a delivered signal carries, with si_pid as the receiver sees it. */
export interface SigInfo {
  readonly signo: number;
  readonly code: number;
  readonly pid: number;
  readonly uid: number;
  readonly status?: number;
  readonly value?: number;
}

/** kernel.ns_last_pid and kernel.pid_max are per PID namespace; user.max_pid_namespaces per user namespace. */
export type SysctlName = 'ns_last_pid' | 'pid_max' | 'max_pid_namespaces';

/** A syscall, made on behalf of one process. */
export type Op =
  | ({ readonly op: 'fork' } & ForkArgs)
  | { readonly op: 'unshare'; readonly newPid?: boolean; readonly newUser?: boolean }
  | { readonly op: 'setns'; readonly ns: NsRef }
  | { readonly op: 'exit'; readonly code: number }
  /** exit_group(2): every thread of the caller's group ends (SEMANTICS 8.19). */
  | { readonly op: 'exit-group'; readonly code: number }
  /** gettid(2). */
  | { readonly op: 'gettid' }
  /** tgkill(2), and tkill(2) without `tgid`: a signal to one thread (SEMANTICS 8.18). */
  | { readonly op: 'tgkill'; readonly tgid: number; readonly tid: number; readonly sig: number }
  | { readonly op: 'tkill'; readonly tid: number; readonly sig: number }
  | { readonly op: 'exec'; readonly program: ProgramSpec; readonly name?: string; readonly argv?: readonly string[] }
  /**
   * kill(2)/sigqueue(3). With `report`, the result is `{ ret: 0, handled }`:
   * how often each of the caller's handlers had run when kill returned.
   */
  | { readonly op: 'kill'; readonly pid: number; readonly sig: number; readonly value?: number; readonly report?: boolean }
  | { readonly op: 'wait'; readonly pid: number; readonly options: WaitOptions }
  | { readonly op: 'sigaction'; readonly sig: number; readonly action?: SigAction }
  | { readonly op: 'sigprocmask'; readonly how: 'block' | 'unblock' | 'setmask'; readonly set?: readonly number[] }
  | { readonly op: 'sigpending' }
  | { readonly op: 'prctl-subreaper'; readonly value?: boolean }
  | { readonly op: 'setpgid'; readonly pid: number; readonly pgid: number }
  | { readonly op: 'getpgid'; readonly pid: number }
  | { readonly op: 'getsid'; readonly pid: number }
  | { readonly op: 'setsid' }
  | { readonly op: 'getpid' }
  | { readonly op: 'getppid' }
  | { readonly op: 'sysctl'; readonly name: SysctlName; readonly value?: number }
  | { readonly op: 'reboot'; readonly cmd: RebootCommand }
  | { readonly op: 'drop-privileges' }
  /** setuid(2)/setgid(2). */
  | { readonly op: 'setid'; readonly kind: IdKind; readonly id: number }
  /** setresuid(2)/setresgid(2): -1 keeps an id. */
  | { readonly op: 'setresid'; readonly kind: IdKind; readonly ids: readonly [number, number, number] }
  /** getresuid(2)/getresgid(2): [real, effective, saved] as the caller's user namespace shows them. */
  | { readonly op: 'getresid'; readonly kind: IdKind }
  /** Writes /proc/PID/uid_map (gid_map) of the user namespace of process `pid` (as the caller sees it). */
  | { readonly op: 'write-id-map'; readonly pid: number; readonly kind: IdKind; readonly extent: IdExtent }
  | { readonly op: 'info' }
  /** pidfd_open(2) of process `pid` as the caller sees it; `flags` as given, checked by the kernel (SEMANTICS 8.4). */
  | { readonly op: 'pidfd-open'; readonly pid: number; readonly flags: number }
  /**
   * pidfd_send_signal(2) through a pidfd (SEMANTICS 4.15, 4.17); `flags`
   * picks the scope. With `report`, the result is kill's `{ ret: 0, handled }`.
   */
  | { readonly op: 'pidfd-send-signal'; readonly pidfd: PidfdRef; readonly sig: number; readonly flags: number; readonly report?: boolean }
  /** waitid(P_PIDFD, fd, ...): wait for the child the pidfd names, whatever its number now (SEMANTICS 8.15). */
  | { readonly op: 'waitid-pidfd'; readonly pidfd: PidfdRef; readonly options: WaitOptions };

/** procfs reads, addressed to the namespace the proc mount belongs to (SEMANTICS 3.6). */
export type ProcOp =
  | { readonly op: 'proc-list' }
  | { readonly op: 'proc-status'; readonly pid: number | 'self' }
  /** readdir(/proc/PID/task): one row per thread of the group (SEMANTICS 8.1). */
  | { readonly op: 'proc-tasks'; readonly pid: number }
  | { readonly op: 'proc-ns'; readonly pid: number | 'self'; readonly which: 'pid' | 'pid_for_children' }
  /**
   * ioctl on an open /proc/PID/ns/pid, addressed to that namespace:
   * NS_GET_PARENT (its parent, if within the caller's scope), and the PID
   * translations NS_GET_PID_FROM_PIDNS (a PID of this namespace, as the
   * caller sees it) and NS_GET_PID_IN_PIDNS (a PID of the caller's, as
   * this namespace sees it).
   */
  | { readonly op: 'ns-ioctl'; readonly ns: NsRef; readonly caller: NsRef; readonly cmd: 'get-parent' }
  | { readonly op: 'ns-ioctl'; readonly ns: NsRef; readonly caller: NsRef; readonly cmd: 'pid-from-ns' | 'pid-in-ns'; readonly pid: number };

/** What a process's handle learns about it (`info` op). */
export interface ProcessInfo {
  readonly key: ProcKey;
  readonly ns: NsRef;
  readonly pid: number;
  readonly ppid: number;
  readonly name: string;
  readonly cmdline: readonly string[];
  readonly state: ProcState;
  readonly program: ProgramSpec;
  /** For a thread, its TID at every level (NSpid); `pid` is then the TGID. */
  readonly nspid: readonly number[];
  /** gettid(): the calling thread's own number (equal to `pid` in a leader). */
  readonly tid: number;
  /** How many threads its group has (1 without threads). */
  readonly threads: number;
  readonly pidForChildren: NsRef;
  readonly subreaper: boolean;
  readonly privileged: boolean;
  /** Real, effective and saved uid, then gid, as the process's own user namespace shows them. */
  readonly uids: readonly [number, number, number];
  readonly gids: readonly [number, number, number];
  readonly exit: ChildChange | null;
  /** How many times each caught signal's handler ran, by signal number. */
  readonly handled: Readonly<Record<number, number>>;
  /** The signals whose handler ran, in the order they ran (since fork or execve). */
  readonly delivered: readonly number[];
  /** The siginfo the last run of each handler received, by signal number. */
  readonly siginfo: Readonly<Record<number, SigInfo>>;
  readonly blocked: readonly number[];
  readonly pending: readonly number[];
}

/** Process states, named exactly. 'exiting' is an init waiting for its namespace to drain. */
export type ProcState = 'running' | 'stopped' | 'exiting' | 'zombie';

/** One row of a procfs listing, every id as the procfs namespace shows it. */
export interface ProcEntry {
  readonly key: ProcKey;
  /** The effective uid (ps's UID), then real, effective, saved uid and gid, as the procfs's user namespace shows them. */
  readonly uid: number;
  readonly uids: readonly [number, number, number];
  readonly gids: readonly [number, number, number];
  readonly pid: number;
  readonly ppid: number;
  readonly pgid: number;
  readonly sid: number;
  readonly name: string;
  readonly cmdline: readonly string[];
  /** Virtual milliseconds since boot when the process was forked. */
  readonly startTime: number;
  readonly state: ProcState;
  /** NSpid: the PID (a thread's TID) from the procfs namespace down to the process's own. */
  readonly nspid: readonly number[];
  /** Tgid and NStgid: the thread group's id; equal to pid and nspid but in a non-leader thread. */
  readonly tgid: number;
  readonly nstgid: readonly number[];
  /** Threads: how many threads the group has. */
  readonly threads: number;
  readonly nspgid: readonly number[];
  readonly nssid: readonly number[];
  readonly nsInode: number;
  readonly level: number;
}

/** The result of wait()/waitpid()/waitid(). pid 0 = WNOHANG and nothing to report. */
export interface WaitResult {
  readonly pid: number;
  readonly status: number;
  readonly change: ChildChange | null;
  /** si_code of the report (CLD_*), 0 when pid is 0. */
  readonly code: number;
}

// --- client -> actor --------------------------------------------------------------

export interface CallMsg {
  readonly type: 'call';
  readonly id: CallId;
  readonly caller: ProcKey;
  readonly op: Op | ProcOp;
}

/**
 * A call as every sender builds it: with this constructor, not an object
 * literal. Calls decoded from a worker's Float64Array carry their id and
 * caller as doubles, the kernel's and a program's as small integers. Built by
 * literals of the same keys, they shared V8's hidden classes, and in some runs
 * the read of `call.id` in sysFork missed its inline cache on every fork (V8's
 * IC log: 119 k "recompute handler" misses of that one load in 2 s; most
 * likely a literal site kept making objects of a class that a double had
 * widened and deprecated). The misses also kept sysFork from being optimized
 * again after a deopt, and such runs of the spawner's cycle ran at 0.4-0.5x
 * (two namespaces on one worker: 245-390 k forks/s against 520-880 k).
 */
export class Call implements CallMsg {
  readonly type = 'call' as const;
  constructor(readonly id: CallId, readonly caller: ProcKey, readonly op: Op | ProcOp) {}
}

// --- actor -> client --------------------------------------------------------------

export interface ReplyMsg {
  readonly type: 'reply';
  readonly id: CallId;
  readonly result: Result<unknown>;
}

export interface EventMsg {
  readonly type: 'event';
  readonly event: KernelEvent;
}

export type ClientMsg = ReplyMsg | EventMsg;

// --- actor -> actor ---------------------------------------------------------------

/** The attributes a child copies from the process that forks it. */
export interface ChildInit {
  readonly name: string;
  readonly argv: readonly string[];
  readonly program: ProgramSpec;
  readonly actions: readonly (readonly [number, SigAction])[];
  readonly blocked: SigSet;
  readonly pgrp: PidRef;
  readonly session: PidRef;
  readonly caps: UserNsId | null;
  /** Where the child's permitted capabilities are (its effective ones are `caps`). */
  readonly permitted: UserNsId | null;
  readonly cred: Cred;
  readonly userNs: readonly UserNsId[];
}

/** The parent as a child's record knows it: for getppid, orphaned-group checks. */
export interface ParentLink {
  readonly ref: PidRef;
  readonly pgrp: ProcKey;
  readonly session: ProcKey;
  /** The parent is the root namespace's init (is_global_init). */
  readonly globalInit: boolean;
}

/** A fork in progress, carried along the reserve and commit chains. */
export interface ForkJob {
  readonly id: CallId;
  readonly key: ProcKey;
  /** The calling task (a thread of its process, or the process itself). */
  readonly caller: ProcKey;
  /** The caller's process: its group leader's key. */
  readonly process: ProcKey;
  readonly callerNs: NsRef;
  readonly target: NsRef;
  readonly newNs: boolean;
  /** set_tid, innermost first; empty when not given. */
  readonly setTid: readonly number[];
  /** Reserved numbers; nums[level]. Filled from the target level up to 0. */
  readonly nums: number[];
  readonly clonePar: boolean;
  /** Set by the caller's actor at the fork call; its groups are the caller's again at attach (copy_process() reads them then). */
  init: ChildInit;
  /** Filled at attach: the child's parent. */
  parent: ParentLink | null;
  /** Filled at attach: the child's struct pid, shared by the parent's stub and the child's record. */
  ref: PidRef | null;
  parentNs: NsId | null;
  /** User namespaces where the caller may choose PIDs with set_tid (SEMANTICS 1.11 EPERM). */
  readonly capRoots: readonly UserNsId[];
  /** Group joins at other actors that must be acknowledged before fork returns. */
  pendingJoins: number;
  /** CLONE_PIDFD: the child's namespace takes a reference for the caller's pidfd at commit. */
  readonly pidfd: boolean;
  /** CLONE_THREAD: the new task joins the caller's thread group; it has no parent link and joins no process group. */
  readonly thread: boolean;
}

/**
 * What an actor's part of a process group owned by another actor reports to
 * the owner: it has members (or joins promised by forks in flight), some of
 * them are stopped; SHARD_GONE: nothing of the group is left here.
 */
export const SHARD_MEMBERS = 1;
export const SHARD_STOPPED = 2;
export const SHARD_GONE = -1;

export type ActorMsg =
  | CallMsg
  | { readonly type: 'fork-reserve'; readonly job: ForkJob }
  | { readonly type: 'fork-attach'; readonly job: ForkJob }
  | { readonly type: 'fork-adopt'; readonly job: ForkJob }
  | { readonly type: 'fork-commit'; readonly job: ForkJob }
  | { readonly type: 'fork-abort'; readonly job: ForkJob; readonly failure: Failure }
  /** The child joined its process group at the group's owner; fork may return (sent to the root actor). */
  | { readonly type: 'fork-joined'; readonly id: CallId }
  | { readonly type: 'reap'; readonly child: ProcKey; readonly reply: { readonly id: CallId; readonly value: unknown } | null }
  | {
      readonly type: 'signal';
      readonly targets: readonly ProcKey[];
      readonly sig: number;
      readonly sender: SignalSender;
      /** Who to acknowledge once delivered: a call to reply to, or a gather to count down. */
      readonly ack: SignalAck;
    }
  | { readonly type: 'signal-ack'; readonly gather: number; readonly delivered: number; readonly denied: number }
  /** A reported kill is done: the caller's actor answers it (after the caller's own pending signals, as the syscall exit path does). */
  | { readonly type: 'kill-done'; readonly caller: ProcKey; readonly id: CallId; readonly errno: 'EPERM' | 'ESRCH' | null }
  | { readonly type: 'child-changed'; readonly parent: ProcKey; readonly child: ProcKey; readonly change: ChildChange }
  | { readonly type: 'child-updated'; readonly parent: ProcKey; readonly child: ProcKey; readonly update: ChildUpdate }
  | { readonly type: 'set-parent'; readonly child: ProcKey; readonly parent: ParentLink }
  | { readonly type: 'parent-groups'; readonly children: readonly ProcKey[]; readonly pgrp: ProcKey; readonly session: ProcKey }
  /**
   * A fork or setpgid will add a member in another actor: the group must stay
   * until that actor's group-shard message gives the hold back (sent to the group's owner).
   */
  | { readonly type: 'group-hold'; readonly group: ProcKey; readonly kind: 'pgrp' | 'session' }
  /**
   * An actor's part of a group owned elsewhere changed what its owner must
   * know (pgrp-session.ts): `state` is SHARD_* bits, or SHARD_GONE once the
   * actor holds nothing of the group. `held` gives back a hold the owner took
   * for a join made here; `ack` lets a fork (or a setpgid, by its call id) return.
   */
  | {
      readonly type: 'group-shard';
      readonly group: ProcKey;
      readonly from: NsId;
      readonly state: number;
      readonly held: 'pgrp' | 'session' | null;
      readonly ack: { readonly root: NsId; readonly id: CallId } | { readonly reply: CallId } | null;
    }
  | {
      readonly type: 'group-signal';
      readonly group: ProcKey;
      readonly sig: number;
      readonly sender: SignalSender;
      readonly ack: SignalAck;
    }
  /**
   * The owner's group kill, delivered by an actor to its own members of the
   * group, newest first: those that joined no later than join number `zeroTo`
   * get si_pid 0 ('all': every one; null: none; the shared-siginfo quirk,
   * task-kill.ts). With `newest`, the actor first tells the owner its newest
   * (targeted) member's join number, for group kill `kill` there.
   */
  | {
      readonly type: 'group-deliver';
      readonly group: ProcKey;
      readonly sig: number;
      readonly sender: SignalSender;
      readonly which: 'all' | 'stopped';
      readonly zeroTo: number | 'all' | null;
      readonly ack: SignalAck;
      readonly newest: { readonly owner: NsId; readonly kill: number } | null;
    }
  | { readonly type: 'group-newest'; readonly kill: number; readonly newest: number | null }
  | { readonly type: 'orphan-check'; readonly group: ProcKey; readonly ignore: ProcKey | null }
  /** Is this group orphaned? Asked for a job-control stop signal (4.10); answered with job-stop. */
  | { readonly type: 'orphan-query'; readonly group: ProcKey; readonly proc: ProcKey; readonly home: NsId; readonly sig: number }
  /** The verdict: stop `proc` with `sig` unless its group is orphaned. */
  | { readonly type: 'job-stop'; readonly proc: ProcKey; readonly sig: number; readonly orphaned: boolean }
  | { readonly type: 'orphan-probe'; readonly group: ProcKey; readonly check: number; readonly owner: NsId; readonly ignore: ProcKey | null }
  | { readonly type: 'orphan-probe-reply'; readonly group: ProcKey; readonly check: number; readonly links: number; readonly answered: number }
  | {
      readonly type: 'setpgid-join';
      readonly id: CallId;
      readonly target: ProcKey;
      readonly targetNs: NsId;
      readonly group: ProcKey;
      /** The session the group must belong to; null when the target creates the group itself. */
      readonly session: ProcKey | null;
    }
  | { readonly type: 'setpgid-apply'; readonly id: CallId; readonly target: ProcKey; readonly group: PidRef }
  | { readonly type: 'proc-query'; readonly gather: number; readonly viewer: NsRef; readonly keys: readonly ProcKey[] }
  | { readonly type: 'proc-answer'; readonly gather: number; readonly entries: readonly ProcEntry[] }
  | { readonly type: 'remote-call'; readonly id: CallId; readonly viewer: NsRef; readonly target: ProcKey; readonly query: RemoteQuery }
  /** A reference to the namespace taken or dropped; `reply` answers a call once it is taken. */
  | { readonly type: 'ns-ref'; readonly delta: number; readonly reply?: { readonly id: CallId; readonly value: unknown } }
  | { readonly type: 'ns-discard' }
  /** A child namespace was freed: it no longer holds its parent. */
  | { readonly type: 'ns-child-gone' }
  /** A number of this namespace was freed by an actor below it while this one is not active: it may drain, die or be freed. */
  | { readonly type: 'ns-freed' }
  | { readonly type: 'timer-fired'; readonly proc: ProcKey; readonly token: number }
  /** A program goes on after the message that woke it (programs.ts: a spawner's next forks). */
  | { readonly type: 'program-continue'; readonly proc: ProcKey }
  /**
   * A pidfd is opened on process `key`, at the actor it lives in, which takes
   * a reference on its namespace and answers call `id` with the PidfdRef
   * (pidfd_open from the caller's actor, or the API's process.pidfd()).
   */
  | { readonly type: 'pidfd-get'; readonly id: CallId; readonly key: ProcKey; readonly flags: number }
  /** What the process of a pidfd is doing (poll, fdinfo); with `block`, answered once it has exited (readiness). */
  | { readonly type: 'pidfd-state'; readonly id: CallId; readonly key: ProcKey; readonly block: boolean }
  /**
   * tgkill/tkill at the actor of thread `target` (SEMANTICS 8.18): ESRCH unless
   * `tgid` (0 for tkill) is its group's TGID as namespace `viewer` shows it.
   */
  | { readonly type: 'thread-signal'; readonly target: ProcKey; readonly tgid: number; readonly viewer: { readonly id: NsId; readonly level: number }; readonly sig: number; readonly sender: SignalSender; readonly id: CallId }
  /** pidfd_send_signal at the target's actor: the process the pidfd names, or ESRCH once it was reaped. */
  | { readonly type: 'pidfd-signal'; readonly target: ProcKey; readonly sig: number; readonly sender: SignalSender; readonly ack: SignalAck };

/** A query about one process, answered by the actor it lives in. */
export type RemoteQuery =
  | { readonly q: 'pgid'; readonly syscall: string }
  | { readonly q: 'sid'; readonly syscall: string }
  | { readonly q: 'status' }
  /** /proc/PID/task: a row for each task of the group. */
  | { readonly q: 'tasks' }
  | { readonly q: 'ns'; readonly which: 'pid' | 'pid_for_children' }
  | { readonly q: 'id-map'; readonly kind: IdKind; readonly extent: IdExtent; readonly writer: IdMapWriter }
  /** The process's number in namespace `ns` (0 where it has none): the PID translations of ns-ioctl. */
  | { readonly q: 'nr-in'; readonly ns: NsRef };

/** Who writes a uid_map/gid_map: what new_idmap_permitted() looks at. */
export interface IdMapWriter {
  readonly userNs: readonly UserNsId[];
  readonly caps: UserNsId | null;
  readonly cred: Cred;
}

/** A change of a child's attributes the parent must mirror. */
export type ChildUpdate =
  | { readonly u: 'groups'; readonly pgrp: PidRef; readonly session: ProcKey }
  | { readonly u: 'exec' };

/** Who sent a signal, as the kernel knows it (never data the sender supplied). */
export type SignalSender =
  /** From a process: its namespace chain decides init protection (SEMANTICS 4.2, 4.3). */
  | {
      readonly kind: 'process';
      readonly key: ProcKey;
      readonly chain: readonly NsId[];
      readonly pid: number;
      readonly value?: number;
      /** For the permission check (kill_ok_by_cred()): the sender's real and effective uid... */
      readonly ruid: number;
      readonly euid: number;
      /** ...where it holds CAP_KILL (its effective capabilities), and its session (SIGCONT). */
      readonly caps: UserNsId | null;
      readonly session: ProcKey;
      /**
       * Quirk (3.9 with a shared siginfo): kill(-1) and group kills reuse one
       * siginfo for every target, and send_signal_locked() writes si_pid = 0
       * into it for a target that cannot see the sender; every target after
       * that one gets si_pid 0 too.
       */
      readonly siPidZeroed?: boolean;
      /** si_code when not kill's SI_USER or sigqueue's SI_QUEUE: SI_TKILL for tgkill/tkill and a pidfd_send_signal of thread scope (4.17, 8.18). */
      readonly siCode?: number;
    }
  /** Raised by the kernel (teardown, reboot, orphaned groups): always forced (SEMANTICS 4.5). */
  | { readonly kind: 'kernel' }
  /** SIGCHLD from a child's exit, stop or continue, si_pid already in the parent's namespace (3.11). */
  | { readonly kind: 'child'; readonly code: number; readonly pid: number; readonly status: number };

export type SignalAck =
  | { readonly kind: 'reply'; readonly id: CallId }
  /** kill with `report`: the caller's actor answers once delivery is done (kill-done). */
  | { readonly kind: 'relay'; readonly via: NsId; readonly caller: ProcKey; readonly id: CallId }
  | { readonly kind: 'gather'; readonly owner: NsId; readonly gather: number }
  | { readonly kind: 'none' };

/** A new namespace, as its creator hands it to the host. */
export interface NsInit {
  readonly ns: NsRef;
  readonly parent: NsId;
  /** The namespaces of the chain, root first, this one last. */
  readonly refs: readonly NsRef[];
  /** Their PID tables (actors' pid-table.ts), in the same order. */
  readonly tables: readonly PidTableBuffers[];
}

// --- actor -> host ----------------------------------------------------------------

export type HostRequest =
  | { readonly type: 'spawn'; readonly init: NsInit }
  | { readonly type: 'timer-set'; readonly ns: NsId; readonly proc: ProcKey; readonly token: number; readonly delayMs: number }
  | { readonly type: 'timer-cancel'; readonly token: number }
  | { readonly type: 'retire'; readonly ns: NsId };

export type { ActorSnapshot };

// --- between threads ------------------------------------------------------------------

/**
 * What one postMessage between threads carries: objects, and, between the
 * main thread and a worker, the hot calls and plain replies as flat numeric
 * records (wire-codec.ts). `count` is how many messages it holds, for the
 * in-flight accounting. Workers are shared by the kernels attached to their
 * pool: `kernel` names the one the batch belongs to.
 */
export interface WireBatch {
  readonly kernel: number;
  readonly items: readonly WireItem[];
  readonly calls?: Float64Array;
  readonly replies?: Float64Array;
  readonly count: number;
}

/**
 * One item of a batch posted between threads (main <-> worker, worker <->
 * worker). Everything bound for one thread within one tick travels as one
 * array of these; each item counts as one message in flight until processed.
 */
export type WireItem =
  /** For the actor of namespace `to`. */
  | { readonly t: 'msg'; readonly to: NsId; readonly msg: ActorMsg }
  /** Host the actor of a new namespace here (sent ahead of any message to it). */
  | { readonly t: 'spawn'; readonly init: NsInit }
  /** To the main thread: a syscall's answer. */
  | { readonly t: 'reply'; readonly id: CallId; readonly result: Result<unknown> }
  /** To the main thread: something happened. */
  | { readonly t: 'event'; readonly event: KernelEvent }
  /** To the main thread: a program's timer (the virtual clock lives there). */
  | { readonly t: 'timer-set'; readonly ns: NsId; readonly proc: ProcKey; readonly token: number; readonly delayMs: number }
  | { readonly t: 'timer-cancel'; readonly token: number }
  /** To the main thread: a message reached no actor (a protocol bug), or an actor threw. */
  | { readonly t: 'fault'; readonly message: string }
  /** To the main thread: this worker holds retired actors to drop at the next quiescent point. */
  | { readonly t: 'retiring'; readonly worker: number }
  /** To a worker: the whole kernel was quiet; drop retired actors. */
  | { readonly t: 'purge' };
