// Branded identifiers. A PID is a number *as seen from one namespace*; a
// ProcKey names one process everywhere and forever; an NsId names one PID
// namespace. One constructor each, so one cannot be passed for another.

export type NsId = number & { readonly __brand: 'NsId' };
export type ProcKey = number & { readonly __brand: 'ProcKey' };
/** A PID as a namespace shows it (getpid, kill targets, /proc). */
export type Pid = number & { readonly __brand: 'Pid' };
/** Identifies one syscall in flight; the reply echoes it. */
export type CallId = number & { readonly __brand: 'CallId' };
/** A user namespace (only what capability checks need of one). */
export type UserNsId = number & { readonly __brand: 'UserNsId' };

export const asNsId = (n: number): NsId => n as NsId;
export const asProcKey = (n: number): ProcKey => n as ProcKey;
export const asPid = (n: number): Pid => n as Pid;
export const asCallId = (n: number): CallId => n as CallId;
/** The id of a call a process makes from a signal handler's steps: nobody waits for its answer. */
export const NO_REPLY: CallId = asCallId(0);
export const asUserNsId = (n: number): UserNsId => n as UserNsId;

/** The initial user namespace, where a privileged process holds every capability. */
export const INIT_USER_NS = asUserNsId(0);
