/** The rows the analysis reads from the store: raw samples and rollup buckets, as plain data. */
/** The sample columns the analysis keeps sums of, as the rollup tables name them. */
export const SUM_COLUMNS = ['response_time', 'success_rate', 'error_count', 'requests', 'cpu_usage', 'memory_usage', 'tokens_with_requests', 'requests_with_tokens'] as const;
/** The sample columns the analysis reads of raw rows. */
export const RAW_COLUMNS = ['response_time', 'success_rate', 'error_count', 'requests', 'cpu_usage', 'memory_usage', 'input_tokens', 'output_tokens'] as const;
export type SumColumn = (typeof SUM_COLUMNS)[number];
export type BucketSums = Record<`${SumColumn}_sum` | `${SumColumn}_n`, number>;

export interface RawRow {
  id: number;
  agent_name: string;
  timestamp: string;
  response_time: number | null;
  success_rate: number | null;
  error_count: number | null;
  requests: number | null;
  cpu_usage: number | null;
  memory_usage: number | null;
  input_tokens: number | null;
  output_tokens: number | null;
}

export interface RollupRow extends BucketSums {
  agent_name: string;
  bucket: string;
}

/**
 * A raw row's contribution to a bucket sum: its column, or for the token pair (tokens and
 * requests of samples that report both) the same as the rollups' derived sums (rollup-sums.ts).
 */
export function sumValue(row: RawRow, column: SumColumn): number | null {
  const hasTokens = row.input_tokens !== null || row.output_tokens !== null;
  if (column === 'tokens_with_requests') return hasTokens && row.requests !== null ? (row.input_tokens ?? 0) + (row.output_tokens ?? 0) : null;
  if (column === 'requests_with_tokens') return hasTokens ? row.requests : null;
  return row[column];
}
