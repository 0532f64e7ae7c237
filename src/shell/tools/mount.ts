// This file implements util-linux `mount` for procfs only:
// `mount -t proc proc /proc` mounts a procfs for the *caller's active* PID
// namespace on /proc of the caller's mount namespace (everyone in that mount
// namespace sees the change). Run in a shell inside a new PID namespace it
// fixes ps; run in a shell that shares the host's mount namespace it changes
// the host's /proc too, as on Linux. `mount` alone lists the proc mount.

import { getopt } from '../getopt.js';
import { mountProcFor } from './unshare.js';
import type { Tool } from '../program-exec.js';

export const mountTool: Tool = {
  name: 'mount',
  path: '/usr/bin/mount',
  async main(ctx) {
    const { argv, out, err } = ctx;
    const parsed = getopt('mount', argv, [
      { id: 't', short: 't', long: 'types', arg: 'required' },
      { id: 'o', short: 'o', long: 'options', arg: 'required' },
      { id: 'noop', short: 'n', long: 'no-mtab' },
      { id: 'noop', short: 'v', long: 'verbose' },
      { id: 'version', short: 'V', long: 'version' },
    ], { order: 'permute' });
    if (!parsed.ok) {
      err(`${parsed.message}\nTry 'mount --help' for more information.\n`);
      return 1;
    }
    if (parsed.options.some((o) => o.id === 'version')) {
      out('mount from util-linux 2.38.1 (libmount 2.38.1: selinux, smack, btrfs, verity, namespaces, assert, debug)\n');
      return 0;
    }
    const type = parsed.options.filter((o) => o.id === 't').pop()?.value;
    const [source, target, ...extra] = parsed.operands;
    if (source === undefined) {
      if (type === undefined || type === 'proc') out('proc on /proc type proc (rw,nosuid,nodev,noexec,relatime)\n');
      return 0;
    }
    if (extra.length > 0) {
      err("mount: bad usage\nTry 'mount --help' for more information.\n");
      return 1;
    }
    const dir = target ?? source;
    if (target === undefined || type === undefined) {
      err(`mount: ${dir}: can't find in /etc/fstab.\n`);
      return 1;
    }
    if (target.replace(/\/+$/, '') !== '/proc') {
      err(`mount: ${target}: mount point does not exist.\n       dmesg(1) may have more information after failed mount system call.\n`);
      return 32;
    }
    if (type !== 'proc') {
      err(`pidsim: mount: only proc is emulated (received -t ${type})\n`);
      return 32;
    }
    await mountProcFor(ctx, ctx.task);
    return 0;
  },
};
