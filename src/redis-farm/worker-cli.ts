// `pidsim worker --queue URL [--concurrency C] [--lock-duration S]`: one host
// of a Redis farm. It takes batches of seeds from any run until it is told to
// stop: SIGINT or SIGTERM lets the running batches finish (a second one stops
// at once; those batches then go to another worker when their locks expire).
// Exit status: 0 stopped, 2 bad options or Redis unreachable, 130 stopped at once.

import { availableParallelism } from 'node:os';
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

export const WORKER_USAGE = `usage: pidsim worker --queue URL [--concurrency C] [--lock-duration S]

Runs the seeds of \`pidsim stress --queue URL\` runs on this host: takes
batches of seeds from the farm's queue on the Redis at URL, runs each seed on
an inline kernel in a pool of C threads, shrinks the failures it finds, and
records every seed's result once. Start one on every host; they may join and
leave at any time.

  --queue URL           the farm's Redis, redis://HOST:PORT (required)
  --concurrency C       batches (and pool threads) at once, 1..256 (default: CPU count)
  --lock-duration S     seconds a batch stays locked to this worker without a renewal, 1..3600 (default ${WORKER_DEFAULTS.lockSeconds});
                        if this worker dies, its batches go back to the queue within about 1.5 S
  --help                this text

SIGINT or SIGTERM: finish the running batches, then stop; a second one stops at once.
exit status: 0 stopped, 2 bad options or Redis unreachable, 130 stopped at once.
`;

export class WorkerUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WorkerUsageError';
  }
}

/** Decodes `pidsim worker` arguments; a WorkerUsageError names a bad one and echoes its value. Null: --help. */
export function parseWorkerArgs(args: readonly string[]): WorkerCliOptions | null {
  const raw = new Map<string, string>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--help' || arg === '-h') return null;
    if (!arg.startsWith('--')) throw new WorkerUsageError(`unexpected argument ${JSON.stringify(arg)} (options start with --)`);
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    if (!['queue', 'concurrency', 'lock-duration'].includes(name)) throw new WorkerUsageError(`unknown option --${name} (expected --queue, --concurrency or --lock-duration)`);
    const value = eq >= 0 ? arg.slice(eq + 1) : args[++i];
    if (value === undefined) throw new WorkerUsageError(`--${name} needs a value`);
    if (raw.has(name)) throw new WorkerUsageError(`--${name} is given twice`);
    raw.set(name, value);
  }
  const text = raw.get('queue');
  if (text === undefined) throw new WorkerUsageError('--queue URL is required: the Redis of the farm, like redis://HOST:PORT');
  const queue = parseRedisUrl(text);
  if ('error' in queue) throw new WorkerUsageError(`--queue must be a Redis URL like redis://HOST:PORT, received ${JSON.stringify(text)}: ${queue.error}`);
  const c = raw.get('concurrency');
  const concurrency = c === undefined ? availableParallelism() : /^\d+$/.test(c) ? Number(c) : NaN;
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 256) throw new WorkerUsageError(`--concurrency must be an integer from 1 to 256, received ${JSON.stringify(c)}`);
  const l = raw.get('lock-duration');
  const lockSeconds = l === undefined ? WORKER_DEFAULTS.lockSeconds : l.trim() === '' ? NaN : Number(l);
  if (!Number.isFinite(lockSeconds) || lockSeconds < 1 || lockSeconds > 3600) throw new WorkerUsageError(`--lock-duration must be a number of seconds from 1 to 3600, received ${JSON.stringify(l)}`);
  return { queue, concurrency, lockSeconds };
}

/** `pidsim worker ARGS`: runs until SIGINT or SIGTERM; resolves the exit status. */
export async function runWorkerCli(args: readonly string[], io: WorkerIo): Promise<number> {
  let o: WorkerCliOptions | null;
  try {
    o = parseWorkerArgs(args);
  } catch (e) {
    if (!(e instanceof WorkerUsageError)) throw e;
    io.stderr.write(`pidsim worker: ${e.message}\n(pidsim worker --help lists the options)\n`);
    return 2;
  }
  if (o === null) {
    io.stdout.write(WORKER_USAGE);
    return 0;
  }
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
