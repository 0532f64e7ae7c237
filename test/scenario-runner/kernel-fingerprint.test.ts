// The kernel-variant probes (src/scenario/kernel-fingerprint.ts) tell every
// known value apart: pidsim set to a variant is fingerprinted as that variant,
// on both transports. (The host kernel's fingerprint is taken by the
// differential suite, which names it in its output.)

import { describe, expect, it } from 'vitest';
import { VARIANT_NAMES, VARIANT_VALUES, variantOf, type KernelVariant } from '../../src/index.js';
import { fingerprint, pidsimBackend, type BackendFactory } from '../../src/scenario/index.js';

const cases = VARIANT_NAMES.flatMap((name) =>
  (VARIANT_VALUES[name] as readonly string[]).map((value) => ({ name, value, variant: variantOf({ [name]: value } as Partial<KernelVariant>) })),
);

describe.each(['inline', 'threads'] as const)('kernel variant probes on %s', (transport) => {
  it.each(cases.map((c) => [`${c.name}=${c.value}`, c] as const))('pidsim set to %s is fingerprinted as it', async (_label, c) => {
    const f = await fingerprint(pidsimBackend(transport, 3, { variant: c.variant }));
    expect(f.variant[c.name]).toBe(c.value);
    expect(f.evidence.join(' ')).toContain(`${c.name}=${c.value}`);
  });
});

it('an observation no known variant gives is an error naming the probe, not a guess', async () => {
  // A backend whose probe step observes what no kernel build does: the running member caught SIGHUP twice.
  const real = pidsimBackend('inline', 1);
  const odd: BackendFactory = {
    name: 'odd kernel',
    variant: real.variant,
    open: async (root) => {
      const b = await real.open(root);
      return {
        name: 'odd kernel',
        rootLevel: b.rootLevel,
        identity: (p) => b.identity(p),
        hasPending: (p) => b.hasPending(p),
        reaped: (p) => b.reaped(p),
        call: async (p, s) => (s.op === 'caught' && s.sig === 1 ? { count: 2 } : b.call(p, s)),
        join: (p) => b.join(p),
        sleep: (ms) => b.sleep(ms),
        close: () => b.close(),
      };
    },
  };
  await expect(fingerprint(odd)).rejects.toThrow(/odd kernel: the orphanedPgrpSighup probe observed \{count: 2\} at step 12 of probe-orphaned-pgrp-sighup, which no known kernel variant gives/);
});
