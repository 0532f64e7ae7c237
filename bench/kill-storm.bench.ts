// A kill(-1) storm: 16 processes of a namespace of 10,000 each send
// kill(-1, SIGUSR1) over and over, all at once; every call signals every
// other member (not init, not the caller: kill(2)), each of which catches
// the signal. Counted in signals generated per second.

import type { Process } from '../src/index.js';
import {
  TRANSPORTS,
  forWindow,
  isMainModule,
  runSuiteStandalone,
  sampleRates,
  transportTitle,
  warmUp,
  warmUpMs,
  withKernel,
  type Measurement,
  type SuiteOptions,
  type SuiteResult,
} from '../src/bench/index.js';

const SENDERS = 16;

export async function run(options: SuiteOptions): Promise<Omit<SuiteResult, 'seconds'>> {
  const members = options.quick ? 500 : 10_000;
  const spec = options.quick ? { samples: 1, warmup: 0 } : { samples: 5, warmup: 1 };
  const windowMs = options.quick ? 15 : 250;
  const measurements: Measurement[] = [];
  for (const t of TRANSPORTS) {
    const id = `kill-storm/${t}`;
    options.log(`  ${id}`);
    await withKernel(t, {}, async (k) => {
      await warmUp(k, k.init, warmUpMs(options.quick));
      const init = await k.init.fork({ newPid: true, program: 'idle' });
      // Children inherit the disposition (fork(2)), so every member catches SIGUSR1.
      await init.sigaction('USR1', 'catch');
      const senders: Process[] = [];
      let left = members;
      const loop = async (): Promise<void> => {
        while (left > 0) {
          left--;
          const c = await init.fork();
          if (senders.length < SENDERS) senders.push(c);
        }
      };
      await Promise.all(Array.from({ length: 64 }, loop));
      let next = 0;
      const r = await sampleRates(id, spec, async () => {
        const b = await forWindow(windowMs, SENDERS, () => senders[next++ % SENDERS]!.kill(-1, 'USR1'));
        // Each kill(-1) reaches every member but the caller.
        return { units: b.units * (members - 1), ms: b.ms };
      });
      measurements.push({
        id,
        label: `kill(-1, SIGUSR1) by ${SENDERS} senders, ${members.toLocaleString('en-US')} catching processes, ${transportTitle(t)}`,
        unit: 'signals/s',
        better: 'higher',
        samples: r.samples,
        median: r.median,
        params: { transport: t, members, senders: SENDERS },
        ...(t === 'inline' ? {} : { baseline: 'kill-storm/inline' }),
      });
    });
  }
  return {
    suite: 'kill-storm',
    title: 'kill(-1) storm',
    measurements,
    notes: ['each kill(-1) signals every member of the namespace but init and the caller; counted in signals generated per second.', 'no real-Linux baseline for signals; threads rows are compared with inline.'],
  };
}

// Run alone: node dist/bench/<name>.bench.js [--quick]. Not awaited: the runner imports this very module.
if (isMainModule(import.meta.url)) void runSuiteStandalone('kill-storm');
