import { METRIC_FIELDS, METRIC_RULES } from '../domain/sample.js';
import { ROLLUP_RESOLUTIONS } from './store.js';

/** How one table is rolled up: which metrics, and which extreme is worth keeping. */
export interface RollupSpec {
  name: string;
  source: string;
  target: string;
  /** Grouping column besides the bucket (agent_name), if any. */
  key?: string;
  metrics: ReadonlyArray<RollupMetric>;
}

export interface RollupMetric {
  column: string;
  extreme?: 'max' | 'min';
  /**
   * An SQL expression over the source row (the same in SQLite and PostgreSQL) summed instead of a
   * column of that name: a sum the analysis needs that no single column holds. Such a metric is
   * kept in the rollup for the analysis only, never served as a field of a bucket.
   */
  derived?: string;
}

/** Tokens and requests of the samples that report both: their ratio is tokens per request, on the same samples above and below the line. */
const TOKENS = 'COALESCE(input_tokens, 0) + COALESCE(output_tokens, 0)';
const HAS_TOKENS = '(input_tokens IS NOT NULL OR output_tokens IS NOT NULL)';
const PAIRED_TOKENS: RollupMetric[] = [
  { column: 'tokens_with_requests', derived: `CASE WHEN requests IS NOT NULL AND ${HAS_TOKENS} THEN ${TOKENS} END` },
  { column: 'requests_with_tokens', derived: `CASE WHEN ${HAS_TOKENS} THEN requests END` },
];

/** A rollup's metrics as its source rows are read: a column, or the expression a derived one sums. */
export const sourceColumns = (spec: RollupSpec) => spec.metrics.map((m) => m.derived ?? m.column);
/** The metrics a rollup row serves as fields of a bucket. */
export const servedMetrics = (spec: RollupSpec) => spec.metrics.filter((m) => !m.derived);

export const AGENT_ROLLUP: RollupSpec = {
  name: 'agent_rollups',
  source: 'agent_performance_history',
  target: 'agent_rollups',
  key: 'agent_name',
  metrics: [...METRIC_FIELDS.map((column) => ({ column, extreme: METRIC_RULES[column].extreme })), ...PAIRED_TOKENS],
};

export const SYSTEM_ROLLUP: RollupSpec = {
  name: 'system_metrics_rollups',
  source: 'system_metrics',
  target: 'system_metrics_rollups',
  metrics: [
    { column: 'total_agents' },
    { column: 'active_agents' },
    { column: 'failed_agents', extreme: 'max' },
    { column: 'degraded_agents' },
    { column: 'offline_agents' },
    { column: 'avg_response_time', extreme: 'max' },
    { column: 'avg_success_rate', extreme: 'min' },
    { column: 'system_cpu_usage', extreme: 'max' },
    { column: 'system_memory_usage', extreme: 'max' },
    { column: 'total_errors' },
    { column: 'total_insights' },
    { column: 'research_cycles_completed' },
    { column: 'performance_score', extreme: 'min' },
  ],
};

/**
 * One bucket's partial sums: rows read past a rollup cursor are added up here per bucket, then
 * merged into the rollup table (one upsert per bucket) together with the cursor's move. The
 * same for every engine; only the reading and the merging SQL differ.
 */
export interface BucketSums {
  resolution: number;
  key: string | null;
  bucketS: number;
  samples: number;
  sums: number[];
  counts: number[];
  extremes: Array<number | null>;
}

/**
 * Adds one row, read as [id, key?, epoch seconds, ...metrics in spec order], to its bucket in
 * every resolution. A row whose time the database could not read (null) has no bucket.
 */
export function addToBuckets(spec: RollupSpec, buckets: Map<string, BucketSums>, row: readonly unknown[]): void {
  const offset = spec.key ? 3 : 2;
  const key = spec.key ? (row[1] as string) : null;
  const epochS = row[offset - 1] as number | null;
  if (epochS === null) return;
  const width = spec.metrics.length;
  for (const resolution of ROLLUP_RESOLUTIONS) {
    const bucketS = Math.floor(epochS / resolution) * resolution;
    const id = `${resolution}|${bucketS}|${key ?? ''}`;
    let bucket = buckets.get(id);
    if (!bucket) {
      bucket = { resolution, key, bucketS, samples: 0, sums: new Array(width).fill(0), counts: new Array(width).fill(0), extremes: new Array(width).fill(null) };
      buckets.set(id, bucket);
    }
    bucket.samples += 1;
    for (let m = 0; m < width; m++) {
      const value = row[offset + m] as number | null;
      if (value === null) continue;
      bucket.sums[m]! += value;
      bucket.counts[m]! += 1;
      const extreme = spec.metrics[m]!.extreme;
      const held = bucket.extremes[m]!;
      if (extreme && (held === null || (extreme === 'max' ? value > held : value < held))) bucket.extremes[m] = value;
    }
  }
}

/** A bucket as the values of its rollup row: resolution, key?, bucket start (ISO), samples, then per metric sum, count and, where kept, extreme. */
export function bucketRow(spec: RollupSpec, bucket: BucketSums): Array<number | string | null> {
  const values: Array<number | string | null> = [bucket.resolution, ...(spec.key ? [bucket.key] : []), new Date(bucket.bucketS * 1000).toISOString(), bucket.samples];
  spec.metrics.forEach((metric, m) => {
    values.push(bucket.sums[m]!, bucket.counts[m]!);
    if (metric.extreme) values.push(bucket.extremes[m]!);
  });
  return values;
}

/** The rollup row's columns, in bucketRow's order. */
export function bucketColumns(spec: RollupSpec): string[] {
  const columns = ['resolution', ...(spec.key ? [spec.key] : []), 'bucket', 'samples'];
  for (const { column, extreme } of spec.metrics) {
    columns.push(`${column}_sum`, `${column}_n`);
    if (extreme) columns.push(`${column}_${extreme}`);
  }
  return columns;
}

/**
 * The upsert that merges one bucket's sums into its rollup row, in an engine's dialect: its
 * placeholders (1-based) and its two-argument max/min of a held and an incoming value, either null.
 */
export function mergeBucketSql(spec: RollupSpec, placeholder: (i: number) => string, extremeOf: (fn: 'max' | 'min', held: string, incoming: string) => string): string {
  const columns = bucketColumns(spec);
  const updates = [`samples = ${spec.target}.samples + excluded.samples`];
  for (const { column, extreme } of spec.metrics) {
    updates.push(`${column}_sum = ${spec.target}.${column}_sum + excluded.${column}_sum`, `${column}_n = ${spec.target}.${column}_n + excluded.${column}_n`);
    if (extreme) updates.push(`${column}_${extreme} = ${extremeOf(extreme, `${spec.target}.${column}_${extreme}`, `excluded.${column}_${extreme}`)}`);
  }
  const key = [...(spec.key ? [spec.key] : []), 'bucket'];
  return `INSERT INTO ${spec.target} (${columns.join(', ')}) VALUES (${columns.map((_, i) => placeholder(i + 1)).join(', ')})
    ON CONFLICT (resolution, ${key.join(', ')}) DO UPDATE SET ${updates.join(', ')}`;
}
