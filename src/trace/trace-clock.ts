// Trace time: the timestamps a trace gives its records. Virtual time often
// stands still while thousands of things happen (a cascade, a fork storm), so
// a record's time is the virtual clock plus its place in the run:
//   ts (µs) = 1000 × virtual ms + n,  n = the record's index in the whole trace.
// Every record gets a distinct, increasing timestamp, and differences keep
// both the virtual time that passed (in ms) and how much happened (1 µs each).

export class TraceClock {
  /** Records stamped so far, kept or filtered out alike: a filtered trace keeps the full trace's timestamps. */
  #n = 0;
  #last = -1;

  /** The timestamp of the next record, at `virtualMs` of virtual time. */
  stamp(virtualMs: number): number {
    // The virtual clock never goes back, so the max only guards the trace's order
    // should a transport ever report an earlier time (it is called inside the
    // kernel's delivery loop, where throwing would break the run).
    const ts = Math.max(virtualMs * 1000 + this.#n++, this.#last + 1);
    this.#last = ts;
    return ts;
  }

  /** The last timestamp given (-1 before the first). */
  get last(): number {
    return this.#last;
  }

  /** How many records were stamped. */
  get stamped(): number {
    return this.#n;
  }
}
