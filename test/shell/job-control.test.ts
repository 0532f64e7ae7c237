// Job control as bash 5.2 does it, through `pidsim shell < script` as users
// run it: a stopped shell gives the terminal back to its parent, Ctrl-Z
// (a `^Z` line) stops the foreground job, Ctrl-C (`^C`) interrupts it, Ctrl-D
// (`^D`) ends only the shell reading, and jobs, fg, bg, %N print what bash
// prints (each transcript below was compared with bash 5.2 in a terminal;
// only PIDs differ).

import { describe, expect, it } from 'vitest';
import { pidsimShell } from './shell-cli.js';

/** The transcript of a script that must run to its end, exiting with `status` and nothing on stderr. */
function transcript(lines: readonly string[], status = 0): string {
  const r = pidsimShell(lines);
  expect(r.stderr).toBe('');
  expect(r.status).toBe(status);
  return r.stdout;
}

describe('a stopped shell', () => {
  it('kill -STOP $$ in a nested bash: the parent prints Stopped, reads the terminal again, and the script goes on', () => {
    expect(transcript(['bash', 'kill -STOP $$', 'echo after $$', 'jobs', 'fg', 'echo in $$', 'exit', 'echo $?'])).toBe(
      [
        '[w1 $$=2]# bash',
        '[w1 $$=3]# kill -STOP $$',
        '',
        '[1]+  Stopped                 bash',
        '[w1 $$=2]# echo after $$',
        'after 2',
        '[w1 $$=2]# jobs',
        '[1]+  Stopped                 bash',
        '[w1 $$=2]# fg',
        'bash',
        '[w1 $$=3]# echo in $$',
        'in 3',
        '[w1 $$=3]# exit',
        'exit',
        '[w1 $$=2]# echo $?',
        '0',
        '',
      ].join('\n'),
    );
  });

  it('under sudo: sudo stops itself as its command did, so the job stops; fg gives the inner shell the terminal back', () => {
    expect(transcript(['sudo bash', 'kill -STOP $$', 'fg', 'echo $$', 'exit'])).toBe(
      [
        '[w1 $$=2]# sudo bash',
        '[w1 $$=4]# kill -STOP $$',
        '',
        '[1]+  Stopped                 sudo bash',
        '[w1 $$=2]# fg',
        'sudo bash',
        '[w1 $$=4]# echo $$',
        '4',
        '[w1 $$=4]# exit',
        'exit',
        '',
      ].join('\n'),
    );
  });

  it("a window's login shell stopped from another window: that window says so, the others go on, kill -CONT gives it back", () => {
    const out = transcript(['window 2', 'kill -STOP 2', 'window', 'window 1', 'window 2', 'kill -CONT 2', 'window 1', 'echo $$']);
    expect(out).toBe(
      [
        '[w1 $$=2]# window 2',
        '[w2 $$=3]# kill -STOP 2',
        '[w2 $$=3]# window',
        'window 1 (pts/1): shells ($$): 2 (stopped)',
        'window 2 (pts/2) *: shells ($$): 3',
        '[w2 $$=3]# window 1',
        '[w1 stopped]# window 2',
        '[w2 $$=3]# kill -CONT 2',
        '[w2 $$=3]# window 1',
        '[w1 $$=2]# echo $$',
        '2',
        '',
      ].join('\n'),
    );
  });

  it('a line typed into a stopped window is not run; the script ends with an error naming it', () => {
    const r = pidsimShell(['window 2', 'kill -STOP 2', 'window 1', 'echo lost', 'window 2', 'echo here']);
    expect(r.stdout).toContain(
      '[w1 stopped]# echo lost\npidsim: window 1 is stopped: its shell (bash, $$=2) was stopped by a signal, and nothing reads the terminal until it gets SIGCONT (kill -CONT from another window); switch with `window N`\n',
    );
    expect(r.stdout).toContain('[w2 $$=3]# echo here\nhere\n');
    expect(r.stderr).toBe(
      'pidsim shell: the shell session ended with 1 line(s) of the script unread (typed where nothing read the terminal):\n  window 1 (stopped): echo lost\n',
    );
    expect(r.status).toBe(1);
  });

  it('bash started with & stops on SIGTTIN until fg brings it to the foreground', () => {
    expect(transcript(['bash &', 'fg', 'echo $$', 'exit', 'jobs'])).toBe(
      [
        '[w1 $$=2]# bash &',
        '[1] 3',
        '',
        '[1]+  Stopped                 bash',
        '[w1 $$=2]# fg',
        'bash',
        '[w1 $$=3]# echo $$',
        '3',
        '[w1 $$=3]# exit',
        'exit',
        '[w1 $$=2]# jobs',
        '',
      ].join('\n'),
    );
  });
});

