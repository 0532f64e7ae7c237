// Kernel constants that bound PID allocation and namespace nesting.

/** include/linux/pid_namespace.h: a namespace may sit at most 32 levels below the root. */
export const MAX_PID_NS_LEVEL = 32;
/** include/linux/threads.h: after the cursor passes this, allocation wraps to it, not to 1. */
export const RESERVED_PIDS = 300;
/** include/linux/threads.h: the largest pid_max (and the start value of a new namespace, SEMANTICS 1.8). */
export const PID_MAX_LIMIT = 4194304;
/** pid_max_min = max(RESERVED_PIDS + 1, PIDS_PER_CPU_MIN * ncpus); on a 2-CPU machine, 301. */
export const PID_MAX_MIN = RESERVED_PIDS + 1;
/** include/linux/threads.h PID_MAX_DEFAULT: the root namespace's pid_max on a small machine (SEMANTICS 1.9). */
export const PID_MAX_DEFAULT = 32768;
/** /proc/PID/ns/pid of the initial PID namespace (PROC_PID_INIT_INO). */
export const ROOT_PID_NS_INODE = 0xeffffffc;
/** First inode handed out to a new namespace (PROC_DYNAMIC_FIRST). */
export const FIRST_DYNAMIC_INODE = 0xf0000000;

/** Root pid_max as pid_idr_init() computes it: max(32768, 1024 * possible CPUs), capped. */
export function defaultRootPidMax(cpus: number): number {
  return Math.min(PID_MAX_LIMIT, Math.max(PID_MAX_DEFAULT, 1024 * cpus));
}
