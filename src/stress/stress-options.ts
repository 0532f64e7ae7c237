// `pidsim stress` options: declared once for the shared option layer
// (src/cli/command-spec.ts), which decodes each value; what it cannot say
// alone - which options go together - is checked here. A bad option is a
// CommandUsageError naming the flag and echoing the value.

import { availableParallelism } from 'node:os';
import { PID_MAX_LIMIT, PID_MAX_MIN } from '@pidsim/core';
import { CommandUsageError, defineCommand, parseCommand, type ParsedCommand } from '../cli/command-spec.js';
import { HTML_OPTION, TRACE_OPTIONS, htmlFileOf, traceOptionsOf } from '../cli/output-options.js';
import type { TraceOptions } from '../trace/index.js';
import { parseRedisUrl, type RedisUrl } from '../redis-farm/redis-url.js';
import { RUN_NAME } from '../redis-farm/run-spec.js';
import { parseOpList } from './replay-command.js';

export interface StressCliOptions {
  readonly seed: number;
  /** Whether --seed was given (otherwise it was drawn at random). */
  readonly seedGiven: boolean;
  /** --seeds N: a farm of N seeds (seed, seed+1, ...) on a piscina pool (with threads: one pool thread, a threads kernel per seed). */
  readonly seeds: number | undefined;
  readonly transport: 'inline' | 'threads';
  readonly depth: number;
  readonly fanout: number;
  readonly processes: number;
  readonly concurrency: number;
  /** threads: worker threads of the kernel (one seed, or each seed of --seeds); --seeds on inline: piscina threads. */
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
  /** --queue URL: farm the seeds over Redis (BullMQ) to `pidsim worker`s on any hosts. */
  readonly queue: RedisUrl | undefined;
  /** --name RUN: the farm run to start under that name, or to follow and resume. */
  readonly name: string | undefined;
  /** --batch N: seeds per farm job (default: chosen from --seeds). */
  readonly batch: number | undefined;
  /** The options given (without their dashes): a resumed farm run must agree with them. */
  readonly given: ReadonlySet<string>;
  /** --trace: write the run of one seed as a trace (docs/trace.md). */
  readonly trace: TraceOptions | undefined;
  /** --html: write the report page (docs/report.md). */
  readonly html: string | undefined;
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

export const STRESS_COMMAND = defineCommand({
  name: 'stress',
  synopsis: ['[options]'],
  about: `Hammers an emulated kernel with a seeded workload - thousands of concurrent
forks over nested PID namespaces racing namespace-init deaths (cascades),
signal storms, kill(-1), orphan chains, setns joins, exits and waits - and
checks every invariant as it goes. A failure prints the seed, the invariant,
the processes involved and one command that replays it, then shrinks it.`,
  options: {
    seed: { type: 'integer', value: 'N', min: 0, max: 0xffffffff, defaultText: 'random, printed', group: 'workload', description: "the run's seed" },
    depth: { type: 'integer', value: 'N', min: 0, max: 32, default: STRESS_DEFAULTS.depth, group: 'workload', description: 'deepest PID namespace level' },
    fanout: { type: 'integer', value: 'N', min: 1, max: 64, default: STRESS_DEFAULTS.fanout, group: 'workload', description: 'most children per process and child namespaces per namespace' },
    processes: { type: 'integer', value: 'N', min: 1, max: 10_000_000, default: STRESS_DEFAULTS.processes, group: 'workload', description: 'processes forked in all' },
    concurrency: { type: 'integer', value: 'N', min: 1, max: 100_000, default: STRESS_DEFAULTS.concurrency, group: 'workload', description: 'operations in flight at once' },
    'pid-max': { type: 'integer', value: 'N', min: PID_MAX_MIN, max: PID_MAX_LIMIT, defaultText: 'what the run needs, at least 32768', group: 'workload', description: "the root namespace's pid_max" },
    'allow-skips': { type: 'flag', group: 'workload', description: 'pass a run even if most of its operations were skipped (forks that failed)' },
    transport: { type: 'choice', choices: ['inline', 'threads'], default: STRESS_DEFAULTS.transport, group: 'where it runs', description: 'inline (seeded interleaving, replayable) or threads' },
    workers: { type: 'integer', value: 'N', min: 1, max: 256, defaultText: 'CPU count', group: 'where it runs', description: 'threads: kernel worker threads (also with --seeds); --seeds on inline: pool threads' },
    placement: { type: 'choice', choices: ['co-locate', 'spread'], defaultText: 'co-locate', group: 'where it runs', description: 'threads: co-locate or spread namespaces over workers' },
    seeds: { type: 'integer', value: 'N', min: 1, max: 100_000, group: 'where it runs', description: 'run N seeds (seed, seed+1, ...), each on its own kernel: inline in parallel on pool threads, threads one at a time' },
    queue: { type: 'string', value: 'URL', group: 'over many hosts (Redis and BullMQ; workers: pidsim worker --queue URL)', description: 'farm the --seeds to the workers of the Redis at URL (redis://HOST:PORT) and follow the run' },
    name: { type: 'string', value: 'RUN', defaultText: 'a new name, printed', group: 'over many hosts (Redis and BullMQ; workers: pidsim worker --queue URL)', description: "the run's name: resumes that run when it exists" },
    batch: { type: 'integer', value: 'N', min: 1, max: 10_000, defaultText: 'one job per seed up to 500 seeds, then about 500 jobs', group: 'over many hosts (Redis and BullMQ; workers: pidsim worker --queue URL)', description: 'seeds per job' },
    ops: { type: 'string', value: 'LIST', group: 'replay and shrinking', description: 'run only these operations of the workload, e.g. 0-2,17,40-41' },
    chaos: { type: 'integer', value: 'N', min: 0, max: 0x7fffffff, group: 'replay and shrinking', description: 'inline: the seed makes only the first N delivery choices' },
    'no-shrink': { type: 'flag', group: 'replay and shrinking', description: 'do not shrink a failure' },
    'shrink-time': { type: 'seconds', value: 'S', min: 0, max: 3600, default: STRESS_DEFAULTS.shrinkSeconds, group: 'replay and shrinking', description: 'seconds shrinking may take' },
    report: { type: 'string', value: 'FILE', group: 'output', description: 'write a JSON report (operations, ops/s, latency percentiles, memory, ...)' },
    watchdog: { type: 'seconds', value: 'S', min: 0.1, max: 3600, default: STRESS_DEFAULTS.watchdogSeconds, group: 'output', description: 'threads: seconds without any call moving that count as a hang' },
    'no-progress': { type: 'flag', group: 'output', description: 'no progress bar or progress lines' },
    ...TRACE_OPTIONS,
    trace: { ...TRACE_OPTIONS.trace, description: 'one seed: write the run as a Chrome trace-event JSON file for Perfetto UI (docs/trace.md)' },
    ...HTML_OPTION,
    html: { ...HTML_OPTION.html, description: 'a self-contained HTML page: operations and processes over time, latencies, failures (docs/report.md)' },
  },
  footer: `exit status: 0 every invariant held, 1 a failure was found, 2 bad options,
3 incomplete (more than half of the operations skipped, without --allow-skips),
130 stopped by SIGINT (Ctrl-C), 143 stopped by SIGTERM.`,
});

type StressValues = ParsedCommand<typeof STRESS_COMMAND.options>;

/** Decodes `pidsim stress` arguments (null: --help); `randomSeed` is used when --seed is absent. */
export function parseStressArgs(args: readonly string[], randomSeed?: () => number): StressCliOptions | null {
  const parsed = parseCommand(STRESS_COMMAND, args);
  return parsed && stressOptionsOf(parsed, randomSeed);
}

/** The options of one `pidsim stress` command line, checked together. */
export function stressOptionsOf(parsed: StressValues, randomSeed: () => number = () => Math.floor(Math.random() * 0x100000000)): StressCliOptions {
  const o = parsed.options;
  const { seeds, transport, workers, placement, chaos } = o;
  let ops: number[] | undefined;
  if (o.ops !== undefined) {
    const list = parseOpList(o.ops);
    if (!Array.isArray(list)) throw new CommandUsageError(`--ops must list operation indices like 0-2,17, received ${JSON.stringify(o.ops)}: ${list.error}`);
    ops = list;
  }
  if (seeds !== undefined && ops !== undefined) throw new CommandUsageError('--ops replays one seed; it cannot be combined with --seeds');
  if (chaos !== undefined && transport === 'threads') {
    throw new CommandUsageError('--chaos limits the inline transport\'s seeded delivery choices; threads makes none');
  }
  if (seeds !== undefined && chaos !== undefined) throw new CommandUsageError('--chaos replays one seed; it cannot be combined with --seeds');
  if (placement !== undefined && transport !== 'threads') throw new CommandUsageError('--placement applies to --transport threads');
  if (workers !== undefined && transport !== 'threads' && seeds === undefined) {
    throw new CommandUsageError(`--workers applies to --transport threads (kernel workers, also with --seeds) or to --seeds on inline (pool threads), received "${workers}" for one inline run`);
  }
  const { queue, name, batch } = farmOptions(parsed, ops);
  if (o['no-shrink'] && parsed.given.has('shrink-time')) throw new CommandUsageError('--shrink-time cannot be combined with --no-shrink');
  const trace = traceOptionsOf(o);
  if (trace && seeds !== undefined) throw new CommandUsageError('--trace writes the run of one seed; it cannot be combined with --seeds (replay the seed to trace with --seed N)');
  const html = htmlFileOf(o);
  if (queue !== undefined && (trace || html !== undefined)) {
    throw new CommandUsageError(`--${trace ? 'trace' : 'html'} is not written by a farm over Redis (--queue); replay a seed locally with --seed N to get one`);
  }
  return {
    seed: o.seed ?? randomSeed() >>> 0,
    seedGiven: o.seed !== undefined,
    seeds,
    transport,
    depth: o.depth,
    fanout: o.fanout,
    processes: o.processes,
    concurrency: o.concurrency,
    workers,
    placement,
    chaos,
    pidMax: o['pid-max'],
    allowSkips: o['allow-skips'],
    ops,
    watchdogSeconds: o.watchdog,
    shrink: !o['no-shrink'],
    shrinkSeconds: o['shrink-time'],
    report: o.report,
    progress: !o['no-progress'],
    queue,
    name,
    batch,
    given: parsed.given,
    trace,
    html,
  };
}

/** --queue, --name and --batch, and what they cannot be combined with. */
function farmOptions({ options: o, given }: StressValues, ops: unknown) {
  let queue: RedisUrl | undefined;
  if (o.queue !== undefined) {
    const url = parseRedisUrl(o.queue);
    if ('error' in url) throw new CommandUsageError(`--queue must be a Redis URL like redis://HOST:PORT, received ${JSON.stringify(o.queue)}: ${url.error}`);
    queue = url;
  }
  const { name, batch } = o;
  if (name !== undefined && !RUN_NAME.test(name)) {
    throw new CommandUsageError(`--name must be 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit, received ${JSON.stringify(name)}`);
  }
  if (queue === undefined) {
    if (name !== undefined) throw new CommandUsageError(`--name applies to a farm over Redis (--queue URL), received ${JSON.stringify(name)} without --queue`);
    if (batch !== undefined) throw new CommandUsageError(`--batch applies to a farm over Redis (--queue URL), received "${batch}" without --queue`);
    return { queue, name: undefined, batch: undefined };
  }
  if (o.transport === 'threads') throw new CommandUsageError('--queue farms seeds to workers that run each on an inline kernel; it cannot be combined with --transport threads');
  if (ops !== undefined || o.chaos !== undefined) throw new CommandUsageError(`--${ops !== undefined ? 'ops' : 'chaos'} replays one seed; it cannot be combined with --queue`);
  if (o.workers !== undefined) throw new CommandUsageError(`--workers sets local pool threads; with --queue each host's pidsim worker sets its own (--concurrency), received "${o.workers}"`);
  // The farm's run definition does not carry them yet: refused rather than silently dropped.
  for (const flag of ['pid-max', 'allow-skips']) if (given.has(flag)) throw new CommandUsageError(`--${flag} is not carried to the workers of a farm over Redis; it cannot be combined with --queue`);
  if (o.seeds === undefined && name === undefined) throw new CommandUsageError('--queue needs --seeds N to start a run, or --name RUN to follow or resume one');
  return { queue, name, batch };
}

/** Kernel workers for threads (one seed or --seeds), or pool threads for --seeds on inline: --workers, else the CPU count. */
export function workerCount(o: StressCliOptions): number {
  return o.workers ?? availableParallelism();
}
