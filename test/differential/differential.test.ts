// The differential suite: every scenario of test/scenarios runs on the real
// kernel (the oracle) and on pidsim, and the observations must be equal step
// by step. docs/deviations.md is the only way a difference may pass.
// Without root (or PID namespaces) the linux runs are SKIPPED, loudly, and
// pidsim is checked against the expectations recorded in the files instead.
//
// Kernel builds differ in a few behaviours (docs/deviations.md, "Kernel
// variants"). The host is fingerprinted once (kernel-fingerprint.ts) and
// pidsim runs with the host's variant; scenarios with variant-specific
// expectations also run on pidsim under every other value, held to the
// expectations recorded from a kernel that has it.

import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { UPSTREAM_VARIANT, VARIANT_NAMES, VARIANT_VALUES, createWorkerPool, describeVariant, variantOf, type KernelVariant } from '../../src/index.js';
import {
  compareRuns,
  describeHost,
  hostFingerprint,
  linuxAvailability,
  linuxBackend,
  loadDeviations,
  loadScenarioDir,
  pidsimBackend,
  runScenario,
  type BackendFactory,
  type HostFingerprint,
  type ScenarioRun,
} from '../../src/scenario/index.js';

const scenarios = await loadScenarioDir(fileURLToPath(new URL('../scenarios', import.meta.url)));
const deviations = await loadDeviations(fileURLToPath(new URL('../../docs/deviations.md', import.meta.url)));
const linux = await linuxAvailability();
if (!linux.ok) {
  console.warn(
    `\n*** DIFFERENTIAL SUITE SKIPPED: the linux backend is unavailable: ${linux.reason}.\n` +
      `*** pidsim is only checked against the expectations recorded in the scenario files. Run as root to compare with the kernel.\n`,
  );
}

/** Which kernel variant the host has: pidsim is compared with it set to the same. */
let host: HostFingerprint | null = null;
let fingerprintError: Error | null = null;
if (linux.ok) {
  try {
    host = await hostFingerprint(linuxBackend());
    console.info(`\n*** differential: host kernel ${describeHost(host)}; pidsim runs with that variant (${host.evidence.join('; ')})\n`);
  } catch (e) {
    fingerprintError = e as Error;
  }
}
const hostVariant: KernelVariant = host?.variant ?? UPSTREAM_VARIANT;

/** The scenario's root sits at the same absolute level on pidsim as on this machine's kernel. */
const rootLevel = linux.ok && linux.hostLevel !== null ? linux.hostLevel + 1 : 1;
const INLINE_SEEDS = [1, 7, 424242];
/** The threads kernels of every scenario share one pool of workers, started once. */
const pool = createWorkerPool();
afterAll(() => pool.close());
const CANDIDATES: readonly BackendFactory[] = [
  ...INLINE_SEEDS.map((seed) => pidsimBackend('inline', seed, { rootLevel, variant: hostVariant })),
  pidsimBackend('threads', 1, { rootLevel, variant: hostVariant, pool }),
];

/** Every variant the host does not have, one choice changed at a time. */
const OTHER_VARIANTS: readonly { name: (typeof VARIANT_NAMES)[number]; variant: KernelVariant }[] = VARIANT_NAMES.flatMap((name) =>
  (VARIANT_VALUES[name] as readonly string[])
    .filter((value) => value !== hostVariant[name])
    .map((value) => ({ name, variant: variantOf({ ...hostVariant, [name]: value } as Partial<KernelVariant>) })),
);

it.runIf(linux.ok)('the host kernel behaves as one of the kernel variants pidsim knows', () => {
  expect(fingerprintError?.message ?? null).toBeNull();
  // One known value per variant, each backed by its probe's evidence.
  for (const name of VARIANT_NAMES) expect(VARIANT_VALUES[name] as readonly string[]).toContain(host!.variant[name]);
  expect(host!.evidence.map((e) => e.slice(0, e.indexOf(' ')))).toEqual(VARIANT_NAMES.map((name) => `${name}=${host!.variant[name]}`));
});

function failuresOf(run: ScenarioRun): string[] {
  return run.status === 'error' ? [`error: ${run.reason}`] : [...run.failures];
}

describe.each(scenarios.map((s) => [s.name, s] as const))('%s', (_name, scenario) => {
  let reference: Promise<ScenarioRun> | undefined;
  const onLinux = (): Promise<ScenarioRun> => (reference ??= runScenario(scenario, linuxBackend()));

  // Without root or PID namespaces the Linux runs report themselves skipped, with the reason: never passed.
  it.skipIf(!linux.ok)(linux.ok ? 'linux: every expectation holds' : `linux: SKIPPED, ${linux.reason}`, async (ctx) => {
    const run = await onLinux();
    if (run.status === 'skipped') {
      console.warn(`*** ${scenario.name} SKIPPED on linux, not passed: ${run.reason}`);
      ctx.skip();
    }
    expect(failuresOf(run)).toEqual([]);
  });

  for (const candidate of CANDIDATES) {
    if (!linux.ok) {
      // No kernel to compare with here: hold pidsim to the expectations recorded from Linux.
      it(`${candidate.name}: every expectation recorded from linux holds`, async (ctx) => {
        const run = await runScenario(scenario, candidate);
        if (run.status === 'skipped') ctx.skip();
        expect(failuresOf(run)).toEqual([]);
      });
      continue;
    }
    it(`${candidate.name}: same observations as linux`, async (ctx) => {
      const real = await onLinux();
      if (real.status === 'skipped') ctx.skip();
      const run = await runScenario(scenario, candidate);
      const { differences } = compareRuns(real, run, deviations);
      expect(differences.map((d) => `step ${d.step} ${d.call}: linux ${d.reference}, ${candidate.name} ${d.candidate}`)).toEqual([]);
    });
  }

  // The kernel builds this host is not: pidsim set to behave like them keeps to what they were seen to do.
  for (const other of OTHER_VARIANTS) {
    if (!scenario.steps.some((s) => s.variants?.[other.name] !== undefined)) continue;
    for (const transport of ['inline', 'threads'] as const) {
      const candidate = pidsimBackend(transport, 1, { rootLevel, variant: other.variant, ...(transport === 'threads' ? { pool } : {}) });
      it(`${candidate.name}: every expectation recorded for ${describeVariant(other.variant)} holds`, async () => {
        const run = await runScenario(scenario, candidate);
        expect(failuresOf(run)).toEqual([]);
      });
    }
  }
});
