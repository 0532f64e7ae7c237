// Where a Redis farm keeps things. The jobs are in one BullMQ queue shared by
// every run (keys `pidsim:stress:*`), so a worker serves whichever run has
// work; each run's own records live under `pidsim:run:NAME:*`.

/** BullMQ's key prefix and queue name: every worker listens on `pidsim:stress`. */
export const QUEUE_PREFIX = 'pidsim';
export const QUEUE_NAME = 'stress';

/** Every live worker's heartbeat (a hash: worker id -> JSON). */
export const WORKERS_KEY = 'pidsim:workers';

/** How long a finished run's records and jobs stay in Redis (to resume or report it again). */
export const RUN_TTL_SECONDS = 7 * 24 * 3600;

export interface RunKeys {
  /** Hash: `spec` (the run's definition), `createdAt`, `enqueued`, `finishedAt` (Redis time, ms). */
  readonly meta: string;
  /** Hash: seed -> its record (seed-record.ts), written once. */
  readonly results: string;
  /** Stream: one entry per recorded seed, in the order they were recorded (what a client follows). */
  readonly log: string;
  /** Stream: a failure as soon as a worker finds it, before it shrinks it (a client announces it early). */
  readonly found: string;
  /** Hash: worker id -> why it refuses this run's jobs. */
  readonly refusals: string;
}

export function runKeys(run: string): RunKeys {
  const base = `pidsim:run:${run}`;
  return { meta: `${base}:meta`, results: `${base}:results`, log: `${base}:log`, found: `${base}:found`, refusals: `${base}:refusals` };
}

/** A batch's job id: BullMQ drops a second add with the same id, so enqueueing again (a resumed run) adds nothing twice. */
export function jobId(run: string, batch: number): string {
  return `${run}.b${batch}`;
}
