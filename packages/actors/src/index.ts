// @pidsim/actors: one state machine per PID namespace.

export { NamespaceActor } from './namespace-actor.js';
export type { Gather } from './namespace-actor.js';
export type { ActorHost } from './actor-host.js';
export { bootRootInit } from './boot.js';
export type { RootInit } from './boot.js';
