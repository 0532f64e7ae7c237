// This file turns SIGINT (Ctrl-C) and SIGTERM into a clean stop of a stress
// command: the first one aborts `signal` - planning stops at its next slice,
// a run stops issuing operations and lets what is in flight settle, shrinking
// keeps the best reproducer so far - and the command prints and writes what
// it has, then exits 128 + the signal's number, as a shell reports a process
// the signal ended. A second signal does not wait: it exits at once.

import { constants } from 'node:os';

export type StopSignalName = 'SIGINT' | 'SIGTERM';

const WATCHED: readonly StopSignalName[] = ['SIGINT', 'SIGTERM'];

/** 130 for SIGINT, 143 for SIGTERM. */
export function exitStatusFor(name: StopSignalName): number {
  return 128 + constants.signals[name];
}

export class StopSignals {
  readonly #abort = new AbortController();
  /** The first stop signal received, or null. */
  #received: StopSignalName | null = null;
  readonly #listeners = new Map<StopSignalName, () => void>();

  /** Starts listening; `say` writes the line a second signal leaves before the process exits. */
  constructor(say: (line: string) => void) {
    for (const name of WATCHED) {
      const listener = (): void => {
        if (this.#received === null) {
          this.#received = name;
          this.#abort.abort();
          return;
        }
        say(`pidsim stress: ${name} again: exiting at once, without a summary\n`);
        process.exit(exitStatusFor(name));
      };
      this.#listeners.set(name, listener);
      process.on(name, listener);
    }
  }

  /** Aborted by the first stop signal. */
  get signal(): AbortSignal {
    return this.#abort.signal;
  }

  get received(): StopSignalName | null {
    return this.#received;
  }

  /** Stops listening: the signals get their default action again. */
  dispose(): void {
    for (const [name, listener] of this.#listeners) process.off(name, listener);
    this.#listeners.clear();
  }
}
