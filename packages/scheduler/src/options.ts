// createKernel() options, validated once at the edge with messages that name
// the option and echo what was received.

import { z } from 'zod';
import { PID_MAX_LIMIT, PID_MAX_MIN, PID_MAX_DEFAULT, VARIANT_VALUES, variantOf, type KernelVariant, type ProgramSpec } from '@pidsim/core';
import { WorkerPool } from './worker-pool.js';
import type { Placement, PlacementPolicy } from './worker/placement.js';

const schema = z
  .object({
    transport: z.enum(['inline', 'threads']).default('inline'),
    seed: z.number().int().min(0).max(0xffffffff).default(0),
    chaos: z.number().int().min(0).optional(),
    pidMax: z.number().int().min(PID_MAX_MIN).max(PID_MAX_LIMIT).default(PID_MAX_DEFAULT),
    init: z
      .object({
        program: z.enum(['reaper', 'idle']).default('reaper'),
        name: z.string().min(1).default('init'),
        argv: z.array(z.string()).optional(),
      })
      .strict()
      .default({ program: 'reaper', name: 'init' }),
    clock: z.enum(['auto', 'manual']).default('auto'),
    events: z.boolean().default(false),
    workers: z.number().int().min(1).max(256).optional(),
    /** threads: a worker pool shared with other kernels (createWorkerPool); without one the kernel starts its own. */
    pool: z.custom<WorkerPool>((v) => v instanceof WorkerPool, 'expected a WorkerPool (createWorkerPool())').optional(),
    placement: z
      .union([z.enum(['co-locate', 'spread']), z.custom<PlacementPolicy>((v) => typeof v === 'function', "expected 'co-locate', 'spread' or a function (ns) => workerIndex")])
      .default('co-locate'),
    wire: z.enum(['numeric', 'objects']).default('numeric'),
    maxInFlight: z.number().int().min(1).optional(),
    /** Where kernel builds differ: which behaviour to follow (upstream's by default). */
    variant: z
      .object({
        orphanedPgrpSighup: z.enum(VARIANT_VALUES.orphanedPgrpSighup).optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

export type KernelOptions = z.input<typeof schema>;

export interface ResolvedOptions {
  readonly transport: 'inline' | 'threads';
  readonly seed: number;
  /** inline: how many delivery choices the seed makes before delivery follows a fixed order (unlimited by default). */
  readonly chaos: number | undefined;
  readonly pidMax: number;
  readonly initProgram: ProgramSpec;
  readonly initName: string;
  readonly initArgv: readonly string[];
  readonly clock: 'auto' | 'manual';
  readonly events: boolean;
  readonly workers: number | undefined;
  readonly pool: WorkerPool | undefined;
  readonly placement: Placement;
  /** threads: hot calls and replies as numeric records, or all as objects. */
  readonly wire: 'numeric' | 'objects';
  readonly maxInFlight: number | undefined;
  /** Which kernel build's behaviour to follow where builds differ (docs/deviations.md). */
  readonly variant: KernelVariant;
}

/** Validates createKernel() options; throws a TypeError naming the option and the value received. */
export function resolveOptions(input: unknown): ResolvedOptions {
  const parsed = schema.safeParse(input ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const path = issue.path.join('.');
    const received = issue.path.reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[k as PropertyKey] : undefined), input);
    const where = path === '' ? 'options' : `option \`${path}\``;
    const unknownKeys = issue.code === 'unrecognized_keys' ? ` (${issue.keys.map((k) => `\`${k}\``).join(', ')})` : '';
    throw new TypeError(`createKernel: ${where}: ${issue.message}${unknownKeys}; received ${JSON.stringify(received)}`);
  }
  const o = parsed.data;
  if (o.pool !== undefined) {
    if (o.transport !== 'threads') throw new TypeError(`createKernel: option \`pool\` needs transport 'threads', received transport ${JSON.stringify(o.transport)}`);
    if (o.pool.closed || o.pool.failure) throw new TypeError('createKernel: option `pool`: the worker pool is closed or failed');
    if (o.workers !== undefined && o.workers !== o.pool.size) {
      throw new TypeError(`createKernel: option \`workers\` (${o.workers}) differs from the size of option \`pool\` (${o.pool.size}); give one of them`);
    }
  }
  const initProgram: ProgramSpec = { name: o.init.program };
  return {
    transport: o.transport,
    seed: o.seed,
    chaos: o.chaos,
    pidMax: o.pidMax,
    initProgram,
    initName: o.init.name,
    initArgv: o.init.argv ?? [o.init.name],
    clock: o.clock,
    events: o.events,
    workers: o.workers,
    pool: o.pool,
    placement: o.placement as Placement,
    wire: o.wire,
    maxInFlight: o.maxInFlight,
    variant: variantOf(o.variant as Partial<KernelVariant> | undefined),
  };
}
