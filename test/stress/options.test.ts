// `pidsim stress` options are validated at the edge: a bad one exits 2 with a
// message naming the flag and echoing the value, and nothing runs.

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseStressArgs, runStressCli, STRESS_DEFAULTS } from '../../src/stress/index.js';
import { capturedIo } from '../support/captured-io.js';

const dir = mkdtempSync(join(tmpdir(), 'pidsim-stress-options-'));
const aFile = join(dir, 'a-file');
writeFileSync(aFile, '');

async function rejected(args: string[]): Promise<string> {
  const io = capturedIo();
  expect(await runStressCli(args, io)).toBe(2);
  expect(io.out()).toBe('');
  return io.err();
}

describe('pidsim stress options', () => {
  it('defaults: inline, depth 4, fan-out 4, 20,000 processes, 256 in flight, a random seed', () => {
    const o = parseStressArgs([], () => 1234);
    expect(o).toMatchObject({ transport: 'inline', depth: 4, fanout: 4, processes: 20_000, concurrency: 256, seed: 1234, seedGiven: false });
    expect(STRESS_DEFAULTS.processes).toBe(20_000);
    expect(parseStressArgs(['--seed', '7', '--depth=32', '--fanout', '1'])!.depth).toBe(32);
    expect(parseStressArgs([])).toMatchObject({ pidMax: undefined, allowSkips: false });
    expect(parseStressArgs(['--pid-max', '4194304', '--allow-skips'])).toMatchObject({ pidMax: 4_194_304, allowSkips: true });
  });

  it('--seeds on threads: each seed on a threads kernel, --workers its kernel workers and --placement theirs', () => {
    expect(parseStressArgs(['--seeds', '4', '--transport', 'threads', '--workers', '2', '--placement', 'spread'])).toMatchObject({ seeds: 4, transport: 'threads', workers: 2, placement: 'spread' });
    expect(parseStressArgs(['--seeds', '4', '--transport', 'threads'])).toMatchObject({ seeds: 4, transport: 'threads', workers: undefined, placement: undefined });
  });

  it.each([
    [['--depth', '40'], '--depth must be an integer from 0 to 32, received "40"'],
    [['--depth', '-1'], '--depth must be an integer from 0 to 32, received "-1"'],
    [['--fanout', '0'], '--fanout must be an integer from 1 to 64, received "0"'],
    [['--processes', '1e4'], '--processes must be an integer from 1 to 10000000, received "1e4"'],
    [['--concurrency', 'lots'], '--concurrency must be an integer from 1 to 100000, received "lots"'],
    [['--seed', '4294967296'], '--seed must be an integer from 0 to 4294967295, received "4294967296"'],
    [['--transport', 'udp'], '--transport must be inline or threads, received "udp"'],
    [['--placement', 'spread'], '--placement applies to --transport threads'],
    [['--seeds', '4', '--transport', 'threads', '--chaos', '3'], "--chaos limits the inline transport's seeded delivery choices; threads makes none"],
    [['--seeds', '4', '--transport', 'threads', '--queue', 'redis://127.0.0.1:6379'], '--queue farms seeds to workers that run each on an inline kernel; it cannot be combined with --transport threads'],
    [['--seeds', '4', '--ops', '1-3'], '--ops replays one seed; it cannot be combined with --seeds'],
    [['--transport', 'threads', '--chaos', '3'], '--chaos limits the inline transport'],
    [['--seeds', '2', '--chaos', '3'], '--chaos replays one seed; it cannot be combined with --seeds'],
    [['--workers', '2'], '--workers applies to --transport threads (kernel workers, also with --seeds) or to --seeds on inline (pool threads), received "2" for one inline run'],
    [['--ops', '5-2'], '--ops must list operation indices like 0-2,17, received "5-2": the range "5-2" runs backwards'],
    [['--watchdog', '0'], '--watchdog must be a number of seconds from 0.1 to 3600, received "0"'],
    [['--depth'], '--depth needs a value'],
    [['--frobnicate'], 'unknown option "--frobnicate"'],
    [['--depth', '2', '--depth', '3'], '--depth is given twice'],
    [['--no-shrink=yes'], '--no-shrink takes no value, received "yes"'],
    [['--report', '/no/such/dir/r.json'], '--report: the directory /no/such/dir does not exist, received "/no/such/dir/r.json"'],
    [['--report', dir], `--report needs a file name, received the directory ${JSON.stringify(dir)} (e.g. --report ${join(dir, 'stress.json')})`],
    [['--report', 'out/'], '--report needs a file name, received the directory "out/" (e.g. --report out/stress.json)'],
    [['--report', join(aFile, 'r.json')], `--report: ${aFile} is not a directory, received ${JSON.stringify(join(aFile, 'r.json'))}`],
    [['--pid-max', '300'], '--pid-max must be an integer from 301 to 4194304, received "300"'],
    [['--pid-max', '4194305'], '--pid-max must be an integer from 301 to 4194304, received "4194305"'],
    [['--allow-skips=yes'], '--allow-skips takes no value, received "yes"'],
    [['--seeds', '4', '--queue', 'redis://127.0.0.1:6379', '--pid-max', '5000'], '--pid-max is not carried to the workers of a farm over Redis; it cannot be combined with --queue'],
  ])('%j is refused: %s', async (args, message) => {
    const err = await rejected(args);
    expect(err).toContain(`pidsim stress: ${message}`);
    expect(err).toContain('pidsim stress --help');
  });

  it('--ops must name operations the workload has: known once it is planned, so only the first line was printed, and nothing ran', async () => {
    const io = capturedIo();
    expect(await runStressCli(['--seed', '1', '--processes', '20', '--no-progress', '--ops', '0,99999'], io)).toBe(2);
    expect(io.out()).toBe('pidsim stress: seed 1, inline, depth 4, fan-out 4, 20 processes, 256 in flight, 2 operations of the plan\n');
    expect(io.err()).toMatch(/^pidsim stress: --ops names operation 99999, but the workload of seed 1 has \d+ \(0\.\.\d+\)\n/);
  });

  it('--help prints the options and exits 0', async () => {
    const io = capturedIo();
    expect(await runStressCli(['--help'], io)).toBe(0);
    expect(io.out()).toContain('usage: pidsim stress [options]');
    expect(io.out()).toContain('--seeds N');
  });
});
