// `pidsim run FILE... [--backend inline|threads|linux] [--seed N] [--json] ...`:
// runs scenario files and prints what each step observed. Exit status:
// 0 every expectation held; 1 an expectation failed or a scenario could not
// go on; 2 bad usage, a malformed file, or a backend that cannot run here;
// 3 nothing failed but a scenario was skipped (so a skip never reads as a pass).

import { parseVariantChoice, variantOf, type Kernel, type KernelTrace, type KernelVariant, type TraceOptions } from '../index.js';
import { runCommand } from '../cli/command-entry.js';
import { CommandUsageError, defineCommand, type ParsedCommand } from '../cli/command-spec.js';
import { TRACE_OPTIONS, traceOptionsOf } from '../cli/output-options.js';
import { BackendUnavailableError, type BackendFactory } from './scenario-backend.js';
import { describeHost, hostFingerprint } from './kernel-fingerprint.js';
import { linuxBackend } from './linux-backend.js';
import { pidsimBackend } from './pidsim-backend.js';
import { loadScenario, ScenarioError } from './scenario-loader.js';
import { renderJsonLines, renderTable } from './scenario-report.js';
import { runScenario } from './scenario-runner.js';

export const RUN_COMMAND = defineCommand({
  name: 'run',
  synopsis: ['FILE... [--backend inline|threads|linux] [--seed N] [--json]', '[--workers N] [--placement co-locate|spread] [--variant NAME=VALUE]...', '[--trace FILE [--trace-ns N] [--trace-window A:B]]'],
  about: `Runs scenario files (JSON or YAML, see docs/scenarios.md) and prints each step's
observation: a table, or JSON lines with --json; after several files, a total.`,
  arguments: { name: 'FILE', min: 1, max: Infinity, description: 'a scenario file, JSON or YAML' },
  options: {
    backend: {
      type: 'choice',
      choices: ['inline', 'threads', 'linux'],
      default: 'inline',
      description: 'inline: the emulator, one thread, seeded interleavings; threads: the emulator on worker threads; linux: real processes on this kernel (needs root), saying which kernel variant the host has',
    },
    seed: { type: 'integer', value: 'N', min: 0, max: 0xffffffff, default: 1, description: 'the inline/threads seed; ignored by linux' },
    workers: { type: 'integer', value: 'N', min: 1, max: 256, defaultText: 'the CPUs', description: 'threads: how many worker threads' },
    placement: { type: 'choice', choices: ['co-locate', 'spread'], defaultText: 'co-locate, a namespace with its parent', description: 'threads: where namespaces go' },
    variant: {
      type: 'string',
      value: 'NAME=VALUE',
      multiple: true,
      description: 'pidsim: behave like a kernel build where builds differ, e.g. orphanedPgrpSighup=stopped-members (docs/deviations.md); or --variant host: like this machine\'s kernel (probed, needs root)',
    },
    json: { type: 'flag', description: 'one JSON object per step, then a summary line' },
    ...TRACE_OPTIONS,
    trace: { ...TRACE_OPTIONS.trace, description: 'inline or threads, one FILE: write the run as a trace for Perfetto UI (docs/trace.md)' },
  },
  footer: 'exit status: 0 passed, 1 an expectation failed, 2 usage/file/backend error, 3 skipped.',
});

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
  readonly trace: TraceOptions | undefined;
}

/** What the declared options cannot say alone: which options go together. */
function runOptionsOf({ options: o, args }: ParsedCommand<typeof RUN_COMMAND.options>): CliOptions {
  let variant: CliOptions['variant'] = {};
  if (o.variant.includes('host')) {
    if (o.variant.length > 1) throw new CommandUsageError(`--variant host cannot be combined with NAME=VALUE choices, received ${o.variant.map((v) => JSON.stringify(v)).join(', ')}`);
    variant = 'host';
  } else {
    for (const v of o.variant) {
      try {
        variant = { ...variant, ...parseVariantChoice(v) };
      } catch (e) {
        throw new CommandUsageError(`--variant: ${(e as Error).message}`);
      }
    }
  }
  if (o.backend !== 'threads' && (o.workers !== undefined || o.placement !== undefined)) {
    throw new CommandUsageError(`--workers and --placement are for --backend threads; received --backend ${o.backend}`);
  }
  if (o.backend === 'linux' && (variant === 'host' || Object.keys(variant).length > 0)) {
    throw new CommandUsageError('--variant sets up pidsim; the linux backend has the host kernel\u2019s own');
  }
  const trace = traceOptionsOf(o);
  if (trace && o.backend === 'linux') throw new CommandUsageError('--trace records the emulator; the linux backend has no trace (use --backend inline or threads)');
  if (trace && args.length > 1) throw new CommandUsageError(`--trace writes one scenario's run; received ${args.length} files`);
  return { files: args, backend: o.backend, seed: o.seed, json: o.json, workers: o.workers, placement: o.placement, variant, trace };
}

/** Runs `pidsim run` with `args` (what follows `run` on the command line); resolves to the exit status. */
export function runScenarioCli(args: readonly string[], io: CliIo): Promise<number> {
  return runCommand(RUN_COMMAND, args, io, (parsed) => runScenarios(runOptionsOf(parsed), io));
}

async function runScenarios(options: CliOptions, io: CliIo): Promise<number> {
  const say = (text: string): void => void io.stderr.write(`pidsim run: ${text}\n`);
  let status = 0;
  const worse = (s: number): void => {
    const rank = (x: number): number => [0, 3, 1, 2].indexOf(x);
    if (rank(s) > rank(status)) status = s;
  };
  let factory: BackendFactory;
  let trace: KernelTrace | undefined;
  const traced = options.trace;
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
