// The convention every `pidsim` command follows (docs/cli.md), checked on
// each command in process: a bad command line (unknown option, extra or
// missing argument, bad value) is `pidsim CMD: message`, the command's usage
// on stderr, exit 2, and nothing done; -h/--help prints the help on stdout,
// exits 0 and starts nothing; `pidsim help CMD` prints the same help; a bare
// `pidsim` prints the general usage and exits 2.

import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { renderHelp, renderUsageError } from '../../src/cli/command-help.js';
import type { CommandSpec } from '../../src/cli/command-spec.js';
import { COMMAND_NAMES, commandSpec, failureLine, generalUsage, runPidsim } from '../../src/cli/pidsim-cli.js';
import { capturedPidsimIo } from '../support/captured-io.js';

const dir = mkdtempSync(join(tmpdir(), 'pidsim-cli-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * For each command: a command line it would run (never run here), the files
 * that line would write, and what one more argument is told. `run` takes any
 * number of FILEs, so its case is the FILE missing instead.
 */
const CASES: Record<string, { readonly line: readonly string[]; readonly writes: readonly string[]; readonly extra: { readonly args: readonly string[]; readonly message: string } }> = {
  demo: { line: ['--trace', join(dir, 'demo.json')], writes: [join(dir, 'demo.json')], extra: { args: ['extra'], message: 'unexpected argument "extra" (demo takes no arguments)' } },
  shell: { line: ['--seed', '3', '--trace', join(dir, 'shell.json')], writes: [join(dir, 'shell.json')], extra: { args: ['extra'], message: 'unexpected argument "extra" (shell takes no arguments)' } },
  run: {
    line: ['test/scenarios/init-protection-inside.yaml', '--trace', join(dir, 'run.json')],
    writes: [join(dir, 'run.json')],
    extra: { args: ['--json'], message: 'FILE is missing: a scenario file, JSON or YAML' },
  },
  stress: { line: ['--seed', '1', '--processes', '50', '--report', join(dir, 'stress.json')], writes: [join(dir, 'stress.json')], extra: { args: ['extra'], message: 'unexpected argument "extra" (stress takes no arguments)' } },
  worker: { line: ['--queue', 'redis://127.0.0.1:9'], writes: [], extra: { args: ['extra'], message: 'unexpected argument "extra" (worker takes no arguments)' } },
  bench: { line: ['--floor', '--quick', '--out', join(dir, 'bench-out')], writes: [join(dir, 'bench-out')], extra: { args: ['extra'], message: 'unexpected argument "extra" (bench takes no arguments)' } },
  report: { line: ['bench/results/bench.json', '--html', join(dir, 'report.html')], writes: [join(dir, 'report.html')], extra: { args: ['extra'], message: 'unexpected argument "extra" (report takes one FILE)' } },
  help: { line: ['stress'], writes: [], extra: { args: ['extra'], message: 'unexpected argument "extra" (help takes one COMMAND)' } },
};

async function pidsim(args: readonly string[], o: { readonly tty?: boolean } = {}): Promise<{ code: number; out: string; err: string }> {
  const io = capturedPidsimIo(o);
  const code = await runPidsim(args, io);
  return { code, out: io.out(), err: io.err() };
}

async function specOf(name: string): Promise<CommandSpec> {
  const spec = await commandSpec(name);
  if (!spec) throw new Error(`no command ${name}`);
  return spec;
}

describe('every command follows one convention', () => {
  it('the cases cover every command', () => {
    expect(Object.keys(CASES)).toEqual([...COMMAND_NAMES]);
  });

  describe.each(COMMAND_NAMES)('pidsim %s', (name) => {
    const c = CASES[name]!;

    it('an unknown option exits 2 with the message and the usage on stderr, and does nothing', async () => {
      const r = await pidsim([name, ...c.line, '--frob']);
      expect(r).toEqual({ code: 2, out: '', err: renderUsageError(await specOf(name), 'unknown option "--frob"') });
      expect(r.err).toMatch(new RegExp(`^pidsim ${name}: unknown option "--frob"\nusage: pidsim ${name} `));
      for (const file of c.writes) expect(existsSync(file), file).toBe(false);
    });

    it('an extra argument (run: a missing one) exits 2 with the message and the usage on stderr, and does nothing', async () => {
      const args = name === 'run' ? c.extra.args : [...c.line, ...c.extra.args];
      expect(await pidsim([name, ...args])).toEqual({ code: 2, out: '', err: renderUsageError(await specOf(name), c.extra.message) });
      for (const file of c.writes) expect(existsSync(file), file).toBe(false);
    });

    it('--help and -h print the help on stdout and exit 0, starting nothing (stdin is an open terminal that nothing may read)', async () => {
      const help = renderHelp(await specOf(name));
      expect(help.startsWith(`usage: pidsim ${name} `)).toBe(true);
      expect(help).toContain('  -h, --help            this text\n');
      for (const flag of ['--help', '-h']) expect(await pidsim([name, ...c.line, flag], { tty: true })).toEqual({ code: 0, out: help, err: '' });
      // Help wins over anything else on the line: a help request never fails.
      expect(await pidsim([name, '--frob', '--help'], { tty: true })).toEqual({ code: 0, out: help, err: '' });
      for (const file of c.writes) expect(existsSync(file), file).toBe(false);
    });

    it('pidsim help <command> prints the same help', async () => {
      expect(await pidsim(['help', name])).toEqual({ code: 0, out: renderHelp(await specOf(name)), err: '' });
    });
  });
});

describe('a bad value is named once, with the value received, under one pidsim CMD: prefix', () => {
  it.each([
    ['stress', ['--depth', '40'], '--depth must be an integer from 0 to 32, received "40"'],
    ['stress', ['--depth', '-1'], '--depth must be an integer from 0 to 32, received "-1"'],
    ['run', ['x.yaml', '--seed', 'seven'], '--seed must be an integer from 0 to 4294967295, received "seven"'],
    ['run', ['x.yaml', '--backend', 'qemu'], '--backend must be inline, threads or linux, received "qemu"'],
    ['shell', ['--seed', '-3'], '--seed must be an integer from 0 to 4294967295, received "-3"'],
    ['bench', ['--only', 'nosuch'], "unknown suite 'nosuch' (expected one of linux-baseline, fork-cycle, parallel-namespaces, namespace-teardown, kill-storm, signal-delivery, pidfd-signal, thread-cycle, namespace-lifecycle, kernel-create, wire-batch, seed-farm, live-memory)"],
    ['bench', ['--out', '--quick'], '--out needs a value, received "--quick"'],
    ['worker', ['--queue', 'redis://h:1', '--lock-duration', 'long'], '--lock-duration must be a number of seconds from 1 to 3600, received "long"'],
    ['worker', [], '--queue URL is required: the Redis of the farm, like redis://HOST:PORT'],
    ['report', ['bench/results/bench.json'], '--html OUT is required: where the page goes'],
    ['demo', ['--trace', join(dir, 'a.json'), '--trace', join(dir, 'b.json')], '--trace is given twice'],
    ['demo', ['--trace=', 'x'], '--trace needs a value, received ""'],
  ])('pidsim %s %j: %s', async (name, args, message) => {
    const r = await pidsim([name, ...args]);
    expect(r).toEqual({ code: 2, out: '', err: renderUsageError(await specOf(name), message) });
  });
});

describe('an error a command did not expect', () => {
  it('is one line under the command\'s prefix, a prefix the message brings replaced rather than doubled', () => {
    expect(failureLine('stress', new Error('pidsim: worker thread 1 exited with code 1; the kernel has failed'))).toBe('pidsim stress: worker thread 1 exited with code 1; the kernel has failed\n');
    expect(failureLine('run', new Error('pidsim run: the catalogue is missing'))).toBe('pidsim run: the catalogue is missing\n');
    expect(failureLine('shell', new Error('the shell session is stuck'))).toBe('pidsim shell: the shell session is stuck\n');
    expect(failureLine('demo', 'a string')).toBe('pidsim demo: a string\n');
  });
});

describe('pidsim with no command, an unknown one, or help', () => {
  it('bare pidsim prints the general usage, listing every command with its summary, on stderr and exits 2', async () => {
    const r = await pidsim([]);
    expect(r).toEqual({ code: 2, out: '', err: `pidsim: no command given (pidsim demo runs the demo)\n${generalUsage()}` });
    for (const name of COMMAND_NAMES) expect(r.err).toMatch(new RegExp(`^  ${name} +\\S.*$`, 'm'));
  });

  it('pidsim help, --help and -h print the general usage on stdout and exit 0', async () => {
    for (const args of [['help'], ['--help'], ['-h']]) expect(await pidsim(args)).toEqual({ code: 0, out: generalUsage(), err: '' });
  });

  it('an unknown command, or an option where the command goes, exits 2 with the general usage', async () => {
    expect(await pidsim(['frob'])).toEqual({ code: 2, out: '', err: `pidsim: unknown command "frob"\n${generalUsage()}` });
    expect(await pidsim(['--frob', 'demo'])).toEqual({ code: 2, out: '', err: `pidsim: unknown option "--frob" (a command comes first: pidsim COMMAND [options])\n${generalUsage()}` });
  });

  it('pidsim help with an unknown command exits 2 naming the commands', async () => {
    const r = await pidsim(['help', 'nosuch']);
    expect(r).toEqual({ code: 2, out: '', err: renderUsageError(await specOf('help'), 'unknown command "nosuch" (expected one of demo, shell, run, stress, worker, bench, report or help)') });
  });
});

describe('pidsim bench --out', () => {
  it('refuses a missing parent directory before any suite runs, creating nothing', async () => {
    const out = join(dir, 'no', 'such', 'results');
    const r = await pidsim(['bench', '--floor', '--quick', '--out', out]);
    expect(r).toEqual({ code: 2, out: '', err: renderUsageError(await specOf('bench'), `--out: the parent directory ${join(dir, 'no', 'such')} does not exist, received ${JSON.stringify(out)}`) });
    expect(existsSync(join(dir, 'no'))).toBe(false);
  });

  it('refuses a file where the directory should be', async () => {
    const file = join(dir, 'a-file');
    writeFileSync(file, '');
    const r = await pidsim(['bench', '--floor', '--quick', '--out', file]);
    expect(r).toEqual({ code: 2, out: '', err: renderUsageError(await specOf('bench'), `--out: ${file} is not a directory, received ${JSON.stringify(file)}`) });
  });

  it('makes DIR when its parent exists, and writes there', async () => {
    const out = join(dir, 'new-results');
    const r = await pidsim(['bench', '--floor', '--quick', '--out', out]);
    expect(r.code).toBe(0);
    for (const ext of ['json', 'svg', 'md']) expect(existsSync(join(out, `bench-floor.${ext}`))).toBe(true);
    expect(r.err).toContain(`pidsim bench: wrote ${join(out, 'bench-floor.json')}, ${join(out, 'bench-floor.svg')} and ${join(out, 'bench-floor.md')}\n`);
  });

  it('without --out, writes into a new directory under the OS temporary directory, outside the repository, and says where', async () => {
    const r = await pidsim(['bench', '--floor', '--quick']);
    expect(r.code).toBe(0);
    const m = /^pidsim bench: wrote (\S+)\/bench-floor\.json, \1\/bench-floor\.svg and \1\/bench-floor\.md \(a new directory: --out bench\/results updates the committed results\)$/m.exec(r.err);
    expect(m, r.err).not.toBeNull();
    const written = m![1]!;
    try {
      expect(written.startsWith(join(tmpdir(), 'pidsim-bench-'))).toBe(true);
      expect(written.startsWith(process.cwd())).toBe(false);
      expect(existsSync(join(written, 'bench-floor.json'))).toBe(true);
      expect(existsSync('bench/results/bench-floor.json')).toBe(false);
    } finally {
      rmSync(written, { recursive: true, force: true });
    }
  });
});
