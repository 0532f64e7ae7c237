// `ps -ef` and bare `ps` (procps) over a procfs view, with procps's column
// widths: UID %-8s, PID and PPID as wide as pid_max's digits, C %2d,
// STIME %5s, TTY %-8s, TIME %8s; and their thread views (-L, -T).

import type { ProcEntry } from './protocol.js';

export interface PsOptions {
  /** The terminal of each row ('?' for none), as the caller knows it. */
  readonly tty?: (e: ProcEntry) => string;
  /**
   * The reader's /proc/sys/kernel/pid_max: procps sizes the PID columns to its
   * digits (5 for 32768, 7 for a new namespace's 4194304). Default 4194304.
   */
  readonly pidMax?: number;
}

/** procps: PID columns as wide as pid_max's digits, at least 5. */
function pidWidth(pidMax: number | undefined): number {
  return Math.max(5, String(Math.max(1, (pidMax ?? 4194304) - 1)).length);
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
  const w = pidWidth(options.pidMax);
  const lines = [`UID      ${'PID'.padStart(w)} ${'PPID'.padStart(w)}  C STIME TTY          TIME CMD`];
  for (const e of rows) {
    lines.push(
      `${userName(e.uid).padEnd(8)} ${String(e.pid).padStart(w)} ${String(e.ppid).padStart(w)}  0 ${stime(e.startTime)} ${tty(e).padEnd(8)} 00:00:00 ${command(e, true)}`,
    );
  }
  return lines.join('\n') + '\n';
}

/**
 * `ps -eLf` / `ps -eTf` (and without -f: `ps -eL`, `ps -T`) over one row per
 * thread (ProcFs.threads()): PID is the TGID, LWP (-L) or SPID (-T) the TID;
 * -Lf adds NLWP, the group's thread count. Without -f, CMD is the thread's
 * comm; with it, the process's command line.
 */
export function renderPsThreads(rows: readonly ProcEntry[], options: PsOptions & { readonly full: boolean; readonly column: 'LWP' | 'SPID' }): string {
  const tty = options.tty ?? (() => '?');
  const w = pidWidth(options.pidMax);
  const col = options.column;
  const pad = (n: number | string): string => String(n).padStart(w);
  if (!options.full) {
    const lines = [`${pad('PID')} ${pad(col)} TTY          TIME CMD`];
    for (const e of rows) lines.push(`${pad(e.tgid)} ${pad(e.pid)} ${tty(e).padEnd(8)} 00:00:00 ${command(e, false)}`);
    return lines.join('\n') + '\n';
  }
  const lines = [
    col === 'LWP'
      ? `UID      ${pad('PID')} ${pad('PPID')} ${pad('LWP')}  C NLWP STIME TTY          TIME CMD`
      : `UID      ${pad('PID')} ${pad('SPID')} ${pad('PPID')}  C STIME TTY          TIME CMD`,
  ];
  for (const e of rows) {
    const ids = col === 'LWP' ? `${pad(e.tgid)} ${pad(e.ppid)} ${pad(e.pid)}  0 ${String(e.threads).padStart(4)}` : `${pad(e.tgid)} ${pad(e.pid)} ${pad(e.ppid)}  0`;
    lines.push(`${userName(e.uid).padEnd(8)} ${ids} ${stime(e.startTime)} ${tty(e).padEnd(8)} 00:00:00 ${command(e, true)}`);
  }
  return lines.join('\n') + '\n';
}

export function renderPs(rows: readonly ProcEntry[], options: PsOptions = {}): string {
  const tty = options.tty ?? (() => '?');
  const w = pidWidth(options.pidMax);
  const lines = [`${'PID'.padStart(w)} TTY          TIME CMD`];
  for (const e of rows) lines.push(`${String(e.pid).padStart(w)} ${tty(e).padEnd(8)} 00:00:00 ${command(e, false)}`);
  return lines.join('\n') + '\n';
}
