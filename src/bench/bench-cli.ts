// `pidsim bench`: runs the selected suites one after another in this
// process, prints the markdown table on stdout (progress on stderr), and
// writes JSON, SVG and markdown into --out DIR, by default a fresh directory
// under the OS's temporary directory (so a run never rewrites the committed
// bench/results unless asked). A suite that throws is reported as failed and
// the run goes on; the exit code is then 1.

import { realpathSync, writeFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { runCommand } from '../cli/command-entry.js';
import { BENCH_COMMAND, benchOptionsOf, type BenchOptions } from './bench-options.js';
import { buildReport } from './bench-report.js';
import { machineInfo } from './machine-info.js';
import { measureFloorOnly } from './runtime-floor.js';
import { renderMarkdown } from './markdown-table.js';
import { reportStem, writeReportFiles } from './report-files.js';
import { SUITES, loadSuite } from './suite-registry.js';
import type { SuiteResult } from './suite-types.js';
import { renderBenchHtml } from '../report/bench-html.js';

export interface BenchIo {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
}

/** `pidsim bench ARGS`: returns the exit code (0 ok, 1 a suite failed, 2 bad options). */
export function runBenchCli(args: readonly string[], io: BenchIo): Promise<number> {
  return runCommand(BENCH_COMMAND, args, io, (parsed) => runBench(benchOptionsOf(parsed), io));
}

async function runBench(options: BenchOptions, io: BenchIo): Promise<number> {
  if (options.list) {
    for (const s of SUITES) io.stdout.write(`${s.name.padEnd(22)}${s.about}\n`);
    return 0;
  }
  const log = (line: string): void => void io.stderr.write(`${line}\n`);
  const machine = machineInfo();
  const started = new Date();
  const results: SuiteResult[] = [];
  let failed = false;
  if (options.floor) {
    log('pidsim bench: the runtime floor');
    const t0 = performance.now();
    results.push({ ...(await measureFloorOnly({ quick: options.quick, log })), seconds: (performance.now() - t0) / 1000 });
  }
  for (const entry of options.suites) {
    log(`pidsim bench: ${entry.name}`);
    const t0 = performance.now();
    try {
      const suite = await loadSuite(entry.name);
      const r = await suite.run({ quick: options.quick, log });
      results.push({ ...r, seconds: (performance.now() - t0) / 1000 });
    } catch (e) {
      failed = true;
      const err = e as Error;
      log(`pidsim bench: ${entry.name} failed: ${err.stack ?? err.message}`);
      results.push({ suite: entry.name, title: entry.name, measurements: [], notes: [`FAILED: ${err.message}`], seconds: (performance.now() - t0) / 1000 });
    }
  }
  const report = buildReport({ suites: results, machine, loadAverageAtEnd: loadavg().map((x) => Math.round(x * 100) / 100), quick: options.quick, timestamp: started });
  const dir = options.out ?? (await mkdtemp(join(tmpdir(), 'pidsim-bench-')));
  const files = await writeReportFiles(report, dir, options.floor ? 'bench-floor' : reportStem(options.only));
  io.stdout.write(renderMarkdown(report));
  log(`pidsim bench: wrote ${files.json}, ${files.svg} and ${files.markdown}${options.out === undefined ? ' (a new directory: --out bench/results updates the committed results)' : ''}`);
  if (options.html) {
    writeFileSync(options.html, renderBenchHtml(report));
    log(`pidsim bench: wrote ${options.html}`);
  }
  return failed ? 1 : 0;
}

/** Whether the module at `url` is the script node was started with (a suite run alone). */
export function isMainModule(url: string): boolean {
  const script = process.argv[1];
  if (!script) return false;
  try {
    return pathToFileURL(realpathSync(script)).href === url;
  } catch {
    return false;
  }
}

/** `node dist/bench/<name>.bench.js [options]`: that suite alone (with what its ratios need), as `pidsim bench --only <name>`. */
export async function runSuiteStandalone(name: string): Promise<void> {
  process.exitCode = await runBenchCli(['--only', name, ...process.argv.slice(2)], { stdout: process.stdout, stderr: process.stderr });
}
