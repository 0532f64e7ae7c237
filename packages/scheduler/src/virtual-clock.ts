// Virtual time. Programs sleep in it; nothing reads the real clock. Time
// moves only when the kernel advances it: explicitly (`advance`), or, in
// 'auto' mode, when a syscall is blocked and nothing else can happen.

export interface TimerEntry {
  readonly at: number;
  readonly token: number;
  readonly fire: () => void;
}

export class VirtualClock {
  #now = 0;
  /** Pending timers, ordered by (at, token) when read. */
  readonly #timers = new Map<number, TimerEntry>();

  now(): number {
    return this.#now;
  }

  get pending(): number {
    return this.#timers.size;
  }

  schedule(delayMs: number, token: number, fire: () => void): void {
    this.#timers.set(token, { at: this.#now + Math.max(0, delayMs), token, fire });
  }

  cancel(token: number): void {
    this.#timers.delete(token);
  }

  /** The earliest pending timer's time, or undefined. */
  nextAt(): number | undefined {
    let best: number | undefined;
    for (const t of this.#timers.values()) if (best === undefined || t.at < best) best = t.at;
    return best;
  }

  /** Moves time to `at`, firing every timer due by then in (time, token) order. */
  advanceTo(at: number): number {
    let fired = 0;
    for (;;) {
      let due: TimerEntry | undefined;
      for (const t of this.#timers.values()) {
        if (t.at <= at && (due === undefined || t.at < due.at || (t.at === due.at && t.token < due.token))) due = t;
      }
      if (!due) break;
      this.#timers.delete(due.token);
      this.#now = Math.max(this.#now, due.at);
      due.fire();
      fired++;
    }
    this.#now = Math.max(this.#now, at);
    return fired;
  }

  clear(): void {
    this.#timers.clear();
  }
}
