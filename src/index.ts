// pidsim: an emulator of the Linux process model around PID namespaces.

import { WorkerPool, type KernelOptions, type WorkerPoolOptions } from '@pidsim/scheduler';
import { Kernel } from './kernel.js';

/**
 * Boots an emulated kernel: a root PID namespace whose PID 1 (`kernel.init`)
 * runs `options.init.program` (a reaper by default). Bad options throw a
 * TypeError naming the option.
 */
export function createKernel(options?: KernelOptions): Kernel {
  return new Kernel(options);
}

/**
 * Starts a pool of worker threads that threads kernels can share
 * (`createKernel({ transport: 'threads', pool })`): a kernel attached to a
 * running pool starts without starting a thread, and closing it leaves the
 * pool and the other kernels running. `pool.close()` stops the workers.
 */
export function createWorkerPool(options?: WorkerPoolOptions): WorkerPool {
  return new WorkerPool(options);
}

export { Kernel } from './kernel.js';
export { Process, ProcFs, NsHandle, PidFd, WorkerPool } from '@pidsim/scheduler';
export type { NamespacePlacement, Placement, PlacementPolicy, WorkerPoolOptions } from '@pidsim/scheduler';
export type { ForkOptions, KernelOptions, KillReport, PidfdOpenFlags, PidfdPoll, PidfdSignalOptions, ProgramLike, SignalLike } from '@pidsim/scheduler';
export type { KernelTrace, TraceOptions, TraceSummary, TraceWindow } from './trace/index.js';
export {
  KernelError,
  ERRNO,
  checkInvariants,
  describeStatus,
  renderPs,
  renderPsEf,
  renderPsThreads,
  renderPstree,
  renderStatus,
  signalName,
  parseSignal,
  commOf,
  WIFEXITED,
  WEXITSTATUS,
  WIFSIGNALED,
  WTERMSIG,
  WIFSTOPPED,
  WSTOPSIG,
  WIFCONTINUED,
  MAX_PID_NS_LEVEL,
  PIDFD_NONBLOCK,
  PIDFD_THREAD,
  PIDFD_SIGNAL_THREAD,
  PIDFD_SIGNAL_THREAD_GROUP,
  PIDFD_SIGNAL_PROCESS_GROUP,
  SI_TKILL,
  PID_MAX_LIMIT,
  RESERVED_PIDS,
  UPSTREAM_VARIANT,
  VARIANT_NAMES,
  VARIANT_VALUES,
  describeVariant,
  parseVariantChoice,
  variantOf,
} from '@pidsim/core';
export type {
  ChildChange,
  ErrnoCode,
  HandlerStep,
  IdExtent,
  InvariantViolation,
  KernelEvent,
  KernelVariant,
  VariantName,
  KernelSnapshot,
  NsRef,
  PidfdFdinfo,
  PidfdRef,
  PidfdState,
  ProcEntry,
  ProcessInfo,
  ProgramSpec,
  SigAction,
  SigInfo,
  TimedEvent,
  WaitOptions,
  WaitResult,
} from '@pidsim/core';
