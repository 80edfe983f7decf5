import type { Pool } from './pool.js';
import { inTransaction } from './pool.js';

/**
 * The same tables, columns and meanings as the SQLite store's (store/sqlite/migrations), in
 * PostgreSQL's types. Times stay canonical ISO-8601 UTC text, as in SQLite: both engines then
 * compare, sort and bucket them the same way, and rows read back byte for byte as written.
 * Every text column sorts by code point (COLLATE "C"), as SQLite does, whatever the database's
 * own collation: agent names, times and versions order the same on both engines.
 */
const V1 = `
CREATE TABLE agents (
  name TEXT COLLATE "C" PRIMARY KEY,
  first_seen TEXT COLLATE "C" NOT NULL,
  last_seen TEXT COLLATE "C" NOT NULL,
  registered_at TEXT COLLATE "C" NOT NULL,
  sample_count BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX idx_agents_registered ON agents (registered_at);
CREATE INDEX idx_agents_last_seen ON agents (last_seen);

CREATE TABLE agent_performance_history (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  agent_name TEXT COLLATE "C" NOT NULL,
  timestamp TEXT COLLATE "C" NOT NULL,
  response_time DOUBLE PRECISION,
  success_rate DOUBLE PRECISION,
  error_count BIGINT,
  insights_generated BIGINT,
  memory_usage DOUBLE PRECISION,
  cpu_usage DOUBLE PRECISION,
  requests BIGINT,
  research_cycles BIGINT,
  version TEXT COLLATE "C",
  source TEXT COLLATE "C" NOT NULL DEFAULT 'push'
);
CREATE INDEX idx_samples_agent_time ON agent_performance_history (agent_name, timestamp);
CREATE INDEX idx_samples_time ON agent_performance_history (timestamp);

CREATE TABLE agent_versions (
  agent_name TEXT COLLATE "C" NOT NULL,
  since TEXT COLLATE "C" NOT NULL,
  version TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY (agent_name, since)
);

CREATE TABLE system_metrics (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  timestamp TEXT COLLATE "C" NOT NULL,
  total_agents INTEGER NOT NULL,
  active_agents INTEGER NOT NULL,
  failed_agents INTEGER NOT NULL,
  degraded_agents INTEGER NOT NULL DEFAULT 0,
  offline_agents INTEGER NOT NULL DEFAULT 0,
  avg_response_time DOUBLE PRECISION,
  avg_success_rate DOUBLE PRECISION,
  system_cpu_usage DOUBLE PRECISION,
  system_memory_usage DOUBLE PRECISION,
  total_errors BIGINT NOT NULL,
  total_insights BIGINT NOT NULL,
  research_cycles_completed BIGINT NOT NULL,
  performance_score DOUBLE PRECISION,
  window_seconds INTEGER NOT NULL DEFAULT 0,
  load_average DOUBLE PRECISION,
  disk_used_percent DOUBLE PRECISION
);
CREATE INDEX idx_system_metrics_time ON system_metrics (timestamp);

CREATE TABLE system_improvements (
  id TEXT COLLATE "C" PRIMARY KEY,
  type TEXT COLLATE "C" NOT NULL,
  priority TEXT COLLATE "C" NOT NULL,
  title TEXT COLLATE "C" NOT NULL,
  description TEXT COLLATE "C" NOT NULL,
  affected_components JSONB NOT NULL,
  estimated_impact JSONB NOT NULL,
  implementation_plan JSONB NOT NULL,
  confidence DOUBLE PRECISION NOT NULL,
  created_at TEXT COLLATE "C" NOT NULL,
  status TEXT COLLATE "C" NOT NULL DEFAULT 'pending',
  assigned_agent TEXT COLLATE "C",
  completion_time TEXT COLLATE "C",
  fingerprint TEXT COLLATE "C",
  problem_family TEXT COLLATE "C",
  evidence JSONB NOT NULL DEFAULT '[]',
  occurrences INTEGER NOT NULL DEFAULT 1,
  last_seen_at TEXT COLLATE "C" NOT NULL,
  updated_at TEXT COLLATE "C" NOT NULL,
  decided_by TEXT COLLATE "C",
  decided_at TEXT COLLATE "C",
  decision_reason TEXT COLLATE "C",
  problem_cleared_at TEXT COLLATE "C",
  routing_reason TEXT COLLATE "C",
  lease_owner TEXT COLLATE "C",
  lease_expires_at TEXT COLLATE "C",
  claimed_at TEXT COLLATE "C",
  result JSONB,
  failure_reason TEXT COLLATE "C",
  analysis JSONB,
  outcome TEXT COLLATE "C",
  outcome_details JSONB,
  verified_at TEXT COLLATE "C",
  follow_up_of TEXT COLLATE "C"
);
CREATE INDEX idx_improvements_status ON system_improvements (status, created_at);
CREATE INDEX idx_improvements_fingerprint ON system_improvements (fingerprint, status);
CREATE INDEX idx_improvements_lease ON system_improvements (status, lease_expires_at);
CREATE INDEX idx_improvements_family ON system_improvements (problem_family, outcome);

-- Improvement ids are improvement_<unix seconds>_<n>: n counts per second, taken atomically here.
CREATE TABLE improvement_numbers (
  second BIGINT PRIMARY KEY,
  n INTEGER NOT NULL
);

CREATE TABLE improvement_events (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  improvement_id TEXT COLLATE "C" NOT NULL REFERENCES system_improvements (id),
  at TEXT COLLATE "C" NOT NULL,
  actor TEXT COLLATE "C" NOT NULL,
  from_status TEXT COLLATE "C",
  to_status TEXT COLLATE "C" NOT NULL,
  reason TEXT COLLATE "C"
);
CREATE INDEX idx_improvement_events_improvement ON improvement_events (improvement_id, id);
CREATE INDEX idx_improvement_events_time ON improvement_events (at);

CREATE TABLE findings (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  kind TEXT COLLATE "C" NOT NULL,
  agent_name TEXT COLLATE "C",
  metric TEXT COLLATE "C" NOT NULL,
  severity TEXT COLLATE "C" NOT NULL,
  score DOUBLE PRECISION NOT NULL,
  started_at TEXT COLLATE "C" NOT NULL,
  ended_at TEXT COLLATE "C" NOT NULL,
  value DOUBLE PRECISION,
  expected DOUBLE PRECISION,
  message TEXT COLLATE "C" NOT NULL,
  details JSONB NOT NULL DEFAULT '{}',
  created_at TEXT COLLATE "C" NOT NULL,
  updated_at TEXT COLLATE "C" NOT NULL,
  episode_key TEXT COLLATE "C" NOT NULL UNIQUE
);
CREATE INDEX idx_findings_time ON findings (ended_at);
CREATE INDEX idx_findings_agent ON findings (agent_name, ended_at);

CREATE TABLE deliveries (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  kind TEXT COLLATE "C" NOT NULL,
  target TEXT COLLATE "C" NOT NULL,
  subject TEXT COLLATE "C" NOT NULL,
  attempt INTEGER NOT NULL,
  at TEXT COLLATE "C" NOT NULL,
  ok BOOLEAN NOT NULL,
  status_code INTEGER,
  error TEXT COLLATE "C",
  duration_ms DOUBLE PRECISION
);
CREATE INDEX idx_deliveries_time ON deliveries (at);

CREATE TABLE notification_state (
  key TEXT COLLATE "C" PRIMARY KEY,
  state TEXT COLLATE "C" NOT NULL,
  last_sent_at TEXT COLLATE "C",
  changes JSONB NOT NULL DEFAULT '[]',
  flapping BOOLEAN NOT NULL DEFAULT false
);

CREATE TABLE rollup_cursors (
  name TEXT COLLATE "C" PRIMARY KEY,
  last_id BIGINT NOT NULL
);
${rollupTable('agent_rollups', 'agent_name TEXT COLLATE "C" NOT NULL,', ['response_time:max', 'success_rate:min', 'error_count', 'insights_generated', 'memory_usage:max', 'cpu_usage:max', 'requests', 'research_cycles'], 'resolution, agent_name, bucket')}
CREATE INDEX idx_agent_rollups_bucket ON agent_rollups (resolution, bucket);
${rollupTable('system_metrics_rollups', '', ['total_agents', 'active_agents', 'failed_agents:max', 'degraded_agents', 'offline_agents', 'avg_response_time:max', 'avg_success_rate:min', 'system_cpu_usage:max', 'system_memory_usage:max', 'total_errors', 'total_insights', 'research_cycles_completed', 'performance_score:min'], 'resolution, bucket')}
`;

