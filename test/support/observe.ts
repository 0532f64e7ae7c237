// Looking at the emulated system from outside a test's processes: from the
// root namespace, or over a snapshot.

import type { Kernel, NsRef, Process } from '../../src/index.js';
import { errnoOf } from './backends.js';

/**
 * kill(pid, 0) from the global init: does the process (live or zombie) still exist?
 * Asked from the root namespace because a reaped process's own namespace may be gone.
 */
export async function exists(k: Kernel, p: Process): Promise<boolean> {
  return (await errnoOf(k.init.kill(p.nspid[0]!, 0))) === 'ok';
}

/** PPid of `p` as the root namespace's /proc shows it. */
export async function hostPpid(k: Kernel, p: Process): Promise<number> {
  return (await k.procfs(k.init.ns).status(p.nspid[0]!)).ppid;
}

/** A namespace's state in a snapshot; a namespace the kernel has let go of is 'dead'. */
export async function nsState(k: Kernel, ns: NsRef): Promise<string> {
  const found = (await k.snapshot()).namespaces.find((a) => a.ns.id === ns.id);
  return found ? found.ns.state : 'dead';
}

/** A chain of namespaces `depth` levels deep below the root; returns the init of each level, level 1 first. */
export async function nest(k: Kernel, depth: number): Promise<Process[]> {
  const inits: Process[] = [];
  let cur = k.init;
  for (let level = 1; level <= depth; level++) {
    cur = await cur.fork({ newPid: true, program: 'reaper', name: `init${level}` });
    inits.push(cur);
  }
  return inits;
}
