// The programs a process can run. Each decides what the process does when
// something happens to it: it starts, a child changes state, its timer runs
// out. Time is virtual: `sleep` asks the host for a timer, never a clock.

import { Call, NO_REPLY } from '@pidsim/core';
import type { NamespaceActor } from './namespace-actor.js';
import type { Proc } from './process-record.js';
import { exitProcess } from './task-exit.js';
import { exitThread } from './task-threads.js';
import { reapChild, zombiesInOrder } from './task-wait.js';
import { runCall } from './syscalls.js';

/** The process starts running its program (after fork, or after execve). */
export function startProgram(a: NamespaceActor, p: Proc): void {
  const program = p.program;
  switch (program.name) {
    case 'idle':
      return;
    case 'reaper':
      return reapZombies(a, p);
    case 'sleep': {
      const token = a.host.nextToken();
      p.timer = token;
      a.host.setTimer(a.id, p.key, token, Math.round(program.seconds * 1000));
      return;
    }
    case 'exit':
      // In a thread, the program is its start function: returning ends the thread (8.19).
      return exitThread(a, p, { kind: 'exited', code: program.code & 0xff });
    case 'spawner':
      p.spawned = { forked: 0, reaped: 0, due: false };
      return spawnMore(a, p);
  }
}

/** One of p's children changed state: a reaper collects every zombie, as tini or a shell does. */
export function programChildChanged(a: NamespaceActor, p: Proc): void {
  if (p.program.name === 'reaper') reapZombies(a, p);
  else if (p.program.name === 'spawner') {
    const s = p.spawned!;
    for (const stub of zombiesInOrder(p)) {
      if (!p.zombies?.has(stub.key)) continue;
      reapChild(a, p, stub, null, false);
      s.reaped++;
    }
    // The next forks run as a message to itself, after this one: a child that exits at once
    // would otherwise fork the next from inside its own exit, one stack frame deeper each time.
    if (!s.due) {
      s.due = true;
      a.host.send(a.id, { type: 'program-continue', proc: p.key });
    }
  }
}

/** A spawner goes on: forks up to its parallel limit, or exits once every child is reaped. */
export function onProgramContinue(a: NamespaceActor, key: Proc['key']): void {
  const p = a.procs.get(key);
  if (!p || p.state !== 'running' || !p.spawned) return;
  p.spawned.due = false;
  spawnMore(a, p);
}

function spawnMore(a: NamespaceActor, p: Proc): void {
  if (p.program.name !== 'spawner') return;
  const { count, parallel } = p.program;
  const s = p.spawned!;
  while (s.forked < count && s.forked - s.reaped < parallel && p.state === 'running') {
    // A fork into the spawner's own namespace completes within this call; a child it did not get is a failed fork.
    const before = p.childSeq;
    const op = p.program.child === undefined ? CHILD_FORK : { op: 'fork' as const, program: p.program.child };
    if (p.pidForChildren.id === a.id) runCall(a, new Call(NO_REPLY, p.key, op), p);
    if (p.childSeq === before) return exitProcess(a, p, { kind: 'exited', code: 1 });
    s.forked++;
  }
  if (s.reaped >= count && p.state === 'running') exitProcess(a, p, { kind: 'exited', code: 0 });
}

const CHILD_FORK = Object.freeze({ op: 'fork', program: Object.freeze({ name: 'exit', code: 0 }) } as const);

/** p's timer ran out: `sleep` is done. */
export function programTimer(a: NamespaceActor, p: Proc): void {
  if (p.program.name === 'sleep') exitThread(a, p, { kind: 'exited', code: 0 });
}

/** waitpid(-1, WNOHANG) until nothing is left to reap: the zombies, in the children list's order. */
function reapZombies(a: NamespaceActor, p: Proc): void {
  for (const stub of zombiesInOrder(p)) if (p.zombies?.has(stub.key)) reapChild(a, p, stub, null, false);
}
