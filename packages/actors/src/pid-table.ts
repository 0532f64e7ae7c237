// One level's PID numbers: the allocator (kernel/pid.c alloc_pid() for one
// level) and who holds each number taken. Two implementations: a local one
// for an ordinary namespace, owned by its actor, and a shared one for the
// root namespace (shared-pid-table.ts), because every process in the system
// has a root PID and the actors of nested namespaces take and free their
// root numbers themselves, on whatever worker they run.

import { PidAllocator, type AllocFailure, type NsId, type ProcKey } from '@pidsim/core';

/** Who holds a number, as one table row reads. */
export interface PidEntry {
  readonly key: ProcKey;
  /** The namespace whose actor holds the process record. */
  readonly home: NsId;
  /** A process (live or zombie) still holds the PID; false once only a group/session does. */
  readonly task: boolean;
  /** False while a fork holds the number only as a reservation (invisible, as alloc_pid's NULL idr slot). */
  readonly committed: boolean;
}

export interface PidTable {
  /** Numbers are below pid_max. */
  pidMax: number;
  /** /proc/sys/kernel/ns_last_pid. */
  lastPid: number;
  /** How many numbers are taken (the namespace's pid_allocated count). */
  readonly used: number;
  /** Cyclic allocation, wrapping to RESERVED_PIDS (SEMANTICS 1.3-1.5). */
  allocCyclic(): number | 'EAGAIN';
  /** clone3 set_tid for this level (1.11). */
  allocExact(nr: number): number | AllocFailure;
  get(nr: number): PidEntry | undefined;
  /** A fork reserved `nr` for process `key`: held, not yet visible. */
  hold(nr: number, key: ProcKey, home: NsId): void;
  /** The fork completed: `nr` is visible. */
  commit(nr: number): void;
  /** Held from boot: taken and visible at once. */
  holdCommitted(nr: number, key: ProcKey, home: NsId): void;
  /** The task was reaped but a group or session still uses the number. */
  detach(nr: number): void;
  /** The number goes back to the allocator. */
  release(nr: number): void;
  /** Every taken number, in the order they were taken (for_each_process() order). */
  entries(): IterableIterator<[number, PidEntry]>;
}

interface LocalEntry {
  key: ProcKey;
  home: NsId;
  task: boolean;
  committed: boolean;
}

/** An ordinary namespace's table: a bitmap allocator and a Map, owned by one actor. */
export class LocalPidTable implements PidTable {
  readonly #alloc: PidAllocator;
  /** Insertion order is the order numbers were taken. */
  readonly #entries = new Map<number, LocalEntry>();

  constructor(pidMax: number) {
    this.#alloc = new PidAllocator(pidMax);
  }

  get pidMax(): number {
    return this.#alloc.pidMax;
  }
  set pidMax(v: number) {
    this.#alloc.pidMax = v;
  }
  get lastPid(): number {
    return this.#alloc.lastPid;
  }
  set lastPid(v: number) {
    this.#alloc.lastPid = v;
  }
  get used(): number {
    return this.#alloc.used;
  }
  allocCyclic(): number | 'EAGAIN' {
    return this.#alloc.allocCyclic();
  }
  allocExact(nr: number): number | AllocFailure {
    return this.#alloc.allocExact(nr);
  }
  get(nr: number): PidEntry | undefined {
    return this.#entries.get(nr);
  }
  hold(nr: number, key: ProcKey, home: NsId): void {
    this.#entries.set(nr, { key, home, task: true, committed: false });
  }
  holdCommitted(nr: number, key: ProcKey, home: NsId): void {
    this.#entries.set(nr, { key, home, task: true, committed: true });
  }
  commit(nr: number): void {
    this.#entries.get(nr)!.committed = true;
  }
  detach(nr: number): void {
    this.#entries.get(nr)!.task = false;
  }
  release(nr: number): void {
    this.#entries.delete(nr);
    this.#alloc.free(nr);
  }
  entries(): IterableIterator<[number, PidEntry]> {
    return this.#entries.entries();
  }
}
