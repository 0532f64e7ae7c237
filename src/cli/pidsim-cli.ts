// The `pidsim` command line: the list of commands, the general usage, `pidsim
// help [COMMAND]`, and the dispatch to a command, each loaded only when it
// runs. Every command decodes its own arguments by its spec through the
// shared layer (command-entry.ts); the conventions are in docs/cli.md.

import { runCommand, type CommandIo } from './command-entry.js';
import { renderHelp } from './command-help.js';
import { CommandUsageError, defineCommand, oneOf, type CommandSpec } from './command-spec.js';

/** The streams of a `pidsim` process (or a test's stand-ins). */
export interface PidsimIo extends CommandIo {
  readonly stdin: NodeJS.ReadableStream & { isTTY?: boolean };
}

interface LoadedCommand {
  readonly spec: CommandSpec;
  run(args: readonly string[], io: PidsimIo): Promise<number>;
}

interface CommandEntry {
  readonly name: string;
  /** One line in the general usage. */
  readonly summary: string;
  load(): Promise<LoadedCommand>;
}

const COMMANDS: readonly CommandEntry[] = [
  {
    name: 'demo',
    summary: 'nested namespaces, one process seen from each, a cascade (what npm start runs)',
    load: async () => {
      const m = await import('./demo.js');
      return { spec: m.DEMO_COMMAND, run: m.runDemoCli };
    },
  },
  {
    name: 'shell',
    summary: 'an emulated terminal: unshare, nsenter, ps, pstree, kill, /proc (or a script on stdin)',
    load: async () => {
      const m = await import('../shell/shell-cli.js');
      return { spec: m.SHELL_COMMAND, run: m.runShellCli };
    },
  },
  {
    name: 'run',
    summary: 'run scenario files on pidsim or on Linux and print what each step observed',
    load: async () => {
      const m = await import('../scenario/run-command.js');
      return { spec: m.RUN_COMMAND, run: m.runScenarioCli };
    },
  },
  {
    name: 'stress',
    summary: 'seeded stress runs: races, invariants, replay, shrinking; seeds in parallel or over hosts',
    load: async () => {
      const m = await import('../stress/stress-cli.js');
      const { STRESS_COMMAND } = await import('../stress/stress-options.js');
      return { spec: STRESS_COMMAND, run: m.runStressCli };
    },
  },
  {
    name: 'worker',
    summary: 'a host of a stress farm over Redis: runs the seeds of pidsim stress --queue URL',
    load: async () => {
      const m = await import('../redis-farm/worker-cli.js');
      return { spec: m.WORKER_COMMAND, run: m.runWorkerCli };
    },
  },
  {
    name: 'bench',
    summary: 'benchmarks against the runtime floor and real Linux: a table, JSON and SVG',
    load: async () => {
      const m = await import('../bench/bench-cli.js');
      const { BENCH_COMMAND } = await import('../bench/bench-options.js');
      return { spec: BENCH_COMMAND, run: m.runBenchCli };
    },
  },
  {
    name: 'report',
    summary: 'an HTML page from a bench results JSON or a trace, without running anything',
    load: async () => {
      const m = await import('../report/report-cli.js');
      return { spec: m.REPORT_COMMAND, run: m.runReportCli };
    },
  },
  { name: 'help', summary: 'this list, or the options of a command (pidsim help COMMAND)', load: async () => ({ spec: HELP_COMMAND, run: runHelp }) },
];

const HELP_COMMAND = defineCommand({
  name: 'help',
  synopsis: ['[COMMAND]'],
  about: 'Prints the list of commands, or the help of COMMAND (the same as pidsim COMMAND --help).',
  arguments: { name: 'COMMAND', min: 0, max: 1, description: `one of ${oneOf(COMMANDS.map((c) => c.name))}` },
  options: {},
});

/** Every command's name, in the order the general usage lists them. */
export const COMMAND_NAMES: readonly string[] = COMMANDS.map((c) => c.name);

/** The spec of command `name` (loading its module, not running it); undefined for no such command. */
export async function commandSpec(name: string): Promise<CommandSpec | undefined> {
  return (await COMMANDS.find((c) => c.name === name)?.load())?.spec;
}

/** The general usage: every command with its summary, and the conventions they share. */
export function generalUsage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length)) + 2;
  return `usage: pidsim COMMAND [options] [arguments]
       pidsim COMMAND --help     the options of COMMAND (or: pidsim help COMMAND)

commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(width)}${c.summary}\n`).join('')}
Every command takes -h/--help. Exit status: 0 success, 1 the command found a failure,
2 bad usage (the message, as \`pidsim COMMAND: ...\`, and the usage on stderr); a
command's help lists any other status it has. docs/cli.md has the conventions.
`;
}

function runHelp(args: readonly string[], io: PidsimIo): Promise<number> {
  return runCommand(HELP_COMMAND, args, io, async ({ args: [name] }) => {
    if (name === undefined) {
      io.stdout.write(generalUsage());
      return 0;
    }
    const entry = COMMANDS.find((c) => c.name === name);
    if (!entry) throw new CommandUsageError(`unknown command ${JSON.stringify(name)} (expected ${HELP_COMMAND.arguments!.description})`);
    io.stdout.write(renderHelp((await entry.load()).spec));
    return 0;
  });
}

/**
 * An error a command did not expect, as one `pidsim CMD: ` line. Messages
 * from deeper down may carry a prefix of their own (the engine's say
 * `pidsim: worker thread 1 exited ...`): it is replaced, not doubled.
 */
export function failureLine(command: string, e: unknown): string {
  const message = e instanceof Error ? e.message : String(e);
  return `pidsim ${command}: ${message.replace(/^pidsim( [a-z-]+)?: /, '')}\n`;
}

/** `pidsim ARGV`: resolves the exit status. */
export async function runPidsim(argv: readonly string[], io: PidsimIo): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined) {
    io.stderr.write(`pidsim: no command given (pidsim demo runs the demo)\n${generalUsage()}`);
    return 2;
  }
  if (name === '--help' || name === '-h') {
    io.stdout.write(generalUsage());
    return 0;
  }
  const entry = COMMANDS.find((c) => c.name === name);
  if (!entry) {
    const what = name.startsWith('-') ? `unknown option ${JSON.stringify(name)} (a command comes first: pidsim COMMAND [options])` : `unknown command ${JSON.stringify(name)}`;
    io.stderr.write(`pidsim: ${what}\n${generalUsage()}`);
    return 2;
  }
  try {
    return await (await entry.load()).run(args, io);
  } catch (e) {
    io.stderr.write(failureLine(name, e));
    return 1;
  }
}
