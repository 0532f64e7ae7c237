// Runs `pidsim shell` the way a user scripts it, `node dist/src/cli/main.js
// shell < script`, against the build (npm test builds first), and hands back
// what it printed on stdout and stderr and its exit status.

import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface CliRun {
  readonly stdout: string;
  readonly stderr: string;
  readonly status: number | null;
}

/** `pidsim shell < script`, the script given as its lines (`^Z` and friends included as typed). */
export function pidsimShell(lines: readonly string[]): CliRun {
  const r = spawnSync(process.execPath, ['dist/src/cli/main.js', 'shell'], {
    cwd: ROOT,
    input: lines.map((l) => `${l}\n`).join(''),
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (r.error) throw r.error;
  return { stdout: r.stdout, stderr: r.stderr, status: r.status };
}

/** Runs a Node ES module given as text from the repository root (for what only a whole process shows, like its exit). */
export function nodeModule(source: string): CliRun {
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', source], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  if (r.error) throw r.error;
  return { stdout: r.stdout, stderr: r.stderr, status: r.status };
}