function rollupTable(name: string, key: string, metrics: string[], primaryKey: string): string {
  const columns = metrics.map((m) => {
    const [column, extreme] = m.split(':');
    return `${column}_sum DOUBLE PRECISION NOT NULL DEFAULT 0, ${column}_n BIGINT NOT NULL DEFAULT 0${extreme ? `, ${column}_${extreme} DOUBLE PRECISION` : ''}`;
  });
  return `CREATE TABLE ${name} (
  resolution INTEGER NOT NULL,
  ${key}
  bucket TEXT COLLATE "C" NOT NULL,
  samples BIGINT NOT NULL,
  ${columns.join(',\n  ')},
  PRIMARY KEY (${primaryKey})
);`;
}

/** A random name for this database, the same for every replica using it (their Redis channels are under it). */
const V2 = `
CREATE TABLE cluster_identity (id TEXT PRIMARY KEY);
INSERT INTO cluster_identity (id) VALUES (gen_random_uuid()::text);
`;

/** One open suggestion per problem, whichever replica or run raises it (the analysis refreshes the open one). */
const V3 = `
CREATE UNIQUE INDEX idx_improvements_one_open ON system_improvements (fingerprint) WHERE status IN ('pending', 'approved', 'in_progress');
`;

/** The reports every replica serves (the leader still writes them as files into its own data directory too). */
const V4 = `
CREATE TABLE system_reports (
  filename TEXT COLLATE "C" PRIMARY KEY,
  summary JSONB NOT NULL,
  -- JSON, not JSONB: served exactly as written, keys in their order, like the file.
  body JSON NOT NULL
);
`;

