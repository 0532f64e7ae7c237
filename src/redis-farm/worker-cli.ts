// `pidsim worker --queue URL [--concurrency C] [--lock-duration S]`: one host
// of a Redis farm. It takes batches of seeds from any run until it is told to
// stop: SIGINT or SIGTERM lets the running batches finish (a second one stops
// at once; those batches then go to another worker when their locks expire).
// Exit status: 0 stopped, 2 bad options or Redis unreachable, 130 stopped at once.

import { availableParallelism } from 'node:os';
import { runCommand } from '../cli/command-entry.js';
import { CommandUsageError, defineCommand, parseCommand, type ParsedCommand } from '../cli/command-spec.js';
import { FarmWorker } from './farm-worker.js';
import { RedisUnreachableError } from './redis-connection.js';
import { parseRedisUrl, type RedisUrl } from './redis-url.js';

export interface WorkerIo {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
}

export interface WorkerCliOptions {
  readonly queue: RedisUrl;
  readonly concurrency: number;
  readonly lockSeconds: number;
}

export const WORKER_DEFAULTS = { lockSeconds: 10 } as const;

export const WORKER_COMMAND = defineCommand({
  name: 'worker',
  synopsis: ['--queue URL [--concurrency C] [--lock-duration S]'],
  about: `Runs the seeds of \`pidsim stress --queue URL\` runs on this host: takes
batches of seeds from the farm's queue on the Redis at URL, runs each seed on
an inline kernel in a pool of C threads, shrinks the failures it finds, and
records every seed's result once. Start one on every host; they may join and
leave at any time.`,
  options: {
    queue: { type: 'string', value: 'URL', required: true, description: 'the Redis of the farm, like redis://HOST:PORT' },
    concurrency: { type: 'integer', value: 'C', min: 1, max: 256, defaultText: 'CPU count', description: 'batches (and pool threads) at once' },
    'lock-duration': {
      type: 'seconds',
      value: 'S',
      min: 1,
      max: 3600,
      default: WORKER_DEFAULTS.lockSeconds,
      description: 'seconds a batch stays locked to this worker without a renewal; if this worker dies, its batches go back to the queue within about 1.5 S',
    },
  },
  footer: `SIGINT or SIGTERM: finish the running batches, then stop; a second one stops at once.
exit status: 0 stopped, 2 bad options or Redis unreachable, 130 stopped at once.`,
});

/** Decodes `pidsim worker` arguments (null: --help); a CommandUsageError names a bad one and echoes its value. */
export function parseWorkerArgs(args: readonly string[]): WorkerCliOptions | null {
  const parsed = parseCommand(WORKER_COMMAND, args);
  return parsed && workerOptionsOf(parsed);
}

function workerOptionsOf({ options: o }: ParsedCommand<typeof WORKER_COMMAND.options>): WorkerCliOptions {
  const queue = parseRedisUrl(o.queue);
  if ('error' in queue) throw new CommandUsageError(`--queue must be a Redis URL like redis://HOST:PORT, received ${JSON.stringify(o.queue)}: ${queue.error}`);
  return { queue, concurrency: o.concurrency ?? availableParallelism(), lockSeconds: o['lock-duration'] };
}

/** `pidsim worker ARGS`: runs until SIGINT or SIGTERM; resolves the exit status. */
export function runWorkerCli(args: readonly string[], io: WorkerIo): Promise<number> {
  return runCommand(WORKER_COMMAND, args, io, (parsed) => work(workerOptionsOf(parsed), io));
}

async function work(o: WorkerCliOptions, io: WorkerIo): Promise<number> {
  const log = (line: string): void => void io.stdout.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);
  let worker: FarmWorker;
  try {
    worker = await FarmWorker.start({ url: o.queue, concurrency: o.concurrency, lockDurationMs: o.lockSeconds * 1000, log });
  } catch (e) {
    if (!(e instanceof RedisUnreachableError)) throw e;
    io.stderr.write(`pidsim worker: ${e.message}\n`);
    return 2;
  }
  await worker.ready();
  log(`pidsim worker ${worker.version} (${worker.id}): ${o.concurrency} pool threads, lock ${o.lockSeconds} s; taking jobs from ${o.queue.display}`);
  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (signal: NodeJS.Signals): void => {
      if (stopping) {
        log(`${signal} again: stopping now; the running batches go back to the queue when their locks expire`);
        process.exit(130);
      }
      stopping = true;
      log(`${signal}: finishing the running batches, then stopping (${signal} again stops now)`);
      worker.stop(false).then(
        () => {
          log('stopped');
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          resolve(0);
        },
        (e: unknown) => {
          log(`stopping failed: ${e instanceof Error ? e.message : String(e)}`);
          resolve(1);
        },
      );
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
