// The watchdog: waits for a round's operations to finish and decides when
// they never will. Every wait the workload issues has something that ends it
// (a SIGKILL sent just before), and every SIGSTOP is followed by a SIGCONT,
// so a call still pending once the system is quiescent and nothing moves is a
// hang - invariant 6, not a legitimately blocked program.
//
// inline: every step of a run is a microtask, so a macrotask that finds the
//   round unfinished means nothing can run any more: settle, look once more,
//   and call it a hang if no call started or settled.
// threads: the kernel reports quiescence (no message in flight on any
//   thread); quiescent with no call moving for a grace period is a hang. A
//   lost message keeps the kernel from ever being quiescent, so a wall clock
//   (`watchdogMs` without any call starting or settling) backs it up.

import { setImmediate as immediate, setTimeout as sleep } from 'node:timers/promises';
import type { Kernel } from '../index.js';
import type { CallTracker } from './call-tracker.js';

export type RoundOutcome = 'done' | 'hang';

export interface WatchdogOptions {
  readonly kernel: Kernel;
  readonly transport: 'inline' | 'threads';
  readonly tracker: CallTracker;
  /** Wall-clock time without any call starting or settling after which a round is hung. */
  readonly watchdogMs: number;
}

/** How long `threads` must stay quiescent and still before the watchdog calls a hang. */
const QUIET_GRACE_MS = 250;
const POLL_MS = 50;

export async function awaitRound(done: Promise<void>, o: WatchdogOptions): Promise<RoundOutcome> {
  let finished = false;
  void done.then(() => (finished = true));
  if (o.transport === 'inline') return awaitInline(done, o, () => finished);
  return awaitThreads(done, o, () => finished);
}

async function awaitInline(done: Promise<void>, o: WatchdogOptions, finished: () => boolean): Promise<RoundOutcome> {
  for (;;) {
    await Promise.race([done, immediate()]);
    if (finished()) return 'done';
    const before = o.tracker.progress;
    await o.kernel.settled();
    await immediate();
    if (finished()) return 'done';
    if (o.tracker.progress === before) return 'hang';
  }
}

async function awaitThreads(done: Promise<void>, o: WatchdogOptions, finished: () => boolean): Promise<RoundOutcome> {
  const s: { quiet: { progress: number; at: number } | null; probing: boolean } = { quiet: null, probing: false };
  for (;;) {
    await Promise.race([done, sleep(POLL_MS)]);
    if (finished()) return 'done';
    const now = performance.now();
    if (now - o.tracker.lastProgressAt > o.watchdogMs) return 'hang';
    // s.quiet: the progress count when the kernel was last seen quiescent, and when.
    if (s.quiet && s.quiet.progress === o.tracker.progress && now - s.quiet.at > QUIET_GRACE_MS) return 'hang';
    if (!s.probing) {
      s.probing = true;
      o.kernel.settled().then(
        () => {
          s.probing = false;
          if (!s.quiet || s.quiet.progress !== o.tracker.progress) s.quiet = { progress: o.tracker.progress, at: performance.now() };
        },
        () => {
          // A failed kernel has already rejected every call; the round finishes by itself.
          s.probing = false;
        },
      );
    }
  }
}