/** The monitoring switch (control/start, control/stop) every replica follows. */
const V5 = `
CREATE TABLE monitoring_switch (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  active BOOLEAN NOT NULL,
  changed_at TEXT COLLATE "C" NOT NULL,
  changed_by TEXT COLLATE "C" NOT NULL
);
`;

/**
 * The health window's maintained sums per agent and ten seconds (window-buckets.ts). Existing samples are not bucketed:
 * coverage starts after the newest of them (from the start, on an empty database).
 */
const V6 = `
CREATE TABLE window_buckets (
  agent_name TEXT COLLATE "C" NOT NULL,
  -- The bucket's first second (a multiple of ten, in Unix seconds).
  bucket BIGINT NOT NULL,
  samples INTEGER NOT NULL,
  response_time_sum DOUBLE PRECISION NOT NULL,
  response_time_n INTEGER NOT NULL,
  success_rate_sum DOUBLE PRECISION NOT NULL,
  success_rate_n INTEGER NOT NULL,
  error_count_sum DOUBLE PRECISION NOT NULL,
  error_count_n INTEGER NOT NULL,
  requests_sum DOUBLE PRECISION NOT NULL,
  requests_n INTEGER NOT NULL,
  errors_with_requests_sum DOUBLE PRECISION NOT NULL,
  errors_with_requests_n INTEGER NOT NULL,
  insights_generated_sum DOUBLE PRECISION NOT NULL,
  insights_generated_n INTEGER NOT NULL,
  research_cycles_sum DOUBLE PRECISION NOT NULL,
  research_cycles_n INTEGER NOT NULL,
  cpu_usage_sum DOUBLE PRECISION NOT NULL,
  cpu_usage_n INTEGER NOT NULL,
  memory_usage_sum DOUBLE PRECISION NOT NULL,
  memory_usage_n INTEGER NOT NULL,
  input_tokens_sum DOUBLE PRECISION NOT NULL,
  input_tokens_n INTEGER NOT NULL,
  output_tokens_sum DOUBLE PRECISION NOT NULL,
  output_tokens_n INTEGER NOT NULL,
  PRIMARY KEY (bucket, agent_name)
-- Every batch updates its buckets: room on each page keeps those updates HOT (no index entry,
-- dead versions pruned as pages are read), and frequent vacuums keep the table near its live size.
) WITH (fillfactor = 50, autovacuum_vacuum_scale_factor = 0.02, autovacuum_vacuum_cost_delay = 0);
CREATE TABLE window_covered (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  from_second BIGINT NOT NULL
);
INSERT INTO window_covered (id, from_second)
  SELECT 1, COALESCE((floor(extract(epoch FROM MAX(timestamp)::timestamptz))::bigint / 10 + 1) * 10, 0) FROM agent_performance_history;
`;

