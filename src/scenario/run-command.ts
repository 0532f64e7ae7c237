// `pidsim run FILE... [--backend inline|threads|linux] [--seed N] [--json] ...`:
// runs scenario files and prints what each step observed. Exit status:
// 0 every expectation held; 1 an expectation failed or a scenario could not
// go on; 2 bad usage, a malformed file, or a backend that cannot run here;
// 3 nothing failed but a scenario was skipped (so a skip never reads as a pass).

import { parseVariantChoice, variantOf, type Kernel, type KernelTrace, type KernelVariant, type TraceOptions } from '../index.js';
import { BackendUnavailableError, type BackendFactory } from './scenario-backend.js';
import { describeHost, hostFingerprint } from './kernel-fingerprint.js';
import { linuxBackend } from './linux-backend.js';
import { pidsimBackend } from './pidsim-backend.js';
import { loadScenario, ScenarioError } from './scenario-loader.js';
import { renderJsonLines, renderTable } from './scenario-report.js';
import { runScenario } from './scenario-runner.js';

export const RUN_USAGE = `usage: pidsim run FILE... [--backend inline|threads|linux] [--seed N] [--json]
                       [--workers N] [--placement co-locate|spread] [--variant NAME=VALUE]...

Runs scenario files (JSON or YAML, see docs/scenarios.md) and prints each step's
observation: a table, or JSON lines with --json; after several files, a total.
  --backend    inline (default): the emulator, one thread, seeded interleavings
               threads: the emulator on worker threads
               linux: real processes on this kernel (needs root); says which
               kernel variant the host has
  --seed N     the inline/threads seed (default 1); ignored by linux
  --workers N  threads: how many worker threads (default: the CPUs)
  --placement  threads: co-locate (default: a namespace with its parent) or spread
  --variant NAME=VALUE
               pidsim: behave like a kernel build where builds differ, e.g.
               orphanedPgrpSighup=stopped-members (docs/deviations.md); or
               --variant host: like this machine's kernel (probed, needs root)
  --json       one JSON object per step, then a summary line
  --trace FILE inline or threads, one FILE: write the run as a trace for
               Perfetto UI (--trace-ns N, --trace-window A:B; docs/trace.md)
Exit status: 0 passed, 1 an expectation failed, 2 usage/file/backend error, 3 skipped.
`;

export interface CliIo {
  readonly stdout: NodeJS.WritableStream & { isTTY?: boolean };
  readonly stderr: NodeJS.WritableStream;
}

interface CliOptions {
  readonly files: readonly string[];
  readonly backend: 'inline' | 'threads' | 'linux';
  readonly seed: number;
  readonly json: boolean;
  readonly workers: number | undefined;
  readonly placement: 'co-locate' | 'spread' | undefined;
  /** The kernel variant choices given, or 'host' (probe this machine's kernel). */
  readonly variant: Partial<KernelVariant> | 'host';
}

class UsageError extends Error {}

function parseArgs(args: readonly string[]): CliOptions | 'help' {
  const files: string[] = [];
  let backend: CliOptions['backend'] = 'inline';
  let seed = 1;
  let json = false;
  let workers: number | undefined;
  let placement: CliOptions['placement'];
  let variant: CliOptions['variant'] = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    const value = (): string => {
      if (eq > 0) return arg.slice(eq + 1);
      const v = args[++i];
      if (v === undefined) throw new UsageError(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '-h':
      case '--help':
        return 'help';
      case '--json':
        json = true;
        break;
      case '--backend': {
        const v = value();
        if (v !== 'inline' && v !== 'threads' && v !== 'linux') throw new UsageError(`--backend must be inline, threads or linux; received ${JSON.stringify(v)}`);
        backend = v;
        break;
      }
      case '--seed': {
        const v = value();
        if (!/^\d+$/.test(v) || Number(v) > 0xffffffff) throw new UsageError(`--seed must be an integer 0..4294967295; received ${JSON.stringify(v)}`);
        seed = Number(v);
        break;
      }
      case '--workers': {
        const v = value();
        if (!/^\d+$/.test(v) || Number(v) < 1 || Number(v) > 256) throw new UsageError(`--workers must be an integer 1..256; received ${JSON.stringify(v)}`);
        workers = Number(v);
        break;
      }
      case '--placement': {
        const v = value();
        if (v !== 'co-locate' && v !== 'spread') throw new UsageError(`--placement must be co-locate or spread; received ${JSON.stringify(v)}`);
        placement = v;
        break;
      }
      case '--variant': {
        const v = value();
        if (v === 'host') variant = 'host';
        else if (variant === 'host') throw new UsageError('--variant host cannot be combined with NAME=VALUE choices');
        else {
          try {
            variant = { ...variant, ...parseVariantChoice(v) };
          } catch (e) {
            throw new UsageError(`--variant: ${(e as Error).message}`);
          }
        }
        break;
      }
      default:
        if (arg.startsWith('-')) throw new UsageError(`unknown option ${JSON.stringify(arg)}`);
        files.push(arg);
    }
  }
  if (files.length === 0) throw new UsageError('no scenario file given');
  if (backend !== 'threads' && (workers !== undefined || placement !== undefined)) {
    throw new UsageError(`--workers and --placement are for --backend threads; received --backend ${backend}`);
  }
  if (backend === 'linux' && (variant === 'host' || Object.keys(variant).length > 0)) {
    throw new UsageError('--variant sets up pidsim; the linux backend has the host kernel\u2019s own');
  }
  return { files, backend, seed, json, workers, placement, variant };
}

