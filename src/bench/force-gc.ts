// A full garbage collection on demand, for heap measurements: global.gc when
// node runs with --expose-gc, else the same function obtained by turning the
// flag on at run time (v8.setFlagsFromString) and reading it from a fresh context.

import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let gc: (() => void) | null = null;

export function forceGc(): void {
  if (gc === null) {
    const g = (globalThis as { gc?: () => void }).gc;
    if (typeof g === 'function') gc = g;
    else {
      setFlagsFromString('--expose-gc');
      gc = runInNewContext('gc') as () => void;
    }
  }
  gc();
  gc();
}
