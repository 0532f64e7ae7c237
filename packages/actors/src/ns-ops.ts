// This file implements the namespace syscalls that do not fork: unshare
// (SEMANTICS 2.2, 2.4, 2.9, 2.10), setns (2.6, 6.6), the per-namespace
// sysctls ns_last_pid and pid_max (1.7, 1.8, 3.8), reboot inside a namespace
// (6.7) and PR_SET_CHILD_SUBREAPER (5.6). It also keeps
// each namespace's reference count, so a dead namespace lives on while a
// pid_for_children or an open handle still names it (2.13).

import {
  MAX_PID_NS_LEVEL,
  PID_MAX_LIMIT,
  PID_MAX_MIN,
  SIGHUP,
  SIGINT,
  SIGKILL,
  onChain,
  type CallId,
  type CallMsg,
  type NsRef,
  type RebootCommand,
  type SysctlName,
  type UserNsId,
} from '@pidsim/core';
import type { NamespaceActor } from './namespace-actor.js';
import type { Proc } from './process-record.js';
import { hasCap } from './process-queries.js';
import { deliverSignal } from './task-signals.js';
import { exitProcess } from './task-exit.js';
import { newUserNs } from './task-creds.js';
import { PidTable } from './pid-table.js';

/**
 * create_pid_namespace(): a child of this namespace, with its own actor
 * (placed by the host); null when a user namespace of the owner's chain is at
 * its max_pid_namespaces (ENOSPC, 2.12).
 */
export function createNamespace(a: NamespaceActor, userNs: readonly UserNsId[], announce: boolean): NsRef | null {
  if (!a.host.tables.chargePidNs(userNs)) return null;
  a.childNamespaces++;
  const id = a.host.nextNsId();
  const ref: NsRef = {
    id,
    level: a.level + 1,
    chain: [...a.chain, id],
    inode: a.host.tables.allocInode(),
    userNs,
  };
  // "ns->pid_max = PID_MAX_LIMIT": a new namespace does not inherit its parent's (1.8).
  // Plain memory: the host's spawn makes it shared (PidTable.share()) if the actor lands on another worker.
  const table = new PidTable({ pidMax: PID_MAX_LIMIT, shared: false }).buffers;
  a.host.spawn({ ns: ref, parent: a.id, refs: [...a.chainRefs, ref], tables: [...a.tables.map((t) => t.buffers), table] });
  if (announce && a.events) a.emit({ type: 'ns-created', ns: id, parent: a.id, level: ref.level, inode: ref.inode });
  return ref;
}

/** unshare(2): only pid_for_children moves; the caller stays where it is (2.2). */
export function sysUnshare(a: NamespaceActor, call: CallMsg, p: Proc, newPid: boolean, newUser: boolean): void {
  const S = 'unshare';
  let userNs = p.userNs;
  let caps = p.caps;
  if (newUser) {
    const fresh = newUserNs(a, p);
    if (fresh === null) return a.replyFail(call.id, 'EPERM', S, undefined, "CLONE_NEWUSER: the caller's euid or egid has no mapping in its user namespace");
    userNs = [...p.userNs, fresh];
    caps = fresh;
  }
  if (newPid) {
    // unshare_nsproxy_namespaces(): CAP_SYS_ADMIN first (2.9), then copy_pid_ns() (2.4), then the depth (2.10).
    if (!hasCap(caps, userNs)) return a.replyFail(call.id, 'EPERM', S, undefined, 'CLONE_NEWPID needs CAP_SYS_ADMIN');
    if (p.pidForChildren.id !== a.id) {
      return a.replyFail(call.id, 'EINVAL', S, undefined, 'pid_for_children already differs from the active namespace');
    }
    if (a.level + 1 > MAX_PID_NS_LEVEL) return a.replyFail(call.id, 'ENOSPC', S, undefined, 'PID namespaces nest at most 32 deep');
  }
  let ref: NsRef | null = null;
  if (newPid) {
    ref = createNamespace(a, userNs, true);
    if (!ref) return a.replyFail(call.id, 'ENOSPC', S, undefined, 'max_pid_namespaces reached');
  }
  if (newUser) p.permitted = caps;
  p.userNs = userNs;
  p.caps = caps;
  if (ref) {
    a.send(ref.id, { type: 'ns-ref', delta: 1 });
    p.pidForChildren = ref;
    p.pfcHasInit = false;
  }
  a.replyOk(call.id, 0);
}

/** setns(fd, CLONE_NEWPID): into the active namespace or a descendant (pidns_install(), 2.6). */
export function sysSetns(a: NamespaceActor, call: CallMsg, p: Proc, target: NsRef): void {
  const S = 'setns';
  if (!hasCap(p.caps, target.userNs) || !hasCap(p.caps, p.userNs)) {
    return a.replyFail(call.id, 'EPERM', S, undefined, 'setns needs CAP_SYS_ADMIN');
  }
  // "Only allow entering the current active pid namespace or a child of the current active pid namespace."
  if (!onChain(target.chain, a.id, a.level)) {
    return a.replyFail(call.id, 'EINVAL', S, undefined, `namespace pid:[${target.inode}] is not the caller's or a descendant`);
  }
  // No liveness check: setns into a dead namespace succeeds; the next fork fails ENOMEM (6.6).
  setPidForChildren(a, p, target);
  p.pfcHasInit = true;
  a.replyOk(call.id, 0);
}

function setPidForChildren(a: NamespaceActor, p: Proc, target: NsRef): void {
  const old = p.pidForChildren;
  if (old.id === target.id) return;
  if (old.id !== a.id) a.send(old.id, { type: 'ns-ref', delta: -1 });
  if (target.id !== a.id) a.send(target.id, { type: 'ns-ref', delta: 1 });
  p.pidForChildren = target;
}

