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
  | { readonly name: 'exit'; readonly code: number }
  /**
   * A load generator inside the kernel: forks `count` children running
   * `child` (default: exit 0 at once), at most `parallel` unreaped at a time,
   * reaps each, then exits 0 (1 if a fork fails). Nothing leaves the kernel
   * while it runs.
   */
  | { readonly name: 'spawner'; readonly count: number; readonly parallel: number; readonly child?: SpawnedProgram };

/** What a spawner's children run: programs that end by themselves. */
export type SpawnedProgram = { readonly name: 'exit'; readonly code: number } | { readonly name: 'sleep'; readonly seconds: number };

export type ProgramName = ProgramSpec['name'];

export const PROGRAM_NAMES: readonly ProgramName[] = ['idle', 'reaper', 'sleep', 'exit', 'spawner'];

/** TASK_COMM_LEN - 1: the kernel keeps 15 characters of a process name. */
export const COMM_LEN = 15;

export function commOf(name: string): string {
  return name.slice(0, COMM_LEN);
}
