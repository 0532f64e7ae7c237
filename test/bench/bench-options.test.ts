// `pidsim bench` options: what each selects, and that a bad one is refused
// with a message naming it, before anything runs.

import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { parseBenchArgs, runBenchCli } from '../../src/bench/index.js';

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = new PassThrough();
  const err = new PassThrough();
  let stdout = '';
  let stderr = '';
  out.on('data', (c: Buffer) => (stdout += c.toString()));
  err.on('data', (c: Buffer) => (stderr += c.toString()));
  const code = await runBenchCli(args, { stdout: out, stderr: err });
  return { code, stdout, stderr };
}

describe('pidsim bench options', () => {
  it('selects every suite by default, the Linux baseline first', () => {
    const o = parseBenchArgs([])!;
    expect(o.quick).toBe(false);
    expect(o.suites[0]!.name).toBe('linux-baseline');
    expect(o.suites.map((s) => s.name)).toContain('wire-batch');
  });

  it('--only adds the suites its ratios need, in run order', () => {
    expect(parseBenchArgs(['--only', 'fork-cycle'])!.suites.map((s) => s.name)).toEqual(['linux-baseline', 'fork-cycle']);
    expect(parseBenchArgs(['--only=wire-batch,kill-storm'])!.suites.map((s) => s.name)).toEqual(['kill-storm', 'wire-batch']);
    expect(parseBenchArgs(['--only', 'wire-batch', '--only', 'live-memory'])!.only).toEqual(['wire-batch', 'live-memory']);
  });

  it('--no-linux drops the Linux baseline', () => {
    expect(parseBenchArgs(['--only', 'fork-cycle', '--no-linux'])!.suites.map((s) => s.name)).toEqual(['fork-cycle']);
    expect(parseBenchArgs(['--no-linux'])!.suites.map((s) => s.name)).not.toContain('linux-baseline');
  });

  it('--floor selects no suite: the runtime floor alone', () => {
    const o = parseBenchArgs(['--floor', '--quick'])!;
    expect(o.floor).toBe(true);
    expect(o.suites).toEqual([]);
    expect(parseBenchArgs([])!.floor).toBe(false);
  });

  it('refuses --floor with --only, or with a value', async () => {
    expect((await cli(['--floor', '--only', 'fork-cycle'])).stderr).toContain('pidsim bench: --floor measures the runtime floor alone and takes no --only, received --only fork-cycle');
    expect((await cli(['--floor=yes'])).stderr).toContain('pidsim bench: --floor takes no value, received "yes"');
  });

  it('refuses an unknown suite, listing the known ones', async () => {
    const r = await cli(['--only', 'fork-cycles']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("pidsim bench: unknown suite 'fork-cycles' (expected one of linux-baseline, fork-cycle,");
    expect(r.stderr).toContain('usage: pidsim bench');
    expect(r.stdout).toBe('');
  });

  it('refuses an unknown option', async () => {
    const r = await cli(['--fast']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('pidsim bench: unknown option "--fast"\nusage: pidsim bench [--quick]');
  });

  it('refuses an option without its value, or a value where none is taken', async () => {
    expect((await cli(['--only'])).stderr).toContain('pidsim bench: --only needs a value, received nothing');
    expect((await cli(['--out', '--quick'])).stderr).toContain('pidsim bench: --out needs a value, received "--quick"');
    expect((await cli(['--quick=yes'])).stderr).toContain('pidsim bench: --quick takes no value, received "yes"');
  });

  it('--list names every suite; --help prints the usage', async () => {
    const list = await cli(['--list']);
    expect(list.code).toBe(0);
    expect(list.stdout.split('\n').filter(Boolean).map((l) => l.split(/\s+/)[0])).toEqual([
      'linux-baseline',
      'fork-cycle',
      'parallel-namespaces',
      'namespace-teardown',
      'kill-storm',
      'signal-delivery',
      'pidfd-signal',
      'thread-cycle',
      'namespace-lifecycle',
      'kernel-create',
      'wire-batch',
      'seed-farm',
      'live-memory',
    ]);
    const help = await cli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('usage: pidsim bench [--quick]');
  });
});