describe('Ctrl-Z and Ctrl-C', () => {
  it('^Z right after a command stops it before any time passes: Stopped, $? 148; bg and fg continue it', () => {
    expect(transcript(['sleep 100', '^Z', 'echo $?', 'jobs', 'bg', 'jobs', 'fg', '^Z', 'fg'])).toBe(
      [
        '[w1 $$=2]# sleep 100',
        '^Z',
        '[1]+  Stopped                 sleep 100',
        '[w1 $$=2]# echo $?',
        '148',
        '[w1 $$=2]# jobs',
        '[1]+  Stopped                 sleep 100',
        '[w1 $$=2]# bg',
        '[1]+ sleep 100 &',
        '[w1 $$=2]# jobs',
        '[1]+  Running                 sleep 100 &',
        '[w1 $$=2]# fg',
        'sleep 100',
        '^Z',
        '[1]+  Stopped                 sleep 100',
        '[w1 $$=2]# fg',
        'sleep 100',
        '',
      ].join('\n'),
    );
  });

  it('the control character itself (0x1a, 0x03) works as ^Z and ^C do', () => {
    expect(transcript(['sleep 100', '\x1a', 'fg', '\x03', 'echo $?'])).toBe(
      [
        '[w1 $$=2]# sleep 100',
        '^Z',
        '[1]+  Stopped                 sleep 100',
        '[w1 $$=2]# fg',
        'sleep 100',
        '^C',
        '[w1 $$=2]# echo $?',
        '130',
        '',
      ].join('\n'),
    );
  });

  it('^C interrupts the foreground job and the rest of its list; ^Z stops it and && sees $? 148', () => {
    expect(transcript(['sleep 5; echo never', '^C', 'echo $?', 'sleep 5 && echo never', '^Z', 'echo $?', '%1'])).toBe(
      [
        '[w1 $$=2]# sleep 5; echo never',
        '^C',
        '[w1 $$=2]# echo $?',
        '130',
        '[w1 $$=2]# sleep 5 && echo never',
        '^Z',
        '[1]+  Stopped                 sleep 5',
        '[w1 $$=2]# echo $?',
        '148',
        '[w1 $$=2]# %1',
        'sleep 5',
        '',
      ].join('\n'),
    );
  });

  it('at a prompt ^C shows ^C and a new prompt, ^Z shows nothing (bash ignores SIGTSTP)', () => {
    expect(transcript(['^C', '^Z', 'echo $$'])).toBe('[w1 $$=2]# ^C\n[w1 $$=2]# echo $$\n2\n');
  });

  it('a job that never ends leaves the window busy until ^Z; the line typed meanwhile is not run', () => {
    const r = pidsimShell(['sleep infinity', 'echo lost', '^Z', 'kill %1']);
    expect(r.stdout).toBe(
      [
        '[w1 $$=2]# sleep infinity',
        '[w1 busy]# echo lost',
        'pidsim: window 1 is busy: its foreground job has not finished (Ctrl-Z stops it, Ctrl-C interrupts it); switch with `window N`',
        '^Z',
        '[1]+  Stopped                 sleep infinity',
        '[w1 $$=2]# kill %1',
        '[1]+  Terminated              sleep infinity',
        '',
      ].join('\n'),
    );
    expect(r.stderr).toBe('pidsim shell: the shell session ended with 1 line(s) of the script unread (typed where nothing read the terminal):\n  window 1 (busy): echo lost\n');
    expect(r.status).toBe(1);
  });

  it('^Z stops the whole foreground group: a job under sudo and nsenter stops, fg finishes it', () => {
    expect(transcript(['sudo sleep 100', '^Z', 'fg', 'nsenter -t 1 -p sleep 50', '^Z', 'jobs', 'fg', 'echo $?'])).toBe(
      [
        '[w1 $$=2]# sudo sleep 100',
        '^Z',
        '[1]+  Stopped                 sudo sleep 100',
        '[w1 $$=2]# fg',
        'sudo sleep 100',
        '[w1 $$=2]# nsenter -t 1 -p sleep 50',
        '^Z',
        '[1]+  Stopped                 nsenter -t 1 -p sleep 50',
        '[w1 $$=2]# jobs',
        '[1]+  Stopped                 nsenter -t 1 -p sleep 50',
        '[w1 $$=2]# fg',
        'nsenter -t 1 -p sleep 50',
        '[w1 $$=2]# echo $?',
        '0',
        '',
      ].join('\n'),
    );
  });
});

