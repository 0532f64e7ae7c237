// What a process runs. A program is a named behaviour that decides what the
// process does when events arrive; it is plain data so it can cross threads.

export type ProgramSpec =
  /** Does nothing; its dead children stay zombies until someone waits. */
  | { readonly name: 'idle' }
  /** Waits for every child that exits, as tini or a shell does. */
  | { readonly name: 'reaper' }
  /** Exits 0 after `seconds` of virtual time. */
  | { readonly name: 'sleep'; readonly seconds: number }
  /** Exits with `code` as soon as it runs (a command that finishes at once). */
  | { readonly name: 'exit'; readonly code: number };

export type ProgramName = ProgramSpec['name'];

export const PROGRAM_NAMES: readonly ProgramName[] = ['idle', 'reaper', 'sleep', 'exit'];

/** TASK_COMM_LEN - 1: the kernel keeps 15 characters of a process name. */
export const COMM_LEN = 15;

export function commOf(name: string): string {
  return name.slice(0, COMM_LEN);
}
