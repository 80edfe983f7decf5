import { mergeBucketSql, servedMetrics, sourceColumns, type RollupSpec } from '../rollup-sums.js';

/** Rows past a cursor, oldest first, as [id, key?, epoch seconds, ...metrics] (parameters: after id, up to id, limit). */
export function rollupReadSql(spec: RollupSpec): string {
  const columns = ['id', ...(spec.key ? [spec.key] : []), 'CAST(unixepoch(timestamp) AS INTEGER)', ...sourceColumns(spec)];
  return `SELECT ${columns.join(', ')} FROM ${spec.source} WHERE id > ? AND id <= ? ORDER BY id LIMIT ?`;
}

/** Merges one bucket's partial sums into its rollup row (positional, in bucketRow's order). */
export const rollupUpsertSql = (spec: RollupSpec) =>
  mergeBucketSql(spec, () => '?', (fn, held, incoming) => `coalesce(${fn}(${held}, ${incoming}), ${held}, ${incoming})`);

/**
 * Rollup rows read back in the shape of their source rows: a mean for each metric
 * (null where no row had it), bucket start as timestamp, and the row count.
 */
export function rollupSelectSql(spec: RollupSpec, sumColumns: readonly string[], filterByKey: boolean, extraColumns = ''): string {
  const values = servedMetrics(spec).map(({ column }) =>
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