describe('Ctrl-D', () => {
  it('in a nested bash it ends that shell only ("exit"); in a login shell "logout" closes its window, the others stay', () => {
    expect(transcript(['bash', '^D', 'echo $$', 'window 2', '^D', 'window 1', 'echo $$'])).toBe(
      [
        '[w1 $$=2]# bash',
        '[w1 $$=3]# ',
        'exit',
        '[w1 $$=2]# echo $$',
        '2',
        '[w1 $$=2]# window 2',
        '[w2 $$=4]# ',
        'logout',
        '[w2 closed]# window 1',
        '[w1 $$=2]# echo $$',
        '2',
        '',
      ].join('\n'),
    );
  });

  it('with stopped jobs bash warns once and stays; a second exit (or one right after jobs) leaves and ends the stopped jobs', () => {
    expect(transcript(['bash', 'sleep 100 &', 'kill -STOP %1', '^D', 'echo $?', 'jobs', 'exit', 'ps -e'])).toBe(
      [
        '[w1 $$=2]# bash',
        '[w1 $$=3]# sleep 100 &',
        '[1] 4',
        '[w1 $$=3]# kill -STOP %1',
        '',
        '[1]+  Stopped                 sleep 100',
        '[w1 $$=3]# ',
        'exit',
        'There are stopped jobs.',
        '[w1 $$=3]# echo $?',
        '1',
        '[w1 $$=3]# jobs',
        '[1]+  Stopped                 sleep 100',
        '[w1 $$=3]# exit',
        'exit',
        // end_job_control(): the stopped sleep got SIGTERM and SIGCONT and is gone.
        '[w1 $$=2]# ps -e',
        '  PID TTY          TIME CMD',
        '    1 ?        00:00:00 systemd',
        '    2 pts/1    00:00:00 bash',
        '    5 pts/1    00:00:00 ps',
        '',
      ].join('\n'),
    );
  });

  it('the last login shell ending with ^D ends the session with its status', () => {
    const r = pidsimShell(['false', '^D', 'echo never']);
    expect(r.stdout).toBe('[w1 $$=2]# false\n[w1 $$=2]# \nlogout\n');
    expect(r.status).toBe(1);
  });
});

