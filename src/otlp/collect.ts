import { AGENT_NAME_PATTERN, AGENT_NAME_RULE } from '../domain/agent-name.js';
import { MAX_FUTURE_SKEW_MS, versionProblem, type SampleLimits } from '../domain/sample.js';
import { useOf, type Use } from './conventions.js';
import { Temporality, type Attributes, type HistogramPoint, type NumberPoint, type OtlpMetric, type OtlpResource } from './model.js';
import { streamKey, type CumulativePoint, type Increment } from './streams.js';

/** A point the receiver uses, with its agent and what it reads. */
export interface Observation {
  agent: string;
  version: string | null;
  metric: string;
  use: Exclude<Use, { to: 'ignored' } | { to: 'rejected' }>;
  /** A histogram's count and sum are read; any other point's value. */
  histogram: boolean;
  attributes: Attributes;
  timeNs: bigint;
  reading: Reading;
}

/**
 * A gauge's (or up-down counter's) value now; a cumulative point, to difference against its
 * stream; or a delta point, already what its interval added.
 */
export type Reading = { value: number } | { cumulative: CumulativePoint; key: string } | { delta: Increment };

/** What the receiver refused or ignored, for the partial-success answer and its own metrics. */
export class Tally {
  rejected = 0;
  ignored = 0;
  private readonly reasons = new Set<string>();

  reject(points: number, reason: string): void {
    this.rejected += points;
    this.warn(reason);
  }

  /** A note for the sender that refuses nothing (e.g. a version that was not kept). */
  warn(reason: string): void {
    if (this.reasons.size < MAX_REASONS) this.reasons.add(reason);
  }

  message(): string {
    return [...this.reasons].join('; ');
  }
}

const MAX_REASONS = 10;
const NS_PER_MS = 1_000_000n;

/** Reads every point of an export into observations; refused and ignored points are counted in the tally. */
export function collect(resources: readonly OtlpResource[], limits: SampleLimits, tally: Tally): Observation[] {
  const observations: Observation[] = [];
  for (const resource of resources) {
    const points = resource.scopes.reduce((n, scope) => n + scope.metrics.reduce((m, metric) => m + metric.points.length, 0), 0);
    const name = resource.attributes.get('service.name');
    if (typeof name !== 'string' || !AGENT_NAME_PATTERN.test(name)) {
      const why = name === undefined ? 'has no service.name attribute' : `has service.name ${JSON.stringify(String(name).slice(0, 80))}, which is not ${AGENT_NAME_RULE}`;
      if (points > 0) tally.reject(points, `a resource ${why}: the agent name is its service.name`);
      continue;
    }
    const version = readVersion(resource.attributes.get('service.version'), name, tally);
    for (const scope of resource.scopes) {
      for (const metric of scope.metrics) {
        const use = useOf(metric);
        if (use.to === 'ignored') {
          tally.ignored += metric.points.length;
          continue;
        }
        if (use.to === 'rejected') {
          if (metric.points.length > 0) tally.reject(metric.points.length, use.reason);
          continue;
        }
        const key = (attributes: Attributes) =>
          streamKey({ resource: resource.attributes, scope: scope.name, scopeVersion: scope.version, metric: metric.name, attributes });
        for (const point of metric.points as Array<NumberPoint | HistogramPoint>) {
          const problem = timeProblem(point.timeNs, limits) ?? valueProblem(point);
          if (problem) {
            tally.reject(1, `${metric.name}: ${problem}`);
            continue;
          }
          observations.push({
            agent: name,
            version,
            metric: metric.name,
            use,
            histogram: metric.kind === 'histogram',
            attributes: point.attributes,
            timeNs: point.timeNs,
            reading: reading(metric, point, key),
          });
        }
      }
    }
  }
  return observations;
}

function reading(metric: OtlpMetric, point: NumberPoint | HistogramPoint, key: (attributes: Attributes) => string): Reading {
  if (metric.kind === 'gauge' || (metric.kind === 'sum' && !metric.monotonic)) return { value: (point as NumberPoint).value };
  // A counter's value is both its "count" (resets are seen in it) and its "sum" (what it adds).
  const { count, sum } = 'count' in point ? { count: point.count, sum: point.sum ?? 0 } : { count: point.value, sum: point.value };
  if (metric.temporality === Temporality.delta) {
    const seconds = point.startNs > 0n && point.timeNs > point.startNs ? Number(point.timeNs - point.startNs) / 1e9 : null;
    return { delta: { count, sum, seconds } };
  }
  // Unspecified temporality is read as cumulative, the SDKs' default.
  return { cumulative: { startNs: point.startNs, timeNs: point.timeNs, count, sum }, key: key(point.attributes) };
}

function readVersion(value: unknown, agent: string, tally: Tally): string | null {
  if (value === undefined) return null;
  const problem = versionProblem(value);
  if (!problem) return value as string;
  tally.warn(`${agent}: service.version ${problem}; the samples are stored without a version`);
  return null;
}

function timeProblem(timeNs: bigint, limits: SampleLimits): string | undefined {
  if (timeNs === 0n) return 'a point without timeUnixNano';
  const ms = Number(timeNs / NS_PER_MS);
  if (ms > limits.now + MAX_FUTURE_SKEW_MS) return `a point at ${new Date(ms).toISOString()}, more than 5 minutes in the future`;
  if (ms < limits.oldestAllowedMs) return `a point at ${new Date(ms).toISOString()}, older than the raw-sample retention`;
  return undefined;
}

function valueProblem(point: NumberPoint | HistogramPoint): string | undefined {
  if ('value' in point) return Number.isFinite(point.value) ? undefined : `a value of ${point.value}`;
  // Every use of a histogram reads its sum (a mean duration, tokens used).
  if (point.sum === undefined) return 'a histogram point without a sum';
  if (!Number.isFinite(point.sum)) return `a histogram sum of ${point.sum}`;
  return undefined;
}
