import type { Finding, FindingRecord } from '../../domain/finding.js';
import type { FindingQuery, FindingRepo } from '../store.js';
import type { Db } from './open-db.js';

type FindingRow = Omit<Finding, 'details' | 'silenced_by'> & { details: string; silenced_by: string };

// The details were written from a finding of the same kind, so they read back as that kind's.
const fromRow = (row: FindingRow): Finding => ({ ...row, details: JSON.parse(row.details), silenced_by: JSON.parse(row.silenced_by) }) as Finding;

export function createFindingRepo(db: Db): FindingRepo {
  const upsert = db.prepare(`INSERT INTO findings
    (kind, agent_name, metric, severity, score, started_at, ended_at, value, expected, message, details, episode_key, silenced_by, created_at, updated_at)
    VALUES (@kind, @agent_name, @metric, @severity, @score, @started_at, @ended_at, @value, @expected, @message, @details, @episode_key, @silenced_by, @at, @at)
    ON CONFLICT (episode_key) DO UPDATE SET
      severity = excluded.severity, score = excluded.score, started_at = excluded.started_at,
      ended_at = excluded.ended_at, value = excluded.value, expected = excluded.expected,
      message = excluded.message, details = excluded.details, silenced_by = excluded.silenced_by, updated_at = excluded.updated_at
    RETURNING *`);
  const upsertAll = db.transaction((drafts: FindingRecord[], at: string) =>
    drafts.map((draft) => fromRow(upsert.get({ ...draft, details: JSON.stringify(draft.details), silenced_by: JSON.stringify(draft.silenced_by ?? []), at }) as FindingRow)),
  );
  const statements = new Map<string, ReturnType<Db['prepare']>>();

  return {
    async upsert(drafts, at) {
      return upsertAll.immediate(drafts, at);
    },
    async list(query: FindingQuery) {
      const where = ['ended_at >= @sinceIso'];
      const params: Record<string, unknown> = { sinceIso: query.sinceIso, limit: query.limit };
      for (const [column, value] of [['kind', query.kind], ['agent_name', query.agentName], ['metric', query.metric]] as const) {
        if (value === undefined) continue;
        where.push(`${column} = @${column}`);
        params[column] = value;
      }
      const sql = `SELECT * FROM findings WHERE ${where.join(' AND ')} ORDER BY ended_at DESC, id DESC LIMIT @limit`;
      let statement = statements.get(sql);
      if (!statement) statements.set(sql, (statement = db.prepare(sql)));
      return (statement.all(params) as FindingRow[]).map(fromRow);
    },
  };
}
