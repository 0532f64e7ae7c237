// This file implements the words bash prints for a process that ended or
// stopped: glibc's strsignal() texts ("Killed", "Terminated") as bash uses
// them for a foreground job killed by a signal and in job notices
// (`[1]+  Killed                  unshare --fork nohup sleep 3600`).

import type { ChildChange } from '../index.js';

/** glibc's sys_siglist (string/strsignal.c, sysdeps/generic/siglist.h), by signal number. */
const STRSIGNAL: Readonly<Record<number, string>> = {
  1: 'Hangup',
  2: 'Interrupt',
  3: 'Quit',
  4: 'Illegal instruction',
  5: 'Trace/breakpoint trap',
  6: 'Aborted',
  7: 'Bus error',
  8: 'Floating point exception',
  9: 'Killed',
  10: 'User defined signal 1',
  11: 'Segmentation fault',
  12: 'User defined signal 2',
  13: 'Broken pipe',
  14: 'Alarm clock',
  15: 'Terminated',
  16: 'Stack fault',
  17: 'Child exited',
  18: 'Continued',
  19: 'Stopped (signal)',
  20: 'Stopped',
  21: 'Stopped (tty input)',
  22: 'Stopped (tty output)',
  23: 'Urgent I/O condition',
  24: 'CPU time limit exceeded',
  25: 'File size limit exceeded',
  26: 'Virtual timer expired',
  27: 'Profiling timer expired',
  28: 'Window changed',
  29: 'I/O possible',
  30: 'Power failure',
  31: 'Bad system call',
};

/** strsignal(3). */
export function strsignal(sig: number): string {
  const text = STRSIGNAL[sig];
  if (text) return text;
  if (sig >= 34 && sig <= 64) return `Real-time signal ${sig - 34}`;
  return `Unknown signal ${sig}`;
}

/** What a job line says about a state change: `Done`, `Exit 3`, `Killed`, `Stopped`. */
export function jobStatusText(change: ChildChange): string {
  switch (change.kind) {
    case 'exited':
      return change.code === 0 ? 'Done' : `Exit ${change.code}`;
    case 'killed':
      return strsignal(change.signal) + (change.core ? ' (core dumped)' : '');
    case 'stopped':
      // bash's printable_job_status(): "Stopped" whatever the signal (outside POSIX mode).
      return 'Stopped';
    case 'continued':
      return 'Running';
  }
}

/** $? after a foreground job: the exit code, or 128 + the signal. */
export function exitStatusOf(change: ChildChange): number {
  switch (change.kind) {
    case 'exited':
      return change.code;
    case 'killed':
    case 'stopped':
      return 128 + change.signal;
    case 'continued':
      return 0;
  }
}
