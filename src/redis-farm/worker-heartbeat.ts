// Workers announce themselves: every second each `pidsim worker` writes its
// heartbeat (who it is, its version and pool threads, the seeds it is running
// and how far they are) into one Redis hash, and removes it when it stops.
// A client reads the hash to show progress across all workers. A worker
// killed outright leaves its entry behind; readers judge liveness by whether
// its beat counter still moves, on their own clock (hosts' clocks differ).

import type { Redis } from 'ioredis';
import { WORKERS_KEY } from './run-keys.js';

export const BEAT_EVERY_MS = 1000;
/** A worker whose beat has not moved for this long is taken for gone. */
export const GONE_AFTER_MS = 10_000;
/** A gone worker's entry is removed after this long. */
const FORGET_AFTER_MS = 10 * 60_000;

export interface RunningSeed {
  readonly run: string;
  readonly seed: number;
  /** 'run' while its workload runs, 'shrink' while its failure is shrunk. */
  readonly phase: 'run' | 'shrink';
  readonly forks: number;
  readonly calls: number;
  readonly opsDone: number;
  readonly opsPlanned: number;
}

export interface WorkerBeat {
  /** `host:pid`. */
  readonly id: string;
  readonly version: string;
  readonly threads: number;
  /** Counts up at every beat. */
  readonly beat: number;
  readonly seedsDone: number;
  readonly running: readonly RunningSeed[];
}

export async function writeBeat(redis: Redis, beat: WorkerBeat): Promise<void> {
  await redis.hset(WORKERS_KEY, beat.id, JSON.stringify(beat));
}

export async function removeBeat(redis: Redis, id: string): Promise<void> {
  await redis.hdel(WORKERS_KEY, id);
}

/** Who is alive, as seen from one reader: tracks when each worker's beat last moved. */
export class WorkerRoster {
  /** Worker id -> its last beat and when (on this host's clock) it last changed. */
  readonly #seen = new Map<string, { beat: WorkerBeat; movedAt: number }>();

  /** Reads every heartbeat; resolves the workers alive now. */
  async refresh(redis: Redis): Promise<WorkerBeat[]> {
    const now = performance.now();
    const all = await redis.hgetall(WORKERS_KEY);
    const alive: WorkerBeat[] = [];
    for (const [id, json] of Object.entries(all)) {
      let beat: WorkerBeat;
      try {
        beat = JSON.parse(json) as WorkerBeat;
      } catch {
        continue; // not ours to judge; another tool's field
      }
      const prev = this.#seen.get(id);
      if (!prev || prev.beat.beat !== beat.beat) this.#seen.set(id, { beat, movedAt: now });
      const movedAt = this.#seen.get(id)!.movedAt;
      // A first sighting counts as alive: a dead entry stops counting once it has not moved for GONE_AFTER_MS.
      if (now - movedAt < GONE_AFTER_MS) alive.push(beat);
      else if (now - movedAt > FORGET_AFTER_MS) {
        this.#seen.delete(id);
        await redis.hdel(WORKERS_KEY, id);
      }
    }
    return alive;
  }
}
