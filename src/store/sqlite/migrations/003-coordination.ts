/**
 * Coordination: routing, leases, results and verification of improvements; the delivery
 * log of webhooks and notifications; notification state (cooldowns, flapping).
 */
export const sql = `
ALTER TABLE system_improvements ADD COLUMN routing_reason TEXT;
ALTER TABLE system_improvements ADD COLUMN lease_owner TEXT;
ALTER TABLE system_improvements ADD COLUMN lease_expires_at TEXT;
ALTER TABLE system_improvements ADD COLUMN claimed_at TEXT;
ALTER TABLE system_improvements ADD COLUMN result TEXT;
ALTER TABLE system_improvements ADD COLUMN failure_reason TEXT;
ALTER TABLE system_improvements ADD COLUMN analysis TEXT;
ALTER TABLE system_improvements ADD COLUMN outcome TEXT;
ALTER TABLE system_improvements ADD COLUMN outcome_details TEXT;
ALTER TABLE system_improvements ADD COLUMN verified_at TEXT;
ALTER TABLE system_improvements ADD COLUMN follow_up_of TEXT;
CREATE INDEX idx_improvements_lease ON system_improvements (status, lease_expires_at);

CREATE TABLE deliveries (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,
  target TEXT NOT NULL,
  subject TEXT NOT NULL,
  attempt INTEGER NOT NULL,
  at TEXT NOT NULL,
  ok INTEGER NOT NULL,
  status_code INTEGER,
  error TEXT,
  duration_ms REAL
);
CREATE INDEX idx_deliveries_time ON deliveries (at);

CREATE TABLE notification_state (
  key TEXT PRIMARY KEY,
  state TEXT NOT NULL,
  last_sent_at TEXT,
  changes TEXT NOT NULL DEFAULT '[]',
  flapping INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
`;
