// NamespaceActor: the state machine of one PID namespace. It owns the
// namespace's PID allocator and PID table, the records of the processes that
// live here (live and zombie), their signal state, and the groups whose PID
// was allocated here. `handle(msg)` is its only entry; what it does to the
// rest of the system leaves through the ActorHost. The lifecycle phases live
// in their own files: task-fork, task-exit, task-wait, task-signals,
// task-threads, reparent, ns-teardown, pgrp-session, ns-ops, proc-view.

import {
  NO_REPLY,
  fail,
  ok,
  type ActorMsg,
  type ActorSnapshot,
  type CallId,
  type CallMsg,
  type ErrnoCode,
  type KernelEvent,
  type NsId,
  type NsInit,
  type NsRef,
  type NsState,
  type ProcKey,
  type Result,
  type SignalAck,
  IntMap,
} from '@pidsim/core';
import type { ActorHost } from './actor-host.js';
import type { Group, Proc } from './process-record.js';
import { PidTable } from './pid-table.js';
import { dispatchCall } from './syscalls.js';
import { onForkAbort, onForkAdopt, onForkAttach, onForkCommit, onForkJoined, onForkReserve } from './task-fork.js';
import { onReap } from './task-wait.js';
import { onNsFreed } from './ns-teardown.js';
import { onProgramContinue } from './programs.js';
import { onJobStop, onTimerFired } from './task-signals.js';
import { onKillDone, onSignalMsg, onSignalAck } from './task-kill.js';
import { onChildChanged, onChildUpdated, onParentGroups, onSetParent } from './reparent.js';
import {
  onGroupDeliver,
  onGroupHold,
  onGroupNewest,
  onGroupShard,
  onGroupSignal,
  onSetpgidApply,
  onSetpgidJoin,
  type GroupKill,
} from './pgrp-session.js';
import { onOrphanCheck, onOrphanProbe, onOrphanProbeReply, onOrphanQuery } from './orphaned-pgrp.js';
import { onProcAnswer, onProcQuery, onRemoteCall } from './proc-view.js';
import { onNsDiscard, onNsRef } from './ns-ops.js';
import { snapshotActor } from './actor-snapshot.js';
import { onPidfdGet, onPidfdSignal, onPidfdState } from './task-pidfd.js';
import { onThreadSignal } from './task-threads.js';

/** A scatter/gather in progress at this actor (kill(-1), group kill, ps). */
export interface Gather {
  readonly id: CallId;
  missing: number;
  readonly rows: unknown[];
  /** How many targets a signal fan-out reached, and how many refused the sender (EPERM). */
  delivered: number;
  denied: number;
  /** A signal fan-out's answer: kill(-1)'s (`all`) or a group kill's (`group`). */
  readonly mode: 'all' | 'group' | null;
  /** A reported kill: answered through the caller's actor. */
  readonly relay: Extract<SignalAck, { kind: 'relay' }> | null;
}

export class NamespaceActor {
  readonly id: NsId;
  readonly level: number;
  readonly parentId: NsId | null;
  /** This namespace as a value (chain root first, inode, owning user ns). */
  readonly ref: NsRef;
  readonly chain: readonly NsId[];
  readonly host: ActorHost;
  /** The namespaces of this one's chain, root first, and their PID tables: a fork here takes a number in each. */
  readonly chainRefs: readonly NsRef[];
  readonly tables: readonly PidTable[];
  /** This level's PID allocator and table: every number taken here, by whom. */
  readonly table: PidTable;
  /** Processes whose active namespace this is (live, stopped, exiting init, zombie). */
  readonly procs = new IntMap<ProcKey, Proc>();
  /** Groups and sessions whose PID was allocated here. */
  readonly groups = new Map<ProcKey, Group>();
  /** Child of a local parent living in another namespace -> that parent (its stub is here). */
  readonly remoteChildren = new Map<ProcKey, ProcKey>();
  /** Scatter/gathers waiting for answers. */
  readonly gathers = new Map<number, Gather>();
  /** Group kills waiting here, at the group's owner, for the parts that decide the si_pid cut (pgrp-session.ts). */
  readonly groupKills = new Map<number, GroupKill>();
  /** The child reaper (PID 1 here); stays set after it dies, as ns->child_reaper does. */
  #initKey: ProcKey | null = null;
  /** reboot(2) inside this namespace: the signal init's parent will see (SEMANTICS 6.7), else 0. */
  rebootSignal = 0;
  /** Processes elsewhere whose pid_for_children is this namespace, plus open handles. */
  refs = 0;
  /** Child namespaces not yet freed: each holds a reference on its parent (create_pid_namespace()). */
  childNamespaces = 0;
  /** Retired: freed, kept only so late messages find someone until the host drops it at quiescence. */
  retired = false;
  /** Readiness waiters on the pidfds of processes living here, by process; null while there are none (task-pidfd.ts). */
  pidfdPollers: Map<ProcKey, CallId[]> | null = null;
  /** Where a fork's commit chain ends (the root, or a level-1 actor): forks whose commit is done or whose group join is acknowledged, not both yet. */
  readonly forkBarriers = new Map<CallId, { acks: number; expected: number; value: unknown }>();
  #gatherSeq = 0;
  /** Messages this actor sent to itself, run after the current one (never re-entrantly). */
  readonly #local: ActorMsg[] = [];
  #busy = false;

