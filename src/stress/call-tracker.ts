// The calls a stress run has in flight: who made which syscall for which
// operation, and since when. The watchdog reads it to tell progress from a
// hang, and a hang report lists what it still holds.

import type { Process } from '../index.js';

export interface TrackedCall {
  readonly op: number;
  readonly kind: string;
  readonly syscall: string;
  readonly proc: Process;
  readonly since: number;
}

export class CallTracker {
  readonly #pending = new Map<number, TrackedCall>();
  #next = 0;
  /** Calls issued so far. */
  issued = 0;
  /** Calls settled so far (answered or failed). */
  settled = 0;
  /** When a call last started or settled (performance.now()). */
  lastProgressAt = performance.now();

  begin(op: number, kind: string, syscall: string, proc: Process): number {
    const id = this.#next++;
    this.issued++;
    this.lastProgressAt = performance.now();
    this.#pending.set(id, { op, kind, syscall, proc, since: this.lastProgressAt });
    return id;
  }

  end(id: number): void {
    this.#pending.delete(id);
    this.settled++;
    this.lastProgressAt = performance.now();
  }

  /** Changes whenever a call starts or settles. */
  get progress(): number {
    return this.issued + this.settled;
  }

  get size(): number {
    return this.#pending.size;
  }

  /** The pending calls, oldest first. */
  list(): TrackedCall[] {
    return [...this.#pending.values()];
  }
}
