import type { Silence, SilenceEvent } from '../../domain/silence.js';
import type { SilenceRepo } from '../store.js';
import type { Db } from './open-db.js';

interface SilenceRow {
  id: string;
  matchers: string;
  starts_at: string;
  ends_at: string;
  created_by: string;
  comment: string;
  origin: Silence['origin'];
  updated_at: string;
}

const fromRow = (row: SilenceRow): Silence => ({
  id: row.id,
  matchers: JSON.parse(row.matchers),
  startsAt: row.starts_at,
  endsAt: row.ends_at,
  createdBy: row.created_by,
  comment: row.comment,
  origin: row.origin,
  updatedAt: row.updated_at,
});

export function createSilenceRepo(db: Db): SilenceRepo {
  const insert = db.prepare(`INSERT INTO silences (id, matchers, starts_at, ends_at, created_by, comment, origin, updated_at)
    VALUES (@id, @matchers, @startsAt, @endsAt, @createdBy, @comment, @origin, @updatedAt)`);
  const audit = db.prepare('INSERT INTO silence_events (silence_id, action, at, actor, reason) VALUES (@silence_id, @action, @at, @actor, @reason)');
  const get = db.prepare('SELECT * FROM silences WHERE id = ?');
  const current = db.prepare('SELECT * FROM silences WHERE ends_at > ? ORDER BY ends_at, id');
  const ended = db.prepare('SELECT * FROM silences WHERE ends_at <= ? ORDER BY ends_at DESC, id LIMIT ?');
  const reschedule = db.prepare(`UPDATE silences SET starts_at = @startsAt, ends_at = @endsAt, updated_at = @at
    WHERE id = @id AND ends_at > @at RETURNING *`);
  const events = db.prepare('SELECT silence_id, action, at, actor, reason FROM silence_events WHERE silence_id = ? ORDER BY id');

  const create = db.transaction((silence: Silence, event: SilenceEvent) => {
    insert.run({ ...silence, matchers: JSON.stringify(silence.matchers) });
    audit.run(event);
  });
  const move = db.transaction((id: string, times: { startsAt: string; endsAt: string }, event: SilenceEvent) => {
    const row = reschedule.get({ id, ...times, at: event.at }) as SilenceRow | undefined;
    if (row) audit.run(event);
    return row && fromRow(row);
  });

  return {
    async create(silence, event) {
      create.immediate(silence, event);
    },
    async get(id) {
      const row = get.get(id) as SilenceRow | undefined;
      return row && fromRow(row);
    },
    async current(nowIso) {
      return (current.all(nowIso) as SilenceRow[]).map(fromRow);
    },
    async ended(nowIso, limit) {
      return (ended.all(nowIso, limit) as SilenceRow[]).map(fromRow);
    },
    async reschedule(id, times, event) {
      return move.immediate(id, times, event);
    },
    async events(id) {
      return events.all(id) as SilenceEvent[];
    },
  };
}
