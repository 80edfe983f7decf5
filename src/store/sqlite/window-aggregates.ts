import type { WindowAggregate } from '../../domain/health.js';
import type { AgentSample } from '../../domain/sample.js';
import type { Db } from './open-db.js';

/** What a bucket adds up, in this order: the rows, then a sum and a count of non-null values per column. */
const SAMPLES = 0;
const COLUMNS = ['response_time', 'success_rate', 'error_count', 'requests', 'errors_with_requests', 'insights_generated', 'research_cycles', 'cpu_usage', 'memory_usage'] as const;
type Column = (typeof COLUMNS)[number];
const SUM = Object.fromEntries(COLUMNS.map((c, i) => [c, 1 + 2 * i])) as Record<Column, number>;
const WIDTH = 1 + 2 * COLUMNS.length;
const SECOND = 1000;
/** Buckets kept before the oldest window asked for lately: a report's window may start a little before the health window. */
const HORIZON_SECONDS = 15 * 60;
/** Past this many buckets (a flood of agents, or nobody asking for a while) start again from the database. */
const MAX_BUCKETS = 2_000_000;

const valueOf = (row: Pick<AgentSample, 'error_count' | 'requests'> & Record<string, unknown>, column: Column): number | null =>
  column === 'errors_with_requests' ? (row.requests === null ? null : row.error_count) : (row[column] as number | null);

/**
 * The per-agent window aggregates of the health tick, the agent statuses and the reports,
 * kept as one-second buckets of sums and counts in memory, updated with every committed
 * insert, so a tick costs O(agents × seconds in the window) instead of reading every sample of
 * the window. Exactly the SQL aggregates over raw rows: the second the window starts in is
 * read from the database (an index range of one second), every later second from the buckets.
 * Backfilled and late samples land in their own seconds. Built lazily at the first question,
 * from the database; a question about an older start than it covers goes to the database.
 */
export type WindowAggregates = ReturnType<typeof createWindowAggregates>;

export function createWindowAggregates(db: Db) {
  const columns = `COUNT(*), ${COLUMNS.map((c) => {
    const value = c === 'errors_with_requests' ? 'CASE WHEN requests IS NOT NULL THEN error_count END' : c;
    return `coalesce(SUM(${value}), 0), COUNT(${value})`;
  }).join(', ')}`;
  // Seconds as integers: timestamps are stored as canonical ISO strings (…T12:00:00.000Z).
  const second = `CAST(unixepoch(substr(timestamp, 1, 19)) AS INTEGER)`;
  const load = db
    .prepare(`SELECT agent_name, ${second} AS second, ${columns} FROM agent_performance_history INDEXED BY idx_samples_time
      WHERE timestamp >= ? GROUP BY agent_name, second`)
    .raw(true);
  const between = db
    .prepare(`SELECT agent_name, ${columns} FROM agent_performance_history INDEXED BY idx_samples_time
      WHERE timestamp >= ? AND timestamp < ? GROUP BY agent_name`)
    .raw(true);

  const agents = new Map<string, Map<number, Float64Array>>();
  let bucketCount = 0;
  /** Every sample stamped in this second or later is in the buckets; Infinity: nothing is. */
  let coveredFrom = Infinity;

  function bucket(agent: string, s: number): Float64Array {
    let seconds = agents.get(agent);
    if (!seconds) agents.set(agent, (seconds = new Map()));
    let sums = seconds.get(s);
    if (!sums) {
      seconds.set(s, (sums = new Float64Array(WIDTH)));
      bucketCount += 1;
    }
    return sums;
  }

  function reset(): void {
    agents.clear();
    bucketCount = 0;
    coveredFrom = Infinity;
  }

  function build(fromSecond: number): void {
    reset();
    for (const row of load.iterate(new Date(fromSecond * SECOND).toISOString()) as IterableIterator<unknown[]>) {
      const sums = bucket(row[0] as string, row[1] as number);
      for (let i = 0; i < WIDTH; i++) sums[i] = row[2 + i] as number;
    }
    coveredFrom = fromSecond;
  }

  return {
    /** After the transaction that stored them committed. */
    added(samples: readonly AgentSample[]): void {
      if (coveredFrom === Infinity) return;
      for (const sample of samples) {
        const s = Math.floor(Date.parse(sample.timestamp) / SECOND);
        if (s < coveredFrom) continue;
        const sums = bucket(sample.agent_name, s);
        sums[SAMPLES]! += 1;
        for (const column of COLUMNS) {
          const value = valueOf(sample as AgentSample & Record<string, unknown>, column);
          if (value === null) continue;
          sums[SUM[column]]! += value;
          sums[SUM[column] + 1]! += 1;
        }
      }
      if (bucketCount > MAX_BUCKETS) reset();
    },
    /** Rows stamped before `beforeIso` were deleted: if any were in the buckets, start again from the database. */
    pruned(beforeIso: string): void {
      if (Math.ceil(Date.parse(beforeIso) / SECOND) > coveredFrom) reset();
    },
    /** Per agent, over the samples stamped at or after sinceIso. */
    since(sinceIso: string): Map<string, WindowAggregate> {
      const since = Date.parse(sinceIso);
      const first = Math.floor(since / SECOND);
      if (first < coveredFrom) build(first - HORIZON_SECONDS);
      // Seconds older than the horizon before this window are dropped in the same pass that sums the window.
      else coveredFrom = Math.max(coveredFrom, first - HORIZON_SECONDS);
      const totals = new Map<string, Float64Array>();
      const total = (agent: string) => {
        let sums = totals.get(agent);
        if (!sums) totals.set(agent, (sums = new Float64Array(WIDTH)));
        return sums;
      };
      // The first second counts from `since` on: from the database unless the window starts on a whole second.
      const whole = since === first * SECOND;
      if (!whole) {
        for (const row of between.iterate(sinceIso, new Date((first + 1) * SECOND).toISOString()) as IterableIterator<unknown[]>) {
          const sums = total(row[0] as string);
          for (let i = 0; i < WIDTH; i++) sums[i]! += row[1 + i] as number;
        }
      }
      for (const [agent, seconds] of agents) {
        for (const [s, bucketSums] of seconds) {
          if (s < coveredFrom) {
            seconds.delete(s);
            bucketCount -= 1;
            continue;
          }
          if (s < first || (s === first && !whole)) continue;
          const sums = total(agent);
          for (let i = 0; i < WIDTH; i++) sums[i]! += bucketSums[i]!;
        }
        if (seconds.size === 0) agents.delete(agent);
      }
      const result = new Map<string, WindowAggregate>();
      for (const [agent, sums] of totals) {
        if (sums[SAMPLES] === 0) continue;
        const avg = (c: Column) => (sums[SUM[c] + 1]! > 0 ? sums[SUM[c]]! / sums[SUM[c] + 1]! : null);
        const sum = (c: Column) => (sums[SUM[c] + 1]! > 0 ? sums[SUM[c]]! : null);
        result.set(agent, {
          samples: sums[SAMPLES]!,
          avg_response_time: avg('response_time'),
          avg_success_rate: avg('success_rate'),
          sum_errors: sum('error_count'),
          sum_requests: sum('requests'),
          sum_errors_with_requests: sum('errors_with_requests'),
          sum_insights: sum('insights_generated'),
          sum_research_cycles: sum('research_cycles'),
          avg_cpu_usage: avg('cpu_usage'),
          avg_memory_usage: avg('memory_usage'),
        });
      }
      return result;
    },
  };
}
