#!/usr/bin/env node
// The `pidsim` executable: runs the command line (pidsim-cli.ts) on this
// process's streams and exits with its status.

import { runPidsim } from './pidsim-cli.js';

// `pidsim shell < demo.sh | head`: a reader that stops early is not an error.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

runPidsim(process.argv.slice(2), { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr }).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    // Only a failure to load a command gets here; a command's own errors are its `pidsim CMD: ` line.
    process.stderr.write(`pidsim: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
