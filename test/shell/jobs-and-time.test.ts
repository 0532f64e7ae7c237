// Background jobs as bash reports them, and virtual time: it passes only
// while a foreground job waits, exactly as far as the next sleep deadline.

import { describe, expect, it } from 'vitest';
import { psRows, replayer } from './replay.js';

const start = replayer();

describe('jobs', () => {
  it('`cmd &` prints [n] PID; a finished job is announced before the next prompt', async () => {
    const r = await start(`
      sleep 10 &
      sleep 20 &
      echo $!
      jobs
      sleep 15
      sleep 60
    `);
    expect(r.out('sleep 10 &')).toBe('[1] 3\n');
    expect(r.out('sleep 20 &')).toBe('[2] 4\n');
    expect(r.out('echo $!')).toBe('4\n');
    expect(r.out('jobs')).toBe('[1]-  Running                 sleep 10 &\n[2]+  Running                 sleep 20 &\n');
    expect(r.out('sleep 15')).toBe('[1]-  Done                    sleep 10\n');
    expect(r.out('sleep 60')).toBe('[2]+  Done                    sleep 20\n');
  });

  it('a stopped job is reported as Stopped, and a killed one by its signal', async () => {
    const r = await start(`
      sleep 100 &
      kill -STOP %1
      kill -CONT %1
      jobs
      kill %1
      false &
    `);
    // The job ends before the next prompt, so bash announces it at once (a builtin run with &
    // runs in a forked subshell: it takes a PID too).
    expect(r.out('false &')).toBe('[1] 4\n[1]+  Exit 1                  false\n');
    // As bash 5.2 prints them on the lab VM.
    expect(r.out('kill -STOP %1')).toBe('\n[1]+  Stopped                 sleep 100\n');
    expect(r.out('kill -CONT %1')).toBe('');
    expect(r.out('jobs')).toBe('[1]+  Running                 sleep 100 &\n');
    expect(r.out('kill %1')).toBe('[1]+  Terminated              sleep 100\n');
  });

  it('a foreground job killed from another window: bash prints the signal', async () => {
    const r = await start(`
      sudo bash
      window 2
      ps -ef
    `);
    const inner = psRows(r.out('ps -ef')).find((x) => x.cmd === 'bash')!;
    await r.run(`
      kill -9 ${inner.pid}
      window 1
      echo $?
    `);
    expect(r.out('window 1')).toBe('Killed\n');
    expect(r.out('echo $?')).toBe('137\n');
  });

  it('exit in a nested shell says exit, in a login shell logout; $? follows the exit code', async () => {
    const r = await start(`
      bash
      exit 3
      echo $?
      logout
    `);
    expect(r.out('exit 3')).toBe('exit\n');
    expect(r.out('echo $?')).toBe('3\n');
    expect(r.out('logout')).toBe('logout\n');
    expect(r.session.ended).toBe(true);
  });

  it('; && || join commands like bash', async () => {
    const r = await start(`
      false && echo no || echo yes; echo $?
      true && echo both
    `);
    expect(r.out('false && echo no || echo yes; echo $?')).toBe('yes\n0\n');
    expect(r.out('true && echo both')).toBe('both\n');
  });
});

describe('virtual time', () => {
  it('a foreground sleep returns at once; background sleeps keep sleeping while the user types', async () => {
    const r = await start(`
      sleep 3600 &
      ps -ef
      sleep 3599
      ps -ef
      sleep 1
    `);
    const rows1 = psRows(r.steps[1]!.output);
    expect(rows1.some((x) => x.cmd === 'sleep 3600')).toBe(true);
    // STIME is virtual time since boot: processes started after an hour of sleeping show 00:59.
    const later = r.steps[3]!.output.trim().split('\n').pop()!;
    expect(later).toMatch(/ 00:59 pts\/1 +00:00:00 ps -ef$/);
    expect(psRows(r.steps[3]!.output).some((x) => x.cmd === 'sleep 3600')).toBe(true);
    expect(r.out('sleep 1')).toBe('[1]+  Done                    sleep 3600\n');
    expect(r.session.kernel.now()).toBe(3600_000);
  });

  it('sudo and unshare in front of sleep: time passes until the whole job is done', async () => {
    const r = await start(`
      sudo unshare --pid --fork sleep 5
      echo $?
    `);
    expect(r.out('sudo unshare --pid --fork sleep 5')).toBe('');
    expect(r.out('echo $?')).toBe('0\n');
    expect(r.session.kernel.now()).toBe(5000);
  });
});
