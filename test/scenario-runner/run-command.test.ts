// `pidsim run`: output as a table or JSON lines, and an exit status that is
// non-zero, with the step and the reason on stderr, when anything fails.

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { linuxAvailability, runScenarioCli } from '../../src/scenario/index.js';

const dir = await mkdtemp(join(tmpdir(), 'pidsim-cli-test-'));
afterAll(() => rm(dir, { recursive: true, force: true }));
const linux = await linuxAvailability();

async function scenario(name: string, steps: string, extra = ''): Promise<string> {
  const path = join(dir, `${name}.yaml`);
  await writeFile(path, `name: ${name}\nsemantics: ["4.2"]\n${extra}steps:\n${steps}`);
  return path;
}

class Sink extends Writable {
  text = '';
  isTTY = false;
  override _write(chunk: Buffer, _enc: string, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

async function cli(...args: string[]): Promise<{ status: number; out: string; err: string }> {
  const stdout = new Sink();
  const stderr = new Sink();
  const status = await runScenarioCli(args, { stdout, stderr });
  return { status, out: stdout.text, err: stderr.text };
}

const GOOD = '  - { by: init, op: fork, as: a, newPid: true, expect: 2 }\n  - { by: a, op: kill, pid: 1, sig: KILL, expect: 0 }\n  - { by: a, op: getpid, expect: 1 }\n';
const BAD = '  - { by: init, op: fork, as: a, expect: 2 }\n  - { by: a, op: getppid, expect: 7 }\n';

describe('pidsim run', () => {
  it('prints a table and exits 0 when every expectation holds', async () => {
    const r = await cli(await scenario('good', GOOD));
    expect(r.status).toBe(0);
    expect(r.err).toBe('');
    expect(r.out.split('\n')).toEqual([
      'scenario good on inline seed 1',
      '#  by    call               observed  check',
      '-  ----  -----------------  --------  -----',
      '1  init  fork(newPid) as a  2         ok',
      '2  a     kill(1, SIGKILL)   0         ok',
      '3  a     getpid()           1         ok',
      'passed (3 steps, 3 expectations held)',
      '',
    ]);
  });

  it('prints JSON lines with --json: one per step, then a summary', async () => {
    const r = await cli(await scenario('json', GOOD), '--json', '--seed', '7');
    expect(r.status).toBe(0);
    const lines = r.out.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(4);
    expect(lines[0]).toEqual({ scenario: 'json', backend: 'inline seed 7', step: 1, by: 'init', call: 'fork(newPid) as a', observed: 2, expected: 2, pass: true });
    expect(lines[3]).toMatchObject({ scenario: 'json', backend: 'inline seed 7', status: 'passed', steps: 3, failures: [] });
  });

  it('exits 1 when an expectation fails, and says which step and why', async () => {
    const file = await scenario('bad', BAD);
    const r = await cli(file);
    expect(r.status).toBe(1);
    expect(r.err).toBe(`pidsim run: ${file}: step 2 (a: getppid()): expected 7, observed 1\n`);
    expect(r.out).toContain('FAIL: expected 7');
    expect(r.out).toContain('FAILED: 1 expectation did not hold');
  });

  it('exits 1 when a scenario cannot go on', async () => {
    const file = await scenario('stuck', '  - { by: init, op: join }\n');
    const r = await cli(file, '--json');
    expect(r.status).toBe(1);
    expect(r.err).toBe(`pidsim run: ${file}: step 1 (init: join): init has no blocked call to join\n`);
    expect(JSON.parse(r.out.trim())).toMatchObject({ status: 'error' });
  });

  it('exits 2 for a malformed file, naming the field', async () => {
    const file = await scenario('malformed', '  - { by: init, op: kill, pid: 1, sig: TREM }\n');
    const r = await cli(file);
    expect(r.status).toBe(2);
    expect(r.err).toMatch(/^pidsim run: .*malformed\.yaml: steps\[0\]\.sig: a signal: .*; received "TREM"\n$/);
    expect(r.out).toBe('');
  });

  it('runs every file given, the worst outcome decides the status, and a total line ends the output', async () => {
    const r = await cli(await scenario('g2', GOOD), await scenario('b2', BAD), await scenario('g3', GOOD));
    expect(r.status).toBe(1);
    expect(r.out).toContain('scenario g2 on inline seed 1');
    expect(r.out).toContain('scenario b2 on inline seed 1');
    expect(r.out.trim().split('\n').at(-1)).toBe('2 passed, 1 failed (3 files on inline seed 1)');
    const json = await cli(await scenario('g4', GOOD), await scenario('b4', BAD), '--json');
    expect(JSON.parse(json.out.trim().split('\n').at(-1)!)).toEqual({ total: { passed: 1, failed: 1, error: 0, skipped: 0, files: 2, backend: 'inline seed 1' } });
  });

  it('--variant sets pidsim up like a kernel build, and the output says which', async () => {
    const orphaned = join(import.meta.dirname, '../scenarios/orphaned-group-sighup.yaml');
    const upstream = await cli(orphaned);
    expect([upstream.status, upstream.out.split('\n')[0]]).toEqual([0, 'scenario orphaned-group-sighup on inline seed 1, kernel variant upstream']);
    const stopped = await cli(orphaned, '--variant', 'orphanedPgrpSighup=stopped-members');
    expect([stopped.status, stopped.err]).toEqual([0, '']);
    expect(stopped.out.split('\n')[0]).toBe(
      'scenario orphaned-group-sighup on inline seed 1 (orphanedPgrpSighup=stopped-members), kernel variant orphanedPgrpSighup=stopped-members',
    );
    expect(stopped.out).toMatch(/caught\(SIGHUP\)\s+\{count: 0\}\s+ok/);
  });

  it('exits 3 when a scenario is skipped, so that a skip never reads as a pass', async () => {
    const r = await cli(await scenario('skipme', GOOD, 'requires: { rootLevel: 5 }\n'));
    expect(r.status).toBe(3);
    expect(r.err).toMatch(/SKIPPED, not passed: the scenario needs its root namespace at level 5/);
  });

  it('exits 2 on bad usage, with the usage text', async () => {
    for (const args of [
      [],
      ['--backend', 'qemu', 'x.yaml'],
      ['--seed', '-1', 'x.yaml'],
      ['--frobnicate', 'x.yaml'],
      ['x.yaml', '--backend'],
      ['x.yaml', '--workers', '2'],
      ['x.yaml', '--backend', 'threads', '--workers', '0'],
      ['x.yaml', '--backend', 'threads', '--placement', 'random'],
      ['x.yaml', '--variant', 'orphanedPgrpSighup=sometimes'],
      ['x.yaml', '--variant', 'frob=1'],
      ['x.yaml', '--backend', 'linux', '--variant', 'orphanedPgrpSighup=stopped-members'],
    ]) {
      const r = await cli(...args);
      expect(r.status).toBe(2);
      expect(r.err).toMatch(/^pidsim run: .*\nusage: pidsim run FILE\.\.\./);
    }
    const help = await cli('--help');
    expect(help.status).toBe(0);
    expect(help.out).toMatch(/^usage: pidsim run FILE\.\.\. \[--backend inline\|threads\|linux\] \[--seed N\] \[--json\]/);
  });

  it('runs on the threads backend, with the workers and placement asked for', async () => {
    const file = await scenario('threads', GOOD);
    const r = await cli(file, '--backend=threads');
    expect([r.status, r.err, r.out.split('\n')[0]]).toEqual([0, '', 'scenario threads on threads seed 1']);
    const spread = await cli(file, '--backend', 'threads', '--workers', '2', '--placement', 'spread');
    expect([spread.status, spread.err, spread.out.split('\n')[0]]).toEqual([0, '', 'scenario threads on threads seed 1 W=2 spread']);
  });

  it.skipIf(!linux.ok)('runs the same file on the real kernel with --backend linux', async () => {
    const r = await cli(await scenario('real', GOOD), '--backend', 'linux', '--json');
    expect(r.err).toMatch(/^pidsim run: host kernel \S+: kernel variant \S+\n$/);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.out.trim().split('\n').at(-1)!)).toMatchObject({ backend: 'linux', status: 'passed' });
  });
});
