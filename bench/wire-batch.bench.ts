// What typed batches would buy on the worker hot path (issue 3, docs/performance.md:
// "about 5x at 256 items"): a round trip to a worker thread and back of 1
// or 256 items, each item four numbers (a tag, a call id, a caller, a
// namespace), sent as an array of small objects, as one Int32Array or
// Float64Array (copied by structured clone), or as one Int32Array whose
// buffer is transferred both ways. Building the batch and reading it on
// each side are inside the timing, as they would be on the hot path.

import { Worker } from 'node:worker_threads';
import { forWindow, isMainModule, runSuiteStandalone, sampleRates, type Measurement, type SuiteOptions, type SuiteResult } from '../src/bench/index.js';

type Format = 'objects' | 'Int32Array' | 'Float64Array' | 'Int32Array transferred';
const FORMATS: readonly Format[] = ['objects', 'Int32Array', 'Float64Array', 'Int32Array transferred'];
const SIZES = [1, 256] as const;
const FIELDS = 4;

/** The worker reads every item's id, then sends the batch back (transferring it when told to). */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
parentPort.on('message', (m) => {
  let sum = 0;
  if (Array.isArray(m)) for (const o of m) sum += o.id;
  else for (let i = 1; i < m.length; i += ${FIELDS}) sum += m[i];
  if (sum < 0) throw new Error('negative ids');
  if (workerData.transfer) parentPort.postMessage(m, [m.buffer]);
  else parentPort.postMessage(m);
});
`;

interface Echo {
  roundTrip(msg: unknown, transfer: boolean): Promise<unknown>;
  close(): Promise<void>;
}

function startEcho(transfer: boolean): Echo {
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { transfer } });
  let pending: ((m: unknown) => void) | null = null;
  worker.on('message', (m: unknown) => {
    const resolve = pending!;
    pending = null;
    resolve(m);
  });
  return {
    roundTrip(msg, xfer) {
      return new Promise((resolve) => {
        pending = resolve;
        if (xfer) worker.postMessage(msg, [(msg as Int32Array).buffer as ArrayBuffer]);
        else worker.postMessage(msg);
      });
    },
    async close() {
      await worker.terminate();
    },
  };
}

/** Builds a batch of n items in `format`. */
function encode(format: Format, n: number, seq: number): unknown {
  if (format === 'objects') {
    const items = new Array<{ type: string; id: number; caller: number; ns: number }>(n);
    for (let i = 0; i < n; i++) items[i] = { type: 'fork', id: seq + i, caller: 1000 + i, ns: 7 };
    return items;
  }
  const a = format === 'Float64Array' ? new Float64Array(n * FIELDS) : new Int32Array(n * FIELDS);
  for (let i = 0; i < n; i++) {
    const o = i * FIELDS;
    a[o] = 1;
    a[o + 1] = seq + i;
    a[o + 2] = 1000 + i;
    a[o + 3] = 7;
  }
  return a;
}

/** Reads every item's id back. */
function decode(m: unknown): number {
  let sum = 0;
  if (Array.isArray(m)) for (const o of m as { id: number }[]) sum += o.id;
  else {
    const a = m as Int32Array | Float64Array;
    for (let i = 1; i < a.length; i += FIELDS) sum += a[i]!;
  }
  return sum;
}

export async function run(options: SuiteOptions): Promise<Omit<SuiteResult, 'seconds'>> {
  const spec = options.quick ? { samples: 1, warmup: 0 } : { samples: 5, warmup: 1 };
  const windowMs = options.quick ? 15 : 200;
  const measurements: Measurement[] = [];
  const copy = startEcho(false);
  const moved = startEcho(true);
  try {
    // The first message waits for the worker to boot: not part of any round trip.
    await copy.roundTrip(encode('objects', 1, 1), false);
    await moved.roundTrip(encode('Int32Array', 1, 1), true);
    for (const size of SIZES) {
      for (const format of FORMATS) {
        const id = `wire-batch/${format.replace(' ', '-')}/n${size}`;
        options.log(`  ${id}`);
        const xfer = format === 'Int32Array transferred';
        const echo = xfer ? moved : copy;
        let seq = 1;
        let check = 0;
        const r = await sampleRates(id, spec, async () => {
          const b = await forWindow(windowMs, 1, async () => {
            const reply = await echo.roundTrip(encode(format, size, seq), xfer);
            check += decode(reply);
            seq += size;
          });
          return { units: b.units * size, ms: b.ms };
        });
        if (!(check > 0)) throw new Error(`${id}: the batches came back empty`);
        measurements.push({
          id,
          label: `worker round trip of ${size} item${size === 1 ? '' : 's'} as ${format === 'objects' ? 'an array of objects' : `one ${format}`}`,
          unit: 'items/s',
          better: 'higher',
          samples: r.samples,
          median: r.median,
          params: { format, items: size },
          ...(format === 'objects' ? {} : { baseline: `wire-batch/objects/n${size}` }),
          note: `${((size / r.median) * 1e6).toFixed(1)} µs per round trip`,
        });
      }
    }
  } finally {
    await copy.close();
    await moved.close();
  }
  return {
    suite: 'wire-batch',
    title: 'wire format of a worker round trip: objects vs typed arrays',
    measurements,
    notes: ['one round trip at a time (main -> worker -> main); each item is 4 numbers; typed rows are compared with objects of the same size.'],
  };
}

// Run alone: node dist/bench/<name>.bench.js [--quick]. Not awaited: the runner imports this very module.
if (isMainModule(import.meta.url)) void runSuiteStandalone('wire-batch');
