import type { AgentRecord } from '../../domain/agent.js';
import type { AgentRepo } from '../store.js';
import { inTransaction, one, rows, type Pool } from './pool.js';

const COLUMNS = 'name, first_seen, last_seen, registered_at, sample_count, input_tokens_total, output_tokens_total';

export function createPgAgentRepo(pool: Pool): AgentRepo {
  return {
    list: () => rows<AgentRecord>(pool, `SELECT ${COLUMNS} FROM agents ORDER BY name`),
    get: (name) => one<AgentRecord>(pool, `SELECT ${COLUMNS} FROM agents WHERE name = $1`, [name]),
    remove: (name) => one<AgentRecord>(pool, `DELETE FROM agents WHERE name = $1 RETURNING ${COLUMNS}`, [name]),
    retireUnseen: (beforeIso, keep) =>
      inTransaction(pool, async (client) =>
        rows<AgentRecord>(client, `DELETE FROM agents WHERE last_seen < $1 AND NOT (name = ANY($2::text[])) RETURNING ${COLUMNS}`, [beforeIso, [...keep]]).then((retired) =>
          retired.sort((a, b) => (a.name < b.name ? -1 : 1)),
        ),
      ),
    async register(names, at) {
      if (names.length === 0) return;
      await pool.query(
        `INSERT INTO agents (name, first_seen, last_seen, registered_at, sample_count) SELECT name, $2, $2, $2, 0 FROM unnest($1::text[]) AS n(name) ON CONFLICT (name) DO NOTHING`,
        [[...names], at],
      );
    },
    async unknown(names) {
      const known = new Set((await rows<{ name: string }>(pool, 'SELECT name FROM agents WHERE name = ANY($1::text[])', [[...names]])).map((r) => r.name));
      return names.filter((name) => !known.has(name));
    },
    async registeredSince(sinceIso) {
      return (await one<{ count: number; earliest: string | null }>(pool, 'SELECT COUNT(*) AS count, MIN(registered_at) AS earliest FROM agents WHERE registered_at > $1', [sinceIso]))!;
    },
  };
}