/** LLM tokens as sample metrics: raw columns, rollup sums, and per agent running totals in the registry. */
const V7 = `
ALTER TABLE agent_performance_history ADD COLUMN input_tokens BIGINT, ADD COLUMN output_tokens BIGINT;
ALTER TABLE agent_rollups ADD COLUMN input_tokens_sum DOUBLE PRECISION NOT NULL DEFAULT 0, ADD COLUMN input_tokens_n BIGINT NOT NULL DEFAULT 0,
  ADD COLUMN output_tokens_sum DOUBLE PRECISION NOT NULL DEFAULT 0, ADD COLUMN output_tokens_n BIGINT NOT NULL DEFAULT 0,
  ADD COLUMN tokens_with_requests_sum DOUBLE PRECISION NOT NULL DEFAULT 0, ADD COLUMN tokens_with_requests_n BIGINT NOT NULL DEFAULT 0,
  ADD COLUMN requests_with_tokens_sum DOUBLE PRECISION NOT NULL DEFAULT 0, ADD COLUMN requests_with_tokens_n BIGINT NOT NULL DEFAULT 0;
ALTER TABLE agents ADD COLUMN input_tokens_total BIGINT NOT NULL DEFAULT 0, ADD COLUMN output_tokens_total BIGINT NOT NULL DEFAULT 0;
`;

/** The last counted point of each cumulative OpenTelemetry stream (domain/otlp-stream.ts). */
const V8 = `
CREATE TABLE otlp_streams (
  key TEXT COLLATE "C" PRIMARY KEY,
  agent_name TEXT COLLATE "C" NOT NULL,
  metric TEXT COLLATE "C" NOT NULL,
  start_ns TEXT COLLATE "C" NOT NULL,
  time_ns TEXT COLLATE "C" NOT NULL,
  count DOUBLE PRECISION NOT NULL,
  sum DOUBLE PRECISION NOT NULL,
  updated_at TEXT COLLATE "C" NOT NULL
);
CREATE INDEX idx_otlp_streams_updated ON otlp_streams (updated_at);
`;

