// What Linux returns, written out as numbers rather than taken from the
// emulator, so a test cannot agree with the emulator by construction.
// include/uapi/asm-generic/signal.h (x86-64), siginfo.h; man2/wait.2.

export const SIGHUP = 1;
export const SIGINT = 2;
export const SIGQUIT = 3;
export const SIGKILL = 9;
export const SIGUSR1 = 10;
export const SIGSEGV = 11;
export const SIGUSR2 = 12;
export const SIGTERM = 15;
export const SIGCHLD = 17;
export const SIGCONT = 18;
export const SIGSTOP = 19;
export const SIGTSTP = 20;
export const SIGURG = 23;
export const SIGWINCH = 28;
export const SIGRTMIN = 34;

export const SI_USER = 0;
export const SI_QUEUE = -1;
export const SI_KERNEL = 0x80;
/** tgkill(2), or pidfd_send_signal of thread scope. */
export const SI_TKILL = -6;

/** include/uapi/linux/pidfd.h: O_NONBLOCK and O_EXCL. */
export const PIDFD_NONBLOCK = 0o4000;
export const PIDFD_THREAD = 0o200;

export const CLD_EXITED = 1;
export const CLD_KILLED = 2;
export const CLD_DUMPED = 3;
export const CLD_STOPPED = 5;
export const CLD_CONTINUED = 6;

/** waitpid(..., WNOHANG) with nothing to report. */
export const NOTHING = { pid: 0, status: 0, change: null, code: 0 };

/** A wait result for a child that called exit(code): status (code & 0xff) << 8. */
export function exited(pid: number, code: number) {
  return { pid, status: (code & 0xff) << 8, change: { kind: 'exited', code: code & 0xff }, code: CLD_EXITED };
}

/** A wait result for a child killed by `signal` without a core dump: status = signal. */
export function killed(pid: number, signal: number) {
  return { pid, status: signal, change: { kind: 'killed', signal, core: false }, code: CLD_KILLED };
}
