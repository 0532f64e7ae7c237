// /proc/PID/status as fs/proc/array.c task_state() prints it, for one row of
// a procfs view (SEMANTICS 3.5): ids in the procfs namespace, NS* lines from
// that namespace down to the process's own.

import type { ProcEntry, ProcState } from './protocol.js';

/** get_task_state(): what the State line says. An exiting init sleeps in zap_pid_ns_processes (6.3). */
export function stateLine(state: ProcState): string {
  switch (state) {
    case 'running':
    case 'exiting':
      return 'S (sleeping)';
    case 'stopped':
      return 'T (stopped)';
    case 'zombie':
      return 'Z (zombie)';
  }
}

export function renderStatus(e: ProcEntry): string {
  const ids = (xs: readonly number[]): string => xs.join('\t');
  // Real, effective, saved, filesystem (fsuid follows the effective id).
  const idLine = ([r, eff, s]: readonly number[]): string => `${r}\t${eff}\t${s}\t${eff}`;
  return [
    `Name:\t${e.name}`,
    'Umask:\t0022',
    `State:\t${stateLine(e.state)}`,
    `Tgid:\t${e.tgid}`,
    'Ngid:\t0',
    `Pid:\t${e.pid}`,
    `PPid:\t${e.ppid}`,
    'TracerPid:\t0',
    `Uid:\t${idLine(e.uids)}`,
    `Gid:\t${idLine(e.gids)}`,
    `NStgid:\t${ids(e.nstgid)}`,
    `NSpid:\t${ids(e.nspid)}`,
    `NSpgid:\t${ids(e.nspgid)}`,
    `NSsid:\t${ids(e.nssid)}`,
    `Threads:\t${e.threads}`,
    '',
  ].join('\n');
}

/** /proc/PID/stat, the fields up to the session (field 4 is the PPID: 3.7). */
export function renderStat(e: ProcEntry): string {
  const letter = stateLine(e.state)[0];
  return `${e.pid} (${e.name}) ${letter} ${e.ppid} ${e.pgid} ${e.sid}`;
}
