// `ps -ef` and bare `ps` (procps) over a procfs view, with procps's column
// widths: UID %-8s, PID and PPID %7d, C %2d, STIME %5s, TTY %-8s, TIME %8s.

import type { ProcEntry } from './protocol.js';

export interface PsOptions {
  /** The terminal of each row ('?' for none), as the caller knows it. */
  readonly tty?: (e: ProcEntry) => string;
}

function userName(uid: number): string {
  return uid === 0 ? 'root' : uid === 65534 ? 'nobody' : String(uid);
}

/** HH:MM of virtual time since boot. */
function stime(ms: number): string {
  const minutes = Math.floor(ms / 60000);
  const hh = String(Math.floor(minutes / 60) % 24).padStart(2, '0');
  const mm = String(minutes % 60).padStart(2, '0');
  return `${hh}:${mm}`;
}

/** A zombie's command shows as `[name] <defunct>`, as procps prints it. */
function command(e: ProcEntry, full: boolean): string {
  if (e.state === 'zombie') return `[${e.name}] <defunct>`;
  return full ? e.cmdline.join(' ') : e.name;
}

export function renderPsEf(rows: readonly ProcEntry[], options: PsOptions = {}): string {
  const tty = options.tty ?? (() => '?');
  const lines = ['UID          PID    PPID  C STIME TTY          TIME CMD'];
  for (const e of rows) {
    lines.push(
      `${userName(e.uid).padEnd(8)} ${String(e.pid).padStart(7)} ${String(e.ppid).padStart(7)}  0 ${stime(e.startTime)} ${tty(e).padEnd(8)} 00:00:00 ${command(e, true)}`,
    );
  }
  return lines.join('\n') + '\n';
}

export function renderPs(rows: readonly ProcEntry[], options: PsOptions = {}): string {
  const tty = options.tty ?? (() => '?');
  const lines = ['    PID TTY          TIME CMD'];
  for (const e of rows) lines.push(`${String(e.pid).padStart(7)} ${tty(e).padEnd(8)} 00:00:00 ${command(e, false)}`);
  return lines.join('\n') + '\n';
}
