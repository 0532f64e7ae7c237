// Errno values as Linux returns them, and the public error type.
//
// Inside the engine an expected failure is plain data (`Failure`): an Error
// subclass loses its fields through postMessage. Only the public face turns a
// Failure into a thrown `KernelError`.

/** Linux's positive errno numbers (asm-generic/errno-base.h, errno.h) and strerror texts. */
export const ERRNO = {
  EPERM: { errno: 1, message: 'operation not permitted' },
  ENOENT: { errno: 2, message: 'no such file or directory' },
  ESRCH: { errno: 3, message: 'no such process' },
  EINTR: { errno: 4, message: 'interrupted system call' },
  EBADF: { errno: 9, message: 'bad file descriptor' },
  ECHILD: { errno: 10, message: 'no child processes' },
  EAGAIN: { errno: 11, message: 'resource temporarily unavailable' },
  ENOMEM: { errno: 12, message: 'cannot allocate memory' },
  EACCES: { errno: 13, message: 'permission denied' },
  EBUSY: { errno: 16, message: 'device or resource busy' },
  EEXIST: { errno: 17, message: 'file exists' },
  EINVAL: { errno: 22, message: 'invalid argument' },
  ENOSPC: { errno: 28, message: 'no space left on device' },
  ENOSYS: { errno: 38, message: 'function not implemented' },
} as const;

export type ErrnoCode = keyof typeof ERRNO;

/** An expected kernel failure, as data. */
export interface Failure {
  readonly ok: false;
  readonly code: ErrnoCode;
  readonly syscall: string;
  /** What the failing call was about (a PID, a path), for the message. */
  readonly subject?: string | number;
  /** Why, when the errno alone does not say (e.g. "the calling process has exited"). */
  readonly detail?: string;
}

export interface Success<T> {
  readonly ok: true;
  readonly value: T;
}

export type Result<T> = Success<T> | Failure;

export function ok<T>(value: T): Success<T> {
  return { ok: true, value };
}

export function fail(code: ErrnoCode, syscall: string, subject?: string | number, detail?: string): Failure {
  const f: { ok: false; code: ErrnoCode; syscall: string; subject?: string | number; detail?: string } = {
    ok: false,
    code,
    syscall,
  };
  if (subject !== undefined) f.subject = subject;
  if (detail !== undefined) f.detail = detail;
  return f;
}

export function isErrnoCode(code: string): code is ErrnoCode {
  return Object.prototype.hasOwnProperty.call(ERRNO, code);
}

/**
 * The error a Kernel API call rejects with when the emulated kernel returns an
 * errno. `code` never changes; `message` reads like Node's own:
 * `ESRCH: no such process, kill 42`.
 */
export class KernelError extends Error {
  readonly code: ErrnoCode;
  readonly errno: number;
  readonly syscall: string;
  readonly subject: string | number | undefined;

  constructor(failure: Failure) {
    const { code, syscall, subject, detail } = failure;
    const where = subject === undefined ? syscall : `${syscall} ${subject}`;
    super(`${code}: ${ERRNO[code].message}, ${where}${detail ? ` (${detail})` : ''}`);
    this.name = 'KernelError';
    this.code = code;
    this.errno = ERRNO[code].errno;
    this.syscall = syscall;
    this.subject = subject;
  }
}
