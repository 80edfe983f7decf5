import { toIso } from '../../clock.js';
import { FindingKind, Severity } from '../../domain/enums.js';
import type { FindingDraft } from '../../domain/finding.js';
import type { DetectorContext } from '../context.js';
import { clampToRange, formatTime, formatValue, METRIC_LABEL, round } from '../format.js';
import { ANALYSED_METRICS, BAD_DIRECTION, MATERIAL_CHANGE, type AnalysedMetric, type Point } from '../series.js';
import { MAD_TO_SIGMA, mad, median } from '../stats.js';
import { profileBefore } from './seasonal.js';
import { HOUR, DAY } from '../../domain/units.js';

const FIVE_MINUTES = 300_000;
const HISTORY_MS = DAY;
const LEVEL_POINTS = 24;
const MIN_HISTORY = 12;

export interface AnomalyPoint {
  t: number;
  value: number;
  expected: number;
  /** The band a normal value falls in: expected ± threshold × σ. */
  lower: number;
  upper: number;
  score: number;
}

/**
 * Scores each point from `evaluateFrom` on against what came before it only (causal), in a
 * way that depends on the point's own time and never on when the analysis runs, so a
 * backfilled series scores exactly as it would have live:
 * - expected = the daily rhythm learned from the days before the point's day (hourly means)
 *   + the median level of the previous two hours with that rhythm removed;
 * - σ = 1.4826 × MAD of those residuals over the day before the point's hour, floored at 5 %
 *   of the expected value and a quarter of the metric's material change, so a flat, noise-free
 *   series does not alarm on trifles.
 * Only deviations in the metric's bad direction count.
 */
export function scoreAnomalies(
  points: readonly Point[],
  hourly: readonly Point[],
  metric: AnalysedMetric,
  evaluateFrom: number,
  threshold: number,
  profileOf: (day: number) => ((t: number) => number) | undefined = (day) => profileBefore(hourly, day),
): AnomalyPoint[] {
  const none = () => 0;
  const sigmas = new Map<number, number>();
  const result: AnomalyPoint[] = [];
  let first = 0;
  for (let i = 0; i < points.length; i++) {
    const { t, v } = points[i]!;
    if (t < evaluateFrom) continue;
    const day = Math.floor(t / DAY) * DAY;
    const seasonal = profileOf(day) ?? none;
    const hour = Math.floor(t / HOUR) * HOUR;
    while (points[first]!.t < hour - HISTORY_MS) first += 1;
    if (i - first < MIN_HISTORY) continue;
    const recent: number[] = [];
    for (let j = Math.max(first, i - LEVEL_POINTS); j < i; j++) recent.push(points[j]!.v - seasonal(points[j]!.t));
    const level = median(recent);
    let sigma = sigmas.get(hour);
    if (sigma === undefined) {
      const residuals: number[] = [];
      for (let j = first; j < i && points[j]!.t < hour; j++) residuals.push(points[j]!.v - seasonal(points[j]!.t));
      sigma = residuals.length >= MIN_HISTORY ? MAD_TO_SIGMA * mad(residuals) : 0;
      sigmas.set(hour, sigma);
    }
    const expected = clampToRange(metric, seasonal(t) + level);
    const scale = Math.max(sigma, 0.05 * Math.abs(expected), MATERIAL_CHANGE[metric] / 4);
    const score = (BAD_DIRECTION[metric] * (v - expected)) / scale;
    // The band is what a reader sees: never a success rate above 100 % or a negative latency.
    const band = { lower: clampToRange(metric, expected - threshold * scale), upper: clampToRange(metric, expected + threshold * scale) };
    result.push({ t, value: v, expected, ...band, score });
  }
  return result;
}

/** Runs of anomalous 5-minute means in the recent window, one finding per run. */
export function detectAnomalies({ agents, state, now, settings }: DetectorContext): FindingDraft[] {
  const findings: FindingDraft[] = [];
  const evaluateFrom = now - settings.anomalyHours * 3_600_000;
  for (const agent of agents) {
    for (const metric of ANALYSED_METRICS) {
      const points = state.buckets(agent.name, metric, 'fiveMinute', now);
      if (points.length <= MIN_HISTORY || points.at(-1)!.t < evaluateFrom) continue;
      const hourly = state.buckets(agent.name, metric, 'hourly', now);
      const profileOf = (day: number) => state.memo(`profile|${agent.name}|${metric}|${day}|${now}`, () => profileBefore(hourly, day));
      const scored = scoreAnomalies(points, hourly, metric, evaluateFrom, settings.anomalyScore, profileOf);
      let run: AnomalyPoint[] = [];
      const flush = () => {
        if (run.length > 0) findings.push(anomalyFinding(agent.name, metric, run, run.at(-1)!.t === points.at(-1)!.t));
        run = [];
      };
      for (const point of scored) {
        if (point.score < settings.anomalyScore) flush();
        else if (run.length > 0 && point.t - run.at(-1)!.t > FIVE_MINUTES) {
          flush();
          run.push(point);
        } else run.push(point);
      }
      flush();
    }
  }
  return findings;
}

/** `active`: the run reaches the latest complete five minutes. */
function anomalyFinding(agentName: string, metric: AnalysedMetric, run: AnomalyPoint[], active: boolean): FindingDraft {
  const worst = run.reduce((a, b) => (b.score > a.score ? b : a));
  const first = run[0]!;
  const last = run.at(-1)!;
  const label = METRIC_LABEL[metric];
  return {
    kind: FindingKind.anomaly,
    agent_name: agentName,
    metric,
    severity: Severity.warning,
    score: round(worst.score, 3),
    started_at: toIso(first.t),
    ended_at: toIso(last.t),
    value: round(worst.value, 6),
    expected: round(worst.expected, 6),
    message:
      `${label} of ${agentName} was ${formatValue(metric, worst.value)} at ${formatTime(worst.t)} where ` +
      `${formatValue(metric, worst.expected)} was expected (normal band ${formatValue(metric, worst.lower)}–` +
      `${formatValue(metric, worst.upper)}; score ${round(worst.score, 1)}${run.length > 1 ? `; ${run.length} five-minute periods in a row` : ''})`,
    details: {
      points: run.map((p) => ({
        timestamp: toIso(p.t),
        value: round(p.value, 6),
        expected: round(p.expected, 6),
        lower: round(p.lower, 6),
        upper: round(p.upper, 6),
        score: round(p.score, 3),
      })),
      active,
    },
    episode_key: `anomaly:${agentName}:${metric}:${first.t}`,
  };
}
