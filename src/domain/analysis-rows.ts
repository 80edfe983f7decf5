/** The rows the analysis reads from the store: raw samples and rollup buckets, as plain data. */
/** The sample columns the analysis keeps sums of, as the rollup tables name them. */
export const SUM_COLUMNS = ['response_time', 'success_rate', 'error_count', 'requests', 'cpu_usage', 'memory_usage', 'input_tokens', 'output_tokens'] as const;
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
