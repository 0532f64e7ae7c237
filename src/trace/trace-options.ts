// What a trace keeps, validated once at the edge: the file, one namespace
// subtree, a window of trace time. A bad value throws a TypeError that names
// the option and echoes what was received.

import { z } from 'zod';

export interface TraceWindow {
  /** Trace time (µs, as the viewer shows it), inclusive. */
  readonly from: number;
  readonly to: number;
}

export interface TraceOptions {
  /** The file to write (truncated). */
  readonly file: string;
  /**
   * Keep only this PID namespace and the namespaces below it: the number the
   * trace names it by ("PID namespace #5"), the same for every run of a seed
   * on inline. Default: everything.
   */
  readonly namespace?: number | undefined;
  /** Keep only what happens in this window of trace time. Default: the whole run. */
  readonly window?: TraceWindow | undefined;
}

const schema = z
  .object({
    file: z.string().min(1),
    namespace: z.number().int().min(1).optional(),
    window: z
      .object({ from: z.number().finite().min(0), to: z.number().finite().min(0) })
      .strict()
      .refine((w) => w.from <= w.to, { message: 'from must not be after to' })
      .optional(),
  })
  .strict();

/** Checks trace() options; throws a TypeError naming the option and the value received. */
export function checkTraceOptions(input: unknown, where = 'trace'): TraceOptions {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const path = issue.path.join('.');
  const received = issue.path.reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[k as PropertyKey] : undefined), input);
  const unknownKeys = issue.code === 'unrecognized_keys' ? ` (${issue.keys.map((k) => `\`${k}\``).join(', ')})` : '';
  throw new TypeError(`${where}: ${path === '' ? 'options' : `option \`${path}\``}: ${issue.message}${unknownKeys}; received ${JSON.stringify(received)}`);
}

const UNITS: Readonly<Record<string, number>> = { us: 1, µs: 1, ms: 1000, s: 1_000_000 };

/** One end of a window: `1500`, `1500us`, `2.5ms`, `3s` (trace time; a bare number is µs). */
function parseTime(text: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(us|µs|ms|s)?\s*$/.exec(text);
  if (!m) return undefined;
  return Number(m[1]) * UNITS[m[2] ?? 'us']!;
}

/** `--trace-window FROM:TO` as a window, or a message saying what is wrong. */
export function parseTraceWindow(text: string): TraceWindow | { readonly error: string } {
  const parts = text.split(':');
  if (parts.length !== 2) return { error: `expected FROM:TO, like 2s:3s or 1500:2500 (µs), received ${JSON.stringify(text)}` };
  const from = parseTime(parts[0]!);
  const to = parseTime(parts[1]!);
  if (from === undefined || to === undefined) return { error: `each end is a number of µs, or one with a unit (us, ms, s), received ${JSON.stringify(text)}` };
  if (from > to) return { error: `the window starts after it ends, received ${JSON.stringify(text)}` };
  return { from, to };
}
