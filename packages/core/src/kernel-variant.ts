// Kernel variants: where real Linux kernels of the same version differ in a
// behaviour pidsim emulates. pidsim emulates upstream by default; each known
// difference is a named choice, so a kernel can be set to behave like the
// build it is compared with. docs/deviations.md lists every variant, the
// kernel builds seen with each value, and the probe that tells them apart.

/** One choice per behaviour that differs between kernel builds. */
export interface KernelVariant {
  /**
   * kill_orphaned_pgrp() (kernel/exit.c, SEMANTICS 7.4): which members of a
   * newly orphaned process group with a stopped member get the SIGHUP.
   * `all-members`: upstream, `__kill_pgrp_info(SIGHUP, SEND_SIG_PRIV, pgrp)`
   * reaches every member. `stopped-members`: only the stopped ones (the
   * SIGCONT that follows still reaches every member).
   */
  readonly orphanedPgrpSighup: 'all-members' | 'stopped-members';
}

export type VariantName = keyof KernelVariant;

/** Every variant and its legal values; the first value is upstream's. */
export const VARIANT_VALUES: { readonly [K in VariantName]: readonly KernelVariant[K][] } = {
  orphanedPgrpSighup: ['all-members', 'stopped-members'],
};

export const VARIANT_NAMES = Object.keys(VARIANT_VALUES) as VariantName[];

/** What upstream Linux does (the torvalds/linux tree at the emulated version). */
export const UPSTREAM_VARIANT: KernelVariant = Object.freeze(
  Object.fromEntries(VARIANT_NAMES.map((n) => [n, VARIANT_VALUES[n][0]])) as unknown as KernelVariant,
);

/** Upstream with the given choices replaced. */
export function variantOf(choices: Partial<KernelVariant> = {}): KernelVariant {
  return Object.freeze({ ...UPSTREAM_VARIANT, ...choices });
}

/** `orphanedPgrpSighup=stopped-members`, the choices that differ from upstream, or `upstream`. */
export function describeVariant(v: KernelVariant): string {
  const parts = VARIANT_NAMES.filter((n) => v[n] !== UPSTREAM_VARIANT[n]).map((n) => `${n}=${v[n]}`);
  return parts.length === 0 ? 'upstream' : parts.join(',');
}

/**
 * Parses `NAME=VALUE` (the command line's form). Throws a TypeError naming
 * what was wrong and the legal names or values.
 */
export function parseVariantChoice(text: string): Partial<KernelVariant> {
  const eq = text.indexOf('=');
  const name = eq < 0 ? text : text.slice(0, eq);
  if (!(VARIANT_NAMES as string[]).includes(name)) {
    throw new TypeError(`unknown kernel variant ${JSON.stringify(name)}: known variants are ${VARIANT_NAMES.join(', ')}`);
  }
  const values = VARIANT_VALUES[name as VariantName] as readonly string[];
  const value = eq < 0 ? '' : text.slice(eq + 1);
  if (!values.includes(value)) {
    throw new TypeError(`kernel variant ${name} must be one of ${values.join(', ')}; received ${JSON.stringify(value)}`);
  }
  return { [name]: value } as Partial<KernelVariant>;
}

/** The variant as one small integer (each choice's index in a few bits), for shared memory. */
export function encodeVariant(v: KernelVariant): number {
  let bits = 0;
  VARIANT_NAMES.forEach((n, i) => {
    bits |= (VARIANT_VALUES[n] as readonly string[]).indexOf(v[n]) << (4 * i);
  });
  return bits;
}

export function decodeVariant(bits: number): KernelVariant {
  const out: Record<string, string> = {};
  VARIANT_NAMES.forEach((n, i) => {
    out[n] = (VARIANT_VALUES[n] as readonly string[])[(bits >>> (4 * i)) & 0xf]!;
  });
  return Object.freeze(out) as unknown as KernelVariant;
}
