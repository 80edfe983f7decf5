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

/** Rows with id in (@from, @to] merged into their buckets of @resolution seconds. */
export function rollupInsertSql(spec: RollupSpec): string {
  const key = spec.key ? [spec.key] : [];
  const columns = ['resolution', ...key, 'bucket', 'samples'];
  const selects = ['@resolution', ...key, // better-sqlite3 binds JS numbers as REAL: cast so the division truncates to the bucket.
    `strftime('%Y-%m-%dT%H:%M:%S.000Z', CAST(unixepoch(timestamp) / @resolution AS INTEGER) * @resolution, 'unixepoch') AS bucket`, 'COUNT(*)'];
  const updates = ['samples = samples + excluded.samples'];
  for (const { column, extreme } of spec.metrics) {
    columns.push(`${column}_sum`, `${column}_n`);
    selects.push(`coalesce(SUM(${column}), 0)`, `COUNT(${column})`);
    updates.push(`${column}_sum = ${column}_sum + excluded.${column}_sum`, `${column}_n = ${column}_n + excluded.${column}_n`);
    if (extreme) {
      const col = `${column}_${extreme}`;
      columns.push(col);
      selects.push(`${extreme.toUpperCase()}(${column})`);
      updates.push(`${col} = coalesce(${extreme}(${col}, excluded.${col}), ${col}, excluded.${col})`);
    }
  }
  return `INSERT INTO ${spec.target} (${columns.join(', ')})
    SELECT ${selects.join(', ')} FROM ${spec.source} WHERE id > @from AND id <= @to
    GROUP BY ${[...key, 'bucket'].join(', ')}
    ON CONFLICT (resolution, ${[...key, 'bucket'].join(', ')}) DO UPDATE SET ${updates.join(', ')}`;
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
