// The one place that decides which file the seed farm's piscina workers run.
// Node 20 workers cannot load TypeScript, so it is always the built
// JavaScript (dist/src/stress/seed-task.js), found relative to this module
// whether it runs from src/ (tests) or from dist/ (the CLI).

import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export function seedTaskPath(): string {
  const here = fileURLToPath(import.meta.url);
  const url = here.endsWith('.js') ? new URL('./seed-task.js', import.meta.url) : new URL('../../dist/src/stress/seed-task.js', import.meta.url);
  const path = fileURLToPath(url);
  if (!existsSync(path)) {
    throw new Error(`pidsim stress: the seed task ${path} is not built; run \`npm run build\` first`);
  }
  return path;
}
