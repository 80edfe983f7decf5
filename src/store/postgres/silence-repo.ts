import type { Silence, SilenceEvent } from '../../domain/silence.js';
import type { SilenceRepo } from '../store.js';
import { inTransaction, one, rows, type Pool } from './pool.js';

const COLUMNS = `id, matchers, starts_at AS "startsAt", ends_at AS "endsAt", created_by AS "createdBy", comment, origin, updated_at AS "updatedAt"`;
const AUDIT = 'INSERT INTO silence_events (silence_id, action, at, actor, reason) VALUES ($1, $2, $3, $4, $5)';
const auditValues = (e: SilenceEvent) => [e.silence_id, e.action, e.at, e.actor, e.reason];

export function createPgSilenceRepo(pool: Pool): SilenceRepo {
  return {
    create: (silence, event) =>
      inTransaction(pool, async (client) => {
        await client.query(
          `INSERT INTO silences (id, matchers, starts_at, ends_at, created_by, comment, origin, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
          [silence.id, JSON.stringify(silence.matchers), silence.startsAt, silence.endsAt, silence.createdBy, silence.comment, silence.origin, silence.updatedAt],
        );
        await client.query(AUDIT, auditValues(event));
      }),
    get: (id) => one<Silence>(pool, `SELECT ${COLUMNS} FROM silences WHERE id = $1`, [id]),
    current: (nowIso) => rows<Silence>(pool, `SELECT ${COLUMNS} FROM silences WHERE ends_at > $1 ORDER BY ends_at, id`, [nowIso]),
    ended: (nowIso, limit) => rows<Silence>(pool, `SELECT ${COLUMNS} FROM silences WHERE ends_at <= $1 ORDER BY ends_at DESC, id LIMIT $2`, [nowIso, limit]),
    reschedule: (id, times, event) =>
      inTransaction(pool, async (client) => {
        const row = await one<Silence>(
          client,
          `UPDATE silences SET starts_at = $2, ends_at = $3, updated_at = $4 WHERE id = $1 AND ends_at > $4 RETURNING ${COLUMNS}`,
          [id, times.startsAt, times.endsAt, event.at],
        );
        if (row) await client.query(AUDIT, auditValues(event));
        return row;
      }),
    events: (id) => rows<SilenceEvent>(pool, 'SELECT silence_id, action, at, actor, reason FROM silence_events WHERE silence_id = $1 ORDER BY id', [id]),
  };
}
