/**
 * The version an agent reported with each sample, and per agent the versions it ran as a
 * step function in time: one row where the version changes (`since`), merged when equal.
 */
export const sql = `
ALTER TABLE agent_performance_history ADD COLUMN version TEXT;
CREATE TABLE agent_versions (
  agent_name TEXT NOT NULL,
  since TEXT NOT NULL,
  version TEXT NOT NULL,
  PRIMARY KEY (agent_name, since)
) WITHOUT ROWID;
`;
