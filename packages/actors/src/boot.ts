// Booting the emulated machine: the root namespace gets its first process,
// the global init (PID 1), which leads the first process group and session.

import {
  INIT_USER_NS,
  ROOT_CRED,
  commOf,
  emptySigSet,
  type ProcKey,
  type ProgramSpec,
} from '@pidsim/core';
import type { NamespaceActor } from './namespace-actor.js';
import type { Proc } from './process-record.js';
import { bootGroups } from './pgrp-session.js';
import { startProgram } from './programs.js';

export interface RootInit {
  readonly key: ProcKey;
  readonly program: ProgramSpec;
  readonly name: string;
  readonly argv: readonly string[];
}

export function bootRootInit(a: NamespaceActor, init: RootInit): Proc {
  if (a.level !== 0 || a.initKey !== null) throw new Error('boot: the root namespace already has an init');
  const nr = a.table.allocCyclic();
  if (nr !== 1) throw new Error(`boot: the global init got PID ${nr}, not 1`);
  const ref = { key: init.key, chain: a.chain, nums: [1] };
  const p: Proc = {
    key: init.key,
    ref,
    state: 'running',
    name: commOf(init.name),
    argv: init.argv,
    startTime: a.host.now(),
    program: init.program,
    parent: null,
    asParent: null,
    parentHome: null,
    children: null,
    zombies: null,
    childSeq: 0,
    pgrp: ref,
    session: ref,
    pidForChildren: a.ref,
    pfcHasInit: true,
    subreaper: false,
    caps: INIT_USER_NS,
    permitted: INIT_USER_NS,
    cred: ROOT_CRED,
    userNs: [INIT_USER_NS],
    actions: null,
    blocked: emptySigSet(),
    pending: emptySigSet(),
    pendingInfo: null,
    rtQueue: null,
    handled: null,
    lastInfo: null,
    delivered: null,
    exit: null,
    execed: true,
    waiters: null,
    deferred: null,
    timer: 0,
    spawned: null,
    timerDue: false,
    tg: null,
  };
  a.table.holdCommitted(1, init.key, a.id);
  a.procs.set(init.key, p);
  a.initKey = init.key;
  a.state = 'active';
  bootGroups(a, p);
  if (a.events) a.emit({ type: 'ns-created', ns: a.id, parent: null, level: 0, inode: a.ref.inode });
  startProgram(a, p);
  return p;
}
