// A latency histogram with logarithmic buckets (about 5% wide, 1 µs to
// 10 min): constant memory however many calls a run makes, mergeable across
// the seeds of a farm, and plain data so it crosses postMessage.

const BASE_MS = 0.001;
const GROWTH = 1.05;
const LOG_GROWTH = Math.log(GROWTH);
const BUCKETS = Math.ceil(Math.log(600_000 / BASE_MS) / LOG_GROWTH) + 1;

export interface LatencyHistogram {
  /** Counts by bucket; bucket i holds samples below BASE_MS * GROWTH^i (bucket 0: everything under 1 µs). */
  readonly counts: number[];
  count: number;
  sumMs: number;
  minMs: number;
  maxMs: number;
}

export interface LatencySummary {
  readonly count: number;
  readonly meanMs: number;
  readonly p50Ms: number;
  readonly p90Ms: number;
  readonly p99Ms: number;
  readonly p999Ms: number;
  readonly maxMs: number;
}

/** The upper edge of bucket i, in ms (what a histogram chart labels it with). */
export function bucketUpperMs(i: number): number {
  return BASE_MS * GROWTH ** i;
}

export function newHistogram(): LatencyHistogram {
  return { counts: [], count: 0, sumMs: 0, minMs: Infinity, maxMs: 0 };
}

export function recordLatency(h: LatencyHistogram, ms: number): void {
  const i = ms <= BASE_MS ? 0 : Math.min(BUCKETS - 1, Math.ceil(Math.log(ms / BASE_MS) / LOG_GROWTH));
  h.counts[i] = (h.counts[i] ?? 0) + 1;
  h.count++;
  h.sumMs += ms;
  if (ms < h.minMs) h.minMs = ms;
  if (ms > h.maxMs) h.maxMs = ms;
}

/** Adds `from` into `into`. */
export function mergeHistogram(into: LatencyHistogram, from: LatencyHistogram): void {
  from.counts.forEach((c, i) => {
    if (c) into.counts[i] = (into.counts[i] ?? 0) + c;
  });
  into.count += from.count;
  into.sumMs += from.sumMs;
  into.minMs = Math.min(into.minMs, from.minMs);
  into.maxMs = Math.max(into.maxMs, from.maxMs);
}

/** The q-quantile (0..1): the upper edge of the bucket it falls in, clamped to the observed range. */
export function quantile(h: LatencyHistogram, q: number): number {
  if (h.count === 0) return 0;
  const rank = Math.ceil(q * h.count);
  let seen = 0;
  for (let i = 0; i < h.counts.length; i++) {
    seen += h.counts[i] ?? 0;
    if (seen >= rank) return Math.min(h.maxMs, Math.max(h.minMs, BASE_MS * GROWTH ** i));
  }
  return h.maxMs;
}

const round3 = (x: number): number => Math.round(x * 1000) / 1000;

export function summarize(h: LatencyHistogram): LatencySummary {
  return {
    count: h.count,
    meanMs: round3(h.count ? h.sumMs / h.count : 0),
    p50Ms: round3(quantile(h, 0.5)),
    p90Ms: round3(quantile(h, 0.9)),
    p99Ms: round3(quantile(h, 0.99)),
    p999Ms: round3(quantile(h, 0.999)),
    maxMs: round3(h.maxMs),
  };
}