/** The process is gone: it no longer keeps its pid_for_children alive. */
export function releaseNsRef(a: NamespaceActor, p: Proc): void {
  if (p.pidForChildren.id !== a.id) a.send(p.pidForChildren.id, { type: 'ns-ref', delta: -1 });
}

export function onNsRef(a: NamespaceActor, delta: number, reply?: { readonly id: CallId; readonly value: unknown }): void {
  a.refs += delta;
  // The namespace itself answers an open(): the handle cannot be closed (-1) before it holds its +1.
  if (reply) a.replyOk(reply.id, reply.value);
  a.maybeRetire();
}

/** A clone(CLONE_NEWPID) failed before its namespace got a process. */
export function onNsDiscard(a: NamespaceActor): void {
  if (a.procs.size === 0 && a.table.used === 0) a.state = 'dead';
  a.maybeRetire();
}

/**
 * /proc/sys/kernel/ns_last_pid and pid_max of the *caller's active*
 * namespace, whichever procfs is used (3.8). Writes need CAP_SYS_ADMIN in
 * the namespace's user namespace.
 */
export function sysSysctl(a: NamespaceActor, call: CallMsg, p: Proc, name: SysctlName, value: number | undefined): void {
  if (name === 'max_pid_namespaces') return userSysctl(a, call, p, value);
  const path = `/proc/sys/kernel/${name}`;
  if (value === undefined) return a.replyOk(call.id, name === 'ns_last_pid' ? a.table.lastPid : a.table.pidMax);
  if (name === 'ns_last_pid') {
    // pid_ns_ctl_handler(): checkpoint_restore_ns_capable(), then proc_dointvec_minmax(0, pid_max) (1.7).
    if (!hasCap(p.caps, a.ref.userNs)) return a.replyFail(call.id, 'EPERM', 'write', path);
    if (!Number.isInteger(value) || value < 0 || value > a.table.pidMax) {
      return a.replyFail(call.id, 'EINVAL', 'write', path, `${value} is outside [0, ${a.table.pidMax}]`);
    }
    a.table.lastPid = value;
  } else {
    // pid_table_root_permissions(): read-only without CAP_SYS_ADMIN, so opening for write fails.
    if (!hasCap(p.caps, a.ref.userNs)) return a.replyFail(call.id, 'EACCES', 'open', path);
    if (!Number.isInteger(value) || value < PID_MAX_MIN || value > PID_MAX_LIMIT) {
      return a.replyFail(call.id, 'EINVAL', 'write', path, `${value} is outside [${PID_MAX_MIN}, ${PID_MAX_LIMIT}]`);
    }
    a.table.pidMax = value;
  }
  a.replyOk(call.id, 0);
}

/**
 * /proc/sys/user/max_pid_namespaces of the caller's user namespace (2.12).
 * Writing needs CAP_SYS_RESOURCE there (set_permissions(): else read-only).
 */
function userSysctl(a: NamespaceActor, call: CallMsg, p: Proc, value: number | undefined): void {
  const path = '/proc/sys/user/max_pid_namespaces';
  const own = p.userNs[p.userNs.length - 1]!;
  if (value === undefined) return a.replyOk(call.id, a.host.tables.maxPidNamespaces(own));
  if (!hasCap(p.caps, p.userNs)) return a.replyFail(call.id, 'EACCES', 'open', path);
  if (!Number.isInteger(value) || value < 0 || value > 0x7fffffff) {
    return a.replyFail(call.id, 'EINVAL', 'write', path, `${value} is outside [0, 2147483647]`);
  }
  a.host.tables.setMaxPidNamespaces(own, value);
  a.replyOk(call.id, 0);
}

/**
 * reboot(2) in a non-root namespace, reboot_pid_ns(): init is SIGKILLed and
 * its parent sees it killed by SIGHUP (restart) or SIGINT (halt, power off);
 * the caller exits with status 0; other commands are EINVAL (6.7).
 */
export function sysReboot(a: NamespaceActor, call: CallMsg, p: Proc, cmd: RebootCommand): void {
  const S = 'reboot';
  if (!hasCap(p.caps, a.ref.userNs)) return a.replyFail(call.id, 'EPERM', S, undefined, 'reboot needs CAP_SYS_BOOT');
  if (a.level === 0) return a.replyFail(call.id, 'ENOSYS', S, undefined, 'rebooting the emulated machine itself is not emulated');
  const sig = cmd === 'restart' || cmd === 'restart2' ? SIGHUP : cmd === 'halt' || cmd === 'power-off' ? SIGINT : 0;
  if (sig === 0) return a.replyFail(call.id, 'EINVAL', S, cmd);
  a.rebootSignal = sig;
  // send_sig(SIGKILL, child_reaper) only queues; the caller's do_exit(0) runs
  // before init gets to its teardown, so a non-init caller exits 0, not killed.
  if (p.key !== a.initKey) exitProcess(a, p, { kind: 'exited', code: 0 });
  const init = a.init();
  if (init) deliverSignal(a, init, SIGKILL, { kind: 'kernel' });
  a.replyOk(call.id, 0);
}

/** prctl(PR_SET/GET_CHILD_SUBREAPER): not inherited by children (5.6). */
export function sysPrctlSubreaper(a: NamespaceActor, call: CallMsg, p: Proc, value: boolean | undefined): void {
  if (value === undefined) return a.replyOk(call.id, p.subreaper ? 1 : 0);
  p.subreaper = value;
  a.replyOk(call.id, 0);
}

