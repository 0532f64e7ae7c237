// Threads as the emulated shell shows them (SEMANTICS 8.23): ps -eLf, ps -T
// and /proc/PID/task for a job that has a second thread. The thread is made
// through the API on the job's process (no shell command creates threads).

import { expect, it } from 'vitest';
import { Process } from '../../src/index.js';
import { replayer } from './replay.js';

const start = replayer();

it('ps -eLf, ps -T and ls /proc/PID/task show the threads of a job; its thread status has Tgid and Threads', async () => {
  const r = await start('sleep 100 &');
  const k = r.session.kernel;
  const row = (await k.procfs(k.init.ns).list()).find((e) => e.name === 'sleep')!;
  const job = new Process(k, row.key, k.init.ns, row.nspid);
  const worker = await job.fork({ thread: true, name: 'worker' });
  await r.run(`ps -eLf\nps -T\nls /proc/${job.pid}/task\ncat /proc/${job.pid}/task/${worker.tid}/status\ncat /proc/${worker.tid}/comm\nps -LT`);
  const lwp = r.out('ps -eLf').split('\n').filter((l) => / sleep 100$/.test(l));
  expect(lwp).toEqual([
    `root         ${job.pid}     2     ${job.pid}  0    2 00:00 pts/1    00:00:00 sleep 100`,
    `root         ${job.pid}     2     ${worker.tid}  0    2 00:00 pts/1    00:00:00 sleep 100`,
  ]);
  expect(r.out('ps -T').split('\n').filter((l) => l.startsWith(`    ${job.pid} `))).toEqual([
    `    ${job.pid}     ${job.pid} pts/1    00:00:00 sleep`,
    `    ${job.pid}     ${worker.tid} pts/1    00:00:00 worker`,
  ]);
  expect(r.out(`ls /proc/${job.pid}/task`).split(/\s+/).filter(Boolean)).toEqual([String(job.pid), String(worker.tid)]);
  const status = r.out(`cat /proc/${job.pid}/task/${worker.tid}/status`);
  expect(status).toMatch(new RegExp(`^Tgid:\\t${job.pid}$`, 'm'));
  expect(status).toMatch(new RegExp(`^Pid:\\t${worker.tid}$`, 'm'));
  expect(status).toMatch(/^Threads:\t2$/m);
  expect(r.out(`cat /proc/${worker.tid}/comm`)).toBe('worker\n');
  expect(r.out('ps -LT')).toMatch(/^error: thread flags conflict; can't use both -L and -T/);
});
