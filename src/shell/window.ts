// This file implements a terminal window of the session: a tty (pts/N), the
// stack of interactive shells that have had it (the login bash first; a
// nested bash, or one started by unshare/nsenter, on top), and the output
// written to it while another window was in front. When the top shell dies
// the window falls back to the one below, which then finishes waiting for
// its foreground job (sudo, unshare, nsenter) and prompts again.

import type { BashShell } from './bash-shell.js';

export class Window {
  readonly n: number;
  /** The controlling terminal of every process started from this window. */
  readonly tty: string;
  /** Interactive shells on this terminal, oldest first; dead ones are removed. */
  readonly #shells: BashShell[] = [];
  /** Output that arrived while another window was shown. */
  #pending = '';

  constructor(n: number) {
    this.n = n;
    this.tty = `pts/${n}`;
  }

  /** The shell reading this terminal now: the newest live one. */
  get shell(): BashShell | undefined {
    return this.#shells[this.#shells.length - 1];
  }

  /** Its login shell has exited: nothing reads this terminal any more. */
  get closed(): boolean {
    return this.#shells.length === 0;
  }

  /** $$ of each shell on the stack, oldest first. */
  get stack(): number[] {
    return this.#shells.map((s) => s.pid);
  }

  push(shell: BashShell): void {
    this.#shells.push(shell);
    shell.task.whenDead(() => {
      const i = this.#shells.indexOf(shell);
      if (i >= 0) this.#shells.splice(i, 1);
    });
  }

  /** Keeps output for when the window comes to the front. */
  hold(text: string): void {
    this.#pending += text;
  }

  /** The held output, once. */
  takeHeld(): string {
    const text = this.#pending;
    this.#pending = '';
    return text;
  }
}
