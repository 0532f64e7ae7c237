// The piscina pool seeds run on, with a heartbeat watchdog: each task beats
// on a MessagePort, and one silent for `watchdogMs` is aborted (piscina
// terminates its worker) and reported as a hang. A task that dies (its
// thread exits) is reported as a crash. A task whose caller's signal aborts
// (Ctrl-C) is stopped the same way and answers TASK_STOPPED. Used by the
// local seed farm and by `pidsim worker` on every host of a Redis farm.

import { MessageChannel } from 'node:worker_threads';
import { Piscina } from 'piscina';
import { seedTaskPath } from './seed-task-path.js';
import type { SeedBeat, SeedTask } from './seed-task.js';
import { makeFailure, type StressFailure } from './stress-failure.js';

/** A task as a caller builds it; the port is added when it is sent. */
export type SeedTaskInput = SeedTask extends infer T ? (T extends SeedTask ? Omit<T, 'port'> : never) : never;

const WATCH_EVERY_MS = 250;

/** What a task answers when the caller's signal stopped it (or it was not started, the signal having fired). */
export const TASK_STOPPED = Symbol('seed task stopped');

/** Whether a pool answer is the failure of the task itself (it never answered) rather than its result. */
export function isTaskFailure(x: unknown): x is StressFailure {
  return typeof x === 'object' && x !== null && 'detectedBy' in x;
}

export class SeedPool {
  readonly #pool: Piscina;
  /** Pool threads. */
  readonly threads: number;

  constructor(threads: number) {
    this.threads = threads;
    this.#pool = new Piscina({ filename: seedTaskPath(), minThreads: threads, maxThreads: threads, idleTimeout: 1000 });
  }

  /** Runs one task; resolves its answer, or a failure when it never answers (a silent task for `watchdogMs`, or a dead thread). */
  run<R>(task: SeedTaskInput, watchdogMs: number, onBeat: (b: SeedBeat) => void): Promise<R | StressFailure>;
  /** The same, and TASK_STOPPED once `stop` aborts: the task is stopped (piscina terminates its thread), or never started. */
  run<R>(task: SeedTaskInput, watchdogMs: number, onBeat: (b: SeedBeat) => void, stop: AbortSignal | undefined): Promise<R | StressFailure | typeof TASK_STOPPED>;
  async run<R>(task: SeedTaskInput, watchdogMs: number, onBeat: (b: SeedBeat) => void, stop?: AbortSignal): Promise<R | StressFailure | typeof TASK_STOPPED> {
    if (stop?.aborted) return TASK_STOPPED;
    const { port1, port2 } = new MessageChannel();
    const abort = new AbortController();
    const onStop = (): void => abort.abort(TASK_STOPPED);
    stop?.addEventListener('abort', onStop);
    let lastBeat = 0;
    port1.on('message', (b: SeedBeat) => {
      lastBeat = performance.now();
      onBeat(b);
    });
    const watch = setInterval(() => {
      if (lastBeat > 0 && performance.now() - lastBeat > watchdogMs) abort.abort(new Error('watchdog'));
    }, WATCH_EVERY_MS);
    try {
      return (await this.#pool.run({ ...task, port: port2 } as SeedTask, { transferList: [port2], signal: abort.signal })) as R;
    } catch (e) {
      if (stop?.aborted) return TASK_STOPPED;
      const silent = abort.signal.aborted;
      const message = silent
        ? `seed ${task.seed}: no progress for ${Math.round(watchdogMs / 1000)} s; the task was stopped (an engine stuck in a loop?)`
        : `seed ${task.seed}: the task failed: ${e instanceof Error ? e.message : String(e)}`;
      return makeFailure(silent ? 'hang' : 'crash', silent ? 'watchdog' : 'exception', -1, [{ invariant: silent ? 6 : null, message, processes: [] }]);
    } finally {
      stop?.removeEventListener('abort', onStop);
      clearInterval(watch);
      port1.close();
    }
  }

  destroy(): Promise<void> {
    return this.#pool.destroy();
  }
}
