import { COUNT_FIELDS } from '../../domain/sample.js';
import { addToBuckets, AGENT_ROLLUP, bucketRow, mergeBucketSql, servedMetrics, sourceColumns, SYSTEM_ROLLUP, type BucketSums, type RollupSpec } from '../rollup-sums.js';
import type { RolledSample, RolledSystemMetrics, RollupRepo } from '../store.js';
import { inTransaction, one, rows, type Pool } from './pool.js';

const READ_ROWS = 5_000;
/** Buckets merged in one transaction at most (see store/sqlite/rollup-fold.ts: a merge per bucket is the cost). */
const MAX_BUCKETS = 4_000;

/**
 * Folds rows past each cursor into the rollups: read by id (sample writes commit in id order,
 * pg/sample-repo.ts), summed per bucket here, merged with the cursor's move in one transaction
 * that first locks the cursor row, so two folds (two replicas) never fold a row twice.
 */
function folder(pool: Pool, spec: RollupSpec) {
  const read = `SELECT id, ${spec.key ? `${spec.key}, ` : ''}FLOOR(EXTRACT(EPOCH FROM "timestamp"::timestamptz))::bigint, ${sourceColumns(spec).join(', ')}
    FROM ${spec.source} WHERE id > $1 AND id <= $2 ORDER BY id LIMIT $3`;
  const merge = mergeBucketSql(spec, (i) => `$${i}`, (fn, held, incoming) => `${fn === 'max' ? 'GREATEST' : 'LEAST'}(${held}, ${incoming})`);
  const cursorOf = async () => (await one<{ last_id: number }>(pool, 'SELECT last_id FROM rollup_cursors WHERE name = $1', [spec.name]))?.last_id ?? 0;
  return async (): Promise<number> => {
    const last = (await one<{ m: number | null }>(pool, `SELECT MAX(id) AS m FROM ${spec.source}`))!.m ?? 0;
    let total = 0;
    for (;;) {
      const from = await cursorOf();
      if (from >= last) return total;
      const buckets = new Map<string, BucketSums>();
      let to = from;
      let count = 0;
      while (to < last && buckets.size < MAX_BUCKETS) {
        const page = (await pool.query({ text: read, values: [to, last, READ_ROWS], rowMode: 'array' })).rows as unknown[][];
        if (page.length === 0) break;
        for (const row of page) addToBuckets(spec, buckets, row);
        to = page.at(-1)![0] as number;
        count += page.length;
        if (page.length < READ_ROWS) break;
      }
      if (to === from) return total;
      const merged = await inTransaction(pool, async (client) => {
        await client.query('INSERT INTO rollup_cursors (name, last_id) VALUES ($1, 0) ON CONFLICT (name) DO NOTHING', [spec.name]);
        const { last_id } = (await one<{ last_id: number }>(client, 'SELECT last_id FROM rollup_cursors WHERE name = $1 FOR UPDATE', [spec.name]))!;
        if (last_id !== from) return false; // another fold moved it first: start again from where it is
        for (const bucket of buckets.values()) await client.query(merge, bucketRow(spec, bucket));
        await client.query('UPDATE rollup_cursors SET last_id = $2 WHERE name = $1', [spec.name, to]);
        return true;
      });
      if (merged) total += count;
    }
  };
}

function select(spec: RollupSpec, sums: readonly string[], byKey: boolean, extra: string): string {
  const values = servedMetrics(spec).map(({ column }) =>
    sums.includes(column) ? `CASE WHEN ${column}_n > 0 THEN ${column}_sum END AS ${column}` : `CASE WHEN ${column}_n > 0 THEN ${column}_sum / ${column}_n END AS ${column}`,
  );
  const key = spec.key ? `${spec.key}, ` : '';
  return `SELECT NULL::bigint AS id, ${key}bucket AS timestamp, samples, ${values.join(', ')}${extra} FROM ${spec.target}
    WHERE resolution = $1 AND bucket >= $2${byKey && spec.key ? ` AND ${spec.key} = $4` : ''}
    ORDER BY bucket DESC${spec.key ? `, ${spec.key}` : ''} LIMIT $3`;
}

export function createPgRollupRepo(pool: Pool): RollupRepo {
  const foldSamples = folder(pool, AGENT_ROLLUP);
  const foldSnapshots = folder(pool, SYSTEM_ROLLUP);
  const agentAll = select(AGENT_ROLLUP, COUNT_FIELDS, false, ', NULL AS source, NULL AS version');
  const agentOne = select(AGENT_ROLLUP, COUNT_FIELDS, true, ', NULL AS source, NULL AS version');
  // Each snapshot already totals its window, so a bucket of snapshots reads as their mean.
  const system = select(SYSTEM_ROLLUP, [], false, ', resolution AS window_seconds, NULL::float8 AS load_average, NULL::float8 AS disk_used_percent');
  // One fold at a time in this process; a fold asked for while one runs shares the next (as in SQLite).
  let running: Promise<unknown> = Promise.resolve();
  let next: Promise<{ samples: number; snapshots: number }> | undefined;
  return {
    update() {
      next ??= running.then(
        async () => {
          next = undefined;
          return { samples: await foldSamples(), snapshots: await foldSnapshots() };
        },
        async () => {
          next = undefined;
          return { samples: await foldSamples(), snapshots: await foldSnapshots() };
        },
      );
      running = next.catch(() => {});
      return next;
    },
    agentSeries: ({ resolution, sinceIso, limit, agentName }) =>
      agentName ? rows<RolledSample>(pool, agentOne, [resolution, sinceIso, limit, agentName]) : rows<RolledSample>(pool, agentAll, [resolution, sinceIso, limit]),
    systemSeries: ({ resolution, sinceIso, limit }) => rows<RolledSystemMetrics>(pool, system, [resolution, sinceIso, limit]),
  };
}
