/** Latency figures in milliseconds; null when there were no samples. */
export interface LatencySummary {
  readonly samples: number;
  readonly p50: number | null;
  readonly p99: number | null;
  readonly max: number | null;
}

/** Sorts a copy; nearest-rank percentiles. */
export function summarize(values: Float64Array | readonly number[], count = values.length): LatencySummary {
  if (count === 0) return { samples: 0, p50: null, p99: null, max: null };
  const sorted = Float64Array.from(values.slice(0, count)).sort();
  const at = (q: number): number => sorted[Math.min(count - 1, Math.max(0, Math.ceil(q * count) - 1))] ?? 0;
  return { samples: count, p50: round(at(0.5)), p99: round(at(0.99)), max: round(sorted[count - 1] ?? 0) };
}

export function median(values: readonly number[]): number | null {
  return summarize(values).p50;
}

export function round(value: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
