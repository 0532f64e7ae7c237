// A pidfd as a value (SEMANTICS 4.15, 4.17, 8.4, 8.5, 8.14-8.17): the
// struct pid it holds, not a number, and the flags of its open file; the
// flags pidfd_open(2) and pidfd_send_signal(2) accept; and what
// /proc/PID/fdinfo/FD shows of it through a procfs of one namespace
// (kernel/pid.c pidfd_show_fdinfo()).

import type { NsRef } from './protocol.js';
import type { PidRef } from './pid-ref.js';
import { nrIn } from './pid-ref.js';

/** pidfd_open(2) flags: PIDFD_NONBLOCK is O_NONBLOCK, PIDFD_THREAD is O_EXCL (include/uapi/linux/pidfd.h). */
export const PIDFD_NONBLOCK = 0o4000;
export const PIDFD_THREAD = 0o200;
/** pidfd_send_signal(2) flags: the signal's scope, at most one of them. */
export const PIDFD_SIGNAL_THREAD = 1;
export const PIDFD_SIGNAL_THREAD_GROUP = 2;
export const PIDFD_SIGNAL_PROCESS_GROUP = 4;
/** si_code of a signal sent to one thread (tgkill(2), or a pidfd_send_signal of thread scope). */
export const SI_TKILL = -6;

/** Every pidfd file is O_RDWR | O_CLOEXEC: pidfd_open() and CLONE_PIDFD never give one without close-on-exec. */
const O_RDWR = 0o2;
const O_CLOEXEC = 0o2000000;

/** The struct pid a pidfd holds, where the process lives, and the file's flags. Plain data: it crosses postMessage. */
export interface PidfdRef {
  /** The process (its key names it forever), with its number at every level. */
  readonly ref: PidRef;
  /** Its namespace: the pidfd holds a reference on it, as a struct pid holds its pid_namespace (alloc_pid()). */
  readonly ns: NsRef;
  /** PIDFD_NONBLOCK | PIDFD_THREAD as given to pidfd_open (0 from CLONE_PIDFD). */
  readonly flags: number;
}

/** What the process a pidfd names is doing: poll(2) reads `exited` as POLLIN, `reaped` as POLLIN | POLLHUP. */
export type PidfdState = 'running' | 'exited' | 'reaped';

/** The f_flags fdinfo prints: O_RDWR | O_CLOEXEC, and the pidfd_open flags. */
export function pidfdFileFlags(flags: number): number {
  return O_RDWR | O_CLOEXEC | flags;
}

/** /proc/self/fdinfo/FD of a pidfd, as a procfs mounted for namespace `viewer` shows it. */
export interface PidfdFdinfo {
  /** `flags:` in octal, as Linux prints it ("0%o"): "02000002". */
  readonly flags: string;
  /** `Pid:`: the PID in the procfs's namespace; 0 when invisible there; -1 once reaped. */
  readonly pid: number;
  /** `NSpid:`: the PID from the procfs's namespace down to the process's own; [0] or [-1] as `Pid:`. */
  readonly nspid: readonly number[];
}

/**
 * pidfd_show_fdinfo(): "Pid:" is pid_nr_ns() in the procfs instance's
 * namespace, 0 when the process has no PID there, and -1 once no task is
 * attached (reaped); "NSpid:" goes on with the deeper levels only when the
 * PID is visible ("If nr is non-zero it means that 'pid' is valid and that
 * ns ... is in the pid namespace hierarchy of pid").
 */
export function pidfdFdinfo(pidfd: PidfdRef, viewer: NsRef, state: PidfdState): PidfdFdinfo {
  const flags = `0${pidfdFileFlags(pidfd.flags).toString(8)}`;
  if (state === 'reaped') return { flags, pid: -1, nspid: [-1] };
  const pid = nrIn(pidfd.ref, viewer.id, viewer.level);
  return { flags, pid, nspid: pid > 0 ? pidfd.ref.nums.slice(viewer.level) : [pid] };
}

/** The fdinfo file's text: `pos`, `flags`, then `Pid` and `NSpid` (mnt_id and ino are not emulated). */
export function renderPidfdFdinfo(info: PidfdFdinfo): string {
  return `pos:\t0\nflags:\t${info.flags}\nPid:\t${info.pid}\nNSpid:\t${info.nspid.join('\t')}\n`;
}
