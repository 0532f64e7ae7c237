// The programs a process can run. Each decides what the process does when
// something happens to it: it starts, a child changes state, its timer runs
// out. Time is virtual: `sleep` asks the host for a timer, never a clock.

import type { NamespaceActor } from './namespace-actor.js';
import type { Proc } from './process-record.js';
import { exitProcess } from './task-exit.js';
import { reapChild, zombiesInOrder } from './task-wait.js';

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
      return exitProcess(a, p, { kind: 'exited', code: program.code & 0xff });
  }
}

/** One of p's children changed state: a reaper collects every zombie, as tini or a shell does. */
export function programChildChanged(a: NamespaceActor, p: Proc): void {
  if (p.program.name === 'reaper') reapZombies(a, p);
}

/** p's timer ran out: `sleep` is done. */
export function programTimer(a: NamespaceActor, p: Proc): void {
  if (p.program.name === 'sleep') exitProcess(a, p, { kind: 'exited', code: 0 });
}

/** waitpid(-1, WNOHANG) until nothing is left to reap: the zombies, in the children list's order. */
function reapZombies(a: NamespaceActor, p: Proc): void {
  for (const stub of zombiesInOrder(p)) if (p.zombies?.has(stub)) reapChild(a, p, stub, null, false);
}
