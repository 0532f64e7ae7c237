// The one place that decides which file a worker thread runs. Node 20
// workers cannot load TypeScript, so this is always the built JavaScript of
// this package's worker entry (packages/scheduler/dist/worker/worker-entry.js),
// found relative to this module whether it runs from src/ (tests) or dist/.

import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export function workerEntryPath(): string {
  const path = fileURLToPath(new URL('../dist/worker/worker-entry.js', import.meta.url));
  if (!existsSync(path)) {
    throw new Error(`pidsim: the worker entry ${path} is not built; run \`npm run build\` first`);
  }
  return path;
}
