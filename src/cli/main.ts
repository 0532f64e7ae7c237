#!/usr/bin/env node
// The `pidsim` command: decodes the subcommand and hands over.

import { runDemo } from './demo.js';

const USAGE = `usage: pidsim <command> [options]

commands:
  demo                 nested namespaces, one process seen from each, a cascade (what npm start runs)
  help                 this text
`;

export async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case undefined:
    case 'demo':
      return runDemo({ out: process.stdout });
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(USAGE);
      return 0;
    default:
      process.stderr.write(`pidsim: unknown command '${command}'\n${USAGE}`);
      void rest;
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`pidsim: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  },
);
