import Database from 'better-sqlite3';
import { RAW_COLUMNS, SUM_COLUMNS, type RawRow, type RollupRow } from '../../domain/analysis-rows.js';
import type { AgentRecord } from '../../domain/agent.js';
import type { VersionChange } from '../../domain/version.js';
import type { AnalysisReader } from '../store.js';
import { VERSION_CHANGES } from './version-log.js';
import { byTime, deployedVersionChanges } from '../deployed-versions.js';

const RAW = `id, agent_name, timestamp, ${RAW_COLUMNS.join(', ')}`;
const SUMS = SUM_COLUMNS.flatMap((c) => [`${c}_sum`, `${c}_n`]).join(', ');

/** A read-only connection for the analysis worker; WAL lets it read while the server writes. */
export function openSqliteAnalysisReader(file: string): AnalysisReader {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  db.pragma('busy_timeout = 5000');
  const agents = db.prepare('SELECT name, first_seen, last_seen, registered_at, sample_count FROM agents ORDER BY name');
  const cursor = db.prepare("SELECT last_id FROM rollup_cursors WHERE name = 'agent_rollups'").pluck();
  // By the time index: ordering by id would walk every row ever kept.
  const window = db.prepare(`SELECT ${RAW} FROM agent_performance_history INDEXED BY idx_samples_time
    WHERE timestamp >= ? AND id <= ? ORDER BY timestamp`);
  const after = db.prepare(`SELECT ${RAW} FROM agent_performance_history WHERE id > ? ORDER BY id LIMIT ?`);
  const rollups = db.prepare(`SELECT agent_name, bucket, ${SUMS} FROM agent_rollups WHERE resolution = ? AND bucket >= ?`);
  const snapshots = db.prepare(
    'SELECT timestamp, system_cpu_usage, system_memory_usage FROM system_metrics WHERE timestamp >= ? ORDER BY timestamp',
  );
  const versions = db.prepare(`SELECT * FROM (${VERSION_CHANGES}) WHERE at >= ? ORDER BY at`);
  const deployed = db.prepare(deployedVersionChanges('?'));
  // A read transaction: one snapshot of the database for all four reads.
  const seed = db.transaction((rawSince: string, fiveMinuteSince: string, hourlySince: string) => {
    const last = (cursor.get() as number | undefined) ?? 0;
    return {
      cursor: last,
      raw: window.all(rawSince, last) as RawRow[],
      fiveMinute: rollups.all(300, fiveMinuteSince) as RollupRow[],
      hourly: rollups.all(3600, hourlySince) as RollupRow[],
    };
  });
  return {
    agents: async () => agents.all() as AgentRecord[],
    versionChanges: async (sinceIso) => byTime(versions.all(sinceIso) as VersionChange[], deployed.all(sinceIso) as VersionChange[]),
    seed: async ({ rawSinceIso, fiveMinuteSinceIso, hourlySinceIso }) => seed(rawSinceIso, fiveMinuteSinceIso, hourlySinceIso),
    samplesAfter: async (afterId, limit) => after.all(afterId, limit) as RawRow[],
    hostSince: async (sinceIso) =>
      snapshots.all(sinceIso) as Array<{ timestamp: string; system_cpu_usage: number | null; system_memory_usage: number | null }>,
    close: async () => void db.close(),
  };
}
