// @pidsim/core: the vocabulary and pure rules of the emulated kernel.

export { ERRNO, KernelError, fail, ok, isErrnoCode } from './errno.js';
export type { ErrnoCode, Failure, Result, Success } from './errno.js';
export {
  MAX_PID_NS_LEVEL,
  RESERVED_PIDS,
  PID_MAX_LIMIT,
  PID_MAX_MIN,
  PID_MAX_DEFAULT,
  ROOT_PID_NS_INODE,
  FIRST_DYNAMIC_INODE,
  defaultRootPidMax,
} from './limits.js';
export {
  asCallId,
  NO_REPLY,
  asNsId,
  asPid,
  asProcKey,
  asUserNsId,
  INIT_USER_NS,
} from './ids.js';
export type { CallId, NsId, Pid, ProcKey, UserNsId } from './ids.js';
export {
  NOBODY,
  OVERFLOW_ID,
  ROOT_CRED,
  INITIAL_ID_MAPS,
  capsAfterUidChange,
  credAfterExec,
  fromKernelId,
  idsOf,
  kernelIdIn,
  killAllowedByIds,
  parseIdExtent,
  setId,
  setResId,
  toKernelId,
} from './credentials.js';
export type { CapsAfter, Cred, CredChange, IdExtent, IdKind, IdMaps } from './credentials.js';
export {
  UPSTREAM_VARIANT,
  VARIANT_NAMES,
  VARIANT_VALUES,
  decodeVariant,
  describeVariant,
  encodeVariant,
  parseVariantChoice,
  variantOf,
} from './kernel-variant.js';
export type { KernelVariant, VariantName } from './kernel-variant.js';
export { nrIn, onChain, ownerNs, levelOf } from './pid-ref.js';
export {
  PIDFD_NONBLOCK,
  PIDFD_THREAD,
  PIDFD_SIGNAL_THREAD,
  PIDFD_SIGNAL_THREAD_GROUP,
  PIDFD_SIGNAL_PROCESS_GROUP,
  SI_TKILL,
  pidfdFdinfo,
  pidfdFileFlags,
  renderPidfdFdinfo,
} from './pidfd.js';
export type { PidfdFdinfo, PidfdRef, PidfdState } from './pidfd.js';
export type { PidRef } from './pid-ref.js';
export { ALLOCATOR_WORDS, PidAllocator, growField, growableBuffer, int32View, sharedCopy } from './pid-allocator.js';
export { LOCAL_WORDS, SHARED_WORDS, wordsFor, type Words } from './words.js';
export type { AllocFailure, PidSpaceBuffers, PidTableBuffers } from './pid-allocator.js';
export { IntMap } from './int-map.js';
export {
  SIGHUP,
  SIGINT,
  SIGQUIT,
  SIGILL,
  SIGTRAP,
  SIGABRT,
  SIGBUS,
  SIGFPE,
  SIGKILL,
  SIGUSR1,
  SIGSEGV,
  SIGUSR2,
  SIGPIPE,
  SIGALRM,
  SIGTERM,
  SIGCHLD,
  SIGCONT,
  SIGSTOP,
  SIGTSTP,
  SIGTTIN,
  SIGTTOU,
  SIGURG,
  SIGWINCH,
  SIGRTMIN,
  SIGRTMAX,
  NSIG,
  defaultAction,
  isKernelOnly,
  isRealtime,
  isStopSignal,
  isValidSignal,
  parseSignal,
  signalName,
  emptySigSet,
  sigSetOf,
  sigHas,
  sigAdd,
  sigDel,
  sigIsEmpty,
  sigMembers,
  copySigSet,
} from './signals.js';
export type { DefaultAction, SigSet } from './signals.js';
export {
  encodeStatus,
  describeStatus,
  childCode,
  childStatus,
  WIFEXITED,
  WEXITSTATUS,
  WIFSIGNALED,
  WTERMSIG,
  WCOREDUMP,
  WIFSTOPPED,
  WSTOPSIG,
  WIFCONTINUED,
  CLD_EXITED,
  CLD_KILLED,
  CLD_DUMPED,
  CLD_STOPPED,
  CLD_CONTINUED,
  SI_USER,
  SI_KERNEL,
  SI_QUEUE,
  WNOHANG,
  WUNTRACED,
  WSTOPPED,
  WEXITED,
  WCONTINUED,
  WNOWAIT,
} from './wait-status.js';
export type { ChildChange, WaitOptions } from './wait-status.js';
export {
  CLONE_NEWPID,
  CLONE_NEWUSER,
  CLONE_NEWNS,
  CLONE_PARENT,
  CLONE_THREAD,
  CLONE_VM,
  CLONE_SIGHAND,
  PR_SET_CHILD_SUBREAPER,
  PR_GET_CHILD_SUBREAPER,
  LINUX_REBOOT_CMD_RESTART,
  LINUX_REBOOT_CMD_RESTART2,
  LINUX_REBOOT_CMD_HALT,
  LINUX_REBOOT_CMD_POWER_OFF,
  LINUX_REBOOT_CMD_CAD_ON,
  LINUX_REBOOT_CMD_CAD_OFF,
} from './clone-flags.js';
export type { RebootCommand } from './clone-flags.js';
export { PROGRAM_NAMES, COMM_LEN, commOf } from './program.js';
export type { ProgramSpec, ProgramName, SpawnedProgram } from './program.js';
export type {
  ActorMsg,
  CallMsg,
  ChildInit,
  ChildUpdate,
  ClientMsg,
  EventMsg,
  ForkArgs,
  ForkJob,
  HostRequest,
  NsInit,
  NsRef,
  Op,
  ParentLink,
  ProcEntry,
  ProcessInfo,
  ProcOp,
  ProcState,
  RemoteQuery,
  IdMapWriter,
  ReplyMsg,
  SigAction,
  SigHandler,
  HandlerStep,
  SigInfo,
  SignalAck,
  SignalSender,
  SysctlName,
  WaitResult,
  WireBatch,
  WireItem,
} from './protocol.js';
export { Call, SHARD_MEMBERS, SHARD_STOPPED, SHARD_GONE } from './protocol.js';
export type { KernelEvent, KernelEventType, TimedEvent } from './events.js';
export type {
  ActorSnapshot,
  ChildSnapshot,
  GroupSnapshot,
  KernelSnapshot,
  NsSnapshot,
  NsState,
  PidTableRow,
  ProcSnapshot,
  ThreadSnapshot,
} from './snapshot.js';
export { checkInvariants, describeProcess, INVARIANTS } from './invariants.js';
export type { InvariantViolation } from './invariants.js';
export { renderStatus, renderStat, stateLine } from './proc-status.js';
export { renderPsEf, renderPs, renderPsThreads } from './ps-render.js';
export type { PsOptions } from './ps-render.js';
export { renderPstree } from './pstree-render.js';
export type { PstreeOptions } from './pstree-render.js';
export { encodeCall, decodeCalls, encodeReply, decodeReplies, CALL_SLOTS } from './wire-codec.js';
