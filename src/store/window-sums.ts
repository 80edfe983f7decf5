import type { WindowAggregate } from '../domain/health.js';

/**
 * The window aggregates' arithmetic, the same for every engine: per agent, a row count and a sum
 * and a count of non-null values per column, added up sample by sample (or bucket by bucket), and
 * turned into the means and totals of a WindowAggregate only at the end, so any split of a window
 * into parts gives exactly the numbers of SQL over its raw rows.
 */

/**
 * Seconds of buckets kept before the newest window asked for (a report's window starts a little
 * before the health window); anything older is read from the raw rows. The same for both engines.
 */
export const HORIZON_SECONDS = 120;

/** The ISO time of a Unix second, as samples are stamped. */
export const isoOfSecond = (second: number) => new Date(second * 1000).toISOString();

/** What a bucket adds up, in this order: the rows, then a sum and a count of non-null values per column. */
export const SAMPLES = 0;
export const COLUMNS = ['response_time', 'success_rate', 'error_count', 'requests', 'errors_with_requests', 'insights_generated', 'research_cycles', 'cpu_usage', 'memory_usage', 'input_tokens', 'output_tokens'] as const;
type Column = (typeof COLUMNS)[number];
type StoredColumn = Exclude<Column, 'errors_with_requests'>;
export const STORED_COLUMNS = COLUMNS.filter((c): c is StoredColumn => c !== 'errors_with_requests');
export const SUM = Object.fromEntries(COLUMNS.map((c, i) => [c, 1 + 2 * i])) as Record<Column, number>;
export const WIDTH = 1 + 2 * COLUMNS.length;

const STORED_SUM = STORED_COLUMNS.map((c) => SUM[c]);
const REQUESTS = STORED_COLUMNS.indexOf('requests');
const ERRORS = STORED_COLUMNS.indexOf('error_count');

/** Sums and counts: `sums[at + SUM[column]]` and the count after it. */
export type Sums = { sums: number[]; at: number };

/** Adds one sample's values (`values[offset + i]` is STORED_COLUMNS[i]) into the sums at `at`. */
export function addInto({ sums, at }: Sums, values: ReadonlyArray<unknown>, offset: number): void {
  sums[at + SAMPLES]! += 1;
  for (let i = 0; i < STORED_SUM.length; i++) {
    const value = values[offset + i] as number | null;
    if (value === null) continue;
    sums[at + STORED_SUM[i]!]! += value;
    sums[at + STORED_SUM[i]! + 1]! += 1;
  }
  const errors = values[offset + ERRORS] as number | null;
  if (errors !== null && values[offset + REQUESTS] !== null) {
    sums[at + SUM.errors_with_requests]! += errors;
    sums[at + SUM.errors_with_requests + 1]! += 1;
  }
}

export function toAggregate(sums: number[]): WindowAggregate {
  const avg = (c: Column) => (sums[SUM[c] + 1]! > 0 ? sums[SUM[c]]! / sums[SUM[c] + 1]! : null);
  const sum = (c: Column) => (sums[SUM[c] + 1]! > 0 ? sums[SUM[c]]! : null);
  return {
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
    sum_input_tokens: sum('input_tokens'),
    sum_output_tokens: sum('output_tokens'),
  };
}
