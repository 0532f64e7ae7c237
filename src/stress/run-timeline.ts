// A stress run over time, for the HTML report: at each progress point the
// operations, syscalls and forks done so far and the processes alive, and
// per PID namespace the processes it holds (forked, not yet reaped), kept
// sparsely (a namespace is noted only when its count changed).

import type { Kernel } from '../index.js';
import type { RunProgress } from './stress-run.js';

export interface TimelineSample {
  /** Seconds since the run started. */
  readonly t: number;
  readonly ops: number;
  readonly calls: number;
  readonly forks: number;
  readonly live: number;
}

export interface NamespaceSeries {
  readonly ns: number;
  readonly level: number;
  /** Processes it held at each sample. */
  readonly values: readonly number[];
}

export interface TimelineSummary {
  readonly samples: readonly TimelineSample[];
  /** The namespaces that held the most processes at their peak, each sample filled in. */
  readonly namespaces: readonly NamespaceSeries[];
  /** All other namespaces together, per sample. */
  readonly others: readonly number[];
  readonly namespaceCount: number;
}

export class RunTimeline {
  readonly #samples: TimelineSample[] = [];
  /** Namespace -> processes it holds now. */
  readonly #live = new Map<number, number>();
  readonly #level = new Map<number, number>();
  /** Namespace -> [sample index, count] whenever it changed between samples. */
  readonly #changes = new Map<number, [number, number][]>();
  readonly #dirty = new Set<number>();
  #unsubscribe: (() => void) | null = null;

  /** Follows `kernel`'s forks and reapings from now on (its init counts as one process of the root). */
  attach(kernel: Kernel): void {
    const root = kernel.init.ns.id;
    this.#level.set(root, 0);
    this.#bump(root, 1);
    this.#unsubscribe = kernel.subscribe((e) => {
      if (e.type === 'fork') this.#bump(e.ns, 1);
      else if (e.type === 'reap') this.#bump(e.ns, -1);
      else if (e.type === 'ns-created') this.#level.set(e.ns, e.level);
    });
  }

  detach(): void {
    this.#unsubscribe?.();
    this.#unsubscribe = null;
  }

  #bump(ns: number, by: number): void {
    this.#live.set(ns, (this.#live.get(ns) ?? 0) + by);
    this.#dirty.add(ns);
  }

  sample(p: RunProgress): void {
    const i = this.#samples.length;
    this.#samples.push({ t: p.elapsedMs / 1000, ops: p.opsDone, calls: p.calls, forks: p.forksDone, live: p.liveProcesses });
    for (const ns of this.#dirty) {
      let list = this.#changes.get(ns);
      if (!list) this.#changes.set(ns, (list = []));
      list.push([i, this.#live.get(ns) ?? 0]);
    }
    this.#dirty.clear();
  }

  summary(top = 8): TimelineSummary {
    const n = this.#samples.length;
    const filled = (changes: readonly [number, number][]): number[] => {
      const out = new Array<number>(n).fill(0);
      let k = 0;
      let v = 0;
      for (let i = 0; i < n; i++) {
        while (k < changes.length && changes[k]![0] === i) v = changes[k++]![1];
        out[i] = v;
      }
      return out;
    };
    const peaks = [...this.#changes].map(([ns, ch]) => ({ ns, ch, peak: Math.max(...ch.map((c) => c[1])) })).sort((a, b) => b.peak - a.peak || a.ns - b.ns);
    const shown = peaks.slice(0, top).map((p) => ({ ns: p.ns, level: this.#level.get(p.ns) ?? -1, values: filled(p.ch) }));
    const others = new Array<number>(n).fill(0);
    for (const p of peaks.slice(top)) filled(p.ch).forEach((v, i) => (others[i]! += v));
    return { samples: this.#samples, namespaces: shown, others, namespaceCount: peaks.length };
  }
}
