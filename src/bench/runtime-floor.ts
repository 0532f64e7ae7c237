// The runtime floor (docs/performance.md): the cheapest fork+exit+reap cycle
// this JavaScript runtime can do, the yardstick of the fork-cycle targets.
// Three awaited calls on a process table indexed by PID (an array) with a
// cyclic PID cursor; no messages, no namespaces, no signals. Not a Map: a Map
// that churns is rehashed, and once a full collection has moved it to the
// old generation each rehash leaves garbage that every young collection
// promotes, so a Map-backed floor fell from ~3 M to 0.7-1.0 M cycles/s as
// soon as a pidsim kernel ran in the same process (docs/performance.md,
// "Churning maps"); a yardstick must not shrink next to what it measures. It runs in the same
// harness as pidsim's rows (forWindow, 256 loops), so what separates a row
// from the floor is the emulator, not the loop around it.

import { median } from './median.js';
import { forWindow, sampleRates } from './rate-sampler.js';
import type { Measurement, SuiteOptions, SuiteResult } from './suite-types.js';

/** The same numbers as Linux: cyclic below pid_max, wrapping to 300 (RESERVED_PIDS). */
const PID_MAX = 32768;
const RESERVED = 300;

interface FloorProcess {
  readonly parent: number;
  state: 'running' | 'zombie';
  code: number;
}

/** A process table and nothing else: what a fork, an exit and a reap cost at the least. */
export class FloorTable {
  /** By pid: the process, live or zombie, or undefined for a free number. */
  readonly #procs: (FloorProcess | undefined)[] = new Array<FloorProcess | undefined>(PID_MAX).fill(undefined);
  #size = 0;
  /** The next number to try (idr_alloc_cyclic's cursor). */
  #cursor = 2;

  constructor() {
    this.#procs[1] = { parent: 0, state: 'running', code: 0 };
    this.#size = 1;
  }

  /** How many processes, live or zombie, the table holds. */
  get size(): number {
    return this.#size;
  }

  /** A child of `parent` takes the next free number. */
  async fork(parent: number): Promise<number> {
    if (this.#size >= PID_MAX - RESERVED) throw new Error('FloorTable: EAGAIN: no free PID');
    let pid = this.#cursor;
    while (this.#procs[pid] !== undefined) pid = pid + 1 < PID_MAX ? pid + 1 : RESERVED;
    this.#cursor = pid + 1 < PID_MAX ? pid + 1 : RESERVED;
    this.#procs[pid] = { parent, state: 'running', code: 0 };
    this.#size++;
    return pid;
  }

  /** `pid` exits with `code` and stays a zombie until reaped. */
  async exit(pid: number, code: number): Promise<void> {
    const p = this.#procs[pid];
    if (p === undefined || p.state !== 'running') throw new Error(`FloorTable: ESRCH: exit of ${pid}, which is not running`);
    p.state = 'zombie';
    p.code = code;
  }

  /** `parent` reaps its zombie child `pid`: the number is free again. Returns the exit code. */
  async wait(parent: number, pid: number): Promise<number> {
    const p = this.#procs[pid];
    if (p === undefined || p.parent !== parent || p.state !== 'zombie') throw new Error(`FloorTable: ECHILD: wait by ${parent} for ${pid}`);
    this.#procs[pid] = undefined;
    this.#size--;
    return p.code;
  }
}

/** One floor cycle on `table`, by its PID 1: fork, the child exits, the parent reaps it. */
export function floorCycle(table: FloorTable): () => Promise<number> {
  return async () => {
    const c = await table.fork(1);
    await table.exit(c, 0);
    return table.wait(1, c);
  };
}

/** The floor row's id, and how many cycles it keeps in flight (as the rows it judges). */
export const FLOOR_ID = 'fork-cycle/runtime-floor/k256';
export const FLOOR_IN_FLIGHT = 256;
export const FLOOR_LABEL = 'runtime floor: fork+exit+reap as 3 awaited calls on a table indexed by PID, cyclic PIDs, 256 in flight';

/** The floor row, from its samples (every batch it ran, interleaved or alone). */
export function floorMeasurement(samples: readonly number[], note: string): Measurement {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    id: FLOOR_ID,
    label: FLOOR_LABEL,
    unit: 'cycles/s',
    better: 'higher',
    samples: sorted,
    median: median(sorted),
    params: { system: 'runtime-floor', inFlight: FLOOR_IN_FLIGHT },
    note,
  };
}

/** `pidsim bench --floor`: the floor alone, as many batches as a fork-cycle row. */
export async function measureFloorOnly(options: SuiteOptions): Promise<Omit<SuiteResult, 'seconds'>> {
  const spec = options.quick ? { samples: 1, warmup: 0 } : { samples: 7, warmup: 1 };
  const windowMs = options.quick ? 15 : 200;
  options.log(`  ${FLOOR_ID}`);
  const r = await sampleRates(FLOOR_ID, spec, () => forWindow(windowMs, FLOOR_IN_FLIGHT, floorCycle(new FloorTable())));
  return {
    suite: 'fork-cycle',
    title: 'the runtime floor alone (pidsim bench --floor)',
    measurements: [floorMeasurement(r.samples, `${r.samples.length} batches of ${windowMs} ms, measured alone`)],
    notes: ['measured alone: no pidsim row ran in this process, so no target that is a ratio to the floor is judged; a full run measures it interleaved with the rows it judges.'],
  };
}
