import { toIso } from '../../clock.js';
import { FindingKind, Severity } from '../../domain/enums.js';
import type { FindingDraft } from '../../domain/finding.js';
import { HOUR } from '../../domain/units.js';
import type { DetectorContext } from '../context.js';
import { clampToRange, formatTime, formatValue, METRIC_LABEL, round } from '../format.js';
import { ANALYSED_METRICS, ANOMALY_DIRECTIONS, RESOLUTION, type AnalysedMetric, type Point } from '../series.js';
import { MAD_TO_SIGMA, medianInPlace } from '../stats.js';

const FIVE_MINUTES = 300_000;
/** What a point is compared with: the two days before it, so a daily rhythm is in view twice. */
export const ANOMALY_HISTORY_MS = 48 * HOUR;
/** Nothing is judged before a day of history and 24 points of it. */
const MIN_HISTORY_MS = 24 * HOUR;
const MIN_HISTORY_POINTS = 24;
/** How far past the extremes of its history a value must go: a share of the history's range. */
const NOVELTY_MARGIN = 0.05;
/** The spread is never taken as less than this share of the typical level (a flat series is not a hair trigger). */
const RELATIVE_FLOOR = 0.05;
/** Runs closer than this are one episode. */
const EPISODE_GAP_MS = HOUR;

export interface AnomalyPoint {
  t: number;
  value: number;
  expected: number;
  /** The range a normal value falls in, from the history: its extremes widened by the margin. */
  lower: number;
  upper: number;
  /** How far from the typical level, in robust standard deviations; signed by the direction that matters. */
  score: number;
}

interface HistoryStats {
  median: number;
  sigma: number;
  low: number;
  high: number;
  /** Index of the first point of the hour (its earlier points in the hour extend low/high). */
  from: number;
}

/**
 * Scores each 5-minute mean from `evaluateFrom` on against the two days before it (causal:
 * a point is judged only on what came before it, so a backfilled series scores exactly as
 * it would have live). A point is anomalous when it goes past the extremes its history
 * reached, by a margin of that range, and lies `threshold` robust standard deviations
 * (1.4826 × MAD) from the typical level. A regular rhythm, within the hour or the day, is
 * in the history and so never anomalous; a level the series has never been at is. Both
 * directions count where they matter for the metric (a collapse of CPU or latency is often a
 * hang); the spread is floored relative to the series' own level, not by an absolute amount.
 * History statistics are computed once per hour of the point (bounded work per series).
 */
export function scoreAnomalies(points: readonly Point[], metric: AnalysedMetric, evaluateFrom: number, threshold: number): AnomalyPoint[] {
  const result: AnomalyPoint[] = [];
  const byHour = new Map<number, HistoryStats | null>();
  const directions = ANOMALY_DIRECTIONS[metric];
  let start = 0;
  for (let i = 0; i < points.length; i++) {
    const { t, v } = points[i]!;
    if (t < evaluateFrom) continue;
    const hour = Math.floor(t / HOUR) * HOUR;
    let stats = byHour.get(hour);
    if (stats === undefined) {
      while (points[start]!.t < hour - ANOMALY_HISTORY_MS) start += 1;
      stats = historyStats(points, start, hour);
      byHour.set(hour, stats);
    }
    if (stats === null || points[0]!.t > t - MIN_HISTORY_MS) continue;
    let { low, high } = stats;
    for (let j = stats.from; j < i; j++) {
      low = Math.min(low, points[j]!.v);
      high = Math.max(high, points[j]!.v);
    }
    const floor = Math.max(RELATIVE_FLOOR * Math.abs(stats.median), RESOLUTION[metric]);
    const sigma = Math.max(stats.sigma, floor);
    const margin = NOVELTY_MARGIN * Math.max(high - low, floor);
    const z = (v - stats.median) / sigma;
    const above = directions.includes(1) && v > high + margin ? z : 0;
    const below = directions.includes(-1) && v < low - margin ? -z : 0;
    result.push({
      t,
      value: v,
      expected: clampToRange(metric, stats.median),
      lower: clampToRange(metric, low - margin),
      upper: clampToRange(metric, high + margin),
      score: Math.max(above, below, 0),
    });
  }
  return result;
}

function historyStats(points: readonly Point[], start: number, hour: number): HistoryStats | null {
  let end = start;
  while (end < points.length && points[end]!.t < hour) end += 1;
  const n = end - start;
  if (n < MIN_HISTORY_POINTS) return null;
  const values = new Float64Array(n);
  let low = Infinity;
  let high = -Infinity;
  for (let i = 0; i < n; i++) {
    const v = points[start + i]!.v;
    values[i] = v;
    if (v < low) low = v;
    if (v > high) high = v;
  }
  const typical = medianInPlace(values);
  for (let i = 0; i < n; i++) values[i] = Math.abs(values[i]! - typical);
  return { median: typical, sigma: MAD_TO_SIGMA * medianInPlace(values), low, high, from: end };
}

/** Runs of anomalous 5-minute means in the recent window; runs less than an hour apart are one episode. */
export function detectAnomalies({ agents, state, now, settings }: DetectorContext): FindingDraft[] {
  const findings: FindingDraft[] = [];
  const evaluateFrom = now - settings.anomalyHours * HOUR;
  for (const agent of agents) {
    for (const metric of ANALYSED_METRICS) {
      const points = state.buckets(agent.name, metric, 'fiveMinute', now);
      if (points.length <= MIN_HISTORY_POINTS || points.at(-1)!.t < evaluateFrom) continue;
      // Scores of the hour before the window decide whether the first run there continues one.
      const scored = scoreAnomalies(points, metric, evaluateFrom - EPISODE_GAP_MS, settings.anomalyScore);
      const latest = points.at(-1)!.t;
      let run: AnomalyPoint[] = [];
      const flush = () => {
        if (run.length > 0 && run.at(-1)!.t >= evaluateFrom) findings.push(anomalyFinding(agent.name, metric, run, latest - run.at(-1)!.t < EPISODE_GAP_MS));
        run = [];
      };
      for (const point of scored) {
        if (point.score < settings.anomalyScore) continue;
        if (run.length > 0 && point.t - run.at(-1)!.t > EPISODE_GAP_MS) flush();
        run.push(point);
      }
      flush();
    }
  }
  return findings;
}

/** `active`: the episode's last anomalous period is less than an hour old. */
function anomalyFinding(agentName: string, metric: AnalysedMetric, run: AnomalyPoint[], active: boolean): FindingDraft {
  const worst = run.reduce((a, b) => (b.score > a.score ? b : a));
  const first = run[0]!;
  const last = run.at(-1)!;
  const label = METRIC_LABEL[metric];
  const direction = worst.value >= worst.expected ? 'above' : 'below';
  const periods = Math.round((last.t - first.t) / FIVE_MINUTES) + 1;
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
      `${label} of ${agentName} was ${formatValue(metric, worst.value)} at ${formatTime(worst.t)}, ${direction} anything in the ` +
      `two days before (normal range ${formatValue(metric, worst.lower)}–${formatValue(metric, worst.upper)}, typical ` +
      `${formatValue(metric, worst.expected)}; score ${round(worst.score, 1)}` +
      `${run.length > 1 ? `; ${run.length} unusual five-minute periods over ${periods}` : ''})`,
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