/** Runs `pidsim run` with `args` (what follows `run` on the command line); resolves to the exit status. */
export async function runScenarioCli(args: string[], io: CliIo, outputs: { readonly trace?: TraceOptions | undefined } = {}): Promise<number> {
  const say = (text: string): void => void io.stderr.write(`pidsim run: ${text}\n`);
  let options: CliOptions;
  try {
    const parsed = parseArgs(args);
    if (parsed === 'help') {
      io.stdout.write(RUN_USAGE);
      return 0;
    }
    options = parsed;
    if (outputs.trace && options.backend === 'linux') throw new UsageError('--trace records the emulator; the linux backend has no trace (use --backend inline or threads)');
    if (outputs.trace && options.files.length > 1) throw new UsageError(`--trace writes one scenario's run; received ${options.files.length} files`);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    say(e.message);
    io.stderr.write(RUN_USAGE);
    return 2;
  }
  let status = 0;
  const worse = (s: number): void => {
    const rank = (x: number): number => [0, 3, 1, 2].indexOf(x);
    if (rank(s) > rank(status)) status = s;
  };
  let factory: BackendFactory;
  let trace: KernelTrace | undefined;
  const traced = outputs.trace;
  const onKernel = traced
    ? (kernel: Kernel): void => {
        trace?.close();
        trace = kernel.trace(traced);
      }
    : undefined;
  try {
    factory = await factoryFor(options, say, onKernel);
  } catch (e) {
    say((e as Error).message);
    return 2;
  }
  const totals = { passed: 0, failed: 0, error: 0, skipped: 0 };
  for (const file of options.files) {
    let scenario;
    try {
      scenario = await loadScenario(file);
    } catch (e) {
      if (!(e instanceof ScenarioError)) throw e;
      for (const line of e.message.split('\n')) say(line);
      worse(2);
      continue;
    }
    let run;
    try {
      run = await runScenario(scenario, factory);
    } catch (e) {
      if (!(e instanceof BackendUnavailableError)) throw e;
      say(e.message);
      return 2;
    }
    if (trace) {
      const t = trace.close();
      say(`trace: ${t.file} (${t.records} records)`);
    }
    io.stdout.write(options.json ? renderJsonLines(run) : renderTable(run));
    if (run.status === 'failed') for (const f of run.failures) say(`${file}: ${f}`);
    if (run.status === 'error') say(`${file}: ${run.reason}`);
    if (run.status === 'skipped') say(`${file}: SKIPPED, not passed: ${run.reason}`);
    totals[run.status]++;
    worse(run.status === 'passed' ? 0 : run.status === 'skipped' ? 3 : 1);
  }
  if (options.files.length > 1) {
    const line = `${totals.passed} passed, ${totals.failed + totals.error} failed${totals.skipped ? `, ${totals.skipped} skipped` : ''} (${options.files.length} files on ${factory.name})`;
    io.stdout.write(options.json ? `${JSON.stringify({ total: { ...totals, files: options.files.length, backend: factory.name } })}\n` : `${line}\n`);
  }
  return status;
}

/**
 * The backend the options ask for. The linux backend says which kernel
 * variant the host has (on stderr, so JSON output stays clean); `--variant
 * host` probes it to set pidsim up the same way.
 */
async function factoryFor(o: CliOptions, say: (text: string) => void, onKernel?: (kernel: Kernel) => void): Promise<BackendFactory> {
  if (o.backend === 'linux') {
    const linux = linuxBackend();
    try {
      say(`host kernel ${describeHost(await hostFingerprint(linux))}`);
    } catch (e) {
      // Unavailable: the run says so itself. Anything else: the runs go on, their variant steps will tell.
      if (!(e instanceof BackendUnavailableError)) say(`the host kernel's variant is unknown: ${(e as Error).message}`);
    }
    return linux;
  }
  let variant: KernelVariant;
  if (o.variant === 'host') {
    const host = await hostFingerprint(linuxBackend());
    say(`host kernel ${describeHost(host)}: pidsim set up the same way`);
    variant = host.variant;
  } else {
    variant = variantOf(o.variant);
  }
  return pidsimBackend(o.backend, o.seed, { variant, workers: o.workers, placement: o.placement, ...(onKernel ? { onKernel } : {}) });
}
