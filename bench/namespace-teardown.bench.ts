// Namespace teardown: a namespace holding 100,000 processes is killed
// (SIGKILL to its init from the root namespace) and fully reaped. The clock
// runs from the kill until the init is reaped, which the kernel allows only
// once every member is gone, and the kernel is settled. Two shapes: flat
// (every member a child of the namespace's init) and nested (ten namespaces
// one inside the other, each holding a tenth). Filling the namespace is
// not timed. Real Linux cannot hold 100,000 processes in a namespace where
// pid_max is 32768: a flat row of the largest size the Linux baseline tore
// down (linuxTeardownSize) gives the same-size comparison.

import type { Kernel, Process } from '../src/index.js';
import {
  PID_MAX_LIMIT,
  isMainModule,
  linuxTeardownSize,
  runSuiteStandalone,
  sampleRates,
  transportTitle,
  warmUp,
  warmUpMs,
  withKernel,
  type Batch,
  type Measurement,
  type SuiteOptions,
  type SuiteResult,
  type TransportLabel,
} from '../src/bench/index.js';

const NESTED_LEVELS = 10;

/** Forks `n` idle children of `parent`, 256 at a time, keeping no handles. */
async function fill(parent: Process, n: number): Promise<void> {
  let left = n;
  const loop = async (): Promise<void> => {
    while (left > 0) {
      left--;
      await parent.fork();
    }
  };
  const loops: Promise<void>[] = [];
  for (let i = 0; i < Math.min(256, n); i++) loops.push(loop());
  await Promise.all(loops);
}

/** Builds a namespace of `total` processes (its inits included) under the root, kills it, and times the teardown. */
async function teardownOnce(k: Kernel, total: number, shape: 'flat' | 'nested'): Promise<Batch> {
  const levels = shape === 'flat' ? 1 : NESTED_LEVELS;
  const inits: Process[] = [];
  let parent = k.init;
  for (let i = 0; i < levels; i++) {
    parent = await parent.fork({ newPid: true, program: 'idle' });
    inits.push(parent);
  }
  const each = Math.floor((total - levels) / levels);
  for (const init of inits) await fill(init, each);
  await k.settled();
  const top = inits[0]!;
  const pid = top.nspid[0]!;
  const t0 = performance.now();
  await k.init.kill(pid, 'KILL');
  await k.init.wait(pid);
  await k.settled();
  return { units: levels + each * levels, ms: performance.now() - t0 };
}

export async function run(options: SuiteOptions): Promise<Omit<SuiteResult, 'seconds'>> {
  const total = options.quick ? 2_000 : 100_000;
  const linux = linuxTeardownSize(options.quick);
  const measurements: Measurement[] = [];
  // [transport, shape, processes, samples]: the target's size, and the size of the largest real-Linux teardown of this run.
  const plan: readonly (readonly [TransportLabel, 'flat' | 'nested', number, number])[] = [
    ['inline', 'flat', total, options.quick ? 1 : 5],
    ['inline', 'nested', total, options.quick ? 1 : 5],
    ...(linux.members === total ? [] : ([['inline', 'flat', linux.members, options.quick ? 1 : 5]] as const)),
    ['threads-w1', 'flat', total, options.quick ? 1 : 3],
    ['threads-w2', 'flat', total, options.quick ? 1 : 3],
  ];
  for (const [t, shape, processes, samples] of plan) {
    const id = `namespace-teardown/${t}/${shape}${processes === total ? '' : `/n${processes}`}`;
    options.log(`  ${id}`);
    await withKernel(t, { pidMax: PID_MAX_LIMIT }, async (k) => {
      await warmUp(k, k.init, warmUpMs(options.quick));
      const r = await sampleRates(id, { samples, warmup: 0 }, () => teardownOnce(k, processes, shape));
      const linuxSameSize = t === 'inline' && shape === 'flat' && processes === linux.members;
      measurements.push({
        id,
        label: `teardown of ${processes.toLocaleString('en-US')} processes (${shape === 'flat' ? 'flat: children of its init' : `${NESTED_LEVELS} nested namespaces`}), ${transportTitle(t)}`,
        unit: 'processes/s',
        better: 'higher',
        samples: r.samples,
        median: r.median,
        params: { transport: t, shape, processes },
        ...(linuxSameSize ? { baseline: `linux/teardown/n${processes}` } : t === 'inline' ? {} : { baseline: `namespace-teardown/inline/${shape}` }),
        note: `${((1e6 / r.median) * 1000).toFixed(0)} ns per process`,
      });
    });
  }
  const fmt = (n: number): string => n.toLocaleString('en-US');
  return {
    suite: 'namespace-teardown',
    title: `teardown of a namespace holding ${fmt(total)} processes`,
    measurements,
    notes: [
      linux.members === total
        ? `inline rows are compared with real Linux tearing down a namespace of the same size; threads rows with inline.`
        : `real Linux does not tear down a namespace of ${fmt(total)} in this run (${fmt(linux.members)} members at most: ${linux.why}): the flat inline row of ${fmt(linux.members)} processes is compared with Linux tearing down a namespace of that size; the ${fmt(total)}-process rows have no Linux counterpart. Threads rows are compared with inline.`,
    ],
  };
}

// Run alone: node dist/bench/<name>.bench.js [--quick]. Not awaited: the runner imports this very module.
if (isMainModule(import.meta.url)) void runSuiteStandalone('namespace-teardown');
