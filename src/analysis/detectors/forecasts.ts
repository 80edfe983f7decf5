import { toIso } from '../../clock.js';
import { FindingKind, Severity } from '../../domain/enums.js';
import type { FindingDraft } from '../../domain/finding.js';
import { formatDuration } from '../../domain/health.js';
import type { DetectorContext } from '../context.js';
import { formatTime, formatValue, METRIC_LABEL, round } from '../format.js';
import { BAD_DIRECTION, IS_RATE, MATERIAL_CHANGE, type AnalysedMetric, type Point } from '../series.js';
import { fitQuality, mannKendall, median, theilSen, valueAt, type Line } from '../stats.js';
import { dailyProfile, deseasonalise } from './seasonal.js';
import { HOUR } from '../../domain/units.js';

const STEP = 5 * 60_000;

export interface Forecast {
  /** Fitted value now (with the daily rhythm), and when the threshold will be crossed. */
  now: number;
  crossingAt: number;
  slopePerHour: number;
  confidence: number;
  seasonal: boolean;
  points: number;
}

/**
 * When will this metric cross its threshold? A Theil–Sen line through the recent 5-minute
 * means (daily rhythm removed when known, then added back to the projection), walked
 * forward in 5-minute steps up to the horizon. Needs a significant trend toward the
 * threshold whose observed change is already material (the metric's floor, and 10 % of the
 * level for unbounded metrics), or a known daily rhythm whose peak alone crosses it. Confidence = R² of the
 * fit × (1 − Mann–Kendall p). Nothing when the metric is already past the threshold: that
 * is the threshold detector's finding.
 */
export function forecastCrossing(
  points: readonly Point[],
  hourly: readonly Point[],
  metric: AnalysedMetric,
  threshold: number,
  now: number,
  horizonMs: number,
): Forecast | undefined {
  if (points.length < 12 || points.at(-1)!.t - points[0]!.t < HOUR) return undefined;
  const profile = dailyProfile(hourly);
  const seasonal = profile ?? (() => 0);
  const series = deseasonalise(points, profile);
  const fitted = theilSen(series);
  if (!fitted) return undefined;
  const test = mannKendall(series.map((p) => p.v));
  const direction = BAD_DIRECTION[metric];
  // The extrapolation must rest on a change already seen to matter, not on drift within noise.
  const observed = Math.abs(fitted.slope * (series.at(-1)!.t - series[0]!.t));
  const level = Math.abs(median(series.map((p) => p.v)));
  const material = observed >= Math.max(MATERIAL_CHANGE[metric], IS_RATE[metric] ? 0 : 0.1 * level);
  const trending = test.p < 0.05 && Math.sign(fitted.slope) === direction && material;
  if (!trending && !profile) return undefined;
  const line: Line = trending ? fitted : { slope: 0, intercept: median(series.slice(-12).map((p) => p.v)), origin: fitted.origin };
  const predict = (t: number) => valueAt(line, t) + seasonal(t);
  const beyond = (v: number) => (direction > 0 ? v >= threshold : v <= threshold);
  const current = predict(now);
  if (beyond(current)) return undefined;
  for (let t = now + STEP; t <= now + horizonMs; t += STEP) {
    if (!beyond(predict(t))) continue;
    const confidence = trending ? fitQuality(series, line) * (1 - test.p) : 0.5;
    return { now: current, crossingAt: t, slopePerHour: line.slope * HOUR, confidence, seasonal: profile !== undefined, points: points.length };
  }
  return undefined;
}

/** Thresholds that will be crossed within the horizon, per agent. */
export function detectForecasts({ agents, state, now, settings }: DetectorContext): FindingDraft[] {
  const t = settings.thresholds;
  const findings: FindingDraft[] = [];
  for (const agent of agents) {
    const limit = settings.memoryLimitsMb[agent.name];
    const targets: Array<[AnalysedMetric, number]> = [
      ['response_time', t.response_time],
      ['success_rate', t.success_rate],
      ['error_rate', t.error_rate],
      ['cpu_usage', t.cpu_usage],
    ];
    if (limit) targets.push(['memory_usage', (limit * t.memory_usage) / 100]);
    for (const [metric, threshold] of targets) {
      const points = state.buckets(agent.name, metric, 'fiveMinute', now).filter((p) => p.t >= now - settings.forecastHours * HOUR);
      const hourly = state.buckets(agent.name, metric, 'hourly', now);
      const forecast = forecastCrossing(points, hourly, metric, threshold, now, settings.forecastHorizonHours * HOUR);
      if (!forecast) continue;
      // Where a breach would end again: the fix should bring the metric back past it.
      const clearAt = BAD_DIRECTION[metric] > 0 ? threshold * (1 - settings.hysteresis) : 1 - (1 - threshold) * (1 - settings.hysteresis);
      findings.push(forecastFinding(agent.name, metric, threshold, clearAt, forecast, now));
    }
  }
  return findings;
}

function forecastFinding(agentName: string, metric: AnalysedMetric, threshold: number, clearAt: number, f: Forecast, now: number): FindingDraft {
  const eta = f.crossingAt - now;
  const label = METRIC_LABEL[metric];
  const how = f.slopePerHour !== 0 ? `at ${formatValue(metric, Math.abs(f.slopePerHour))} per hour` : 'at its daily peak';
  return {
    kind: FindingKind.forecast,
    agent_name: agentName,
    metric,
    severity: eta <= 2 * HOUR ? Severity.critical : Severity.warning,
    score: round(f.confidence, 3),
    started_at: toIso(now),
    ended_at: toIso(f.crossingAt),
    value: round(f.now, 6),
    expected: threshold,
    message:
      `${label} of ${agentName} (now ${formatValue(metric, f.now)}) is on course to cross the ${formatValue(metric, threshold)} ` +
      `threshold ${how} in about ${formatDuration(eta)} (around ${formatTime(f.crossingAt)}; confidence ${Math.round(f.confidence * 100)} %)`,
    details: {
      crossing_at: toIso(f.crossingAt),
      eta_hours: round(eta / HOUR, 2),
      slope_per_hour: round(f.slopePerHour, 6),
      confidence: round(f.confidence, 3),
      method: f.seasonal ? 'theil-sen + daily profile' : 'theil-sen',
      points: f.points,
      direction: BAD_DIRECTION[metric] > 0 ? 'above' : 'below',
      clear_at: round(clearAt, 6),
      active: true,
    },
    episode_key: `forecast:${agentName}:${metric}:${now}`,
  };
}
