/**
 * 5-minute and hourly aggregates of agent samples and of health snapshots, kept far
 * longer than raw rows and read by long-range queries. Each metric keeps a sum and a
 * count (so means merge exactly and "no data" stays distinguishable from 0) and, where
 * useful, an extreme. Filled incrementally from rows past a cursor, so backfilled
 * samples land in their own (older) buckets.
 */
export const sql = `
CREATE TABLE agent_rollups (
  resolution INTEGER NOT NULL,
  agent_name TEXT NOT NULL,
  bucket TEXT NOT NULL,
  samples INTEGER NOT NULL,
  response_time_sum REAL NOT NULL DEFAULT 0, response_time_n INTEGER NOT NULL DEFAULT 0, response_time_max REAL,
  success_rate_sum REAL NOT NULL DEFAULT 0, success_rate_n INTEGER NOT NULL DEFAULT 0, success_rate_min REAL,
  error_count_sum REAL NOT NULL DEFAULT 0, error_count_n INTEGER NOT NULL DEFAULT 0,
  insights_generated_sum REAL NOT NULL DEFAULT 0, insights_generated_n INTEGER NOT NULL DEFAULT 0,
  memory_usage_sum REAL NOT NULL DEFAULT 0, memory_usage_n INTEGER NOT NULL DEFAULT 0, memory_usage_max REAL,
  cpu_usage_sum REAL NOT NULL DEFAULT 0, cpu_usage_n INTEGER NOT NULL DEFAULT 0, cpu_usage_max REAL,
  requests_sum REAL NOT NULL DEFAULT 0, requests_n INTEGER NOT NULL DEFAULT 0,
  research_cycles_sum REAL NOT NULL DEFAULT 0, research_cycles_n INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (resolution, agent_name, bucket)
) WITHOUT ROWID;
CREATE INDEX idx_agent_rollups_bucket ON agent_rollups (resolution, bucket);

CREATE TABLE system_metrics_rollups (
  resolution INTEGER NOT NULL,
  bucket TEXT NOT NULL,
  samples INTEGER NOT NULL,
  total_agents_sum REAL NOT NULL DEFAULT 0, total_agents_n INTEGER NOT NULL DEFAULT 0,
  active_agents_sum REAL NOT NULL DEFAULT 0, active_agents_n INTEGER NOT NULL DEFAULT 0,
  failed_agents_sum REAL NOT NULL DEFAULT 0, failed_agents_n INTEGER NOT NULL DEFAULT 0, failed_agents_max REAL,
  degraded_agents_sum REAL NOT NULL DEFAULT 0, degraded_agents_n INTEGER NOT NULL DEFAULT 0,
  offline_agents_sum REAL NOT NULL DEFAULT 0, offline_agents_n INTEGER NOT NULL DEFAULT 0,
  avg_response_time_sum REAL NOT NULL DEFAULT 0, avg_response_time_n INTEGER NOT NULL DEFAULT 0, avg_response_time_max REAL,
  avg_success_rate_sum REAL NOT NULL DEFAULT 0, avg_success_rate_n INTEGER NOT NULL DEFAULT 0, avg_success_rate_min REAL,
  system_cpu_usage_sum REAL NOT NULL DEFAULT 0, system_cpu_usage_n INTEGER NOT NULL DEFAULT 0, system_cpu_usage_max REAL,
  system_memory_usage_sum REAL NOT NULL DEFAULT 0, system_memory_usage_n INTEGER NOT NULL DEFAULT 0, system_memory_usage_max REAL,
  total_errors_sum REAL NOT NULL DEFAULT 0, total_errors_n INTEGER NOT NULL DEFAULT 0,
  total_insights_sum REAL NOT NULL DEFAULT 0, total_insights_n INTEGER NOT NULL DEFAULT 0,
  research_cycles_completed_sum REAL NOT NULL DEFAULT 0, research_cycles_completed_n INTEGER NOT NULL DEFAULT 0,
  performance_score_sum REAL NOT NULL DEFAULT 0, performance_score_n INTEGER NOT NULL DEFAULT 0, performance_score_min REAL,
  PRIMARY KEY (resolution, bucket)
) WITHOUT ROWID;

CREATE TABLE rollup_cursors (
  name TEXT PRIMARY KEY,
  last_id INTEGER NOT NULL
) WITHOUT ROWID;
`;