  constructor(host: ActorHost, init: NsInit) {
    this.host = host;
    this.ref = init.ns;
    this.id = init.ns.id;
    this.level = init.ns.level;
    this.chain = init.ns.chain;
    this.parentId = this.level === 0 ? null : init.parent;
    if (init.tables.length !== this.level + 1) throw new Error(`namespace ${this.id} at level ${this.level} got ${init.tables.length} PID tables`);
    this.chainRefs = init.refs;
    this.tables = init.tables.map((b) => PidTable.of(b));
    this.table = this.tables[this.level]!;
  }

  /** The namespace's life; the ones below read it in its table (PIDNS_ADDING, teardown). */
  get state(): NsState {
    return this.table.state;
  }

  set state(s: NsState) {
    this.table.state = s;
  }

  get initKey(): ProcKey | null {
    return this.#initKey;
  }

  set initKey(key: ProcKey | null) {
    this.#initKey = key;
    this.table.hasInit = key !== null;
  }

  /** The only entry point: run one message, then whatever this actor sent itself. */
  handle(msg: ActorMsg): void {
    if (this.#busy) {
      this.#local.push(msg);
      return;
    }
    this.#busy = true;
    try {
      this.#run(msg);
      while (this.#local.length > 0) this.#run(this.#local.shift()!);
    } finally {
      this.#busy = false;
    }
  }

  /** Send to another namespace's actor, or queue for this one (run after the current message). */
  send(to: NsId, msg: ActorMsg): void {
    if (to === this.id) this.#local.push(msg);
    else this.host.send(to, msg);
  }

  /**
   * Hand a message on as the last thing the current step does. For this
   * actor it runs at once: a chain whose levels are all here (a fork at depth
   * 0) completes as one step, as the kernel does it under one lock.
   */
  tail(to: NsId, msg: ActorMsg): void {
    if (to === this.id) this.#run(msg);
    else this.host.send(to, msg);
  }

  // A call made by a signal handler's steps (NO_REPLY) has nobody to answer.
  reply(id: CallId, result: Result<unknown>): void {
    if (id !== NO_REPLY) this.host.reply(id, result);
  }

  replyOk(id: CallId, value: unknown): void {
    if (id !== NO_REPLY) this.host.reply(id, ok(value));
  }

  replyFail(id: CallId, code: ErrnoCode, syscall: string, subject?: string | number, detail?: string): void {
    if (id !== NO_REPLY) this.host.reply(id, fail(code, syscall, subject, detail));
  }

  emit(event: KernelEvent): void {
    this.host.emit(event);
  }

  get events(): boolean {
    return this.host.eventsEnabled;
  }

  /** A number unique within this actor (gathers, orphan checks). */
  nextSeq(): number {
    return ++this.#gatherSeq;
  }

  newGather(id: CallId, missing: number, mode: Gather['mode'] = null, relay: Gather['relay'] = null): number {
    const g = ++this.#gatherSeq;
    this.gathers.set(g, { id, missing, rows: [], delivered: 0, denied: 0, mode, relay });
    return g;
  }

  /** The namespace's init, if it has one (alive, exiting or zombie). */
  init(): Proc | undefined {
    return this.initKey === null ? undefined : this.procs.get(this.initKey);
  }

  /** Whether processes may be added (PIDNS_ADDING). */
  get adding(): boolean {
    return this.table.adding;
  }

  /**
   * Free this namespace once it is dead (or never got an init) and nothing
   * refers to it: no handle or pid_for_children, no child namespace (put_pid_ns()).
   */
  maybeRetire(): void {
    if (this.retired || this.level === 0) return;
    if (this.refs > 0 || this.childNamespaces > 0 || this.procs.size > 0 || this.table.used > 0) return;
    if (this.state === 'dead' || this.state === 'no-init') {
      this.retired = true;
      // put_pid_ns() -> destroy_pid_namespace(): the inode and the count go back.
      this.host.tables.freeInode(this.ref.inode);
      this.host.tables.unchargePidNs(this.ref.userNs);
      this.host.retire(this.id);
      this.send(this.parentId!, { type: 'ns-child-gone' });
    }
  }

  snapshot(): ActorSnapshot {
    return snapshotActor(this);
  }

  #run(msg: ActorMsg): void {
    // Hot messages first: V8 compares string cases in order.
    switch (msg.type) {
      case 'fork-reserve':
        return onForkReserve(this, msg);
      case 'fork-commit':
        return onForkCommit(this, msg);
      case 'call':
        return dispatchCall(this, msg as CallMsg);
      case 'fork-attach':
        return onForkAttach(this, msg.job);
      case 'child-changed':
        return onChildChanged(this, msg.child, msg.change);
      case 'reap':
        return onReap(this, msg.child, msg.reply);
      case 'signal':
        return onSignalMsg(this, msg.targets, msg.sig, msg.sender, msg.ack);
      case 'signal-ack':
        return onSignalAck(this, msg.gather, msg.delivered, msg.denied);
      case 'kill-done':
        return onKillDone(this, msg.caller, msg.id, msg.errno);
      case 'fork-joined':
        return onForkJoined(this, msg.id);
      case 'group-shard':
        return onGroupShard(this, msg);
      case 'group-hold':
        return onGroupHold(this, msg.group, msg.kind);
      case 'set-parent':
        return onSetParent(this, msg.child, msg.parent);
      case 'timer-fired':
        return onTimerFired(this, msg.proc, msg.token);
      case 'program-continue':
        return onProgramContinue(this, msg.proc);
      case 'fork-adopt':
        return onForkAdopt(this, msg.job);
      case 'fork-abort':
        return onForkAbort(this, msg);
      case 'child-updated':
        return onChildUpdated(this, msg.child, msg.update);
      case 'parent-groups':
        return onParentGroups(this, msg.children, msg.pgrp, msg.session);
      case 'group-signal':
        return onGroupSignal(this, msg.group, msg.sig, msg.sender, msg.ack);
      case 'group-deliver':
        return onGroupDeliver(this, msg);
      case 'group-newest':
        return onGroupNewest(this, msg.kill, msg.newest);
      case 'orphan-check':
        return onOrphanCheck(this, msg.group, msg.ignore);
      case 'orphan-query':
        return onOrphanQuery(this, msg.group, msg.proc, msg.home, msg.sig);
      case 'job-stop':
        return onJobStop(this, msg.proc, msg.sig, msg.orphaned);
      case 'orphan-probe':
        return onOrphanProbe(this, msg);
      case 'orphan-probe-reply':
        return onOrphanProbeReply(this, msg.group, msg.check, msg.links, msg.answered);
      case 'setpgid-join':
        return onSetpgidJoin(this, msg);
      case 'setpgid-apply':
        return onSetpgidApply(this, msg.id, msg.target, msg.group);
      case 'proc-query':
        return onProcQuery(this, msg.gather, msg.viewer, msg.keys);
      case 'proc-answer':
        return onProcAnswer(this, msg.gather, msg.entries);
      case 'remote-call':
        return onRemoteCall(this, msg.id, msg.viewer, msg.target, msg.query);
      case 'ns-ref':
        return onNsRef(this, msg.delta, msg.reply);
      case 'ns-discard':
        return onNsDiscard(this);
      case 'ns-freed':
        return onNsFreed(this);
      case 'ns-child-gone':
        this.childNamespaces--;
        return this.maybeRetire();
      case 'pidfd-get':
        return onPidfdGet(this, msg.id, msg.key, msg.flags);
      case 'pidfd-state':
        return onPidfdState(this, msg.id, msg.key, msg.block);
      case 'pidfd-signal':
        return onPidfdSignal(this, msg.target, msg.sig, msg.sender, msg.ack);
      case 'thread-signal':
        return onThreadSignal(this, msg.target, msg.tgid, msg.viewer, msg.sig, msg.sender, msg.id);
    }
  }
}
