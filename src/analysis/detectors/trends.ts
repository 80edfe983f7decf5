import { toIso } from '../../clock.js';
import { FindingKind, Severity } from '../../domain/enums.js';
import type { FindingDraft } from '../../domain/finding.js';
import type { DetectorContext } from '../context.js';
import { formatTime, formatValue, METRIC_LABEL, round } from '../format.js';
import { ANALYSED_METRICS, BAD_DIRECTION, IS_RATE, MATERIAL_CHANGE, type AnalysedMetric, type Point } from '../series.js';
import { mannKendall, median, resample, theilSen } from '../stats.js';
import { dailyProfile, deseasonalise } from './seasonal.js';
import { HOUR } from '../../domain/units.js';


export interface Trend {
  /** Metric units per hour (daily rhythm removed when known). */
  slopePerHour: number;
  p: number;
  /** Change over the window, and the typical level it is measured against. */
  change: number;
  level: number;
  from: number;
  to: number;
  points: number;
  seasonal: boolean;
}

/**
 * A monotonic change over the window in the metric's bad direction: Theil–Sen slope over
 * real time (half-hour means), significant by Mann–Kendall, and material (the metric's floor,
 * and for unbounded metrics at least a quarter of the level). Needs 80 % of the window covered; the daily rhythm
 * is removed first when there is enough history to know it, and a whole-day window cancels it.
 */
export function assessTrend(
  points: readonly Point[],
  hourly: readonly Point[],
  metric: AnalysedMetric,
  windowMs: number,
  significance: number,
): Trend | undefined {
  if (points.length < 24 || points.at(-1)!.t - points[0]!.t < 0.8 * windowMs) return undefined;
  const seasonal = dailyProfile(hourly);
  // Half-hour means: enough points for the test, few enough pairs for Theil–Sen.
  const series = resample(deseasonalise(points, seasonal), 30 * 60_000);
  const line = theilSen(series);
  if (!line) return undefined;
  const test = mannKendall(series.map((p) => p.v));
  const from = series[0]!.t;
  const to = series.at(-1)!.t;
  const change = line.slope * (to - from);
  const level = median(points.map((p) => p.v));
  const bad = Math.sign(change) === BAD_DIRECTION[metric];
  const material = Math.abs(change) >= Math.max(MATERIAL_CHANGE[metric], IS_RATE[metric] ? 0 : 0.25 * Math.abs(level));
  if (!bad || !material || test.p >= significance) return undefined;
  return { slopePerHour: line.slope * HOUR, p: test.p, change, level, from, to, points: series.length, seasonal: seasonal !== undefined };
}

export function detectTrends({ agents, state, now, settings }: DetectorContext): FindingDraft[] {
  const windowMs = settings.trendHours * HOUR;
  const findings: FindingDraft[] = [];
  const trending = new Map<AnalysedMetric, string[]>();
  for (const agent of agents) {
    for (const metric of ANALYSED_METRICS) {
      const points = state.buckets(agent.name, metric, 'fiveMinute', now).filter((p) => p.t >= now - windowMs);
      const trend = assessTrend(points, state.buckets(agent.name, metric, 'hourly', now), metric, windowMs, settings.trendSignificance);
      if (!trend) continue;
      findings.push(trendFinding(agent.name, metric, trend, []));
      trending.set(metric, [...(trending.get(metric) ?? []), agent.name]);
    }
  }
  // Fleet-wide: several agents drifting the same way together point at a shared cause.
  for (const [metric, names] of trending) {
    if (names.length < 2) continue;
    const fleet = fleetSeries(names.map((n) => state.buckets(n, metric, 'fiveMinute', now).filter((p) => p.t >= now - windowMs)));
    const trend = assessTrend(fleet, [], metric, windowMs, settings.trendSignificance);
    if (trend) findings.push(trendFinding(null, metric, trend, names));
  }
  return findings;
}

/** The mean across agents of each bucket. */
function fleetSeries(series: Point[][]): Point[] {
  const sums = new Map<number, { sum: number; n: number }>();
  for (const points of series) {
    for (const p of points) {
      const entry = sums.get(p.t) ?? { sum: 0, n: 0 };
      entry.sum += p.v;
      entry.n += 1;
      sums.set(p.t, entry);
    }
  }
  return [...sums.entries()].sort((a, b) => a[0] - b[0]).map(([t, e]) => ({ t, v: e.sum / e.n }));
}

function trendFinding(agentName: string | null, metric: AnalysedMetric, trend: Trend, agents: string[]): FindingDraft {
  const label = METRIC_LABEL[metric];
  const who = agentName ?? `the fleet (${agents.join(', ')})`;
  const rate = `${trend.slopePerHour >= 0 ? '+' : ''}${formatValue(metric, trend.slopePerHour)} per hour`;
  return {
    kind: FindingKind.trend,
    agent_name: agentName,
    metric,
    severity: Severity.warning,
    score: round(Math.abs(trend.change) / Math.max(Math.abs(trend.level), 1e-9), 4),
    started_at: toIso(trend.from),
    ended_at: toIso(trend.to),
    value: round(trend.level + trend.change / 2, 6),
    expected: round(trend.level - trend.change / 2, 6),
    message:
      `${label} of ${who} is ${BAD_DIRECTION[metric] > 0 ? 'rising' : 'falling'} ${rate} ` +
      `(${formatValue(metric, Math.abs(trend.change))} from ${formatTime(trend.from)} to ${formatTime(trend.to)}` +
      `${trend.seasonal ? ', daily rhythm removed' : ''}; Mann–Kendall p = ${trend.p.toExponential(1)})`,
    details: {
      slope_per_hour: round(trend.slopePerHour, 6),
      change: round(trend.change, 6),
      level: round(trend.level, 6),
      p_value: trend.p,
      points: trend.points,
      seasonal_adjusted: trend.seasonal,
      agents,
      active: true,
    },
    episode_key: `trend:${agentName ?? 'fleet'}:${metric}:${trend.from}`,
  };
}