describe('jobs, fg, bg and job specs', () => {
  it('+ and - as bash picks them: a stopped job is current before running ones; bg and fg move them', () => {
    const out = transcript([
      'sleep 100 &',
      'sleep 200 &',
      'kill -STOP %2',
      'kill -STOP %1',
      'jobs',
      'bg %1 %2',
      'jobs',
      'kill -STOP %1',
      'bg %1 %2 %4',
      'jobs -l %2',
      'jobs -p',
      'jobs -r',
      'kill -STOP %1',
      'jobs -s',
    ]);
    expect(out).toBe(
      [
        '[w1 $$=2]# sleep 100 &',
        '[1] 3',
        '[w1 $$=2]# sleep 200 &',
        '[2] 4',
        '[w1 $$=2]# kill -STOP %2',
        '',
        '[2]+  Stopped                 sleep 200',
        '[w1 $$=2]# kill -STOP %1',
        '',
        '[1]+  Stopped                 sleep 100',
        '[w1 $$=2]# jobs',
        '[1]+  Stopped                 sleep 100',
        '[2]-  Stopped                 sleep 200',
        '[w1 $$=2]# bg %1 %2',
        '[1]+ sleep 100 &',
        '[2]+ sleep 200 &',
        '[w1 $$=2]# jobs',
        '[1]-  Running                 sleep 100 &',
        '[2]+  Running                 sleep 200 &',
        '[w1 $$=2]# kill -STOP %1',
        '',
        '[1]+  Stopped                 sleep 100',
        '[w1 $$=2]# bg %1 %2 %4',
        '[1]+ sleep 100 &',
        'bash: bg: job 2 already in background',
        'bash: bg: %4: no such job',
        '[w1 $$=2]# jobs -l %2',
        '[2]+     4 Running                 sleep 200 &',
        '[w1 $$=2]# jobs -p',
        '3',
        '4',
        '[w1 $$=2]# jobs -r',
        '[1]-  Running                 sleep 100 &',
        '[2]+  Running                 sleep 200 &',
        '[w1 $$=2]# kill -STOP %1',
        '',
        '[1]+  Stopped                 sleep 100',
        '[w1 $$=2]# jobs -s',
        '[1]+  Stopped                 sleep 100',
        '',
      ].join('\n'),
    );
  });

  it('bad job specs and options get bash messages and statuses', () => {
    const out = transcript(['fg', 'echo $?', 'bg', 'sleep 100 &', 'sleep 200 &', 'fg %5', '%3', '%3 &', 'fg %sl', 'jobs %3', 'jobs -z', 'echo $?', 'kill -9 %1 %2']);
    expect(out).toBe(
      [
        '[w1 $$=2]# fg',
        'bash: fg: current: no such job',
        '[w1 $$=2]# echo $?',
        '1',
        '[w1 $$=2]# bg',
        'bash: bg: current: no such job',
        '[w1 $$=2]# sleep 100 &',
        '[1] 3',
        '[w1 $$=2]# sleep 200 &',
        '[2] 4',
        '[w1 $$=2]# fg %5',
        'bash: fg: %5: no such job',
        '[w1 $$=2]# %3',
        'bash: fg: %3: no such job',
        '[w1 $$=2]# %3 &',
        'bash: bg: %3: no such job',
        '[w1 $$=2]# fg %sl',
        'bash: fg: sl: ambiguous job spec',
        '[w1 $$=2]# jobs %3',
        'bash: jobs: %3: no such job',
        '[w1 $$=2]# jobs -z',
        'bash: jobs: -z: invalid option',
        'jobs: usage: jobs [-lnprs] [jobspec ...] or jobs -x command [args]',
        '[w1 $$=2]# echo $?',
        '2',
        '[w1 $$=2]# kill -9 %1 %2',
        '[1]-  Killed                  sleep 100',
        '[2]+  Killed                  sleep 200',
        '',
      ].join('\n'),
    );
  });

  it('fg and bg need job control: in bash -c they say so', () => {
    expect(transcript(['bash -c fg', 'echo $?'])).toBe('[w1 $$=2]# bash -c fg\nbash: fg: no job control\n[w1 $$=2]# echo $?\n1\n');
  });
});
