import type { Thresholds } from '../../domain/thresholds.js';
import type { AnalysedMetric, Point } from '../series.js';

export interface ThresholdRule {
  metric: AnalysedMetric | 'host_cpu' | 'host_memory';
  /** 'above': bad when the value exceeds the threshold; 'below': bad when under it. */
  direction: 'above' | 'below';
  threshold: number;
  /** The level the value must get back past for the breach to end (hysteresis). */
  clearAt: number;
  unit: string;
}

export interface ThresholdOptions {
  /** Fraction of the threshold's distance the value must recover by before the breach ends. */
  hysteresis: number;
  /** A breach counts only when it lasts this many points... */
  minPoints: number;
  /** ...and spans at least this long, so one spike is not a breach. */
  minDurationMs: number;
}

/** One sustained breach: the points from its first bad value to its last, and whether it is still on. */
export interface BreachEpisode {
  rule: ThresholdRule;
  startedAt: number;
  endedAt: number;
  points: number;
  mean: number;
  worst: number;
  latest: number;
  active: boolean;
}

/**
 * The rules for an agent's samples. memory_usage is in MB, so its percent threshold
 * applies only when the agent has a configured memory limit.
 */
export function thresholdRules(t: Thresholds, hysteresis: number, memoryLimitMb?: number): ThresholdRule[] {
  const above = (metric: ThresholdRule['metric'], threshold: number, unit: string): ThresholdRule => ({
    metric,
    direction: 'above',
    threshold,
    clearAt: threshold * (1 - hysteresis),
    unit,
  });
  const rules = [
    above('response_time', t.response_time, 's'),
    above('error_rate', t.error_rate, ''),
    above('cpu_usage', t.cpu_usage, '%'),
    {
      metric: 'success_rate',
      direction: 'below',
      threshold: t.success_rate,
      // The failure share must fall back by the hysteresis fraction: 0.8 clears at 0.82.
      clearAt: 1 - (1 - t.success_rate) * (1 - hysteresis),
      unit: '',
    } satisfies ThresholdRule,
  ];
  if (memoryLimitMb) rules.push(above('memory_usage', (memoryLimitMb * t.memory_usage) / 100, 'MB'));
  return rules;
}

/** The host's own CPU and memory percent against the same thresholds. */
export function hostRules(t: Thresholds, hysteresis: number): ThresholdRule[] {
  return [
    { metric: 'host_cpu', direction: 'above', threshold: t.cpu_usage, clearAt: t.cpu_usage * (1 - hysteresis), unit: '%' },
    { metric: 'host_memory', direction: 'above', threshold: t.memory_usage, clearAt: t.memory_usage * (1 - hysteresis), unit: '%' },
  ];
}

const isBad = (rule: ThresholdRule, v: number) => (rule.direction === 'above' ? v > rule.threshold : v < rule.threshold);
const isClear = (rule: ThresholdRule, v: number) => (rule.direction === 'above' ? v < rule.clearAt : v > rule.clearAt);

/**
 * Every sustained breach in the series. A breach starts at the first value past the
 * threshold and lasts until a value gets back past the clear level; values between the
 * two neither start nor end one. Episodes shorter than minPoints or minDuration are spikes.
 */
export function detectBreaches(points: readonly Point[], rule: ThresholdRule, options: ThresholdOptions): BreachEpisode[] {
  const episodes: BreachEpisode[] = [];
  let open: { start: number; end: number; values: number[] } | undefined;
  const close = (active: boolean) => {
    if (!open) return;
    const { start, end, values } = open;
    if (values.length >= options.minPoints && end - start >= options.minDurationMs) {
      const worst = rule.direction === 'above' ? Math.max(...values) : Math.min(...values);
      const mean = values.reduce((a, b) => a + b, 0) / values.length;
      episodes.push({ rule, startedAt: start, endedAt: end, points: values.length, mean, worst, latest: values.at(-1)!, active });
    }
    open = undefined;
  };
  for (const { t, v } of points) {
    if (open) {
      if (isClear(rule, v)) close(false);
      else {
        open.end = t;
        open.values.push(v);
      }
    } else if (isBad(rule, v)) {
      open = { start: t, end: t, values: [v] };
    }
  }
  close(true);
  return episodes;
}
