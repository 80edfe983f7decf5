/**
 * The seed's three tables with the seed's columns (averages of system_metrics made
 * nullable: no data is not 0), plus agents, findings and the improvement audit trail.
 */
export const sql = `
CREATE TABLE agents (
  name TEXT PRIMARY KEY,
  first_seen TEXT NOT NULL,
  last_seen TEXT NOT NULL,
  registered_at TEXT NOT NULL,
  sample_count INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;

CREATE TABLE agent_performance_history (
  id INTEGER PRIMARY KEY,
  agent_name TEXT NOT NULL,
  timestamp TEXT NOT NULL,
  response_time REAL,
  success_rate REAL,
  error_count INTEGER,
  insights_generated INTEGER,
  memory_usage REAL,
  cpu_usage REAL,
  requests INTEGER,
  research_cycles INTEGER,
  source TEXT NOT NULL DEFAULT 'push'
);
CREATE INDEX idx_samples_agent_time ON agent_performance_history (agent_name, timestamp);
CREATE INDEX idx_samples_time ON agent_performance_history (timestamp);

CREATE TABLE system_metrics (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  timestamp TEXT NOT NULL,
  total_agents INTEGER NOT NULL,
  active_agents INTEGER NOT NULL,
  failed_agents INTEGER NOT NULL,
  avg_response_time REAL,
  avg_success_rate REAL,
  system_cpu_usage REAL,
  system_memory_usage REAL,
  total_errors INTEGER NOT NULL,
  total_insights INTEGER NOT NULL,
  research_cycles_completed INTEGER NOT NULL,
  performance_score REAL,
  degraded_agents INTEGER NOT NULL DEFAULT 0,
  offline_agents INTEGER NOT NULL DEFAULT 0,
  window_seconds INTEGER NOT NULL DEFAULT 0,
  load_average REAL,
  disk_used_percent REAL
);
CREATE INDEX idx_system_metrics_time ON system_metrics (timestamp);

CREATE TABLE system_improvements (
  id TEXT PRIMARY KEY,
  type TEXT NOT NULL,
  priority TEXT NOT NULL,
  title TEXT NOT NULL,
  description TEXT NOT NULL,
  affected_components TEXT NOT NULL,
  estimated_impact TEXT NOT NULL,
  implementation_plan TEXT NOT NULL,
  confidence REAL NOT NULL,
  created_at TEXT NOT NULL,
  status TEXT DEFAULT 'pending',
  assigned_agent TEXT,
  completion_time TEXT,
  fingerprint TEXT,
  evidence TEXT NOT NULL DEFAULT '[]',
  occurrences INTEGER NOT NULL DEFAULT 1,
  last_seen_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  decided_by TEXT,
  decided_at TEXT,
  decision_reason TEXT,
  problem_cleared_at TEXT
);
CREATE INDEX idx_improvements_status ON system_improvements (status, created_at);
CREATE INDEX idx_improvements_fingerprint ON system_improvements (fingerprint, status);

CREATE TABLE improvement_events (
  id INTEGER PRIMARY KEY,
  improvement_id TEXT NOT NULL REFERENCES system_improvements (id),
  at TEXT NOT NULL,
  actor TEXT NOT NULL,
  from_status TEXT,
  to_status TEXT NOT NULL,
  reason TEXT
);
CREATE INDEX idx_improvement_events_improvement ON improvement_events (improvement_id, id);

CREATE TABLE findings (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,
  agent_name TEXT,
  metric TEXT NOT NULL,
  severity TEXT NOT NULL,
  score REAL NOT NULL,
  started_at TEXT NOT NULL,
  ended_at TEXT NOT NULL,
  value REAL,
  expected REAL,
  message TEXT NOT NULL,
  details TEXT NOT NULL DEFAULT '{}',
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  -- one row per episode: the same breach seen by later runs updates it
  episode_key TEXT NOT NULL UNIQUE
);
CREATE INDEX idx_findings_time ON findings (ended_at);
CREATE INDEX idx_findings_agent ON findings (agent_name, ended_at);
`;
