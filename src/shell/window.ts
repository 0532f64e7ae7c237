// This file implements a terminal window of the session: a tty (pts/N) with
// its foreground process group (what tcsetpgrp() sets and Ctrl-C/Ctrl-Z
// signal), the interactive shells that have had it (the login bash first, a
// nested bash or one started by unshare/nsenter after it), and the output
// written to it while another window was in front. The shell that reads the
// terminal is the one whose process group is in the foreground: a shell that
// runs a foreground job gives the terminal to the job and takes it back when
// the job ends or stops, as bash's job control does.

import type { BashShell } from './bash-shell.js';

/**
 * What the window does with a typed line: 'prompt' (a shell reads it),
 * 'busy' (a foreground job runs), 'stopped' (the shell that should read it
 * is stopped: nothing reads the terminal until it gets SIGCONT), 'closed'
 * (its login shell and every shell after it have exited).
 */
export type WindowState = 'prompt' | 'busy' | 'stopped' | 'closed';

export class Window {
  readonly n: number;
  /** The controlling terminal of every process started from this window. */
  readonly tty: string;
  /**
   * The terminal's foreground process group (tcgetpgrp), numbered in the root
   * namespace: a terminal's group is a kernel object, whichever namespace its
   * members see it from. null until the login shell takes the terminal.
   */
  foreground: number | null = null;
  /** Interactive shells on this terminal, oldest first; dead ones are removed. */
  readonly #shells: BashShell[] = [];
  /** Output that arrived while another window was shown. */
  #pending = '';

  constructor(n: number) {
    this.n = n;
    this.tty = `pts/${n}`;
  }

  /** The shell in the foreground process group: the one that reads this terminal when it is at its prompt. */
  get reader(): BashShell | undefined {
    if (this.foreground === null) return undefined;
    return this.#shells.find((s) => s.pgrp === this.foreground);
  }

  get state(): WindowState {
    if (this.closed) return 'closed';
    const sh = this.reader;
    if (sh?.task.stopped) return 'stopped';
    if (!sh || sh.busy) return 'busy';
    return 'prompt';
  }

  /** Every shell that has had this terminal and is still alive has exited. */
  get closed(): boolean {
    return this.#shells.length === 0;
  }

  /** The live interactive shells on this terminal, oldest first. */
  get shells(): readonly BashShell[] {
    return this.#shells;
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
