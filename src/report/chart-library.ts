// Chart.js, inlined into every report page so a page needs no network when
// it is viewed: its UMD build, read once from the installed package.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

let source: string | undefined;

/** The text of chart.umd.min.js (the package exports only its modules, so it is found beside them). */
export function chartJsSource(): string {
  if (source === undefined) {
    const main = createRequire(import.meta.url).resolve('chart.js');
    source = readFileSync(join(dirname(main), 'chart.umd.min.js'), 'utf8');
  }
  return source;
}
