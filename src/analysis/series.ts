import type { AgentSample } from '../domain/sample.js';

/** A time series point: epoch ms and value. */
export interface Point {
  t: number;
  v: number;
}

/** Metrics the analysis reads from samples; error_rate and tokens_per_request are derived per sample. */
export const ANALYSED_METRICS = ['response_time', 'success_rate', 'error_rate', 'cpu_usage', 'memory_usage', 'tokens_per_request'] as const;
export type AnalysedMetric = (typeof ANALYSED_METRICS)[number];

/** +1 where a higher value is worse, −1 where a lower one is (success rate). */
export const BAD_DIRECTION: Record<AnalysedMetric, 1 | -1> = {
  response_time: 1,
  success_rate: -1,
  error_rate: 1,
  cpu_usage: 1,
  memory_usage: 1,
  tokens_per_request: 1,
};

/** The smallest change worth a person's attention, per metric (in its unit). */
export const MATERIAL_CHANGE: Record<AnalysedMetric, number> = {
  response_time: 0.5,
  success_rate: 0.05,
  error_rate: 0.05,
  cpu_usage: 10,
  memory_usage: 50,
  tokens_per_request: 100,
};

/**
 * The directions in which an unusual value is a problem: a latency or CPU that collapses is
 * often a hang, as a rise is overload; memory that drops is a restart, not a fault.
 */
export const ANOMALY_DIRECTIONS: Record<AnalysedMetric, ReadonlyArray<1 | -1>> = {
  response_time: [1, -1],
  success_rate: [-1],
  error_rate: [1],
  cpu_usage: [1, -1],
  memory_usage: [1],
  // Fewer tokens per request is cheaper, not a fault.
  tokens_per_request: [1],
};

/** The finest difference a metric is reported in: no spread is taken as smaller. */
export const RESOLUTION: Record<AnalysedMetric, number> = {
  response_time: 0.001,
  success_rate: 0.005,
  error_rate: 0.005,
  cpu_usage: 0.1,
  memory_usage: 1,
  tokens_per_request: 1,
};

/** Rates are bounded: a change matters in absolute terms, not relative to the level. */
export const IS_RATE: Record<AnalysedMetric, boolean> = {
  response_time: false,
  success_rate: true,
  error_rate: true,
  cpu_usage: false,
  memory_usage: false,
  tokens_per_request: false,
};

export type SampleLike = Pick<AgentSample, 'response_time' | 'success_rate' | 'error_count' | 'requests' | 'cpu_usage' | 'memory_usage' | 'input_tokens' | 'output_tokens'> & {
  timestamp: string;
};

/** errors / requests when requests are known and non-zero, else 1 − success rate, else unknown. */
export function sampleErrorRate(s: Pick<SampleLike, 'error_count' | 'requests' | 'success_rate'>): number | null {
  if (s.requests !== null && s.requests > 0 && s.error_count !== null) return s.error_count / s.requests;
  if (s.success_rate !== null) return 1 - s.success_rate;
  return null;
}

/** LLM tokens (input + output) per request, when the sample counts both requests and tokens. */
export function sampleTokensPerRequest(s: Pick<SampleLike, 'requests' | 'input_tokens' | 'output_tokens'>): number | null {
  if (s.requests === null || s.requests <= 0 || (s.input_tokens === null && s.output_tokens === null)) return null;
  return ((s.input_tokens ?? 0) + (s.output_tokens ?? 0)) / s.requests;
}

/** A metric's value in one sample: stored, or derived (error_rate, tokens_per_request). */
export function sampleValue(s: SampleLike, metric: AnalysedMetric): number | null {
  if (metric === 'error_rate') return sampleErrorRate(s);
  if (metric === 'tokens_per_request') return sampleTokensPerRequest(s);
  return s[metric];
}

/** The points of one metric, in time order, skipping samples that did not report it. */
export function metricSeries(samples: readonly SampleLike[], metric: AnalysedMetric): Point[] {
  const points: Point[] = [];
  for (const s of samples) {
    const v = sampleValue(s, metric);
    if (v !== null) points.push({ t: Date.parse(s.timestamp), v });
  }
  points.sort((a, b) => a.t - b.t);
  return points;
}

export function mean(values: readonly number[]): number {
  let sum = 0;
  for (const v of values) sum += v;
  return values.length === 0 ? NaN : sum / values.length;
}
