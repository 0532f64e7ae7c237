// /proc/PID/ns/ at the edge (issue 12): only the PID namespace kinds are
// emulated, and asking for another (net, mnt, user, ...) is a TypeError at
// the call, before anything is opened.

import { describe, expect, it } from 'vitest';
import { Kernel } from '../src/index.js';
import { thrownBy } from './kernels.js';

const notEmulated = (where: string, kind: string) => ({
  error: 'TypeError',
  message: `${where}: namespace kind must be 'pid' or 'pid_for_children' (pidsim emulates PID namespaces only), received "${kind}"`,
});

describe('/proc/PID/ns/KIND for a kind that is not emulated', () => {
  it.each(['net', 'mnt', 'user', 'uts', 'ipc', 'cgroup', 'time', 'time_for_children', 'PID', ''])(
    '%j: openNs() and readNsLink() throw a TypeError at the call and open nothing',
    async (kind) => {
      const k = new Kernel();
      const c = await k.init.fork({ newPid: true, program: 'reaper' });
      expect(thrownBy(() => k.init.openNs(c.nspid[0]!, kind as never))).toEqual(notEmulated('openNs', kind));
      expect(thrownBy(() => k.procfs(k.init.ns).openNs(c.nspid[0]!, kind as never))).toEqual(notEmulated('openNs', kind));
      expect(thrownBy(() => k.procfs(k.init.ns).readNsLink(c.nspid[0]!, kind as never))).toEqual(notEmulated('readNsLink', kind));
      expect(k.pendingCalls).toBe(0);
      // No handle was opened, so the container's namespace goes with its init.
      await k.init.kill(c.nspid[0]!, 'KILL');
      await k.settled();
      expect((await k.snapshot()).namespaces.map((a) => a.ns.id)).toEqual([k.init.ns.id]);
      await k.close();
    },
  );

  it("the emulated kinds open as before: 'pid' and 'pid_for_children'", async () => {
    const k = new Kernel();
    const c = await k.init.fork({ newPid: true, program: 'reaper' });
    expect(String(await k.init.openNs(c.nspid[0]!, 'pid'))).toBe(`pid:[${c.ns.inode}]`);
    expect(await k.procfs(k.init.ns).readNsLink(c.nspid[0]!, 'pid_for_children')).toBe(`pid:[${c.ns.inode}]`);
    await k.close();
  });
});
