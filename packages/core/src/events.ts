// What the emulated kernel reports as it goes, so a larger system can follow
// along: one event per fork, exec, signal, exit, reap, reparent and namespace
// life step. Process events carry NSpid root first, so any viewer can map them.

import type { NsId, ProcKey } from './ids.js';
import type { ChildChange } from './wait-status.js';
import type { ProgramSpec } from './program.js';
import type { SigInfo } from './protocol.js';

interface ProcEventBase {
  readonly key: ProcKey;
  /** The process's PIDs from the root namespace (index 0) to its own. */
  readonly nspid: readonly number[];
  readonly ns: NsId;
}

export type KernelEvent =
  | (ProcEventBase & { readonly type: 'fork'; readonly parent: ProcKey; readonly name: string })
  | (ProcEventBase & { readonly type: 'exec'; readonly program: ProgramSpec; readonly name: string })
  | (ProcEventBase & { readonly type: 'signal-sent'; readonly sig: number; readonly from: ProcKey | null })
  | (ProcEventBase & {
      readonly type: 'signal-delivered';
      readonly sig: number;
      readonly action: 'handler' | 'terminate' | 'core' | 'stop' | 'continue';
      /** For a handler: the siginfo it received. */
      readonly info?: SigInfo;
    })
  | (ProcEventBase & {
      readonly type: 'signal-ignored';
      readonly sig: number;
      /** Why it had no effect: init protection, SIG_IGN or a default-ignore signal, already pending, or the target is dying. */
      readonly reason: 'init-protected' | 'ignored' | 'coalesced' | 'exiting' | 'orphaned-pgrp';
    })
  | (ProcEventBase & { readonly type: 'exit'; readonly change: ChildChange })
  | (ProcEventBase & { readonly type: 'reap'; readonly by: ProcKey; readonly auto: boolean })
  | (ProcEventBase & { readonly type: 'reparent'; readonly from: ProcKey; readonly to: ProcKey })
  | { readonly type: 'ns-created'; readonly ns: NsId; readonly parent: NsId | null; readonly level: number; readonly inode: number }
  | { readonly type: 'ns-exiting'; readonly ns: NsId; readonly level: number }
  | { readonly type: 'ns-destroyed'; readonly ns: NsId; readonly level: number };

export type KernelEventType = KernelEvent['type'];

/** An event as the Kernel API hands it out: stamped with virtual time. */
export type TimedEvent = KernelEvent & { readonly time: number };
