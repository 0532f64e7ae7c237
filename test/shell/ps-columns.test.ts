// procps sizes the PID and PPID columns from /proc/sys/kernel/pid_max of
// the reader's namespace: 5 digits with the host's 32768 (`UID        PID
// PPID  C STIME ...` on the lab VM), 7 with a new namespace's 4194304.

import { describe, expect, it } from 'vitest';
import { createKernel, renderPs, renderPsEf } from '../../src/index.js';

describe('ps column widths follow pid_max', () => {
  it('renders the columns procps prints for pid_max 32768 and 4194304', async () => {
    const k = createKernel();
    const rows = await k.procfs(k.init.ns).list();
    expect(renderPsEf(rows, { pidMax: 32768 }).split('\n')).toEqual([
      'UID        PID  PPID  C STIME TTY          TIME CMD',
      'root         1     0  0 00:00 ?        00:00:00 init',
      '',
    ]);
    expect(renderPs(rows, { pidMax: 32768 }).split('\n')[0]).toBe('  PID TTY          TIME CMD');
    expect(renderPsEf(rows, { pidMax: 4194304 }).split('\n')[0]).toBe('UID          PID    PPID  C STIME TTY          TIME CMD');
    expect(renderPs(rows).split('\n')[0]).toBe('    PID TTY          TIME CMD');
    await k.close();
  });
});
