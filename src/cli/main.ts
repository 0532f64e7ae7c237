#!/usr/bin/env node
// The `pidsim` command: decodes the subcommand and hands over.

import { runDemo } from './demo.js';
import { OutputArgsError, takeOutputArgs } from './output-args.js';
import { TRACE_USAGE } from '../trace/index.js';

const USAGE = `usage: pidsim <command> [options]

commands:
  demo                 nested namespaces, one process seen from each, a cascade (what npm start runs)
  shell [--seed N]     an emulated terminal with windows: unshare, nsenter, ps, pstree, kill, /proc
                       (reads a script when stdin is not a terminal: pidsim shell < examples/demo.sh)
  run FILE [--backend inline|threads|linux] [--seed N] [--json]
                       run a scenario (JSON or YAML) and print what each step observed
  stress [options]     seeded stress run: races, invariants, replay, shrinking (pidsim stress --help)
  worker --queue URL [--concurrency C]
                       a host of a stress farm over Redis: runs the seeds of pidsim stress --queue URL (pidsim worker --help)
  bench [--quick] [--only SUITE,...] [--out DIR] [--no-linux] [--list]
                       benchmarks against a real-Linux baseline: markdown on stdout, JSON and SVG in bench/results
  report FILE --html OUT
                       an HTML page from a bench results JSON or a trace, without running anything
  help                 this text

run, stress, demo and shell also take (docs/trace.md):
${TRACE_USAGE}stress, bench and report also take:
  --html FILE           a self-contained HTML report with charts (docs/report.md)
`;

/** `--seed N` for the shell; a TypeError names a bad value. */
function seedOption(args: readonly string[]): number | undefined {
  const i = args.indexOf('--seed');
  if (i < 0) return undefined;
  const v = Number(args[i + 1]);
  if (!Number.isInteger(v) || v < 0) throw new TypeError(`pidsim shell: --seed needs a non-negative integer, received ${JSON.stringify(args[i + 1])}`);
  return v;
}

export async function main(argv: readonly string[]): Promise<number> {
  const [command, ...args] = argv;
  let outputs;
  try {
    outputs = takeOutputArgs(args, { trace: ['demo', 'shell', 'run', 'stress', undefined].includes(command), html: command === 'stress' || command === 'bench' || command === 'report' });
  } catch (e) {
    if (!(e instanceof OutputArgsError)) throw e;
    process.stderr.write(`pidsim ${command}: ${e.message}\n`);
    return 2;
  }
  const { rest, trace, html } = outputs;
  switch (command) {
    case undefined:
    case 'demo':
      return runDemo({ out: process.stdout, trace });
    case 'shell': {
      const { runShell } = await import('../shell/index.js');
      const seed = seedOption(rest);
      return runShell({ input: process.stdin, output: process.stdout, interactive: Boolean(process.stdin.isTTY), ...(seed === undefined ? {} : { seed }), trace });
    }
    case 'run': {
      const { runScenarioCli } = await import('../scenario/index.js');
      return runScenarioCli(rest, { stdout: process.stdout, stderr: process.stderr }, { trace });
    }
    case 'stress': {
      const { runStressCli } = await import('../stress/index.js');
      return runStressCli(rest, { stdout: process.stdout, stderr: process.stderr }, { trace, html });
    }
    case 'worker': {
      const { runWorkerCli } = await import('../redis-farm/index.js');
      return runWorkerCli(rest, { stdout: process.stdout, stderr: process.stderr });
    }
    case 'bench': {
      const { runBenchCli } = await import('../bench/index.js');
      return runBenchCli(rest, { stdout: process.stdout, stderr: process.stderr }, { html });
    }
    case 'report': {
      const { runReportCli } = await import('../report/index.js');
      return runReportCli(rest, { stdout: process.stdout, stderr: process.stderr }, html);
    }
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(USAGE);
      return 0;
    default:
      process.stderr.write(`pidsim: unknown command '${command}'\n${USAGE}`);
      return 2;
  }
}

// `pidsim shell < demo.sh | head`: a reader that stops early is not an error.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`pidsim: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
