import type { MaintenanceRepo, PruneCutoffs } from '../store.js';
import { one, type Pool } from './pool.js';
import { coverFrom } from './window-buckets.js';

const CHUNK = 5_000;

/** Deletes in chunks (each its own statement) so no one transaction holds locks on a large share of a table. */
async function drain(pool: Pool, sql: string, values: unknown[]): Promise<number> {
  let total = 0;
  for (;;) {
    const { rowCount } = await pool.query(sql, values);
    total += rowCount ?? 0;
    if ((rowCount ?? 0) < CHUNK) return total;
  }
}

const chunked = (table: string, where: string) => `DELETE FROM ${table} WHERE id IN (SELECT id FROM ${table} WHERE ${where} LIMIT ${CHUNK})`;

export function createPgMaintenanceRepo(pool: Pool): MaintenanceRepo {
  const cursor = async (name: string) => (await one<{ last_id: number }>(pool, 'SELECT last_id FROM rollup_cursors WHERE name = $1', [name]))?.last_id ?? 0;
  return {
    async prune(c: PruneCutoffs) {
      // The window's buckets must not count rows about to go: from here on their seconds are read from the raw rows.
      await coverFrom(pool, Math.ceil(Date.parse(c.rawBeforeIso) / 1000));
      // Raw rows go only once folded into the rollups (id <= the rollup cursor).
      return {
        agent_performance_history: await drain(pool, chunked('agent_performance_history', 'timestamp < $1 AND id <= $2'), [c.rawBeforeIso, await cursor('agent_rollups')]),
        system_metrics: await drain(pool, chunked('system_metrics', 'timestamp < $1 AND id <= $2'), [c.rawBeforeIso, await cursor('system_metrics_rollups')]),
        agent_rollups_5m: (await pool.query('DELETE FROM agent_rollups WHERE resolution = 300 AND bucket < $1', [c.fiveMinuteBeforeIso])).rowCount ?? 0,
        agent_rollups_1h: (await pool.query('DELETE FROM agent_rollups WHERE resolution = 3600 AND bucket < $1', [c.hourlyBeforeIso])).rowCount ?? 0,
        system_rollups_5m: (await pool.query('DELETE FROM system_metrics_rollups WHERE resolution = 300 AND bucket < $1', [c.fiveMinuteBeforeIso])).rowCount ?? 0,
        system_rollups_1h: (await pool.query('DELETE FROM system_metrics_rollups WHERE resolution = 3600 AND bucket < $1', [c.hourlyBeforeIso])).rowCount ?? 0,
        findings: await drain(pool, chunked('findings', 'ended_at < $1'), [c.findingsBeforeIso]),
        // An OpenTelemetry stream unheard of for the raw retention is forgotten (its process is long gone).
        otlp_streams: await drain(pool, `DELETE FROM otlp_streams WHERE key IN (SELECT key FROM otlp_streams WHERE updated_at < $1 LIMIT ${CHUNK})`, [c.rawBeforeIso]),
        // Silences and agents' events are kept as long as the findings they explain.
        silence_events: await drain(pool, chunked('silence_events', 'silence_id IN (SELECT id FROM silences WHERE ends_at < $1)'), [c.findingsBeforeIso]),
        silences: await drain(pool, `DELETE FROM silences WHERE id IN (SELECT id FROM silences WHERE ends_at < $1 LIMIT ${CHUNK})`, [c.findingsBeforeIso]),
        agent_events: await drain(pool, chunked('agent_events', 'at < $1'), [c.findingsBeforeIso]),
      };
    },
    // PostgreSQL checkpoints its own WAL, which is not this process's file; autovacuum keeps the statistics.
    async checkpoint() {
      return { wal_bytes_before: 0, wal_bytes_after: 0 };
    },
  };
}
