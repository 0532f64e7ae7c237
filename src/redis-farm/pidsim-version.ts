// The version of this pidsim build, as its package.json says: a Redis farm's
// jobs carry the version of the client that made them, and a worker of
// another version refuses them (another version may plan another workload
// from the same seed, or run it differently).

import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

/** The `version` of the package.json named `pidsim` above this module (src/ in tests, dist/src/ once built). */
export function pidsimVersion(): string {
  if (cached !== undefined) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const path = join(dir, 'package.json');
    if (existsSync(path)) {
      const pkg = JSON.parse(readFileSync(path, 'utf8')) as { name?: unknown; version?: unknown };
      if (pkg.name === 'pidsim' && typeof pkg.version === 'string') return (cached = pkg.version);
    }
    const up = dirname(dir);
    if (up === dir) throw new Error(`pidsim: no package.json named pidsim above ${fileURLToPath(import.meta.url)}, so this build has no version`);
    dir = up;
  }
}
