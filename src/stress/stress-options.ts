// `pidsim stress` options, decoded and validated once at the edge. A bad
// option throws a StressUsageError naming the flag and echoing the value.

import { availableParallelism } from 'node:os';
import { PID_MAX_LIMIT, PID_MAX_MIN } from '@pidsim/core';
import { parseRedisUrl, type RedisUrl } from '../redis-farm/redis-url.js';
import { RUN_NAME } from '../redis-farm/run-spec.js';
import { parseOpList } from './replay-command.js';

export interface StressCliOptions {
  readonly seed: number;
  /** Whether --seed was given (otherwise it was drawn at random). */
  readonly seedGiven: boolean;
  /** --seeds N: a farm of N seeds (seed, seed+1, ...) on a piscina pool. */
  readonly seeds: number | undefined;
  readonly transport: 'inline' | 'threads';
  readonly depth: number;
  readonly fanout: number;
  readonly processes: number;
  readonly concurrency: number;
  /** threads: worker threads of the kernel; --seeds: piscina threads. */
  readonly workers: number | undefined;
  readonly placement: 'co-locate' | 'spread' | undefined;
  readonly chaos: number | undefined;
  /** --pid-max: the root namespace's pid_max (default: what the workload needs). */
  readonly pidMax: number | undefined;
  /** --allow-skips: a run that skips most of its operations may still pass. */
  readonly allowSkips: boolean;
  readonly ops: readonly number[] | undefined;
  readonly watchdogSeconds: number;
  readonly shrink: boolean;
  readonly shrinkSeconds: number;
  readonly report: string | undefined;
  readonly progress: boolean;
  readonly help: boolean;
  /** --queue URL: farm the seeds over Redis (BullMQ) to `pidsim worker`s on any hosts. */
  readonly queue: RedisUrl | undefined;
  /** --name RUN: the farm run to start under that name, or to follow and resume. */
  readonly name: string | undefined;
  /** --batch N: seeds per farm job (default: chosen from --seeds). */
  readonly batch: number | undefined;
  /** The options given (without their dashes): a resumed farm run must agree with them. */
  readonly given: ReadonlySet<string>;
}

export class StressUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StressUsageError';
  }
}

export const STRESS_DEFAULTS = {
  transport: 'inline',
  depth: 4,
  fanout: 4,
  processes: 20_000,
  concurrency: 256,
  watchdogSeconds: 30,
  shrinkSeconds: 60,
} as const;

export const STRESS_USAGE = `usage: pidsim stress [options]

Hammers an emulated kernel with a seeded workload - thousands of concurrent
forks over nested PID namespaces racing namespace-init deaths (cascades),
signal storms, kill(-1), orphan chains, setns joins, exits and waits - and
checks every invariant as it goes. A failure prints the seed, the invariant,
the processes involved and one command that replays it, then shrinks it.

workload:
  --seed N              the run's seed, 0..4294967295 (default: random, printed)
  --depth N             deepest PID namespace level, 0..32 (default ${STRESS_DEFAULTS.depth})
  --fanout N            most children per process and child namespaces per namespace, 1..64 (default ${STRESS_DEFAULTS.fanout})
  --processes N         processes forked in all, 1..10000000 (default ${STRESS_DEFAULTS.processes})
  --concurrency N       operations in flight at once, 1..100000 (default ${STRESS_DEFAULTS.concurrency})
  --pid-max N           the root namespace's pid_max, ${PID_MAX_MIN}..${PID_MAX_LIMIT} (default: what the run needs, at least 32768)
  --allow-skips         pass a run even if most of its operations were skipped (forks that failed)

where it runs:
  --transport T         inline (seeded interleaving, replayable) or threads (default inline)
  --workers N           threads: kernel worker threads; --seeds: pool threads (default: CPU count)
  --placement P         threads: co-locate or spread namespaces over workers (default co-locate)
  --seeds N             run N seeds (seed, seed+1, ...) in parallel, each on an inline kernel

over many hosts (Redis and BullMQ; workers: pidsim worker --queue URL):
  --queue URL           farm the --seeds to the workers of the Redis at URL (redis://HOST:PORT) and follow the run
  --name RUN            the run's name: resumes that run when it exists (default: a new name, printed)
  --batch N             seeds per job, 1..10000 (default: one job per seed up to 500 seeds, then about 500 jobs)

replay and shrinking:
  --ops LIST            run only these operations of the workload, e.g. 0-2,17,40-41
  --chaos N             inline: the seed makes only the first N delivery choices
  --no-shrink           do not shrink a failure
  --shrink-time S       seconds shrinking may take, 0..3600 (default ${STRESS_DEFAULTS.shrinkSeconds})

output:
  --report FILE         write a JSON report (operations, ops/s, latency percentiles, memory, ...)
  --watchdog S          threads: seconds without any call moving that count as a hang (default ${STRESS_DEFAULTS.watchdogSeconds})
  --no-progress         no progress bar or progress lines
  --help                this text

exit status: 0 every invariant held, 1 a failure was found, 2 bad options,
3 incomplete (more than half of the operations skipped, without --allow-skips),
130 stopped by SIGINT (Ctrl-C), 143 stopped by SIGTERM.
`;

