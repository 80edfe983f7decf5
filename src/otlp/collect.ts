import { AGENT_NAME_PATTERN, AGENT_NAME_RULE } from '../domain/agent-name.js';
import { MAX_FUTURE_SKEW_MS, versionProblem, type SampleLimits } from '../domain/sample.js';
import { useOf, type Use } from './conventions.js';
import { Temporality, type Attributes, type HistogramPoint, type NumberPoint, type OtlpMetric, type OtlpResource } from './model.js';
import { streamKeys } from './streams.js';

/**
 * A point the receiver uses, with its agent and what it reads: a gauge's (or up-down counter's)
 * value now; a cumulative point's totals since its start, to difference against its stream; or
 * what a delta point's interval added. One flat object a point: an export may hold tens of
 * thousands. It is also the stream's mark once counted (startNs, timeNs, count, sum).
 */
export interface Observation {
  agent: string;
  version: string | null;
  metric: string;
  use: Exclude<Use, { to: 'ignored' } | { to: 'rejected' }>;
  /** A histogram's count and sum are read; a counter's value is both; a gauge's is `value`. */
  histogram: boolean;
  attributes: Attributes;
  reading: 'value' | 'cumulative' | 'delta';
  /** The stream's key (cumulative points only). */
  key: string;
  startNs: bigint;
  timeNs: bigint;
  /** timeNs in whole milliseconds. */
  ms: number;
  value: number;
  count: number;
  sum: number;
  /** A delta point's interval (null when unknown). */
  seconds: number | null;
}

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

  clone(): Tally {
    const copy = new Tally();
    copy.rejected = this.rejected;
    copy.ignored = this.ignored;
    for (const reason of this.reasons) copy.reasons.add(reason);
    return copy;
  }
}

const MAX_REASONS = 10;

/** Reads every point of an export into observations; refused and ignored points are counted in the tally. */
export function collect(resources: readonly OtlpResource[], limits: SampleLimits, tally: Tally): Observation[] {
  const observations: Observation[] = [];
  for (const resource of resources) {
    const name = resource.attributes.values.get('service.name');
    if (typeof name !== 'string' || !AGENT_NAME_PATTERN.test(name)) {
      const points = resource.scopes.reduce((n, scope) => n + scope.metrics.reduce((m, metric) => m + metric.points.length, 0), 0);
      const why = name === undefined ? 'has no service.name attribute' : `has service.name ${JSON.stringify(String(name).slice(0, 80))}, which is not ${AGENT_NAME_RULE}`;
      if (points > 0) tally.reject(points, `a resource ${why}: the agent name is its service.name`);
      continue;
    }
    const version = readVersion(resource.attributes.values.get('service.version'), name, tally);
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
        const key = streamKeys({ resource: resource.attributes, scope: scope.name, scopeVersion: scope.version, metric: metric.name });
        for (const point of metric.points as Array<NumberPoint | HistogramPoint>) {
          const ms = point.timeMs;
          const problem = timeProblem(ms, limits) ?? valueProblem(point);
          if (problem) {
            tally.reject(1, `${metric.name}: ${problem}`);
            continue;
          }
          observations.push(observe(metric, point, name, version, use, key, ms));
        }
      }
    }
  }
  return observations;
}

function observe(
  metric: OtlpMetric,
  point: NumberPoint | HistogramPoint,
  agent: string,
  version: string | null,
  use: Observation['use'],
  key: (attributes: Attributes, startNs: bigint) => string,
  ms: number,
): Observation {
  const histogram = 'count' in point;
  // A counter's value is both its "count" (resets are seen in it) and its "sum" (what it adds).
  const count = histogram ? point.count : point.value;
  const sum = histogram ? (point.sum ?? 0) : point.value;
  const value = histogram ? 0 : point.value;
  const reading =
    metric.kind === 'gauge' || (metric.kind === 'sum' && !metric.monotonic)
      ? 'value'
      : // Unspecified temporality is read as cumulative, the SDKs' default.
        metric.temporality === Temporality.delta
        ? 'delta'
        : 'cumulative';
  const { startNs, timeNs, attributes } = point;
  const seconds = reading === 'delta' && startNs > 0n && timeNs > startNs ? Number(timeNs - startNs) / 1e9 : null;
  return {
    agent,
    version,
    metric: metric.name,
    use,
    histogram,
    attributes,
    reading,
    key: reading === 'cumulative' ? key(attributes, startNs) : '',
    startNs,
    timeNs,
    ms,
    value,
    count,
    sum,
    seconds,
  };
}

function readVersion(value: unknown, agent: string, tally: Tally): string | null {
  if (value === undefined) return null;
  const problem = versionProblem(value);
  if (!problem) return value as string;
  tally.warn(`${agent}: service.version ${problem}; the samples are stored without a version`);
  return null;
}

function timeProblem(ms: number, limits: SampleLimits): string | undefined {
  if (ms === 0) return 'a point without timeUnixNano';
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
