import { METRIC_FIELDS, METRIC_RULES } from '../../domain/sample.js';

/** How one table is rolled up: which metrics, and which extreme is worth keeping. */
export interface RollupSpec {
  name: string;
  source: string;
  target: string;
  /** Grouping column besides the bucket (agent_name), if any. */
  key?: string;
  metrics: ReadonlyArray<{ column: string; extreme?: 'max' | 'min' }>;
}

export const AGENT_ROLLUP: RollupSpec = {
  name: 'agent_rollups',
  source: 'agent_performance_history',
  target: 'agent_rollups',
  key: 'agent_name',
  metrics: METRIC_FIELDS.map((column) => ({ column, extreme: METRIC_RULES[column].extreme })),
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

/** Rows past a cursor, oldest first, as [id, key?, epoch seconds, ...metrics] (parameters: after id, up to id, limit). */
export function rollupReadSql(spec: RollupSpec): string {
  const columns = ['id', ...(spec.key ? [spec.key] : []), 'CAST(unixepoch(timestamp) AS INTEGER)', ...spec.metrics.map((m) => m.column)];
  return `SELECT ${columns.join(', ')} FROM ${spec.source} WHERE id > ? AND id <= ? ORDER BY id LIMIT ?`;
}

/**
 * Merges one bucket's partial sums into its rollup row (positional: resolution, key?, bucket,
 * samples, then per metric its sum, its count and, where kept, its extreme).
 */
export function rollupUpsertSql(spec: RollupSpec): string {
  const columns = ['resolution', ...(spec.key ? [spec.key] : []), 'bucket', 'samples'];
  const updates = ['samples = samples + excluded.samples'];
  for (const { column, extreme } of spec.metrics) {
    columns.push(`${column}_sum`, `${column}_n`);
    updates.push(`${column}_sum = ${column}_sum + excluded.${column}_sum`, `${column}_n = ${column}_n + excluded.${column}_n`);
    if (extreme) {
      const col = `${column}_${extreme}`;
      columns.push(col);
      updates.push(`${col} = coalesce(${extreme}(${col}, excluded.${col}), ${col}, excluded.${col})`);
    }
  }
  const key = [...(spec.key ? [spec.key] : []), 'bucket'];
  return `INSERT INTO ${spec.target} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})
    ON CONFLICT (resolution, ${key.join(', ')}) DO UPDATE SET ${updates.join(', ')}`;
}

/**
 * Rollup rows read back in the shape of their source rows: a mean for each metric
 * (null where no row had it), bucket start as timestamp, and the row count.
 */
export function rollupSelectSql(spec: RollupSpec, sumColumns: readonly string[], filterByKey: boolean, extraColumns = ''): string {
  const values = spec.metrics.map(({ column }) =>
    sumColumns.includes(column)
      ? `CASE WHEN ${column}_n > 0 THEN ${column}_sum END AS ${column}`
      : `CASE WHEN ${column}_n > 0 THEN ${column}_sum / ${column}_n END AS ${column}`,
  );
  const key = spec.key ? `${spec.key}, ` : '';
  const where = ['resolution = @resolution', 'bucket >= @since'];
  if (filterByKey && spec.key) where.push(`${spec.key} = @key`);
  return `SELECT NULL AS id, ${key}bucket AS timestamp, samples, ${values.join(', ')}${extraColumns} FROM ${spec.target}
    WHERE ${where.join(' AND ')} ORDER BY bucket DESC${spec.key ? `, ${spec.key}` : ''} LIMIT @limit`;
}
