import { HOUR, MINUTE } from '../domain/units.js';
import { SUM_COLUMNS, sumValue, type BucketSums, type RawRow, type RollupRow } from '../domain/analysis-rows.js';
import { sampleValue, ANALYSED_METRICS, type AnalysedMetric, type Point } from './series.js';

export const FIVE_MINUTES = 5 * MINUTE;

export interface StateWindows {
  rawMs: number;
  fiveMinuteMs: number;
  hourlyMs: number;
}

interface AgentState {
  raw: Record<AnalysedMetric, Point[]>;
  fiveMinute: Map<number, BucketSums>;
  hourly: Map<number, BucketSums>;
}

const SUM_KEYS = SUM_COLUMNS.flatMap((c) => [`${c}_sum`, `${c}_n`] as const);
const emptySums = (): BucketSums => {
  const sums = {} as BucketSums;
  for (const key of SUM_KEYS) sums[key] = 0;
  return sums;
};

/** A bucket's value of a metric: a mean (error rate: errors / requests, else 1 − success; tokens per request: tokens / requests). */
export function bucketValue(b: BucketSums, metric: AnalysedMetric): number | null {
  if (metric === 'error_rate') {
    if (b.requests_n > 0 && b.requests_sum > 0) return b.error_count_sum / b.requests_sum;
    return b.success_rate_n > 0 ? 1 - b.success_rate_sum / b.success_rate_n : null;
  }
  if (metric === 'tokens_per_request') {
    // Over the samples that report both, as a sample's own value is.
    return b.requests_with_tokens_sum > 0 ? b.tokens_with_requests_sum / b.requests_with_tokens_sum : null;
  }
  const [sum, count] = KEYS_OF[metric];
  const n = b[count];
  return n > 0 ? b[sum] / n : null;
}

// The sum and count keys of each metric, built once: bucketValue runs for every bucket of every series.
const KEYS_OF = Object.fromEntries(
  ANALYSED_METRICS.filter((m) => m !== 'error_rate' && m !== 'tokens_per_request').map((m) => [m, [`${m}_sum`, `${m}_n`]]),
) as Record<Exclude<AnalysedMetric, 'error_rate' | 'tokens_per_request'>, [keyof BucketSums, keyof BucketSums]>;

/**
 * What the analysis remembers between runs, per agent: the raw points of the recent
 * window (for thresholds) and 5-minute and hourly bucket sums (for trends, forecasts,
 * leaks and anomaly baselines). Built once from the rollups, then folded forward with
 * only the rows stored since the last run. Sums commute, so samples backfilled late land
 * in the same buckets as if they had arrived live.
 */
export function createAnalysisState(windows: StateWindows) {
  const agents = new Map<string, AgentState>();
  // Series derived from the buckets, reused by every detector until the state changes.
  const derived = new Map<string, unknown>();
  const memo = <T>(key: string, build: () => T): T => {
    if (!derived.has(key)) derived.set(key, build());
    return derived.get(key) as T;
  };

  function agentState(name: string): AgentState {
    let state = agents.get(name);
    if (!state) {
      state = {
        raw: Object.fromEntries(ANALYSED_METRICS.map((m) => [m, []])) as unknown as Record<AnalysedMetric, Point[]>,
        fiveMinute: new Map(),
        hourly: new Map(),
      };
      agents.set(name, state);
    }
    return state;
  }

  function addToBucket(map: Map<number, BucketSums>, bucket: number, row: RawRow): void {
    let sums = map.get(bucket);
    if (!sums) map.set(bucket, (sums = emptySums()));
    for (const column of SUM_COLUMNS) {
      const value = sumValue(row, column);
      if (value === null) continue;
      sums[`${column}_sum`] += value;
      sums[`${column}_n`] += 1;
    }
  }

  return {
    /** Folds stored rows into the state; `now` bounds what is worth keeping. */
    addRows(rows: readonly RawRow[], now: number, buckets = true): void {
      derived.clear();
      // Rows come in id order, which is time order unless backfilled: a list that went out of
      // order is sorted once at the end (a nearly sorted list sorts in linear time), not per row.
      const unsorted = new Set<Point[]>();
      for (const row of rows) {
        const t = Date.parse(row.timestamp);
        const state = agentState(row.agent_name);
        if (t >= now - windows.rawMs) {
          for (const metric of ANALYSED_METRICS) {
            const v = sampleValue(row, metric);
            if (v === null) continue;
            const list = state.raw[metric];
            list.push({ t, v });
            if (list.length > 1 && list[list.length - 2]!.t > t) unsorted.add(list);
          }
        }
        if (!buckets) continue;
        if (t >= now - windows.fiveMinuteMs) addToBucket(state.fiveMinute, Math.floor(t / FIVE_MINUTES) * FIVE_MINUTES, row);
        if (t >= now - windows.hourlyMs) addToBucket(state.hourly, Math.floor(t / HOUR) * HOUR, row);
      }
      for (const list of unsorted) list.sort((a, b) => a.t - b.t);
    },
    /** Seeds bucket sums from the stored rollups (done once, at the first run). */
    addRollups(rows: readonly RollupRow[], resolution: 'fiveMinute' | 'hourly'): void {
      derived.clear();
      for (const row of rows) {
        const sums = {} as BucketSums;
        for (const key of SUM_KEYS) sums[key] = row[key];
        agentState(row.agent_name)[resolution].set(Date.parse(row.bucket), sums);
      }
    },
    /** Forgets what has aged out of every window. */
    evict(now: number): void {
      derived.clear();
      for (const state of agents.values()) {
        for (const metric of ANALYSED_METRICS) {
          const list = state.raw[metric];
          const keepFrom = list.findIndex((p) => p.t >= now - windows.rawMs);
          if (keepFrom === -1) list.length = 0;
          else if (keepFrom > 0) list.splice(0, keepFrom);
        }
        for (const bucket of state.fiveMinute.keys()) if (bucket < now - windows.fiveMinuteMs) state.fiveMinute.delete(bucket);
        for (const bucket of state.hourly.keys()) if (bucket < now - windows.hourlyMs) state.hourly.delete(bucket);
      }
    },
    agentNames: () => [...agents.keys()],
    /** The sums of the 5-minute buckets that start in [from, to). */
    totals(agent: string, from: number, to: number): BucketSums {
      const total = emptySums();
      for (const [t, sums] of agents.get(agent)?.fiveMinute ?? []) {
        if (t < from || t >= to) continue;
        for (const key of SUM_KEYS) total[key] += sums[key];
      }
      return total;
    },
    raw: (agent: string, metric: AnalysedMetric): Point[] => agents.get(agent)?.raw[metric] ?? [],
    /** Bucket means in time order; only buckets that ended by `now`, so a half-filled one never counts. */
    buckets(agent: string, metric: AnalysedMetric, resolution: 'fiveMinute' | 'hourly', now: number): Point[] {
      return memo(`${agent}|${metric}|${resolution}|${now}`, () => {
        const state = agents.get(agent);
        if (!state) return [];
        const size = resolution === 'fiveMinute' ? FIVE_MINUTES : HOUR;
        const points: Point[] = [];
        for (const [t, sums] of state[resolution]) {
          if (t + size > now) continue;
          const v = bucketValue(sums, metric);
          if (v !== null) points.push({ t, v });
        }
        return points.sort((a, b) => a.t - b.t);
      });
    },
    /** Memoises a value derived from the state until the state next changes. */
    memo,
  };
}

export type AnalysisState = ReturnType<typeof createAnalysisState>;

export type { BucketSums, RawRow, RollupRow };
