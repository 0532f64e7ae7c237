// This file implements the one part of mount namespaces the emulated
// terminal needs: which PID namespace a process's /proc belongs to. The core
// emulates PID namespaces only, so a mount namespace here is a record holding
// its /proc mount, nothing else (no other mounts, no propagation, no umount).
//
// The rules, as on Linux:
// - a proc mount shows the PID namespace that was the *mounter's active*
//   namespace at mount time (fs/proc/root.c proc_fill_super() takes
//   task_active_pid_ns(current)), so `mount -t proc proc /proc` run by a
//   process inside a new PID namespace fixes the view, and run by the
//   unsharer itself (still outside) does not;
// - `unshare --mount` gives the caller a copy of its mount namespace, with the
//   same /proc (copy_mnt_ns()); that is why `unshare --pid --mount --fork bash`
//   still shows the old namespace's processes until /proc is remounted;
// - `nsenter --mount -t PID` joins PID's mount namespace; children inherit
//   their parent's.

import type { NsHandle } from '../index.js';

/**
 * Inodes of the namespaces pidsim does not model, as /proc/PID/ns shows them
 * on the lab VM for the initial namespaces (PROC_*_INIT_INO in Linux 6.18).
 */
export const HOST_NS_INODES = {
  cgroup: 4026531835,
  ipc: 4026531839,
  net: 4026531833,
  time: 4026531834,
  user: 4026531837,
  uts: 4026531838,
} as const;

/** /proc/PID/ns/mnt of the initial mount namespace (PROC_MNT_INIT_INO, 6.18). */
const ROOT_MNT_INODE = 4026531832;

/**
 * New mount namespaces get inodes from a range of their own: the kernel hands
 * PID namespace inodes out from 4026531840 up and does not let the shell
 * share its allocator, so this range stays clear of them for any session
 * that creates fewer than 1160 PID namespaces.
 */
const FIRST_MNT_INODE = 4026533000;

/** A mounted procfs: it keeps its PID namespace referenced (the NsHandle stays open, as the superblock's reference does). */
export interface ProcMount {
  readonly pidNs: NsHandle;
}

export class MountNamespace {
  /** What /proc/PID/ns/mnt shows: `mnt:[inode]`. */
  readonly inode: number;
  /** The procfs mounted on /proc in this namespace. */
  proc: ProcMount;

  constructor(inode: number, proc: ProcMount) {
    this.inode = inode;
    this.proc = proc;
  }
}

/** Creates mount namespaces and hands out their inodes. */
export class MountTable {
  /** The next inode for a new mount namespace. */
  #nextInode = FIRST_MNT_INODE;

  /** The initial mount namespace, with /proc mounted for the root PID namespace. */
  root(rootPidNs: NsHandle): MountNamespace {
    return new MountNamespace(ROOT_MNT_INODE, { pidNs: rootPidNs });
  }

  /** unshare(CLONE_NEWNS): a copy of `from`, sharing its /proc mount. */
  copy(from: MountNamespace): MountNamespace {
    return new MountNamespace(this.#nextInode++, from.proc);
  }

  /** mount -t proc proc /proc: from now on /proc in `mnt` shows `pidNs` (the mounter's active namespace). */
  mountProc(mnt: MountNamespace, pidNs: NsHandle): void {
    mnt.proc = { pidNs };
  }
}