/** Silences and their audit trail, findings' silences, agents' deploy and restart events, approvals toward a quorum. */
const V9 = `
CREATE TABLE silences (
  id TEXT COLLATE "C" PRIMARY KEY,
  matchers JSONB NOT NULL,
  starts_at TEXT COLLATE "C" NOT NULL,
  ends_at TEXT COLLATE "C" NOT NULL,
  created_by TEXT NOT NULL,
  comment TEXT NOT NULL,
  origin TEXT COLLATE "C" NOT NULL,
  updated_at TEXT COLLATE "C" NOT NULL
);
CREATE INDEX idx_silences_ends ON silences (ends_at);
CREATE TABLE silence_events (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  silence_id TEXT COLLATE "C" NOT NULL,
  action TEXT COLLATE "C" NOT NULL,
  at TEXT COLLATE "C" NOT NULL,
  actor TEXT NOT NULL,
  reason TEXT
);
CREATE INDEX idx_silence_events_silence ON silence_events (silence_id, id);
ALTER TABLE findings ADD COLUMN silenced_by JSONB NOT NULL DEFAULT '[]';
CREATE TABLE agent_events (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  agent_name TEXT COLLATE "C" NOT NULL,
  kind TEXT COLLATE "C" NOT NULL,
  version TEXT COLLATE "C",
  at TEXT COLLATE "C" NOT NULL,
  recorded_at TEXT COLLATE "C" NOT NULL,
  actor TEXT NOT NULL,
  silence_id TEXT COLLATE "C"
);
CREATE INDEX idx_agent_events_agent_at ON agent_events (agent_name, at);
CREATE INDEX idx_agent_events_at ON agent_events (at);
CREATE TABLE improvement_approvals (
  improvement_id TEXT COLLATE "C" NOT NULL,
  actor TEXT COLLATE "C" NOT NULL,
  at TEXT COLLATE "C" NOT NULL,
  reason TEXT,
  PRIMARY KEY (improvement_id, actor)
);
`;

/** Recurring maintenance windows; their changes are audited in silence_events. */
const V10 = `
CREATE TABLE maintenance_windows (
  id TEXT COLLATE "C" PRIMARY KEY,
  name TEXT COLLATE "C" NOT NULL,
  schedule JSONB NOT NULL,
  duration_minutes INTEGER NOT NULL,
  time_zone TEXT NOT NULL,
  matchers JSONB NOT NULL,
  comment TEXT NOT NULL,
  created_by TEXT NOT NULL,
  created_at TEXT COLLATE "C" NOT NULL,
  updated_at TEXT COLLATE "C" NOT NULL
);
`;

export const PG_MIGRATIONS: ReadonlyArray<{ version: number; name: string; sql: string }> = [
  { version: 1, name: 'initial', sql: V1 },
  { version: 2, name: 'cluster identity', sql: V2 },
  { version: 3, name: 'one open suggestion per problem', sql: V3 },
  { version: 4, name: 'reports', sql: V4 },
  { version: 5, name: 'monitoring switch', sql: V5 },
  { version: 6, name: 'window buckets', sql: V6 },
  { version: 7, name: 'tokens', sql: V7 },
  { version: 8, name: 'otlp streams', sql: V8 },
  { version: 9, name: 'silences', sql: V9 },
  { version: 10, name: 'maintenance windows', sql: V10 },
];

/** Any fixed number: the advisory lock under which one replica at a time migrates. */
const MIGRATION_LOCK = 727_001;

/**
 * Applies the migrations this database lacks, in one transaction, under an advisory
 * lock: replicas starting together on an empty database migrate one after the other, and the
 * later ones find nothing left to do. Answers the schema version. `through` stops at an earlier
 * version (tests build a database as an earlier release left it).
 */
export async function migrate(pool: Pool, through = PG_MIGRATIONS.at(-1)!.version): Promise<number> {
  return inTransaction(pool, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`);
    const { rows } = await client.query('SELECT COALESCE(MAX(version), 0) AS v FROM schema_migrations');
    const current = Number(rows[0].v);
    const newest = PG_MIGRATIONS.at(-1)!.version;
    if (current > newest) throw new Error(`the database is at schema version ${current}, newer than this build knows (${newest}); upgrade Meta Agent`);
    for (const migration of PG_MIGRATIONS) {
      if (migration.version <= current || migration.version > through) continue;
      await client.query(migration.sql);
      await client.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [migration.version, migration.name, new Date().toISOString()]);
    }
    return Math.max(current, Math.min(through, newest));
  });
}
