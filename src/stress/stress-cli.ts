// `pidsim stress`: decodes the options, plans the workload, runs one seed
// (inline or threads) or a farm of seeds, prints the outcome - on a failure
// the seed, the invariant, the processes involved and the command that
// replays it, then the shrunk reproducer - and writes the JSON report.
// Exit status: 0 passed, 1 a failure was found, 2 bad options, 3 incomplete
// (most operations skipped), 130/143 stopped by SIGINT/SIGTERM (stop-signals.ts).

import { accessSync, constants, existsSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import { ProgressDisplay, count, duration } from './progress-display.js';
import { replayCommand, type ReplaySpec } from './replay-command.js';
import { runSeedFarm } from './seed-farm.js';
import type { ThreadsKernel } from './seed-task.js';
import { shrinkFailure, type ShrinkResult } from './shrinker.js';
import { describeSkips, skipVerdict, type SkipVerdict } from './skip-verdict.js';
import { StopSignals, exitStatusFor } from './stop-signals.js';
import { formatFailure, type StressFailure } from './stress-failure.js';
import { STRESS_COMMAND, stressOptionsOf, workerCount, type StressCliOptions } from './stress-options.js';
import { runCommand } from '../cli/command-entry.js';
import { CommandUsageError } from '../cli/command-spec.js';
import { farmReport, opsText, runReport, shrinkReport, summaryLines, type RunVerdict, type ShrinkReport } from './stress-report.js';
import { pidMaxFor, runStress, unplannedResult, type StressResult, type StressRunOptions } from './stress-run.js';
import { generateWorkload, planWorkload, type Workload, type WorkloadShape } from './workload-generator.js';
import { describeOp } from './workload-ops.js';
import { RunTimeline } from './run-timeline.js';
import { traceShrunk, writeStressHtml } from './stress-html-output.js';
import type { ShrunkEntry } from '../report/stress-html.js';
import type { Kernel, KernelTrace, TraceOptions } from '../index.js';

/** Exit status of a run that passed every check but skipped most of its operations. */
const EXIT_INCOMPLETE = 3;

export interface StressIo {
  readonly stdout: NodeJS.WritableStream & { isTTY?: boolean };
  readonly stderr: NodeJS.WritableStream;
}

/** What `pidsim stress` writes besides its report: a trace of the run, an HTML page (src/cli/output-options.ts). */
interface StressOutputs {
  readonly trace?: TraceOptions | undefined;
  readonly html?: string | undefined;
}

/** `pidsim stress ARGS`: resolves the exit status. */
export function runStressCli(args: readonly string[], io: StressIo): Promise<number> {
  return runCommand(STRESS_COMMAND, args, io, async (parsed) => {
    const o = stressOptionsOf(parsed);
    checkReportPath(o.report);
    if (o.queue !== undefined) {
      // Loaded only here: a run without --queue never loads BullMQ.
      const { runQueueStress } = await import('../redis-farm/queue-stress-cli.js');
      return await runQueueStress(o, io);
    }
    const stop = new StopSignals((line) => io.stderr.write(line));
    try {
      const outputs = { trace: o.trace, html: o.html };
      return o.seeds === undefined ? await stressOne(o, io, outputs, stop) : await stressFarm(o, io, outputs, stop);
    } finally {
      stop.dispose();
    }
  });
}

/** --report must name a file that can be written, in a directory that exists: checked before anything runs. */
function checkReportPath(path: string | undefined): void {
  if (path === undefined) return;
  const received = JSON.stringify(path);
  const file = resolve(path);
  if (path.endsWith('/') || path.endsWith(sep) || (existsSync(file) && statSync(file).isDirectory())) {
    throw new CommandUsageError(`--report needs a file name, received the directory ${received} (e.g. --report ${join(path, 'stress.json')})`);
  }
  const dir = dirname(file);
  if (!existsSync(dir)) throw new CommandUsageError(`--report: the directory ${dir} does not exist, received ${received}`);
  if (!statSync(dir).isDirectory()) throw new CommandUsageError(`--report: ${dir} is not a directory, received ${received}`);
  try {
    accessSync(existsSync(file) ? file : dir, constants.W_OK);
  } catch {
    throw new CommandUsageError(`--report: ${existsSync(file) ? file : dir} is not writable, received ${received}`);
  }
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

async function stressOne(o: StressCliOptions, io: StressIo, outputs: StressOutputs, stop: StopSignals): Promise<number> {
  const out = io.stdout;
  const shape = shapeOf(o);
  const threads = o.transport === 'threads';
  const workers = threads ? workerCount(o) : undefined;
  const spec: ReplaySpec = { seed: o.seed, shape, transport: o.transport, workers, placement: o.placement, chaos: o.chaos, ops: o.ops, pidMax: o.pidMax, allowSkips: o.allowSkips };
  const command = replayCommand(spec);
  const inlineReplay = threads ? replayCommand({ ...spec, transport: 'inline', workers: undefined, placement: undefined }) : undefined;
  const where = threads ? `threads (${workers} workers${o.placement === 'spread' ? ', spread' : ''})` : 'inline';
  out.write(`pidsim stress: seed ${o.seed}${o.seedGiven ? '' : ' (random)'}, ${where}, ${describeShape(shape)}${o.ops ? `, ${count(o.ops.length)} operations of the plan` : ''}${o.chaos !== undefined ? `, chaos ${o.chaos}` : ''}\n`);
  const runOptions: StressRunOptions = {
    ...shape,
    seed: o.seed,
    transport: o.transport,
    workers,
    placement: o.placement,
    chaos: o.chaos,
    pidMax: o.pidMax,
    ops: o.ops ? new Set(o.ops) : undefined,
    watchdogMs: o.watchdogSeconds * 1000,
    catchUncaught: true,
    signal: stop.signal,
  };
  const report = (result: StressResult, verdict: RunVerdict, shrunk: ShrinkReport | null): void =>
    writeReport(io, o.report, runReport({ result, verdict, stoppedBy: stop.received, allowSkips: o.allowSkips, command, inlineReplay, workers, placement: o.placement, opsOption: o.ops, shrunk }));

  const display = new ProgressDisplay(out, o.progress);
  const planStarted = performance.now();
  const workload = await planWorkload(o.seed, shape, {
    signal: stop.signal,
    onProgress: (p) =>
      display.update(p.forks / shape.processes, `planning · ${count(p.forks)} of ${count(shape.processes)} forks · ${count(p.ops)} operations · ${duration(p.elapsedMs)}`),
  });
  const planningMs = performance.now() - planStarted;
  display.clear();
  if (!workload) {
    out.write(`INTERRUPTED seed ${o.seed} by ${stop.received} while planning, after ${duration(planningMs)}: nothing ran\n  replay: ${command}\n`);
    report(unplannedResult(runOptions, planningMs), 'interrupted', null);
    return exitStatusFor(stop.received!);
  }
  const bad = o.ops?.find((i) => i >= workload.ops.length);
  if (bad !== undefined) {
    throw new CommandUsageError(`--ops names operation ${bad}, but the workload of seed ${o.seed} has ${workload.ops.length} (0..${workload.ops.length - 1})`);
  }
  const pidMax = o.pidMax ?? pidMaxFor(workload);
  out.write(`  planned ${count(workload.ops.length)} operations in ${count(workload.rounds.length)} rounds in ${duration(planningMs)}; pid_max ${count(pidMax)}${o.pidMax === undefined ? ' (what the run needs)' : ''}\n`);
  let trace: KernelTrace | undefined;
  const traced = outputs.trace;
  const timeline = outputs.html ? new RunTimeline() : undefined;
  const result = await runStress({
    ...runOptions,
    pidMax,
    workload,
    planningMs,
    onKernel: (k: Kernel) => {
      if (traced) trace = k.trace(traced);
      timeline?.attach(k);
    },
    onProgress: (p) => {
      timeline?.sample(p);
      display.update(
        (p.opsDone + p.opsSkipped) / Math.max(1, p.opsPlanned),
        `round ${p.round + 1}/${p.rounds} · ${count(p.forksDone)} forks · ${opsText(p.opsDone, p.opsSkipped, 'ops')} · ${count((p.calls * 1000) / Math.max(1, p.elapsedMs))} syscalls/s · ${count(p.liveProcesses)} processes · ${count(p.liveNamespaces)} namespaces · ${duration(p.elapsedMs)}`,
        p.final,
      );
    },
  });
  display.clear();
  timeline?.detach();
  if (trace) {
    const t = trace.close();
    out.write(`  trace: ${t.file} (${count(t.records)} records, ${count(Math.round(t.bytes / 1024))} KiB)\n`);
  }
  const skips = skipVerdict(result.counters);
  const verdict = runVerdict(result, skips, o);
  const checked = `every invariant held at ${result.quiescentChecks} quiescent points${result.transport === 'inline' ? ` and over ${count(result.events.events)} events` : ''}`;
  let shrunk: ShrinkReport | null = null;
  if (verdict === 'passed') {
    out.write(`PASSED seed ${o.seed}: ${checked}\n`);
    if (skips.tooMany) out.write(`  ${describeSkips(skips, result.pidMax ?? undefined)} (accepted: --allow-skips)\n`);
  } else if (verdict === 'incomplete') {
    out.write(`INCOMPLETE seed ${o.seed}: ${checked}, but ${describeSkips(skips, result.pidMax ?? undefined)}\n`);
    out.write(`  a run that skips more than half of its operations tested much less than it was asked to; --allow-skips accepts it\n`);
  } else if (verdict === 'interrupted') {
    out.write(`INTERRUPTED seed ${o.seed} by ${stop.received} after round ${result.roundsDone} of ${result.roundsPlanned}: ${checked}\n`);
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
  const summary = summaryLines(result.counters, result.events, result.wallMs, { checkMs: result.checkMs, planningMs: result.planningMs });
  for (const line of summary) out.write(`${line}\n`);
  if (verdict === 'interrupted') out.write(`  replay: ${command}\n`);
  if (verdict === 'failed' && o.shrink && !stop.signal.aborted) shrunk = await shrinkAndPrint(o, io, workload, result.failure!, spec, stop);
  report(result, verdict, shrunk);
  if (outputs.html) {
    const shrunkEntry = shrunk?.reproduced ? await traceShrunk(outputs.html, o.seed, shape, workload, shrunk, o.pidMax) : null;
    writeStressHtml(outputs.html, {
      title: `seed ${o.seed}, ${where}, ${describeShape(shape)}`,
      command,
      passed: verdict === 'passed',
      summary,
      timeline: timeline!.summary(),
      perSeed: null,
      latency: result.counters.syscalls,
      failures: result.failure ? [{ seed: o.seed, headline: headline(result.failure), details: formatFailure(result.failure), replay: threads ? inlineReplay! : command }] : [],
      shrunk: shrunkEntry,
    });
    out.write(`  html: ${outputs.html}${shrunkEntry?.traceLink ? ` (the shrunk reproducer's trace beside it: ${shrunkEntry.traceLink})` : ''}\n`);
  }
  if (verdict === 'failed') return 1;
  if (verdict === 'interrupted') return exitStatusFor(stop.received!);
  return verdict === 'incomplete' ? EXIT_INCOMPLETE : 0;
}

/** A failure comes first; then an interruption; then too many skips (unless allowed, or `--ops` chose the operations). */
function runVerdict(r: StressResult, skips: SkipVerdict, o: StressCliOptions): RunVerdict {
  if (!r.passed) return 'failed';
  if (r.interrupted) return 'interrupted';
  return skips.tooMany && !o.allowSkips && o.ops === undefined ? 'incomplete' : 'passed';
}

export function headline(f: StressFailure): string {
  if (f.kind === 'hang') return `a hang: ${f.pending.length} calls never settled (invariant 6)`;
  if (f.kind === 'crash') return 'the kernel failed (an actor threw, or a call ended with something other than an errno)';
  return f.invariant === null ? 'a syscall returned an impossible result' : `invariant ${f.invariant} broken`;
}

async function shrinkAndPrint(o: StressCliOptions, io: StressIo, workload: Workload, failure: StressFailure, spec: ReplaySpec, stop: StopSignals): Promise<ShrinkReport> {
  const out = io.stdout;
  out.write(`shrinking on inline (up to ${o.shrinkSeconds} s)...\n`);
  const display = new ProgressDisplay(out, o.progress);
  const s = await shrinkFailure({
    seed: o.seed,
    shape: spec.shape,
    failure,
    ops: o.ops,
    chaos: o.chaos,
    pidMax: o.pidMax,
    workload,
    budgetMs: o.shrinkSeconds * 1000,
    catchUncaught: true,
    signal: stop.signal,
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
    out.write(
      s.interrupted
        ? `  shrinking was stopped before the failure was seen again on inline\n`
        : `  the failure did not happen again on inline with seed ${seed}, so there is nothing to shrink (run it again, or try more seeds)\n`,
    );
    return;
  }
  const cut = s.interrupted ? ' (stopped: it may shrink further)' : s.budgetExhausted ? ' (time ran out: it may shrink further with more --shrink-time)' : '';
  const choices = s.originalChoices === null ? '' : ` (of ${count(s.originalChoices)})`;
  out.write(
    `minimal reproducer: ${count(s.ops.length)} operations (of ${count(s.originalOps)}), ${count(s.choices)} scheduling choices${choices}; ${s.trials} trials, ${duration(s.elapsedMs)}${cut}\n`,
  );
  const shown = s.ops.slice(0, 40);
  for (const i of shown) out.write(`    #${String(i).padEnd(6)} ${describeOp(workload.ops[i]!)}\n`);
  if (s.ops.length > shown.length) out.write(`    ... and ${s.ops.length - shown.length} more\n`);
  if (s.failure) out.write(`${formatFailure(s.failure)}\n`);
  out.write(`  replay: ${replay}\n`);
}

async function stressFarm(o: StressCliOptions, io: StressIo, outputs: StressOutputs, stop: StopSignals): Promise<number> {
  const out = io.stdout;
  const shape = shapeOf(o);
  const seeds = o.seeds!;
  // threads: one seed at a time, its kernel using the machine's cores (as one threads run does); inline: a seed per pool thread.
  const kernel: ThreadsKernel | undefined = o.transport === 'threads' ? { workers: workerCount(o), placement: o.placement ?? 'co-locate' } : undefined;
  const threads = kernel ? 1 : workerCount(o);
  const last = (o.seed + seeds - 1) >>> 0;
  const where = kernel
    ? `on 1 pool thread, each on a threads kernel of ${kernel.workers} workers (${kernel.placement})`
    : `on ${threads} pool threads, each on an inline kernel`;
  out.write(`pidsim stress: ${count(seeds)} seeds (${o.seed}..${last}${o.seedGiven ? '' : ', random start'}) ${where}: ${describeShape(shape)}\n`);
  const display = new ProgressDisplay(out, o.progress);
  const shrinkDisplay = new ProgressDisplay(out, o.progress);
  let shrinkStarted = 0;
  const farm = await runSeedFarm({
    firstSeed: o.seed,
    seeds,
    shape,
    threads,
    threadsKernel: kernel,
    watchdogMs: o.watchdogSeconds * 1000,
    shrinkBudgetMs: o.shrink ? o.shrinkSeconds * 1000 : undefined,
    pidMax: o.pidMax,
    signal: stop.signal,
    onProgress: (p) =>
      display.update(
        p.done / p.seeds,
        `${count(p.done)}/${count(p.seeds)} seeds · ${count(p.passed)} passed · ${count(p.failed)} failed · ${p.running} running · ${count(p.forks)} forks · ${count((p.calls * 1000) / Math.max(1, p.elapsedMs))} syscalls/s · ${duration(p.elapsedMs)}`,
      ),
    onShrink: (seed, trials, ops) => {
      display.clear();
      if (trials === 0) {
        shrinkStarted = performance.now();
        out.write(`shrinking seed ${seed}${kernel ? ' on inline' : ''} on a pool thread (up to ${o.shrinkSeconds} s)...\n`);
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
  /** threads: the command that replays a seed's workload on inline (its interleaving does not replay). */
  const inlineReplays = new Map<number, string>();
  for (const f of failures) {
    const spec: ReplaySpec = { seed: f.seed, shape, transport: 'inline', pidMax: o.pidMax, allowSkips: o.allowSkips };
    replays.set(f.seed, replayCommand(kernel ? { ...spec, transport: 'threads', workers: kernel.workers, placement: kernel.placement } : spec));
    if (kernel) inlineReplays.set(f.seed, replayCommand(spec));
  }
  const passed = farm.results.filter((r) => r.passed).length;
  const finished = seeds - farm.unfinished;
  const stopped = farm.interrupted ? `, ${count(farm.unfinished)} not finished (stopped by ${stop.received})` : '';
  out.write(`${count(finished)} seeds in ${duration(farm.wallMs)} (${((finished * 1000) / farm.wallMs).toFixed(2)} seeds/s): ${count(passed)} passed, ${count(failures.length)} failed${failures.length ? ` (seeds ${failures.map((f) => f.seed).join(', ')})` : ''}${stopped}\n`);
  const skips = skipVerdict(farm.totals);
  const verdict: RunVerdict = failures.length > 0 ? 'failed' : farm.interrupted ? 'interrupted' : skips.tooMany && !o.allowSkips ? 'incomplete' : 'passed';
  if (skips.tooMany) {
    out.write(
      verdict === 'incomplete'
        ? `INCOMPLETE: ${describeSkips(skips, o.pidMax)}\n  a run that skips more than half of its operations tested much less than it was asked to; --allow-skips accepts it\n`
        : `  ${describeSkips(skips, o.pidMax)}${o.allowSkips ? ' (accepted: --allow-skips)' : ''}\n`,
    );
  }
  for (const line of summaryLines(farm.totals, farm.events, farm.wallMs)) out.write(`${line}\n`);
  const [first, ...others] = failures;
  if (first) {
    out.write(`FAILED seed ${first.seed}${kernel ? ' on threads' : ''}: ${headline(first.failure)}\n${formatFailure(first.failure)}\n`);
    if (kernel) {
      out.write(`  a threads interleaving does not replay; the same workload runs again with:\n    ${replays.get(first.seed)}\n  and replays exactly on inline (if the failure happens there too) with:\n    ${inlineReplays.get(first.seed)}\n`);
    } else {
      out.write(`  replay: ${replays.get(first.seed)}\n`);
    }
    for (const f of others) out.write(`FAILED seed ${f.seed}: ${headline(f.failure)}: ${f.failure.violations[0]?.message ?? ''}\n  replay: ${replays.get(f.seed)}\n`);
  }
  let shrunk: (ShrinkReport & { seed: number }) | null = null;
  if (farm.shrunk) {
    const s = farm.shrunk.result;
    const replay = replayCommand({ seed: farm.shrunk.seed, shape, transport: 'inline', chaos: s.chaos, ops: s.ops, pidMax: o.pidMax });
    printShrunk(io, s, generateWorkload(farm.shrunk.seed, shape), replay, farm.shrunk.seed);
    shrunk = { ...shrinkReport(s, replay), seed: farm.shrunk.seed };
  }
  const transportArgs = kernel ? ` --transport threads --workers ${kernel.workers}${kernel.placement === 'spread' ? ' --placement spread' : ''}` : '';
  const command = `pidsim stress --seeds ${seeds} --seed ${o.seed}${transportArgs} --depth ${shape.depth} --fanout ${shape.fanout} --processes ${shape.processes} --concurrency ${shape.concurrency}${o.pidMax !== undefined ? ` --pid-max ${o.pidMax}` : ''}${o.allowSkips ? ' --allow-skips' : ''}`;
  if (verdict === 'interrupted') out.write(`  replay: ${command}\n`);
  if (outputs.html) {
    let shrunkEntry: ShrunkEntry | null = null;
    if (farm.shrunk && shrunk?.reproduced) shrunkEntry = await traceShrunk(outputs.html, farm.shrunk.seed, shape, generateWorkload(farm.shrunk.seed, shape), shrunk, o.pidMax);
    writeStressHtml(outputs.html, {
      title: `${count(seeds)} seeds (${o.seed}..${last}) ${where}: ${describeShape(shape)}`,
      command,
      passed: verdict === 'passed',
      summary: summaryLines(farm.totals, farm.events, farm.wallMs),
      timeline: null,
      perSeed: farm.results.map((r) => ({ seed: r.seed, passed: r.passed, wallSeconds: r.wallMs / 1000, forks: r.counters.forksSucceeded })),
      latency: farm.totals.syscalls,
      failures: failures.map((f) => ({ seed: f.seed, headline: headline(f.failure), details: formatFailure(f.failure), replay: inlineReplays.get(f.seed) ?? replays.get(f.seed)! })),
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
      kernel: kernel ? { transport: 'threads', ...kernel } : { transport: 'inline' },
      shape,
      results: farm.results,
      lost: farm.lost,
      totals: farm.totals,
      events: farm.events,
      wallMs: farm.wallMs,
      mainPeakRssBytes: farm.mainPeakRssBytes,
      replays,
      inlineReplays,
      shrunk,
      verdict,
      stoppedBy: stop.received,
      unfinished: farm.unfinished,
      pidMax: o.pidMax,
      allowSkips: o.allowSkips,
    }),
  );
  if (verdict === 'failed') return 1;
  if (verdict === 'interrupted') return exitStatusFor(stop.received!);
  return verdict === 'incomplete' ? EXIT_INCOMPLETE : 0;
}
