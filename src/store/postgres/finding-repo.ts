import type { Finding } from '../../domain/finding.js';
import type { FindingRepo } from '../store.js';
import { inTransaction, one, rows, type Pool } from './pool.js';

const FIELDS = ['kind', 'agent_name', 'metric', 'severity', 'score', 'started_at', 'ended_at', 'value', 'expected', 'message', 'details', 'episode_key', 'silenced_by'] as const;

export function createPgFindingRepo(pool: Pool): FindingRepo {
  return {
    upsert: (drafts, at) =>
      inTransaction(pool, async (client) => {
        const stored: Finding[] = [];
        for (const draft of drafts) {
          const values = FIELDS.map((f) => (f === 'details' ? JSON.stringify(draft.details) : f === 'silenced_by' ? JSON.stringify(draft.silenced_by ?? []) : draft[f]));
          const row = await one<Finding>(
            client,
            `INSERT INTO findings (${FIELDS.join(', ')}, created_at, updated_at) VALUES (${FIELDS.map((_, i) => `$${i + 1}`).join(', ')}, $${FIELDS.length + 1}, $${FIELDS.length + 1})
              ON CONFLICT (episode_key) DO UPDATE SET
                severity = excluded.severity, score = excluded.score, started_at = excluded.started_at,
                ended_at = excluded.ended_at, value = excluded.value, expected = excluded.expected,
                message = excluded.message, details = excluded.details, silenced_by = excluded.silenced_by, updated_at = excluded.updated_at
              RETURNING *`,
            [...values, at],
          );
          stored.push(row!);
        }
        return stored;
      }),
    list(query) {
      const where = ['ended_at >= $1'];
      const values: unknown[] = [query.sinceIso];
      for (const [column, value] of [['kind', query.kind], ['agent_name', query.agentName], ['metric', query.metric]] as const) {
        if (value === undefined) continue;
        values.push(value);
        where.push(`${column} = $${values.length}`);
      }
      values.push(query.limit);
      return rows<Finding>(pool, `SELECT * FROM findings WHERE ${where.join(' AND ')} ORDER BY ended_at DESC, id DESC LIMIT $${values.length}`, values);
    },
  };
}
