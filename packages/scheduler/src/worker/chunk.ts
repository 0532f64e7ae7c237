// How many numeric calls (main thread to a worker) or plain replies (a worker
// to the main thread) are posted at once, before the end of the turn. A turn
// that makes 256 calls posts them as four batches, so the worker runs the
// first while the main thread is still making the next, and the replies come
// back the same way: the two threads overlap instead of taking turns. Client-
// driven fork+exit+wait at 256 in flight on one worker went from about the
// inline rate to 1.6-2.3x it (docs/performance.md); 32 and 128 did worse.
// The end of the turn still posts whatever is left.

export const CHUNK = 64;
