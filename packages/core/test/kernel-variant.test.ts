// Kernel variants: named choices where kernel builds differ, upstream's by
// default, parsed from the command line's NAME=VALUE and carried across
// threads as a few bits.

import { describe, expect, it } from 'vitest';
import {
  UPSTREAM_VARIANT,
  VARIANT_NAMES,
  VARIANT_VALUES,
  decodeVariant,
  describeVariant,
  encodeVariant,
  parseVariantChoice,
  variantOf,
  type KernelVariant,
} from '../src/index.js';

describe('kernel variants', () => {
  it('upstream is the first value of every variant, and reads as "upstream"', () => {
    for (const n of VARIANT_NAMES) expect(UPSTREAM_VARIANT[n]).toBe(VARIANT_VALUES[n][0]);
    expect(describeVariant(UPSTREAM_VARIANT)).toBe('upstream');
    expect(describeVariant(variantOf({ orphanedPgrpSighup: 'stopped-members' }))).toBe('orphanedPgrpSighup=stopped-members');
  });

  it('every combination survives encoding to bits and back', () => {
    const all: KernelVariant[] = VARIANT_NAMES.reduce<KernelVariant[]>(
      (acc, n) => acc.flatMap((v) => (VARIANT_VALUES[n] as readonly string[]).map((value) => variantOf({ ...v, [n]: value } as Partial<KernelVariant>))),
      [UPSTREAM_VARIANT],
    );
    const bits = new Set(all.map(encodeVariant));
    expect(bits.size).toBe(all.length);
    for (const v of all) expect(decodeVariant(encodeVariant(v))).toEqual(v);
    expect(encodeVariant(UPSTREAM_VARIANT)).toBe(0); // zeroed shared memory means upstream
  });

  it('parses NAME=VALUE, and names what is wrong otherwise', () => {
    expect(parseVariantChoice('orphanedPgrpSighup=stopped-members')).toEqual({ orphanedPgrpSighup: 'stopped-members' });
    expect(() => parseVariantChoice('frob=1')).toThrow('unknown kernel variant "frob": known variants are orphanedPgrpSighup');
    expect(() => parseVariantChoice('orphanedPgrpSighup=some')).toThrow('kernel variant orphanedPgrpSighup must be one of all-members, stopped-members; received "some"');
    expect(() => parseVariantChoice('orphanedPgrpSighup')).toThrow('received ""');
  });
});
