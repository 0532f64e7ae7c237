// Progress while a stress run goes: on a terminal one line redrawn in place
// (a bar and live counts, at most ten times a second); elsewhere a plain line
// every few seconds, so logs stay readable.

export interface ProgressOutput {
  write(chunk: string): unknown;
  readonly isTTY?: boolean | undefined;
  readonly columns?: number | undefined;
}

const TTY_EVERY_MS = 100;
const PLAIN_EVERY_MS = 2000;
const BAR = 24;

export class ProgressDisplay {
  readonly #out: ProgressOutput;
  readonly #enabled: boolean;
  readonly #tty: boolean;
  #last = -Infinity;
  #drawn = false;

  constructor(out: ProgressOutput, enabled: boolean) {
    this.#out = out;
    this.#enabled = enabled;
    this.#tty = out.isTTY === true;
  }

  /** `fraction` of the work is done; `text` says what. Throttled. */
  update(fraction: number, text: string, force = false): void {
    if (!this.#enabled) return;
    const now = performance.now();
    if (!force && now - this.#last < (this.#tty ? TTY_EVERY_MS : PLAIN_EVERY_MS)) return;
    this.#last = now;
    const pct = Math.max(0, Math.min(1, fraction));
    if (this.#tty) {
      const filled = Math.round(pct * BAR);
      let line = `[${'#'.repeat(filled)}${'-'.repeat(BAR - filled)}] ${String(Math.floor(pct * 100)).padStart(3)}% ${text}`;
      const width = this.#out.columns ?? 120;
      if (line.length > width - 1) line = line.slice(0, width - 1);
      this.#out.write(`\r\x1b[2K${line}`);
      this.#drawn = true;
    } else {
      this.#out.write(`  ${String(Math.floor(pct * 100)).padStart(3)}% ${text}\n`);
    }
  }

  /** Removes the bar (on a terminal) so what follows starts on a clean line. */
  clear(): void {
    if (this.#drawn) this.#out.write('\r\x1b[2K');
    this.#drawn = false;
  }
}

const nf = new Intl.NumberFormat('en-US');

/** 12345 -> "12,345". */
export function count(n: number): string {
  return nf.format(Math.round(n));
}

/** Milliseconds as "4.2 s" or "1:03". */
export function duration(ms: number): string {
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  return `${m}:${String(Math.floor(s % 60)).padStart(2, '0')}`;
}
