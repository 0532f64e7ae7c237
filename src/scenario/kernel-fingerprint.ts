// Which kernel variant a backend has (kernel-variant.ts in core): one probe
// scenario per variant, whose observation differs between the known values.
// The same probes run on pidsim (any variant, to prove they tell the values
// apart) and on the host kernel, which is fingerprinted once per boot: the
// answer is cached under os.tmpdir(), keyed by boot id, kernel build and the
// probes themselves.

import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeVariant, variantOf, type KernelVariant, type VariantName } from '../index.js';
import type { BackendFactory } from './scenario-backend.js';
import type { Observation } from './scenario-schema.js';
import { parseScenario } from './scenario-loader.js';
import { runScenario } from './scenario-runner.js';
import { renderObservation } from './observation.js';

/** A scenario whose observation at one step names the value of one variant. */
export interface VariantProbe {
  readonly variant: VariantName;
  /** The scenario, in the format of docs/scenarios.md (YAML). */
  readonly yaml: string;
  /** The step (1-based) whose observation tells the values apart. */
  readonly step: number;
  /** The value that observation shows, or undefined for an observation no known value gives. */
  read(observed: Observation): string | undefined;
}

export const VARIANT_PROBES: readonly VariantProbe[] = [
  {
    variant: 'orphanedPgrpSighup',
    // b's group {b, b2} is orphaned by m's exit while b is stopped: b2, running
    // and catching SIGHUP, tells whether the SIGHUP reached every member.
    yaml: `name: probe-orphaned-pgrp-sighup
description: >
  Which members of a newly orphaned process group with a stopped member get
  SIGHUP (kernel variant orphanedPgrpSighup). b is stopped, b2 runs and
  catches SIGHUP; m's exit orphans their group. Upstream sends SIGHUP to every
  member (b2 caught it once); some builds only to the stopped ones (zero).
semantics: ["7.4"]
steps:
  - { by: init, op: fork, as: m, expect: 2 }
  - { by: m, op: setsid, expect: 2 }
  - { by: m, op: fork, as: b, expect: 3 }
  - { by: b, op: setpgid, expect: 0 }
  - { by: b, op: fork, as: b2, expect: 4 }
  - { by: b2, op: sigaction, sig: HUP, action: catch, expect: default }
  - { by: b2, op: sigaction, sig: CONT, action: catch, expect: default }
  - { by: m, op: kill, pid: b, sig: STOP, expect: 0 }
  - { by: m, op: exit, code: 0 }
  - { by: init, op: wait, pid: b, note: "the stopped member dies of SIGHUP on every build", expect: { pid: 3, status: killed SIGHUP } }
  - { by: b2, op: caught, sig: CONT, note: "SIGCONT reaches every member on every build", expect: { count: 1 } }
  - { by: b2, op: caught, sig: HUP, note: "the variant: 1 all-members, 0 stopped-members" }
`,
    step: 12,
    read: (o) => {
      const count = o !== null && typeof o === 'object' && !Array.isArray(o) ? o['count'] : undefined;
      return count === 1 ? 'all-members' : count === 0 ? 'stopped-members' : undefined;
    },
  },
];

export interface Fingerprint {
  readonly variant: KernelVariant;
  /** Per variant: the probe, what it observed, and the value that means. */
  readonly evidence: readonly string[];
}

/** A probe whose expectations failed, or an observation no known variant gives: the kernel is new to pidsim. */
export class UnknownKernelBehaviourError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnknownKernelBehaviourError';
  }
}

/** Runs every probe on `factory` and reads the variant off their observations. */
export async function fingerprint(factory: BackendFactory): Promise<Fingerprint> {
  const choices: Partial<Record<VariantName, string>> = {};
  const evidence: string[] = [];
  for (const probe of VARIANT_PROBES) {
    const scenario = parseScenario(probe.yaml, `${probe.variant}.probe.yaml`, 'yaml');
    const run = await runScenario(scenario, factory);
    if (run.status !== 'passed') {
      const why = run.status === 'failed' ? run.failures.join('; ') : run.reason;
      throw new UnknownKernelBehaviourError(`the ${probe.variant} probe did not run as on any known kernel on ${factory.name}: ${why}`);
    }
    const observed = run.steps[probe.step - 1]!.observed;
    const value = probe.read(observed);
    if (value === undefined) {
      throw new UnknownKernelBehaviourError(
        `${factory.name}: the ${probe.variant} probe observed ${renderObservation(observed)} at step ${probe.step} of ${scenario.name}, which no known kernel variant gives; ` +
          'add the value to kernel-variant.ts and docs/deviations.md',
      );
    }
    choices[probe.variant] = value;
    evidence.push(`${probe.variant}=${value} (${scenario.name} step ${probe.step}: ${renderObservation(observed)})`);
  }
  return { variant: variantOf(choices as Partial<KernelVariant>), evidence };
}

/** This machine's kernel: its release and build string, and this boot's id. */
export async function hostKernel(): Promise<{ readonly release: string; readonly version: string; readonly bootId: string }> {
  const read = (f: string): Promise<string> => readFile(f, 'utf8').then((s) => s.trim(), () => '');
  const [release, version, bootId] = await Promise.all([
    read('/proc/sys/kernel/osrelease'),
    read('/proc/sys/kernel/version'),
    read('/proc/sys/kernel/random/boot_id'),
  ]);
  return { release, version, bootId };
}

export interface HostFingerprint extends Fingerprint {
  /** `6.18.44-fc-v1272`: the host's kernel release. */
  readonly kernel: string;
  /** Whether this answer came from the cache of an earlier run in this boot. */
  readonly cached: boolean;
}

let host: Promise<HostFingerprint> | null = null;

/**
 * The host kernel's variant, probed with the linux backend `factory` once per
 * boot (cached in a file) and once per process. Rejects when the linux
 * backend is unavailable or the kernel behaves in a way pidsim does not know.
 */
export function hostFingerprint(factory: BackendFactory): Promise<HostFingerprint> {
  host ??= (async () => {
    const k = await hostKernel();
    const probes = createHash('sha256').update(VARIANT_PROBES.map((p) => p.yaml).join('\0')).digest('hex');
    const key = createHash('sha256').update(`${k.bootId}\0${k.release}\0${k.version}\0${probes}`).digest('hex').slice(0, 16);
    const dir = join(tmpdir(), 'pidsim-kernel-variant');
    const file = join(dir, `${key}.json`);
    const seen = await readFile(file, 'utf8').then(
      (s) => JSON.parse(s) as { variant: Partial<KernelVariant>; evidence: string[] },
      () => null,
    );
    if (seen) return { variant: variantOf(seen.variant), evidence: seen.evidence, kernel: k.release, cached: true };
    const found = await fingerprint(factory);
    await mkdir(dir, { recursive: true });
    const tmp = `${file}.${process.pid}`;
    await writeFile(tmp, JSON.stringify({ kernel: k.release, variant: found.variant, evidence: found.evidence }));
    await rename(tmp, file);
    return { ...found, kernel: k.release, cached: false };
  })();
  host.catch(() => (host = null));
  return host;
}

/** `6.18.44-fc-v1272: orphanedPgrpSighup=stopped-members`. */
export function describeHost(f: HostFingerprint): string {
  return `${f.kernel}: kernel variant ${describeVariant(f.variant)}`;
}
