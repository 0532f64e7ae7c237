// pidfd_open + pidfd_send_signal (+ close): the global init signals processes
// that catch SIGUSR1 through a fresh pidfd each time, one target per signal,
// with 1 and 256 in flight, the targets in the root namespace (depth 0) or
// three namespaces down (depth 3: the pidfd is opened by their root PID, the
// signal crosses to the actor that owns them). Next to each row, kill(pid)
// to the same targets, so the table shows what the pidfd path costs. Real
// Linux does the same from C (16 targets, depth 0 and 3); the rows (inline)
// are compared with it.

import type { Kernel, Process } from '../src/index.js';
import {
  buildPidfdBaseline,
  forWindow,
  isMainModule,
  linuxModeRows,
  nestNamespaces,
  runSuiteStandalone,
  sampleRates,
  transportTitle,
  warmUp,
  warmUpMs,
  withKernel,
  type Measurement,
  type SuiteOptions,
  type SuiteResult,
  type TransportLabel,
} from '../src/bench/index.js';

const TARGETS = 256;
const DEPTHS = [0, 3] as const;
const CALLS = ['pidfd', 'kill'] as const;
type Call = (typeof CALLS)[number];
/** inline only: signal-delivery shows what threads do to one signal's round trips, and the report's signals/s panel stays readable. */
const TRANSPORTS: readonly TransportLabel[] = ['inline'];

const LABEL: Readonly<Record<Call, string>> = {
  pidfd: 'pidfd_open+pidfd_send_signal(SIGUSR1)+close',
  kill: 'kill(pid, SIGUSR1)',
};

export async function run(options: SuiteOptions): Promise<Omit<SuiteResult, 'seconds'>> {
  const spec = options.quick ? { samples: 1, warmup: 0 } : { samples: 5, warmup: 1 };
  const windowMs = options.quick ? 15 : 200;
  const measurements: Measurement[] = [];
  const notes: string[] = [
    'each pidfd signal opens a pidfd by PID (as the global init sees it), signals through it, and closes it: 2 syscalls and a close, against 1 for kill.',
    'the targets catch SIGUSR1; depth 3: they live three namespaces below the sender.',
  ];
  const linux = await linuxModeRows(options, notes, {
    build: buildPidfdBaseline,
    depths: DEPTHS,
    modes: CALLS,
    windowMs,
    spec,
    id: (depth, call) => `pidfd-signal/linux/d${depth}/${call}`,
    label: (depth, call) => `Linux ${call === 'pidfd' ? 'pidfd_open+pidfd_send_signal+close' : 'kill'} (SIGUSR1) to a catching process at depth ${depth}`,
    unit: 'signals/s',
    param: 'call',
  });
  measurements.push(...linux);
  for (const t of TRANSPORTS) {
    for (const depth of DEPTHS) {
      await withKernel(t, {}, async (k) => {
        const targets = await catchingTargets(k, depth, options.quick);
        for (const inFlight of [1, 256]) {
          for (const call of CALLS) {
            const id = `pidfd-signal/${t}/d${depth}/k${inFlight}/${call}`;
            options.log(`  ${id}`);
            let next = 0;
            const signal = call === 'pidfd' ? viaPidfd(k.init, targets, () => next++) : () => k.init.kill(targets[next++ % TARGETS]!, 'USR1');
            const r = await sampleRates(id, spec, () => forWindow(windowMs, inFlight, signal));
            const linuxId = `pidfd-signal/linux/d${depth}/${call}`;
            measurements.push({
              id,
              label: `${LABEL[call]} to a catching process at depth ${depth}, ${transportTitle(t)}, ${inFlight} in flight`,
              unit: 'signals/s',
              better: 'higher',
              samples: r.samples,
              median: r.median,
              params: { transport: t, depth, inFlight, call },
              ...(linux.some((m) => m.id === linuxId) ? { baseline: linuxId } : {}),
            });
          }
        }
      });
    }
  }
  return { suite: 'pidfd-signal', title: 'signals through a fresh pidfd, against kill(pid)', measurements, notes };
}

/** The targets' root PIDs: catching processes, children of an idle holder at `depth`; the kernel warmed up first. */
async function catchingTargets(k: Kernel, depth: number, quick: boolean): Promise<number[]> {
  const holder = depth === 0 ? await k.init.fork({ program: 'idle' }) : await nestNamespaces(k.init, depth);
  await warmUp(k, holder, warmUpMs(quick));
  await holder.sigaction('USR1', 'catch');
  const pids: number[] = [];
  for (let i = 0; i < TARGETS; i++) pids.push((await holder.fork()).nspid[0]!);
  return pids;
}

/** One signal through a pidfd opened for it. */
function viaPidfd(sender: Process, targets: readonly number[], next: () => number): () => Promise<unknown> {
  return async () => {
    const fd = await sender.pidfdOpen(targets[next() % TARGETS]!);
    try {
      return await sender.pidfdSendSignal(fd, 'USR1');
    } finally {
      fd.close();
    }
  };
}

// Run alone: node dist/bench/<name>.bench.js [--quick]. Not awaited: the runner imports this very module.
if (isMainModule(import.meta.url)) void runSuiteStandalone('pidfd-signal');
