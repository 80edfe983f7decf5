import { statSync } from 'node:fs';
import type { MaintenanceRepo, PruneCutoffs } from '../store.js';
import type { Db } from './open-db.js';

const CHUNK = 5_000;

export function createMaintenanceRepo(db: Db, file: string, samplesPruned: (beforeIso: string) => void = () => {}): MaintenanceRepo {
  const cursor = db.prepare('SELECT last_id FROM rollup_cursors WHERE name = ?').pluck();
  const deletes = {
    // Raw rows go only once folded into the rollups (id <= the rollup cursor).
    agent_performance_history: db.prepare(`DELETE FROM agent_performance_history WHERE id IN (
      SELECT id FROM agent_performance_history WHERE timestamp < @before AND id <= @rolled LIMIT ${CHUNK})`),
    system_metrics: db.prepare(`DELETE FROM system_metrics WHERE id IN (
      SELECT id FROM system_metrics WHERE timestamp < @before AND id <= @rolled LIMIT ${CHUNK})`),
    // Rollup tables are small (one row per agent and bucket) and have no rowid to chunk by.
    agent_rollups_5m: db.prepare('DELETE FROM agent_rollups WHERE resolution = 300 AND bucket < @before'),
    agent_rollups_1h: db.prepare('DELETE FROM agent_rollups WHERE resolution = 3600 AND bucket < @before'),
    system_rollups_5m: db.prepare('DELETE FROM system_metrics_rollups WHERE resolution = 300 AND bucket < @before'),
    system_rollups_1h: db.prepare('DELETE FROM system_metrics_rollups WHERE resolution = 3600 AND bucket < @before'),
    findings: db.prepare(`DELETE FROM findings WHERE id IN (SELECT id FROM findings WHERE ended_at < @before LIMIT ${CHUNK})`),
    // An OpenTelemetry stream unheard of for the raw retention is forgotten (its process is long gone).
    otlp_streams: db.prepare(`DELETE FROM otlp_streams WHERE key IN (SELECT key FROM otlp_streams WHERE updated_at < @before LIMIT ${CHUNK})`),
    // Silences and agents' events are kept as long as the findings they explain.
    silence_events: db.prepare(`DELETE FROM silence_events WHERE id IN (SELECT id FROM silence_events
      WHERE silence_id IN (SELECT id FROM silences WHERE ends_at < @before) LIMIT ${CHUNK})`),
    silences: db.prepare(`DELETE FROM silences WHERE id IN (SELECT id FROM silences WHERE ends_at < @before LIMIT ${CHUNK})`),
    agent_events: db.prepare(`DELETE FROM agent_events WHERE id IN (SELECT id FROM agent_events WHERE at < @before LIMIT ${CHUNK})`),
  };

  async function drain(statement: (typeof deletes)[keyof typeof deletes], params: Record<string, unknown>): Promise<number> {
    let total = 0;
    for (;;) {
      const { changes } = statement.run(params);
      total += changes;
      if (changes < CHUNK) return total; // a rollup delete removes all at once and ends here too
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  return {
    async prune(c: PruneCutoffs) {
      const rolledSamples = (cursor.get('agent_rollups') as number | undefined) ?? 0;
      const rolledSnapshots = (cursor.get('system_metrics_rollups') as number | undefined) ?? 0;
      const samples = await drain(deletes.agent_performance_history, { before: c.rawBeforeIso, rolled: rolledSamples });
      if (samples > 0) samplesPruned(c.rawBeforeIso);
      return {
        agent_performance_history: samples,
        system_metrics: await drain(deletes.system_metrics, { before: c.rawBeforeIso, rolled: rolledSnapshots }),
        agent_rollups_5m: await drain(deletes.agent_rollups_5m, { before: c.fiveMinuteBeforeIso }),
        agent_rollups_1h: await drain(deletes.agent_rollups_1h, { before: c.hourlyBeforeIso }),
        system_rollups_5m: await drain(deletes.system_rollups_5m, { before: c.fiveMinuteBeforeIso }),
        system_rollups_1h: await drain(deletes.system_rollups_1h, { before: c.hourlyBeforeIso }),
        findings: await drain(deletes.findings, { before: c.findingsBeforeIso }),
        otlp_streams: await drain(deletes.otlp_streams, { before: c.rawBeforeIso }),
        silence_events: await drain(deletes.silence_events, { before: c.findingsBeforeIso }),
        silences: await drain(deletes.silences, { before: c.findingsBeforeIso }),
        agent_events: await drain(deletes.agent_events, { before: c.findingsBeforeIso }),
      };
    },
    async checkpoint() {
      const before = walSize(file);
      db.pragma('optimize'); // first: it may write statistics, which the checkpoint then folds in
      db.pragma('wal_checkpoint(TRUNCATE)');
      return { wal_bytes_before: before, wal_bytes_after: walSize(file) };
    },
  };
}

function walSize(file: string): number {
  try {
    return statSync(`${file}-wal`).size;
  } catch {
    return 0;
  }
}
