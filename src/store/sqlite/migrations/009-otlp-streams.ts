/**
 * The last counted point of each cumulative OpenTelemetry stream (domain/otlp-stream.ts), keyed
 * by a hash of its identity; written with the samples it produced. Streams unheard of for the
 * raw retention are pruned.
 */
export const sql = `
CREATE TABLE otlp_streams (
  key TEXT PRIMARY KEY,
  agent_name TEXT NOT NULL,
  metric TEXT NOT NULL,
  start_ns TEXT NOT NULL,
  time_ns TEXT NOT NULL,
  count REAL NOT NULL,
  sum REAL NOT NULL,
  updated_at TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX idx_otlp_streams_updated ON otlp_streams (updated_at);
`;
