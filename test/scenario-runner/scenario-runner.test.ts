// The runner on the inline backend: observations, expectations (one value,
// a legal set, partial mappings), blocked calls and join, and the scenario
// errors that stop a run with the step and the reason.

import { describe, expect, it } from 'vitest';
import { parseScenario, pidsimBackend, runScenario, type ScenarioRun } from '../../src/scenario/index.js';

function run(yaml: string, seed = 1): Promise<ScenarioRun> {
  return runScenario(parseScenario(`name: t\nsemantics: ["1.1"]\nsteps:\n${yaml}`, 't.yaml', 'yaml'), pidsimBackend('inline', seed));
}

describe('running a scenario', () => {
  it('records one observation per step, with PIDs as the caller sees them', async () => {
    const r = await run(`
  - { by: init, op: fork, as: a, newPid: true }
  - { by: a, op: fork, as: b }
  - { by: init, op: kill, pid: b, sig: 0 }
  - { by: b, op: getppid }
  - { by: init, op: status, target: b, fields: [nspid] }
  - { by: b, op: wait, nohang: true }
`);
    expect(r.status).toBe('passed');
    expect(r.steps.map((s) => [s.call, s.observed])).toEqual([
      ['fork(newPid) as a', 2],
      ['fork() as b', 2],
      ['kill(3 [b], 0)', 0],
      ['getppid()', 1],
      ['/proc/3 [b]/status', { nspid: [3, 2] }],
      ['wait(-1, nohang)', 'ECHILD'],
    ]);
    expect(r.steps.every((s) => s.pass === null)).toBe(true);
  });

  it('fails when an expectation does not hold, saying which step and why', async () => {
    const r = await run(`
  - { by: init, op: fork, as: a, expect: 2 }
  - { by: a, op: kill, pid: 1, sig: 0, expect: ESRCH }
  - { by: a, op: getpid, expect: 2 }
`);
    expect(r.status).toBe('failed');
    expect(r.failures).toEqual(['step 2 (a: kill(1, 0)): expected ESRCH, observed 0']);
    expect(r.steps.map((s) => s.pass)).toEqual([true, false, true]);
  });

  it('accepts any of a set of legal observations, and mappings by the keys they name', async () => {
    const r = await run(`
  - { by: init, op: fork, as: a, expectOneOf: [2, 3] }
  - { by: a, op: exit, code: 3 }
  - { by: init, op: wait, expect: { status: exited 3 } }
  - { by: init, op: fork, as: b, expectOneOf: [7, { pid: 3 }] }
`);
    expect(r.failures).toEqual(['step 4 (init: fork() as b): expected one of 7 | {pid: 3}, observed 3']);
  });

  it('observes a call that has not returned as blocked, and join collects it', async () => {
    const r = await run(`
  - { by: init, op: fork, as: c }
  - { by: init, op: wait, pid: c, expect: blocked }
  - { by: init, op: join, expect: blocked }
  - { by: c, op: exit, code: 7 }
  - { by: init, op: join, expect: { pid: 2, status: exited 7 } }
`);
    expect(r.failures).toEqual([]);
    expect(r.steps[4]!.call).toBe('join step 2: wait(2 [c])');
  });

  it('observes a call by a process that has exited as dead', async () => {
    const r = await run(`
  - { by: init, op: fork, as: c }
  - { by: c, op: exit, expect: ok }
  - { by: c, op: getpid, expect: dead }
`);
    expect(r.status).toBe('passed');
  });

  it('lets time pass with sleep', async () => {
    const r = await run(`
  - { op: sleep, ms: 10, expect: ok }
  - { by: init, op: getpid, expect: 1 }
`);
    expect(r.status).toBe('passed');
    expect(r.steps[0]).toMatchObject({ by: null, call: 'sleep(10 ms)' });
  });
});

