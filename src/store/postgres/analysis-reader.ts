import { RAW_COLUMNS, SUM_COLUMNS, type RawRow, type RollupRow } from '../../domain/analysis-rows.js';
import type { AgentRecord } from '../../domain/agent.js';
import type { VersionChange } from '../../domain/version.js';
import type { AnalysisReader } from '../store.js';
import { createPool, inTransaction, rows } from './pool.js';
import { VERSION_CHANGES } from './version-log.js';
import { byTime, deployedVersionChanges } from '../deployed-versions.js';

const RAW = `id, agent_name, timestamp, ${RAW_COLUMNS.join(', ')}`;
const SUMS = SUM_COLUMNS.flatMap((c) => [`${c}_sum`, `${c}_n`]).join(', ');

/** The analysis worker's own small pool on the same database. */
export function openPgAnalysisReader(url: string): AnalysisReader {
  const pool = createPool(url, 2);
  return {
    agents: () => rows<AgentRecord>(pool, 'SELECT name, first_seen, last_seen, registered_at, sample_count FROM agents ORDER BY name'),
    versionChanges: async (sinceIso) =>
      byTime(
        await rows<VersionChange>(pool, `SELECT * FROM (${VERSION_CHANGES}) changes WHERE at >= $1 ORDER BY at`, [sinceIso]),
        await rows<VersionChange>(pool, deployedVersionChanges('$1'), [sinceIso]),
      ),
    // One snapshot for all the reads, so no fold lands between them.
    seed: ({ rawSinceIso, fiveMinuteSinceIso, hourlySinceIso }) =>
      inTransaction(pool, async (client) => {
        await client.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
        const cursor = (await rows<{ last_id: number }>(client, "SELECT last_id FROM rollup_cursors WHERE name = 'agent_rollups'"))[0]?.last_id ?? 0;
        const rollups = (resolution: number, since: string) => rows<RollupRow>(client, `SELECT agent_name, bucket, ${SUMS} FROM agent_rollups WHERE resolution = $1 AND bucket >= $2`, [resolution, since]);
        return {
          cursor,
          raw: await rows<RawRow>(client, `SELECT ${RAW} FROM agent_performance_history WHERE timestamp >= $1 AND id <= $2 ORDER BY timestamp`, [rawSinceIso, cursor]),
          fiveMinute: await rollups(300, fiveMinuteSinceIso),
          hourly: await rollups(3600, hourlySinceIso),
        };
      }),
    samplesAfter: (afterId, limit) => rows<RawRow>(pool, `SELECT ${RAW} FROM agent_performance_history WHERE id > $1 ORDER BY id LIMIT $2`, [afterId, limit]),
    hostSince: (sinceIso) =>
      rows<{ timestamp: string; system_cpu_usage: number | null; system_memory_usage: number | null }>(
        pool,
        'SELECT timestamp, system_cpu_usage, system_memory_usage FROM system_metrics WHERE timestamp >= $1 ORDER BY timestamp',
        [sinceIso],
      ),
    close: () => pool.end(),
  };
}
