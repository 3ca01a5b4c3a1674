/**
 * Histogram helpers: Envoy's default bucket bounds (what Istio's istio_request_duration_milliseconds
 * and, without a statsHistogramBuckets annotation, istio_request_bytes / istio_response_bytes
 * use), and the quantiles admin `/stats` prints (`P0(nan,1) P25(nan,2.5) ...`), estimated from
 * the buckets by linear interpolation.
 */
import type { HistogramSnapshot } from './store.ts';

/** Envoy's default histogram buckets (stats_config.histogram_bucket_settings unset). */
export const ENVOY_DEFAULT_BUCKETS: readonly number[] = Object.freeze([
  0.5, 1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000, 300000, 600000, 1800000, 3600000,
]);

/** The quantiles Envoy's admin reports, in percent. */
export const SUPPORTED_QUANTILES: readonly number[] = [0, 25, 50, 75, 90, 95, 99, 99.5, 99.9, 100];

/** The value below which `q` (0..1) of the samples fall, or undefined without samples. */
export function quantile(h: HistogramSnapshot, q: number): number | undefined {
  if (h.count === 0) return undefined;
  const target = q * h.count;
  let seen = 0;
  for (let i = 0; i < h.counts.length; i++) {
    const n = h.counts[i] ?? 0;
    if (n === 0) continue;
    const lower = i === 0 ? 0 : (h.bounds[i - 1] ?? 0);
    const upper = h.bounds[i] ?? lower;
    if (seen + n >= target) return lower + (upper - lower) * Math.max(0, (target - seen) / n);
    seen += n;
  }
  return h.bounds.at(-1) ?? 0;
}

const num = (v: number): string => String(Number(v.toPrecision(6)));

/** Envoy's text form of a histogram: `P0(nan,0.5) P25(nan,1) ...`, or `No recorded values`. */
export function quantileSummary(h: HistogramSnapshot): string {
  if (h.count === 0) return 'No recorded values';
  return SUPPORTED_QUANTILES.map((p) => `P${p}(nan,${num(quantile(h, p / 100) ?? 0)})`).join(' ');
}
