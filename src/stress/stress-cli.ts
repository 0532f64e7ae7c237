// `pidsim stress`: decodes the options, runs one seed (inline or threads) or
// a farm of seeds, prints the outcome - on a failure the seed, the invariant,
// the processes involved and the command that replays it, then the shrunk
// reproducer - and writes the JSON report. Exit status: 0 passed, 1 a failure
// was found, 2 bad options.

import { existsSync, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ProgressDisplay, count, duration } from './progress-display.js';
import { replayCommand, type ReplaySpec } from './replay-command.js';
import { runSeedFarm } from './seed-farm.js';
import { shrinkFailure, type ShrinkResult } from './shrinker.js';
import { formatFailure, type StressFailure } from './stress-failure.js';
import { STRESS_USAGE, StressUsageError, parseStressArgs, workerCount, type StressCliOptions } from './stress-options.js';
import { farmReport, runReport, shrinkReport, summaryLines, type ShrinkReport } from './stress-report.js';
import { runStress } from './stress-run.js';
import { generateWorkload, type Workload, type WorkloadShape } from './workload-generator.js';
import { describeOp } from './workload-ops.js';
import { TRACE_USAGE } from '../trace/index.js';
import { RunTimeline } from './run-timeline.js';
import { traceShrunk, writeStressHtml } from './stress-html-output.js';
import type { ShrunkEntry } from '../report/stress-html.js';
import type { Kernel, KernelTrace, TraceOptions } from '../index.js';

export interface StressIo {
  readonly stdout: NodeJS.WritableStream & { isTTY?: boolean };
  readonly stderr: NodeJS.WritableStream;
}

/** What `pidsim stress` writes besides its report: a trace of the run, an HTML page (src/cli/output-args.ts). */
export interface StressOutputs {
  readonly trace?: TraceOptions | undefined;
  readonly html?: string | undefined;
}

/** `pidsim stress ARGS`: resolves the exit status. */
export async function runStressCli(args: string[], io: StressIo, outputs: StressOutputs = {}): Promise<number> {
  let o: StressCliOptions;
  try {
    o = parseStressArgs(args);
    if (o.help) {
      io.stdout.write(`${STRESS_USAGE}\nalso (docs/trace.md, docs/report.md):\n${TRACE_USAGE}  --html FILE           a self-contained HTML page: operations and processes over time, latencies, failures\n`);
      return 0;
    }
    checkReportPath(o.report);
    if (outputs.trace && o.seeds !== undefined) throw new StressUsageError('--trace writes the run of one seed; it cannot be combined with --seeds (replay the seed to trace with --seed N)');
    if (o.queue !== undefined) {
      // Loaded only here: a run without --queue never loads BullMQ.
      const { runQueueStress } = await import('../redis-farm/queue-stress-cli.js');
      return await runQueueStress(o, io);
    }
    return o.seeds === undefined ? await stressOne(o, io, outputs) : await stressFarm(o, io, outputs);
  } catch (e) {
    if (e instanceof StressUsageError) {
      io.stderr.write(`pidsim stress: ${e.message}\n(pidsim stress --help lists the options)\n`);
      return 2;
    }
    throw e;
  }
}

function checkReportPath(path: string | undefined): void {
  if (path === undefined) return;
  const dir = dirname(resolve(path));
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new StressUsageError(`--report: the directory ${dir} does not exist, received ${JSON.stringify(path)}`);
}

export function shapeOf(o: StressCliOptions): WorkloadShape {
  return { depth: o.depth, fanout: o.fanout, processes: o.processes, concurrency: o.concurrency };
}

export function describeShape(s: WorkloadShape): string {
  return `depth ${s.depth}, fan-out ${s.fanout}, ${count(s.processes)} processes, ${count(s.concurrency)} in flight`;
}

export function writeReport(io: StressIo, path: string | undefined, report: unknown): void {
  if (path === undefined) return;
  writeFileSync(path, `${JSON.stringify(report, null, 2)}\n`);
  io.stdout.write(`  report: ${path}\n`);
}

