// The int status of wait(2)/waitpid(2), encoded as Linux does (SEMANTICS 5.1),
// and the siginfo a waitid(2) or a SIGCHLD carries (SEMANTICS 3.11, 4.13).
// kernel/exit.c wait_task_zombie(), wait_task_stopped(), wait_task_continued().

/** How a process ended or changed, before encoding. */
export type ChildChange =
  | { readonly kind: 'exited'; readonly code: number }
  | { readonly kind: 'killed'; readonly signal: number; readonly core: boolean }
  | { readonly kind: 'stopped'; readonly signal: number }
  | { readonly kind: 'continued' };

export function encodeStatus(change: ChildChange): number {
  switch (change.kind) {
    case 'exited':
      return (change.code & 0xff) << 8;
    case 'killed':
      return (change.signal & 0x7f) | (change.core ? 0x80 : 0);
    case 'stopped':
      return ((change.signal & 0xff) << 8) | 0x7f;
    case 'continued':
      return 0xffff;
  }
}

export function WIFEXITED(status: number): boolean {
  return (status & 0x7f) === 0;
}
export function WEXITSTATUS(status: number): number {
  return (status >> 8) & 0xff;
}
export function WIFSIGNALED(status: number): boolean {
  return ((status & 0x7f) + 1) >> 1 > 0 && (status & 0x7f) !== 0x7f;
}
export function WTERMSIG(status: number): number {
  return status & 0x7f;
}
export function WCOREDUMP(status: number): boolean {
  return (status & 0x80) !== 0;
}
export function WIFSTOPPED(status: number): boolean {
  return (status & 0xff) === 0x7f;
}
export function WSTOPSIG(status: number): number {
  return (status >> 8) & 0xff;
}
export function WIFCONTINUED(status: number): boolean {
  return status === 0xffff;
}

/** siginfo si_code values for SIGCHLD (include/uapi/asm-generic/siginfo.h). */
export const CLD_EXITED = 1;
export const CLD_KILLED = 2;
export const CLD_DUMPED = 3;
export const CLD_STOPPED = 5;
export const CLD_CONTINUED = 6;
/** si_code of a signal sent with kill(2). */
export const SI_USER = 0;
/** si_code of a signal the kernel raised itself (teardown, reboot). */
export const SI_KERNEL = 0x80;
/** si_code of a signal sent with sigqueue(3). */
export const SI_QUEUE = -1;

export function childCode(change: ChildChange): number {
  switch (change.kind) {
    case 'exited':
      return CLD_EXITED;
    case 'killed':
      return change.core ? CLD_DUMPED : CLD_KILLED;
    case 'stopped':
      return CLD_STOPPED;
    case 'continued':
      return CLD_CONTINUED;
  }
}

/** si_status: the exit code, or the signal. */
export function childStatus(change: ChildChange): number {
  switch (change.kind) {
    case 'exited':
      return change.code & 0xff;
    case 'killed':
    case 'stopped':
      return change.signal;
    case 'continued':
      return 18; // SIGCONT
  }
}

/** wait options (include/uapi/linux/wait.h). */
export const WNOHANG = 0x1;
export const WUNTRACED = 0x2;
export const WSTOPPED = WUNTRACED;
export const WEXITED = 0x4;
export const WCONTINUED = 0x8;
export const WNOWAIT = 0x01000000;

/** Readable wait options, as the API takes them. */
export interface WaitOptions {
  /** Return at once (pid 0) if no child has changed. */
  readonly nohang?: boolean;
  /** Report stopped children (WUNTRACED / WSTOPPED). */
  readonly untraced?: boolean;
  /** Report continued children (WCONTINUED). */
  readonly continued?: boolean;
  /** Report terminated children (WEXITED); true unless set false, as waitpid(2) does. */
  readonly exited?: boolean;
  /** Leave the child waitable (WNOWAIT). */
  readonly nowait?: boolean;
}

export function describeStatus(status: number): string {
  if (WIFEXITED(status)) return `exited ${WEXITSTATUS(status)}`;
  if (WIFCONTINUED(status)) return 'continued';
  if (WIFSTOPPED(status)) return `stopped by signal ${WSTOPSIG(status)}`;
  return `killed by signal ${WTERMSIG(status)}${WCOREDUMP(status) ? ' (core dumped)' : ''}`;
}
