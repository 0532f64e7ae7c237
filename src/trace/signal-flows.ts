// Which flow arrow a signal's outcome gets. A signal is drawn twice: a mark
// on the sender's track when it is sent, and a mark on the receiver's track
// when it is delivered or dropped, often later (a blocked signal waits for
// its unblocking). The pairing follows the kernel: a delivery takes the
// oldest pending send of that signal (FIFO, as standard signals coalesce and
// real-time ones queue in order); a drop decided at send time (ignored,
// coalesced, init-protected, target dying) takes the newest.
//
// A namespace's teardown (zap_pid_ns_processes()) is drawn the same way: one
// mark on the dying init's track, and an arrow from it to each process the
// kernel's SIGKILL reaches, attributed to the innermost exiting namespace on
// the victim's chain when the SIGKILL is sent.

import type { PendingMark } from './trace-writer.js';

/** The teardown of one namespace: its source mark, and the flow id its arrows share once one is drawn. */
export interface CascadeSource {
  readonly mark: PendingMark;
  /** The flow id, once the mark was written with its arrow out; null while it waits for a victim. */
  flowId: number | null;
  /** Whether the mark was written at all. */
  written: boolean;
}

/** Sends waiting for their outcome, per receiver and signal. */
export class PendingSends {
  readonly #byTarget = new Map<number, Map<number, PendingMark[]>>();
  #count = 0;

  get size(): number {
    return this.#count;
  }

  add(target: number, sig: number, mark: PendingMark): void {
    let bySig = this.#byTarget.get(target);
    if (!bySig) this.#byTarget.set(target, (bySig = new Map()));
    let list = bySig.get(sig);
    if (!list) bySig.set(sig, (list = []));
    list.push(mark);
    this.#count++;
  }

  /** The send a delivery answers (the oldest), or a drop at send time (the newest). */
  take(target: number, sig: number, which: 'oldest' | 'newest'): PendingMark | undefined {
    const bySig = this.#byTarget.get(target);
    const list = bySig?.get(sig);
    if (!list || list.length === 0) return undefined;
    const mark = which === 'oldest' ? list.shift() : list.pop();
    this.#count--;
    if (list.length === 0) {
      bySig!.delete(sig);
      if (bySig!.size === 0) this.#byTarget.delete(target);
    }
    return mark;
  }

  /** Every send to `target` still waiting (it was reaped: they will never be delivered). */
  takeAllFor(target: number): PendingMark[] {
    const bySig = this.#byTarget.get(target);
    if (!bySig) return [];
    this.#byTarget.delete(target);
    const all = [...bySig.values()].flat();
    this.#count -= all.length;
    return all;
  }

  /** Every send still waiting, in send order. */
  takeAll(): PendingMark[] {
    const all = [...this.#byTarget.values()].flatMap((bySig) => [...bySig.values()].flat());
    this.#byTarget.clear();
    this.#count = 0;
    return all.sort((a, b) => a.ts - b.ts);
  }
}
