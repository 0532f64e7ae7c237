// procps sizes the PID and PPID columns from /proc/sys/kernel/pid_max of
// the reader's namespace: 5 digits with the host's 32768 (`UID        PID
// PPID  C STIME ...` on the lab VM), 7 with a new namespace's 4194304.

import { describe, expect, it } from 'vitest';
import { createKernel, renderPs, renderPsEf, renderPsThreads } from '../../src/index.js';

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

describe('ps -L and -T print a row per thread, with the columns procps 4.0.2 prints', () => {
  it('renders LWP/NLWP (-L) and SPID (-T), the TGID as PID, comm without -f and the command line with it', async () => {
    const k = createKernel();
    const p = await k.init.fork({ program: 'idle', name: 'svc', argv: ['svc', '--serve'] });
    await p.fork({ thread: true, name: 'worker' });
    const rows = await k.procfs(k.init.ns).threads();
    // On the lab VM: `UID        PID  PPID   LWP  C NLWP STIME TTY          TIME CMD` and
    // `root         1     0    61  0   18 14:41 ?        00:00:00 /process_api ...` for a second thread of PID 1.
    expect(renderPsThreads(rows, { pidMax: 32768, full: true, column: 'LWP' }).split('\n')).toEqual([
      'UID        PID  PPID   LWP  C NLWP STIME TTY          TIME CMD',
      'root         1     0     1  0    1 00:00 ?        00:00:00 init',
      'root         2     1     2  0    2 00:00 ?        00:00:00 svc --serve',
      'root         2     1     3  0    2 00:00 ?        00:00:00 svc --serve',
      '',
    ]);
    expect(renderPsThreads(rows, { pidMax: 32768, full: false, column: 'LWP' }).split('\n')).toEqual([
      '  PID   LWP TTY          TIME CMD',
      '    1     1 ?        00:00:00 init',
      '    2     2 ?        00:00:00 svc',
      '    2     3 ?        00:00:00 worker',
      '',
    ]);
    expect(renderPsThreads(rows, { pidMax: 32768, full: false, column: 'SPID' }).split('\n')[0]).toBe('  PID  SPID TTY          TIME CMD');
    expect(renderPsThreads(rows, { pidMax: 32768, full: true, column: 'SPID' }).split('\n').slice(0, 1).concat(
      renderPsThreads(rows, { pidMax: 32768, full: true, column: 'SPID' }).split('\n')[3]!,
    )).toEqual(['UID        PID  SPID  PPID  C STIME TTY          TIME CMD', 'root         2     3     1  0 00:00 ?        00:00:00 svc --serve']);
    await k.close();
  });
});
