// The shapes that pass between a benchmark suite (bench/*.bench.ts) and the
// runner: what a suite is asked to do, and the measurements it returns.

/** What a measurement counts. Rates are per second of wall-clock time; 'ms/kernel' is a duration. */
export type Unit = 'cycles/s' | 'processes/s' | 'signals/s' | 'namespaces/s' | 'items/s' | 'seeds/s' | 'B/process' | 'ms/kernel';

/** What a threads row sent between workers while it was measured (kernel.usage()). */
export interface CrossWorker {
  /** Messages one worker posted to another over the row's batches, the discarded ones included. */
  readonly messages: number;
  /** messages per unit of the row (per fork+exit+reap cycle) over the same batches. */
  readonly perUnit: number;
  /** Every namespace below the root that the row's forks take a PID in lives on one worker (kernel-setup.ts chainOnOneWorker). */
  readonly chainOnOneWorker: boolean;
}

/** One figure a suite measured: every sample, and their median. */
export interface Measurement {
  /** Stable across runs, for comparisons and targets: 'fork-cycle/inline/d0/k256/client'. */
  readonly id: string;
  /** What a reader sees in the table. */
  readonly label: string;
  readonly unit: Unit;
  /** Whether more is better (rates) or less is (memory). */
  readonly better: 'higher' | 'lower';
  /** One value per measured run, in `unit`. */
  readonly samples: readonly number[];
  readonly median: number;
  /** The parameters that identify the measurement within its suite (transport, depth, in flight...). */
  readonly params: Readonly<Record<string, string | number>>;
  /** The id of the measurement this one is compared with: ratio = median / baseline median. */
  readonly baseline?: string;
  readonly note?: string;
  /** Threads rows of fork cycles: the messages between workers per cycle (docs/performance.md, locality). */
  readonly crossWorker?: CrossWorker;
}

export interface SuiteResult {
  readonly suite: string;
  readonly title: string;
  readonly measurements: readonly Measurement[];
  /** Anything a reader of the figures must know: skipped rows and why, sizes that did not fit. */
  readonly notes: readonly string[];
  /** Wall-clock seconds the suite took, setup included. */
  readonly seconds: number;
}

export interface SuiteOptions {
  /** Small sizes and one sample: a smoke run for CI and tests. */
  readonly quick: boolean;
  /** Progress lines (to stderr in the CLI). */
  readonly log: (line: string) => void;
}

/** What a bench/*.bench.ts module exports. */
export interface SuiteModule {
  run(options: SuiteOptions): Promise<Omit<SuiteResult, 'seconds'>>;
}
