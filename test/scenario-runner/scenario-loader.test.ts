// The scenario loader rejects malformed files with messages that name the
// file, the field and the value received; the corpus itself loads.

import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { loadScenario, loadScenarioDir, parseScenario, ScenarioError } from '../../src/scenario/index.js';

const dir = await mkdtemp(join(tmpdir(), 'pidsim-loader-test-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

async function file(name: string, text: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

/** The problems a YAML scenario text is rejected with. */
function problems(yaml: string): string[] {
  try {
    parseScenario(yaml, 'bad.yaml', 'yaml');
  } catch (e) {
    if (e instanceof ScenarioError) return [...e.problems];
    throw e;
  }
  throw new Error('the scenario was accepted');
}

const HEAD = 'name: t\nsemantics: ["4.2"]\nsteps:\n';

describe('loading scenario files', () => {
  it('reads JSON and YAML, and defaults the root to init', async () => {
    const j = await loadScenario(await file('a.json', JSON.stringify({ name: 'a', semantics: ['1.1'], steps: [{ by: 'init', op: 'getpid', expect: 1 }] })));
    const y = await loadScenario(await file('b.yml', `name: b\nsemantics: ["1.1"]\nroot: boot\nsteps:\n  - { by: boot, op: getpid }\n`));
    expect(j.root).toBe('init');
    expect(j.steps[0]).toEqual({ by: 'init', op: 'getpid', expect: 1 });
    expect(y.root).toBe('boot');
    expect(y.source).toMatch(/b\.yml$/);
  });

  it('refuses other file types, naming the extension', async () => {
    await expect(loadScenario(await file('c.txt', 'x'))).rejects.toThrow(/c\.txt: unknown file type "\.txt": a scenario is a \.json, \.yaml or \.yml file/);
  });

  it('reports invalid JSON and YAML with the file name (and line for YAML)', async () => {
    await expect(loadScenario(await file('d.json', '{ "name": '))).rejects.toThrow(/d\.json: not valid JSON: /);
    await expect(loadScenario(await file('e.yaml', 'name: [unclosed\nsteps: 1\n'))).rejects.toThrow(/e\.yaml: not valid YAML at line \d+, column \d+/);
  });

  it('refuses a document that is not a mapping', () => {
    expect(problems('- 1\n- 2\n')).toEqual(['a scenario is a mapping with name and steps; received [1,2]']);
  });

  it('names missing fields', () => {
    expect(problems('semantics: ["1.1"]\nsteps:\n  - { by: init, op: getpid }\n')).toEqual([expect.stringMatching(/^name: missing/)]);
    expect(problems(`${HEAD}  - { op: getpid }\n`)).toEqual([expect.stringMatching(/^steps\[0\]\.by: missing \(expected a name/)]);
  });

  it('names an unknown op and lists the known ones', () => {
    const [p] = problems(`${HEAD}  - { by: init, op: forks }\n`);
    expect(p).toMatch(/^steps\[0\]\.op: an op: one of fork, unshare, open_ns, setns, kill, .*; received "forks"$/);
  });

  it('names an unknown field and lists what the step takes', () => {
    expect(problems(`${HEAD}  - { by: init, op: kill, pid: 1, signal: TERM }\n`)).toEqual([
      expect.stringMatching(/^steps\[0\]\.sig: missing \(expected a signal/),
      'steps[0]: unknown field "signal" (a kill step takes op, by, note, expect, expectOneOf, variants, pid, group, sig, report)',
    ]);
  });

  it('echoes a bad value: a signal name, a PID, a SEMANTICS item, an exit code', () => {
    expect(problems(`${HEAD}  - { by: init, op: kill, pid: 1, sig: TREM }\n`)).toEqual([
      'steps[0].sig: a signal: a number (any 32-bit integer; outside 1..64 to see EINVAL) or a name like TERM, SIGUSR1, RTMIN+1; received "TREM"',
    ]);
    expect(problems(`${HEAD}  - { by: init, op: kill, pid: 1.5, sig: TERM }\n`)).toEqual([
      'steps[0].pid: a PID as the caller sees it (an integer) or a process name; received 1.5',
    ]);
    expect(problems('name: t\nsemantics: [four]\nsteps:\n  - { by: init, op: getpid }\n')).toEqual(['semantics[0]: a SEMANTICS item like "4.2"; received "four"']);
    expect(problems(`${HEAD}  - { by: init, op: exit, code: 300 }\n`)).toEqual([expect.stringMatching(/^steps\[0\]\.code: .*<=255; received 300$/)]);
    expect(problems(`${HEAD}  - { by: init, op: fork, as: "two words" }\n`)).toEqual([expect.stringMatching(/^steps\[0\]\.as: a name: .*; received "two words"$/)]);
  });

  it('refuses a process that does not exist yet, and a name used twice', () => {
    expect(problems(`${HEAD}  - { by: a, op: getpid }\n  - { by: init, op: fork, as: a }\n`)).toEqual([
      expect.stringMatching(/^steps\[0\]\.by: no process named "a" exists before this step \(the root is "init"/),
    ]);
    expect(problems(`${HEAD}  - { by: init, op: fork, as: a }\n  - { by: init, op: fork, as: a }\n`)).toEqual([
      'steps[1].as: the name "a" is already taken (by steps[0])',
    ]);
    expect(problems(`${HEAD}  - { by: init, op: kill, pid: ghost, sig: 0 }\n`)).toEqual(['steps[0].pid: no process named "ghost" exists before this step']);
  });

  it('checks setns: one way to name the namespace, and a handle opened earlier', () => {
    expect(problems(`${HEAD}  - { by: init, op: setns }\n`)).toEqual(['steps[0]: a setns step takes either `ns` (a handle) or `target` (a process), not neither']);
    expect(problems(`${HEAD}  - { by: init, op: setns, ns: h }\n`)).toEqual([
      'steps[0].ns: no namespace handle named "h" is opened (open_ns ... as) before this step',
    ]);
  });

  it('names an unknown kernel variant, and a value a variant does not have', () => {
    const step = (v: string): string => `${HEAD}  - { by: init, op: getpid, expect: 1, variants: ${v} }\n`;
    expect(problems(step('{ frob: { x: { expect: 2 } } }'))).toEqual(['steps[0].variants: unknown kernel variant "frob" (known: orphanedPgrpSighup)']);
    expect(problems(step('{ orphanedPgrpSighup: { sometimes: { expect: 2 } } }'))).toEqual([
      'steps[0].variants.orphanedPgrpSighup: "sometimes" is not a value of kernel variant orphanedPgrpSighup (one of all-members, stopped-members)',
    ]);
    expect(problems(step('{ orphanedPgrpSighup: { stopped-members: { expect: 2, also: 3 } } }'))).toEqual([
      'steps[0].variants.orphanedPgrpSighup.stopped-members: unknown field "also"',
    ]);
  });

  it('refuses files nested deeper than a scenario could need, naming the file, not the stack', () => {
    const deep = (n: number): string => '['.repeat(n) + ']'.repeat(n);
    for (const n of [70, 5000]) {
      expect(problems(`${HEAD}  - { by: init, op: getpid, expect: ${deep(n)} }\n`)).toEqual([
        expect.stringMatching(/^nested more than 64 levels deep( at line 4, column \d+)? \(lists and mappings inside each other\); a scenario needs a handful$/),
      ]);
    }
    expect(() => parseScenario(`{"name":"t","steps":[{"by":"init","op":"getpid","expect":${deep(20000)}}]}`, 'deep.json', 'json')).toThrow(/deep\.json: nested more than 64 levels deep/);
  });

  it('knows the processes a handler forks, and refuses a name taken twice', () => {
    const ok = parseScenario(`${HEAD}  - { by: init, op: sigaction, sig: USR1, action: catch, do: [{ fork: h }] }\n  - { by: h, op: getpid }\n`, 'ok.yaml', 'yaml');
    expect(ok.steps).toHaveLength(2);
    expect(problems(`${HEAD}  - { by: init, op: fork, as: h }\n  - { by: init, op: sigaction, sig: USR1, action: catch, do: [{ fork: h }] }\n`)).toEqual([
      'steps[1].do: the name "h" is already taken (by steps[0])',
    ]);
    expect(problems(`${HEAD}  - { by: init, op: sigaction, sig: USR1, action: catch, do: [{ kill: ghost, sig: 9 }] }\n`)).toEqual([
      'steps[0].do[0].kill: no process named "ghost" exists before this step',
    ]);
  });

  it('takes semantics as optional; each item given must be in the catalogue docs/semantics.md', async () => {
    expect(parseScenario('name: x\nsteps:\n  - { by: init, op: getpid }\n', 'x.yaml', 'yaml').semantics).toBeUndefined();
    expect(parseScenario('name: x\nsemantics: ["4.3", "8.9"]\nsteps:\n  - { by: init, op: getpid }\n', 'x.yaml', 'yaml').semantics).toEqual(['4.3', '8.9']);
    expect(problems('name: x\nsemantics: ["4.2", "4.99", "9.1"]\nsteps:\n  - { by: init, op: getpid }\n')).toEqual([
      'semantics[1]: item "4.99" is not in the catalogue docs/semantics.md',
      'semantics[2]: item "9.1" is not in the catalogue docs/semantics.md',
    ]);
    const path = await file('uncatalogued.yaml', 'name: u\nsemantics: ["2.14"]\nsteps:\n  - { by: init, op: getpid }\n');
    await expect(loadScenario(path)).rejects.toThrow(`${path}: semantics[0]: item "2.14" is not in the catalogue docs/semantics.md`);
  });

  it('refuses expect together with expectOneOf', () => {
    expect(problems(`${HEAD}  - { by: init, op: getpid, expect: 1, expectOneOf: [1, 2] }\n`)).toEqual(['steps[0]: give expect or expectOneOf, not both']);
  });

  it('reports every problem, each with the file name', async () => {
    const path = await file('many.yaml', `${HEAD}  - { by: init, op: kill, pid: x, sig: TREM }\n  - { by: nobody, op: getpid }\n`);
    const err = await loadScenario(path).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ScenarioError);
    expect((err as Error).message.split('\n')).toEqual([
      `${path}: steps[0].sig: a signal: a number (any 32-bit integer; outside 1..64 to see EINVAL) or a name like TERM, SIGUSR1, RTMIN+1; received "TREM"`,
    ]);
    const path2 = await file('many2.yaml', `${HEAD}  - { by: init, op: kill, pid: x, sig: TERM }\n  - { by: nobody, op: getpid }\n`);
    expect(((await loadScenario(path2).catch((e: unknown) => e)) as Error).message.split('\n')).toEqual([
      `${path2}: steps[0].pid: no process named "x" exists before this step`,
      expect.stringMatching(new RegExp(`^${path2.replace(/[.]/g, '\\.')}: steps\\[1\\]\\.by: no process named "nobody"`)),
    ]);
  });

  it('refuses two files with the same scenario name in one directory', async () => {
    const d = join(dir, 'dup');
    await mkdir(d);
    const body = `name: same\nsemantics: ["1.1"]\nsteps:\n  - { by: init, op: getpid }\n`;
    await writeFile(join(d, 'one.yaml'), body);
    await writeFile(join(d, 'two.yaml'), body);
    await expect(loadScenarioDir(d)).rejects.toThrow(/two\.yaml: name: "same" is already the name of one\.yaml/);
  });
});

describe('the scenario corpus', () => {
  it('has at least 40 scenarios, in JSON and YAML, each naming the catalogue items it covers', async () => {
    const all = await loadScenarioDir(fileURLToPath(new URL('../scenarios', import.meta.url)));
    expect(all.length).toBeGreaterThanOrEqual(40);
    expect(all.some((s) => s.source.endsWith('.json'))).toBe(true);
    expect(all.some((s) => s.source.endsWith('.yaml'))).toBe(true);
    for (const s of all) expect(s.semantics?.length, s.source).toBeGreaterThan(0);
  });
});
