import type { SystemMetrics } from '../../domain/system-metrics.js';
import type { SystemMetricsRepo } from '../store.js';
import { one, rows, type Pool } from './pool.js';

const FIELDS = ['timestamp', 'total_agents', 'active_agents', 'failed_agents', 'degraded_agents', 'offline_agents', 'avg_response_time', 'avg_success_rate', 'system_cpu_usage', 'system_memory_usage', 'total_errors', 'total_insights', 'research_cycles_completed', 'performance_score', 'window_seconds', 'load_average', 'disk_used_percent'] as const;
const COLUMNS = `id, ${FIELDS.join(', ')}`;

export function createPgSystemMetricsRepo(pool: Pool): SystemMetricsRepo {
  return {
    async insert(snapshot) {
      const { id: _ignored, ...row } = snapshot;
      const inserted = await one<{ id: number }>(pool, `INSERT INTO system_metrics (${FIELDS.join(', ')}) VALUES (${FIELDS.map((_, i) => `$${i + 1}`).join(', ')}) RETURNING id`, FIELDS.map((f) => row[f]));
      return { ...row, id: inserted!.id };
    },
    list: (sinceIso, limit) => rows<SystemMetrics>(pool, `SELECT ${COLUMNS} FROM system_metrics WHERE timestamp >= $1 ORDER BY timestamp DESC, id DESC LIMIT $2`, [sinceIso, limit]),
    latest: () => one<SystemMetrics>(pool, `SELECT ${COLUMNS} FROM system_metrics ORDER BY timestamp DESC, id DESC LIMIT 1`),
  };
}
