// This file implements strerror(3) for the messages the emulated tools
// print ("No such process", "Invalid argument"): the kernel's errno table
// with glibc's capitalisation, plus the few file-system errors that only the
// emulated /proc raises.

import { ERRNO, KernelError } from '../index.js';

/** Errno codes the emulated file system returns on top of the kernel's. */
const FS_ERRORS = {
  EISDIR: 'Is a directory',
  ENOTDIR: 'Not a directory',
} as const;

export type FsErrno = keyof typeof FS_ERRORS;

/** glibc's text for an errno code: `ESRCH` -> "No such process". */
export function strerror(code: string): string {
  if (code in FS_ERRORS) return FS_ERRORS[code as FsErrno];
  const entry = (ERRNO as Record<string, { message: string } | undefined>)[code];
  if (!entry) return `Unknown error ${code}`;
  return entry.message.charAt(0).toUpperCase() + entry.message.slice(1);
}

/** The errno code of a failed syscall, or undefined when `e` is not a kernel error (a bug: rethrow it). */
export function errnoOf(e: unknown): string | undefined {
  return e instanceof KernelError ? e.code : undefined;
}
