// @pidsim/actors: one state machine per PID namespace.

export { NamespaceActor } from './namespace-actor.js';
export type { Gather } from './namespace-actor.js';
export type { ActorHost } from './actor-host.js';
export { bootRootInit } from './boot.js';
export { SYSCALL_NAMES, callerGone } from './syscalls.js';
export { KernelTables, DEFAULT_MAX_PID_NAMESPACES } from './kernel-tables.js';
export { PidTable } from './pid-table.js';
export type { PidEntry } from './pid-table.js';
export type { RootInit } from './boot.js';
