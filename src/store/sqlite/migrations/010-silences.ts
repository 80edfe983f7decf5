/**
 * Silences (domain/silence.ts) with their audit trail; which silences covered each finding;
 * agents' deploy and restart events; and the approvals a suggestion collected toward a quorum.
 */
export const sql = `
CREATE TABLE silences (
  id TEXT PRIMARY KEY,
  matchers TEXT NOT NULL,
  starts_at TEXT NOT NULL,
  ends_at TEXT NOT NULL,
  created_by TEXT NOT NULL,
  comment TEXT NOT NULL,
  origin TEXT NOT NULL,
  updated_at TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX idx_silences_ends ON silences (ends_at);
CREATE TABLE silence_events (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  silence_id TEXT NOT NULL,
  action TEXT NOT NULL,
  at TEXT NOT NULL,
  actor TEXT NOT NULL,
  reason TEXT
);
CREATE INDEX idx_silence_events_silence ON silence_events (silence_id, id);
ALTER TABLE findings ADD COLUMN silenced_by TEXT NOT NULL DEFAULT '[]';
CREATE TABLE agent_events (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  agent_name TEXT NOT NULL,
  kind TEXT NOT NULL,
  version TEXT,
  at TEXT NOT NULL,
  recorded_at TEXT NOT NULL,
  actor TEXT NOT NULL,
  silence_id TEXT
);
CREATE INDEX idx_agent_events_agent_at ON agent_events (agent_name, at);
CREATE INDEX idx_agent_events_at ON agent_events (at);
CREATE TABLE improvement_approvals (
  improvement_id TEXT NOT NULL,
  actor TEXT NOT NULL,
  at TEXT NOT NULL,
  reason TEXT,
  PRIMARY KEY (improvement_id, actor)
) WITHOUT ROWID;
`;
