/** The registry's own upkeep: new registrations per day are counted, unseen agents retired. */
export const sql = `
CREATE INDEX idx_agents_registered ON agents (registered_at);
CREATE INDEX idx_agents_last_seen ON agents (last_seen);
`;
