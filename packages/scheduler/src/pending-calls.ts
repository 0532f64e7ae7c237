// The syscalls a kernel has sent and not had answered yet. A call's id names
// a slot (its low bits) and that slot's use (the high bits), so an answer
// finds its call by index, a reused slot never answers an old id (a second
// or unknown answer is told apart), and sending and answering calls by the
// million churns no hash table.

import { asCallId, type CallId } from '@pidsim/core';

/** Slots an id can name: calls pending at once. */
const SLOTS = 1 << 20;

export class PendingCalls {
  /** The id each slot holds now; 0 when the slot is free. */
  #ids = new Float64Array(64);
  #resolve: (((v: unknown) => void) | undefined)[] = new Array(64).fill(undefined);
  #reject: (((e: Error) => void) | undefined)[] = new Array(64).fill(undefined);
  #syscall: (string | undefined)[] = new Array(64).fill(undefined);
  /** How many times each slot was used: the high part of its next id. */
  #uses = new Float64Array(64);
  #free: number[] = [];
  /** Slots never used yet start here. */
  #fresh = 0;
  #size = 0;

  /** Calls waiting for an answer. */
  get size(): number {
    return this.#size;
  }

  /** Records a call; returns its id. */
  open(resolve: (v: unknown) => void, reject: (e: Error) => void, syscall: string): CallId {
    let slot = this.#free.pop();
    if (slot === undefined) {
      if (this.#fresh === this.#ids.length) this.#grow();
      slot = this.#fresh++;
    }
    const id = ++this.#uses[slot]! * SLOTS + slot;
    this.#ids[slot] = id;
    this.#resolve[slot] = resolve;
    this.#reject[slot] = reject;
    this.#syscall[slot] = syscall;
    this.#size++;
    return asCallId(id);
  }

  /** Resolves (`ok`) or rejects call `id` with `value`; false if no such call is pending. */
  answer(id: CallId, ok: boolean, value: unknown): boolean {
    const slot = id % SLOTS;
    if (slot >= this.#fresh || this.#ids[slot] !== id) return false;
    const fn = ok ? this.#resolve[slot]! : this.#reject[slot]!;
    this.#close(slot);
    (fn as (v: unknown) => void)(value);
    return true;
  }

  /** The syscall name of pending call `id` (for messages), if it is pending. */
  syscallOf(id: CallId): string | undefined {
    const slot = id % SLOTS;
    return slot < this.#fresh && this.#ids[slot] === id ? this.#syscall[slot] : undefined;
  }

  /** Rejects every pending call with `err` (the kernel failed or closed). */
  rejectAll(err: Error): void {
    for (let slot = 0; slot < this.#fresh; slot++) {
      if (this.#ids[slot] === 0) continue;
      const reject = this.#reject[slot]!;
      this.#close(slot);
      reject(err);
    }
  }

  #close(slot: number): void {
    this.#ids[slot] = 0;
    this.#resolve[slot] = undefined;
    this.#reject[slot] = undefined;
    this.#syscall[slot] = undefined;
    this.#free.push(slot);
    this.#size--;
  }

  #grow(): void {
    const n = this.#ids.length * 2;
    if (n > SLOTS) throw new Error(`pidsim: more than ${SLOTS} syscalls pending at once (bound them with the maxInFlight option)`);
    const ids = new Float64Array(n);
    ids.set(this.#ids);
    this.#ids = ids;
    const uses = new Float64Array(n);
    uses.set(this.#uses);
    this.#uses = uses;
    this.#resolve.length = n;
    this.#reject.length = n;
    this.#syscall.length = n;
  }
}