describe('scenario errors stop the run with the step and the reason', () => {
  it('a process whose fork failed', async () => {
    const r = await run(`
  - { by: init, op: fork, as: a, setTid: [1] }
  - { by: a, op: getpid }
`);
    expect(r.status).toBe('error');
    expect(r.reason).toBe('step 2 (a: getpid): there is no process a: its fork in step 1 observed EEXIST');
    expect(r.steps).toHaveLength(1);
  });

  it('a named target the caller cannot see', async () => {
    const r = await run(`
  - { by: init, op: fork, as: o }
  - { by: init, op: fork, as: n, newPid: true }
  - { by: n, op: kill, pid: o, sig: 0 }
`);
    expect(r.reason).toBe(
      'step 3 (n: kill): o is not visible in the namespace of n; to see what an invisible PID does, write the number',
    );
  });

  it('a new call from a process still blocked in an old one', async () => {
    const r = await run(`
  - { by: init, op: fork, as: c }
  - { by: init, op: wait }
  - { by: init, op: getpid }
`);
    expect(r.reason).toBe('step 3 (init: getpid): init is still blocked in step 2 (wait(-1)); add a join step before its next call');
  });

  it('a join with nothing to join', async () => {
    const r = await run('  - { by: init, op: join }\n');
    expect(r.reason).toBe('step 1 (init: join): init has no blocked call to join');
  });

  it('a namespace handle the process does not hold', async () => {
    const r = await run(`
  - { by: init, op: fork, as: a }
  - { by: init, op: open_ns, target: self, as: h }
  - { by: a, op: setns, ns: h }
`);
    expect(r.reason).toBe(
      'step 3 (a: setns): a holds no namespace handle h: a handle belongs to the process that opened it and to the children it forks afterwards (execve closes it)',
    );
  });

  it('the name of a reaped process (its PID may name another one now); a number still works', async () => {
    const r = await run(`
  - { by: init, op: fork, as: a }
  - { by: a, op: exit, code: 1 }
  - { by: init, op: kill, pid: a, sig: 0, note: "a zombie: still there" }
  - { by: init, op: wait, pid: a }
  - { by: init, op: kill, pid: 2, sig: 0 }
  - { by: init, op: kill, pid: a, sig: 0 }
`);
    expect(r.steps.map((s) => s.observed)).toEqual([2, 'ok', 0, { pid: 2, status: 'exited 1' }, 'ESRCH']);
    expect(r.reason).toBe('step 6 (init: kill): a was reaped: its PID 2 may name another process now; write the number to use it anyway');
  });

  it('a handler step that forks a name used before', async () => {
    const r = await run(`
  - { by: init, op: fork, as: a }
  - { by: a, op: sigaction, sig: USR1, action: catch, do: [{ fork: h }] }
  - { by: h, op: getpid }
`);
    expect(r.reason).toBe("step 3 (h: getpid): there is no process h (yet): a's handler forks it when its signal is delivered");
  });
});

describe('messages', () => {
  it('say the types when an expectation and an observation read the same', async () => {
    const r = await run(`
  - { by: init, op: getpid, expect: "1" }
  - { by: init, op: getpid, expectOneOf: [2, "1"] }
`);
    expect(r.failures).toEqual([
      'step 1 (init: getpid()): expected 1 (a string), observed 1 (a number)',
      'step 2 (init: getpid()): expected one of 2 | 1 (a string), observed 1 (a number)',
    ]);
  });
});

describe('requirements', () => {
  it('skips, with the reason, a scenario whose root must be at another level', async () => {
    const s = parseScenario('name: t\nsemantics: ["2.10"]\nrequires: { rootLevel: 2 }\nsteps:\n  - { by: init, op: getpid }\n', 't.yaml', 'yaml');
    const r = await runScenario(s, pidsimBackend('inline', 1));
    expect(r.status).toBe('skipped');
    expect(r.reason).toBe('the scenario needs its root namespace at level 2; on inline seed 1 it is 1');
    expect((await runScenario(s, pidsimBackend('inline', 1, { rootLevel: 2 }))).status).toBe('passed');
  });
});
