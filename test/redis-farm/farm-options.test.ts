// The options of a farm over Redis are checked at the edge, before anything
// connects: `pidsim stress --queue/--name/--batch` and `pidsim worker`. A bad
// one exits 2 with a message naming the option and echoing the value.

import { describe, expect, it } from 'vitest';
import { parseWorkerArgs, runWorkerCli, WORKER_DEFAULTS } from '../../src/redis-farm/index.js';
import { parseStressArgs, runStressCli } from '../../src/stress/index.js';
import { capturedIo } from '../support/captured-io.js';

describe('pidsim stress --queue options', () => {
  it('--queue with --seeds starts a run; --name and --batch are kept, the URL is shown without its password', () => {
    const o = parseStressArgs(['--seeds', '300', '--queue', 'redis://farm:s3cret@db.example:6380/2', '--name', 'nightly-1', '--batch', '10'])!;
    expect(o.queue).toEqual({ href: 'redis://farm:s3cret@db.example:6380/2', display: 'redis://farm:***@db.example:6380/2' });
    expect(o).toMatchObject({ seeds: 300, name: 'nightly-1', batch: 10 });
    expect([...o.given].sort()).toEqual(['batch', 'name', 'queue', 'seeds']);
    expect(parseStressArgs(['--queue', 'redis://h:1', '--name', 'r'])!.seeds).toBeUndefined();
    expect(parseStressArgs(['--seeds', '3'])!.queue).toBeUndefined();
  });

  it.each([
    [['--seeds', '4', '--queue', 'http://h:6379'], '--queue must be a Redis URL like redis://HOST:PORT, received "http://h:6379": the scheme is http, expected redis or rediss'],
    [['--seeds', '4', '--queue', 'localhost:6379'], '--queue must be a Redis URL like redis://HOST:PORT, received "localhost:6379": the scheme is localhost, expected redis or rediss'],
    [['--seeds', '4', '--queue', 'redis://'], '--queue must be a Redis URL like redis://HOST:PORT, received "redis://": it names no host (expected redis://HOST:PORT)'],
    [['--seeds', '4', '--queue', 'redis://h:6379/x'], '--queue must be a Redis URL like redis://HOST:PORT, received "redis://h:6379/x": the path /x is not a database number'],
    [['--seeds', '4', '--queue', 'not a url'], '--queue must be a Redis URL like redis://HOST:PORT, received "not a url": it is not a URL'],
    [['--queue', 'redis://h:1'], '--queue needs --seeds N to start a run, or --name RUN to follow or resume one'],
    [['--seeds', '4', '--name', 'x'], '--name applies to a farm over Redis (--queue URL), received "x" without --queue'],
    [['--seeds', '4', '--batch', '2'], '--batch applies to a farm over Redis (--queue URL), received "2" without --queue'],
    [['--seeds', '4', '--queue', 'redis://h:1', '--name', 'a:b'], `--name must be 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit, received "a:b"`],
    [['--seeds', '4', '--queue', 'redis://h:1', '--batch', '0'], '--batch must be an integer from 1 to 10000, received "0"'],
    [['--seeds', '4', '--queue', 'redis://h:1', '--workers', '2'], "--workers sets local pool threads; with --queue each host's pidsim worker sets its own (--concurrency), received \"2\""],
    [['--queue', 'redis://h:1', '--name', 'r', '--transport', 'threads'], '--queue farms seeds to workers that run each on an inline kernel; it cannot be combined with --transport threads'],
    [['--queue', 'redis://h:1', '--name', 'r', '--ops', '1'], '--ops replays one seed; it cannot be combined with --queue'],
  ])('%j is refused before anything connects: %s', async (args, message) => {
    const io = capturedIo();
    expect(await runStressCli(args, io)).toBe(2);
    expect(io.out()).toBe('');
    expect(io.err()).toContain(`pidsim stress: ${message}`);
  });

  it('--help lists the farm options', async () => {
    const io = capturedIo();
    expect(await runStressCli(['--help'], io)).toBe(0);
    for (const option of ['--queue URL', '--name RUN', '--batch N', 'pidsim worker --queue URL']) expect(io.out()).toContain(option);
  });
});

describe('pidsim worker options', () => {
  it('--queue is required; --concurrency defaults to the CPU count, --lock-duration to 10 s', () => {
    const o = parseWorkerArgs(['--queue', 'redis://127.0.0.1:6379']);
    expect(o).toMatchObject({ queue: { href: 'redis://127.0.0.1:6379' }, lockSeconds: WORKER_DEFAULTS.lockSeconds });
    expect(o!.concurrency).toBeGreaterThanOrEqual(1);
    expect(parseWorkerArgs(['--queue=redis://h:1', '--concurrency', '3', '--lock-duration', '2.5'])).toMatchObject({ concurrency: 3, lockSeconds: 2.5 });
    expect(parseWorkerArgs(['--help'])).toBeNull();
  });

  it.each([
    [[], '--queue URL is required: the Redis of the farm, like redis://HOST:PORT'],
    [['--queue', 'rediss//h'], '--queue must be a Redis URL like redis://HOST:PORT, received "rediss//h": it is not a URL (expected redis://HOST:PORT)'],
    [['--queue', 'redis://h:1', '--concurrency', '0'], '--concurrency must be an integer from 1 to 256, received "0"'],
    [['--queue', 'redis://h:1', '--concurrency', 'many'], '--concurrency must be an integer from 1 to 256, received "many"'],
    [['--queue', 'redis://h:1', '--lock-duration', '0.5'], '--lock-duration must be a number of seconds from 1 to 3600, received "0.5"'],
    [['--queue', 'redis://h:1', '--seeds', '3'], 'unknown option "--seeds"'],
    [['--queue'], '--queue needs a value, received nothing'],
    [['--queue', 'redis://h:1', '--queue', 'redis://h:2'], '--queue is given twice'],
    [['redis://h:1'], 'unexpected argument "redis://h:1" (worker takes no arguments)'],
  ])('%j is refused: %s', async (args, message) => {
    const io = capturedIo();
    expect(await runWorkerCli(args, io)).toBe(2);
    expect(io.out()).toBe('');
    expect(io.err()).toBe(`pidsim worker: ${message}\nusage: pidsim worker --queue URL [--concurrency C] [--lock-duration S]\n(pidsim worker --help lists the options)\n`);
  });

  it('--help prints the usage and exits 0', async () => {
    const io = capturedIo();
    expect(await runWorkerCli(['--help'], io)).toBe(0);
    expect(io.out()).toContain('usage: pidsim worker --queue URL [--concurrency C] [--lock-duration S]');
  });
});