type Raw = Map<string, string | true>;

const VALUED = new Set([
  'seed',
  'seeds',
  'transport',
  'depth',
  'fanout',
  'processes',
  'concurrency',
  'workers',
  'placement',
  'chaos',
  'pid-max',
  'ops',
  'watchdog',
  'shrink-time',
  'report',
  'queue',
  'name',
  'batch',
]);
const FLAGS = new Set(['no-shrink', 'no-progress', 'allow-skips', 'help']);

function tokenize(args: readonly string[]): Raw {
  const raw: Raw = new Map();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '-h') {
      raw.set('help', true);
      continue;
    }
    if (!arg.startsWith('--')) throw new StressUsageError(`unexpected argument ${JSON.stringify(arg)} (options start with --)`);
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    if (FLAGS.has(name)) {
      if (eq >= 0) throw new StressUsageError(`--${name} takes no value, received ${JSON.stringify(arg.slice(eq + 1))}`);
      raw.set(name, true);
      continue;
    }
    if (!VALUED.has(name)) throw new StressUsageError(`unknown option --${name}`);
    const value = eq >= 0 ? arg.slice(eq + 1) : args[++i];
    if (value === undefined) throw new StressUsageError(`--${name} needs a value`);
    if (raw.has(name)) throw new StressUsageError(`--${name} is given twice`);
    raw.set(name, value);
  }
  return raw;
}

function integer(raw: Raw, name: string, lo: number, hi: number): number | undefined {
  const v = raw.get(name);
  if (v === undefined) return undefined;
  const n = typeof v === 'string' && /^\d+$/.test(v.trim()) ? Number(v) : NaN;
  if (!Number.isSafeInteger(n) || n < lo || n > hi) {
    throw new StressUsageError(`--${name} must be an integer from ${lo} to ${hi}, received ${JSON.stringify(v)}`);
  }
  return n;
}

function seconds(raw: Raw, name: string, lo: number, hi: number): number | undefined {
  const v = raw.get(name);
  if (v === undefined) return undefined;
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  if (!Number.isFinite(n) || n < lo || n > hi) throw new StressUsageError(`--${name} must be a number of seconds from ${lo} to ${hi}, received ${JSON.stringify(v)}`);
  return n;
}

function choice<T extends string>(raw: Raw, name: string, allowed: readonly T[]): T | undefined {
  const v = raw.get(name);
  if (v === undefined) return undefined;
  if (!allowed.includes(v as T)) throw new StressUsageError(`--${name} must be ${allowed.join(' or ')}, received ${JSON.stringify(v)}`);
  return v as T;
}