async function stressOne(o: StressCliOptions, io: StressIo, outputs: StressOutputs): Promise<number> {
  const out = io.stdout;
  const shape = shapeOf(o);
  const workload = generateWorkload(o.seed, shape);
  const bad = o.ops?.find((i) => i >= workload.ops.length);
  if (bad !== undefined) {
    throw new StressUsageError(`--ops names operation ${bad}, but the workload of seed ${o.seed} has ${workload.ops.length} (0..${workload.ops.length - 1})`);
  }
  const threads = o.transport === 'threads';
  const workers = threads ? workerCount(o) : undefined;
  const spec: ReplaySpec = { seed: o.seed, shape, transport: o.transport, workers, placement: o.placement, chaos: o.chaos, ops: o.ops };
  const where = threads ? `threads (${workers} workers${o.placement === 'spread' ? ', spread' : ''})` : 'inline';
  out.write(`pidsim stress: seed ${o.seed}${o.seedGiven ? '' : ' (random)'}, ${where}, ${describeShape(shape)}${o.ops ? `, ${count(o.ops.length)} of ${count(workload.ops.length)} operations` : ''}${o.chaos !== undefined ? `, chaos ${o.chaos}` : ''}\n`);
  const display = new ProgressDisplay(out, o.progress);
  let trace: KernelTrace | undefined;
  const traced = outputs.trace;
  const timeline = outputs.html ? new RunTimeline() : undefined;
  const result = await runStress({
    ...shape,
    seed: o.seed,
    transport: o.transport,
    workers,
    placement: o.placement,
    chaos: o.chaos,
    ops: o.ops ? new Set(o.ops) : undefined,
    watchdogMs: o.watchdogSeconds * 1000,
    workload,
    catchUncaught: true,
    onKernel: (k: Kernel) => {
      if (traced) trace = k.trace(traced);
      timeline?.attach(k);
    },
    onProgress: (p) => {
      timeline?.sample(p);
      display.update(
        p.opsDone / Math.max(1, p.opsPlanned),
        `round ${p.round + 1}/${p.rounds} · ${count(p.forksDone)} forks · ${count(p.opsDone)} ops · ${count((p.calls * 1000) / Math.max(1, p.elapsedMs))} syscalls/s · ${count(p.liveProcesses)} processes · ${count(p.liveNamespaces)} namespaces · ${duration(p.elapsedMs)}`,
      );
    },
  });
  display.clear();
  timeline?.detach();
  if (trace) {
    const t = trace.close();
    out.write(`  trace: ${t.file} (${count(t.records)} records, ${count(Math.round(t.bytes / 1024))} KiB)\n`);
  }
  const command = replayCommand(spec);
  const inlineReplay = threads ? replayCommand({ ...spec, transport: 'inline', workers: undefined, placement: undefined }) : undefined;
  let shrunk: ShrinkReport | null = null;
  if (result.passed) {
    out.write(`PASSED seed ${o.seed}: every invariant held at ${result.quiescentChecks} quiescent points${result.transport === 'inline' ? ` and over ${count(result.events.events)} events` : ''}\n`);
  } else {
    const f = result.failure!;
    out.write(`FAILED seed ${o.seed}${threads ? ' on threads' : ''}: ${headline(f)} (round ${f.round + 1} of ${result.roundsPlanned}, after ${count(result.counters.opsDone)} operations)\n`);
    out.write(`${formatFailure(f)}\n`);
    if (threads) {
      out.write(`  a threads interleaving does not replay; the same workload runs again with:\n    ${command}\n  and replays exactly on inline (if the failure happens there too) with:\n    ${inlineReplay}\n`);
    } else {
      out.write(`  replay: ${command}\n`);
    }
  }
  for (const line of summaryLines(result.counters, result.events, result.wallMs, result.checkMs)) out.write(`${line}\n`);
  if (!result.passed && o.shrink) shrunk = await shrinkAndPrint(o, io, workload, result.failure!, spec);
  writeReport(io, o.report, runReport({ result, command, inlineReplay, workers, placement: o.placement, opsOption: o.ops, shrunk }));
  if (outputs.html) {
    const shrunkEntry = shrunk?.reproduced ? await traceShrunk(outputs.html, o.seed, shape, workload, shrunk) : null;
    writeStressHtml(outputs.html, {
      title: `seed ${o.seed}, ${where}, ${describeShape(shape)}`,
      command,
      passed: result.passed,
      summary: summaryLines(result.counters, result.events, result.wallMs, result.checkMs),
      timeline: timeline!.summary(),
      perSeed: null,
      latency: result.counters.syscalls,
      failures: result.failure ? [{ seed: o.seed, headline: headline(result.failure), details: formatFailure(result.failure), replay: threads ? inlineReplay! : command }] : [],
      shrunk: shrunkEntry,
    });
    out.write(`  html: ${outputs.html}${shrunkEntry?.traceLink ? ` (the shrunk reproducer's trace beside it: ${shrunkEntry.traceLink})` : ''}\n`);
  }
  return result.passed ? 0 : 1;
}

export function headline(f: StressFailure): string {
  if (f.kind === 'hang') return `a hang: ${f.pending.length} calls never settled (invariant 6)`;
  if (f.kind === 'crash') return 'the kernel failed (an actor threw, or a call ended with something other than an errno)';
  return f.invariant === null ? 'a syscall returned an impossible result' : `invariant ${f.invariant} broken`;
}

async function shrinkAndPrint(o: StressCliOptions, io: StressIo, workload: Workload, failure: StressFailure, spec: ReplaySpec): Promise<ShrinkReport> {
  const out = io.stdout;
  out.write(`shrinking on inline (up to ${o.shrinkSeconds} s)...\n`);
  const display = new ProgressDisplay(out, o.progress);
  const s = await shrinkFailure({
    seed: o.seed,
    shape: spec.shape,
    failure,
    ops: o.ops,
    chaos: o.chaos,
    workload,
    budgetMs: o.shrinkSeconds * 1000,
    catchUncaught: true,
    onTrial: (t) => display.update(Math.min(1, t.elapsedMs / (o.shrinkSeconds * 1000)), `trial ${t.trials}: ${count(t.ops)} operations, chaos ${t.chaos ?? 'unlimited'}`),
  });
  display.clear();
  const replay = replayCommand({ ...spec, transport: 'inline', workers: undefined, placement: undefined, chaos: s.chaos, ops: s.ops });
  printShrunk(io, s, workload, replay, o.seed);
  return shrinkReport(s, replay);
}

export function printShrunk(io: StressIo, s: ShrinkResult, workload: Workload, replay: string, seed: number): void {
  const out = io.stdout;
  if (!s.reproduced) {
    out.write(`  the failure did not happen again on inline with seed ${seed}, so there is nothing to shrink (run it again, or try more seeds)\n`);
    return;
  }
  const choices = s.originalChoices === null ? '' : ` (of ${count(s.originalChoices)})`;
  out.write(
    `minimal reproducer: ${count(s.ops.length)} operations (of ${count(s.originalOps)}), ${count(s.choices)} scheduling choices${choices}; ${s.trials} trials, ${duration(s.elapsedMs)}${s.budgetExhausted ? ' (time ran out: it may shrink further with more --shrink-time)' : ''}\n`,
  );
  const shown = s.ops.slice(0, 40);
  for (const i of shown) out.write(`    #${String(i).padEnd(6)} ${describeOp(workload.ops[i]!)}\n`);
  if (s.ops.length > shown.length) out.write(`    ... and ${s.ops.length - shown.length} more\n`);
  if (s.failure) out.write(`${formatFailure(s.failure)}\n`);
  out.write(`  replay: ${replay}\n`);
}

async function stressFarm(o: StressCliOptions, io: StressIo, outputs: StressOutputs): Promise<number> {
  const out = io.stdout;
  const shape = shapeOf(o);
  const seeds = o.seeds!;
  const threads = workerCount(o);
  const last = (o.seed + seeds - 1) >>> 0;
  out.write(`pidsim stress: ${count(seeds)} seeds (${o.seed}..${last}${o.seedGiven ? '' : ', random start'}) on ${threads} pool threads, each on an inline kernel: ${describeShape(shape)}\n`);
  const display = new ProgressDisplay(out, o.progress);
  const shrinkDisplay = new ProgressDisplay(out, o.progress);
  let shrinkStarted = 0;
  const farm = await runSeedFarm({
    firstSeed: o.seed,
    seeds,
    shape,
    threads,
    watchdogMs: o.watchdogSeconds * 1000,
    shrinkBudgetMs: o.shrink ? o.shrinkSeconds * 1000 : undefined,
    onProgress: (p) =>
      display.update(
        p.done / p.seeds,
        `${count(p.done)}/${count(p.seeds)} seeds · ${count(p.passed)} passed · ${count(p.failed)} failed · ${p.running} running · ${count(p.forks)} forks · ${count((p.calls * 1000) / Math.max(1, p.elapsedMs))} syscalls/s · ${duration(p.elapsedMs)}`,
      ),
    onShrink: (seed, trials, ops) => {
      display.clear();
      if (trials === 0) {
        shrinkStarted = performance.now();
        out.write(`shrinking seed ${seed} on a pool thread (up to ${o.shrinkSeconds} s)...\n`);
      }
      else shrinkDisplay.update(Math.min(1, (performance.now() - shrinkStarted) / (o.shrinkSeconds * 1000)), `trial ${trials}: ${count(ops)} operations`);
    },
  });
  display.clear();
  shrinkDisplay.clear();
  const failures = [
    ...farm.results.filter((r) => !r.passed).map((r) => ({ seed: r.seed, failure: r.failure! })),
    ...farm.lost,
  ].sort((a, b) => a.seed - b.seed);
  const replays = new Map<number, string>();
  for (const f of failures) replays.set(f.seed, replayCommand({ seed: f.seed, shape, transport: 'inline' }));
  const passed = farm.results.filter((r) => r.passed).length;
  out.write(`${count(seeds)} seeds in ${duration(farm.wallMs)} (${((seeds * 1000) / farm.wallMs).toFixed(2)} seeds/s): ${count(passed)} passed, ${count(failures.length)} failed${failures.length ? ` (seeds ${failures.map((f) => f.seed).join(', ')})` : ''}\n`);
  for (const line of summaryLines(farm.totals, farm.events, farm.wallMs)) out.write(`${line}\n`);
  const [first, ...others] = failures;
  if (first) {
    out.write(`FAILED seed ${first.seed}: ${headline(first.failure)}\n${formatFailure(first.failure)}\n  replay: ${replays.get(first.seed)}\n`);
    for (const f of others) out.write(`FAILED seed ${f.seed}: ${headline(f.failure)}: ${f.failure.violations[0]?.message ?? ''}\n  replay: ${replays.get(f.seed)}\n`);
  }
  let shrunk: (ShrinkReport & { seed: number }) | null = null;
  if (farm.shrunk) {
    const s = farm.shrunk.result;
    const replay = replayCommand({ seed: farm.shrunk.seed, shape, transport: 'inline', chaos: s.chaos, ops: s.ops });
    printShrunk(io, s, generateWorkload(farm.shrunk.seed, shape), replay, farm.shrunk.seed);
    shrunk = { ...shrinkReport(s, replay), seed: farm.shrunk.seed };
  }
  const command = `pidsim stress --seeds ${seeds} --seed ${o.seed} --depth ${shape.depth} --fanout ${shape.fanout} --processes ${shape.processes} --concurrency ${shape.concurrency}`;
  if (outputs.html) {
    let shrunkEntry: ShrunkEntry | null = null;
    if (farm.shrunk && shrunk?.reproduced) shrunkEntry = await traceShrunk(outputs.html, farm.shrunk.seed, shape, generateWorkload(farm.shrunk.seed, shape), shrunk);
    writeStressHtml(outputs.html, {
      title: `${count(seeds)} seeds (${o.seed}..${last}) on ${threads} pool threads, each inline: ${describeShape(shape)}`,
      command,
      passed: failures.length === 0,
      summary: summaryLines(farm.totals, farm.events, farm.wallMs),
      timeline: null,
      perSeed: farm.results.map((r) => ({ seed: r.seed, passed: r.passed, wallSeconds: r.wallMs / 1000, forks: r.counters.forksSucceeded })),
      latency: farm.totals.syscalls,
      failures: failures.map((f) => ({ seed: f.seed, headline: headline(f.failure), details: formatFailure(f.failure), replay: replays.get(f.seed)! })),
      shrunk: shrunkEntry,
    });
    out.write(`  html: ${outputs.html}\n`);
  }
  writeReport(
    io,
    o.report,
    farmReport({
      command,
      firstSeed: o.seed,
      seeds,
      threads,
      shape,
      results: farm.results,
      lost: farm.lost,
      totals: farm.totals,
      events: farm.events,
      wallMs: farm.wallMs,
      mainPeakRssBytes: farm.mainPeakRssBytes,
      replays,
      shrunk,
    }),
  );
  return failures.length === 0 ? 0 : 1;
}
