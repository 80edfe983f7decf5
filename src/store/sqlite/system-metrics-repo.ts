import type { SystemMetrics } from '../../domain/system-metrics.js';
import type { SystemMetricsRepo } from '../store.js';
import type { Db } from './open-db.js';
import { rowReader } from './rows.js';
import { createSnapshotTail } from './snapshot-tail.js';

const COLUMNS = `id, timestamp, total_agents, active_agents, failed_agents, degraded_agents, offline_agents,
  avg_response_time, avg_success_rate, system_cpu_usage, system_memory_usage, total_errors, total_insights,
  research_cycles_completed, performance_score, window_seconds, load_average, disk_used_percent`;

export function createSystemMetricsRepo(db: Db): SystemMetricsRepo {
  const insert = db.prepare(`INSERT INTO system_metrics (timestamp, total_agents, active_agents, failed_agents,
      degraded_agents, offline_agents, avg_response_time, avg_success_rate, system_cpu_usage, system_memory_usage,
      total_errors, total_insights, research_cycles_completed, performance_score, window_seconds, load_average,
      disk_used_percent)
    VALUES (@timestamp, @total_agents, @active_agents, @failed_agents, @degraded_agents, @offline_agents,
      @avg_response_time, @avg_success_rate, @system_cpu_usage, @system_memory_usage, @total_errors,
      @total_insights, @research_cycles_completed, @performance_score, @window_seconds, @load_average,
      @disk_used_percent)`);
  const list = rowReader<SystemMetrics>(db.prepare(`SELECT ${COLUMNS} FROM system_metrics WHERE timestamp >= ? ORDER BY timestamp DESC, id DESC LIMIT ?`));
  const latest = db.prepare(`SELECT ${COLUMNS} FROM system_metrics ORDER BY timestamp DESC, id DESC LIMIT 1`);
  const afterId = rowReader<SystemMetrics>(db.prepare(`SELECT ${COLUMNS} FROM system_metrics WHERE id > ? ORDER BY timestamp DESC, id DESC`));
  const tail = createSnapshotTail(db, { since: list, afterId, newest: () => latest.get() as SystemMetrics | undefined });
  return {
    async insert(snapshot) {
      const { id: _ignored, ...row } = snapshot;
      const result = insert.run(row);
      return { ...row, id: Number(result.lastInsertRowid) };
    },
    async list(sinceIso, limit) {
      return tail.list(sinceIso, limit) ?? list(sinceIso, limit);
    },
    async latest() {
      return latest.get() as SystemMetrics | undefined;
    },
  };
}
