/** The monitoring switch (control/start, control/stop): one row, kept across restarts. */
export const sql = `
CREATE TABLE monitoring_switch (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  active INTEGER NOT NULL,
  changed_at TEXT NOT NULL,
  changed_by TEXT NOT NULL
);
`;