/** Decodes `pidsim stress` arguments; `randomSeed` is used when --seed is absent. */
export function parseStressArgs(args: readonly string[], randomSeed: () => number = () => Math.floor(Math.random() * 0x100000000)): StressCliOptions {
  const raw = tokenize(args);
  const seed = integer(raw, 'seed', 0, 0xffffffff);
  const seeds = integer(raw, 'seeds', 1, 100_000);
  const transport = choice(raw, 'transport', ['inline', 'threads'] as const) ?? STRESS_DEFAULTS.transport;
  const workers = integer(raw, 'workers', 1, 256);
  const placement = choice(raw, 'placement', ['co-locate', 'spread'] as const);
  const chaos = integer(raw, 'chaos', 0, 0x7fffffff);
  const opsText = raw.get('ops');
  let ops: number[] | undefined;
  if (typeof opsText === 'string') {
    const parsed = parseOpList(opsText);
    if (!Array.isArray(parsed)) throw new StressUsageError(`--ops must list operation indices like 0-2,17, received ${JSON.stringify(opsText)}: ${parsed.error}`);
    ops = parsed;
  }
  if (seeds !== undefined && transport === 'threads') {
    throw new StressUsageError('--seeds runs each seed on an inline kernel in a piscina pool; it cannot be combined with --transport threads');
  }
  if (seeds !== undefined && ops !== undefined) throw new StressUsageError('--ops replays one seed; it cannot be combined with --seeds');
  if (chaos !== undefined && transport === 'threads') {
    throw new StressUsageError('--chaos limits the inline transport\'s seeded delivery choices; threads makes none');
  }
  if (seeds !== undefined && chaos !== undefined) throw new StressUsageError('--chaos replays one seed; it cannot be combined with --seeds');
  if (placement !== undefined && transport !== 'threads') throw new StressUsageError('--placement applies to --transport threads');
  if (workers !== undefined && transport !== 'threads' && seeds === undefined) {
    throw new StressUsageError(`--workers applies to --transport threads (kernel workers) or --seeds (pool threads), received ${JSON.stringify(raw.get('workers'))} for one inline run`);
  }
  const report = raw.get('report');
  if (report === '') throw new StressUsageError('--report needs a file name, received ""');
  const { queue, name, batch } = farmOptions(raw, seeds, transport, ops, chaos);
  if (raw.has('no-shrink') && raw.has('shrink-time')) throw new StressUsageError('--shrink-time cannot be combined with --no-shrink');
  return {
    seed: seed ?? randomSeed() >>> 0,
    seedGiven: seed !== undefined,
    seeds,
    transport,
    depth: integer(raw, 'depth', 0, 32) ?? STRESS_DEFAULTS.depth,
    fanout: integer(raw, 'fanout', 1, 64) ?? STRESS_DEFAULTS.fanout,
    processes: integer(raw, 'processes', 1, 10_000_000) ?? STRESS_DEFAULTS.processes,
    concurrency: integer(raw, 'concurrency', 1, 100_000) ?? STRESS_DEFAULTS.concurrency,
    workers,
    placement,
    chaos,
    pidMax: integer(raw, 'pid-max', PID_MAX_MIN, PID_MAX_LIMIT),
    allowSkips: raw.has('allow-skips'),
    ops,
    watchdogSeconds: seconds(raw, 'watchdog', 0.1, 3600) ?? STRESS_DEFAULTS.watchdogSeconds,
    shrink: !raw.has('no-shrink'),
    shrinkSeconds: seconds(raw, 'shrink-time', 0, 3600) ?? STRESS_DEFAULTS.shrinkSeconds,
    report: typeof report === 'string' ? report : undefined,
    progress: !raw.has('no-progress'),
    help: raw.has('help'),
    queue,
    name,
    batch,
    given: new Set(raw.keys()),
  };
}

/** --queue, --name and --batch, and what they cannot be combined with. */
function farmOptions(raw: Raw, seeds: number | undefined, transport: string, ops: unknown, chaos: unknown) {
  const text = raw.get('queue');
  let queue: RedisUrl | undefined;
  if (typeof text === 'string') {
    const url = parseRedisUrl(text);
    if ('error' in url) throw new StressUsageError(`--queue must be a Redis URL like redis://HOST:PORT, received ${JSON.stringify(text)}: ${url.error}`);
    queue = url;
  }
  const name = raw.get('name');
  if (typeof name === 'string' && !RUN_NAME.test(name)) {
    throw new StressUsageError(`--name must be 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit, received ${JSON.stringify(name)}`);
  }
  const batch = integer(raw, 'batch', 1, 10_000);
  if (queue === undefined) {
    for (const flag of ['name', 'batch']) if (raw.has(flag)) throw new StressUsageError(`--${flag} applies to a farm over Redis (--queue URL), received ${JSON.stringify(raw.get(flag))} without --queue`);
    return { queue, name: undefined, batch: undefined };
  }
  if (transport === 'threads') throw new StressUsageError('--queue farms seeds to workers that run each on an inline kernel; it cannot be combined with --transport threads');
  if (ops !== undefined || chaos !== undefined) throw new StressUsageError(`--${ops !== undefined ? 'ops' : 'chaos'} replays one seed; it cannot be combined with --queue`);
  if (raw.has('workers')) throw new StressUsageError(`--workers sets local pool threads; with --queue each host's pidsim worker sets its own (--concurrency), received ${JSON.stringify(raw.get('workers'))}`);
  // The farm's run definition does not carry them yet: refused rather than silently dropped.
  for (const flag of ['pid-max', 'allow-skips']) if (raw.has(flag)) throw new StressUsageError(`--${flag} is not carried to the workers of a farm over Redis; it cannot be combined with --queue`);
  if (seeds === undefined && name === undefined) throw new StressUsageError('--queue needs --seeds N to start a run, or --name RUN to follow or resume one');
  return { queue, name: typeof name === 'string' ? name : undefined, batch };
}

/** Pool threads for --seeds, or kernel workers for threads: --workers, else the CPU count. */
export function workerCount(o: StressCliOptions): number {
  return o.workers ?? availableParallelism();
}
