import type { MaintenanceWindow } from '../../domain/maintenance-window.js';
import type { SilenceEvent } from '../../domain/silence.js';
import type { MaintenanceWindowRepo } from '../store.js';
import type { Db } from './open-db.js';

interface Row {
  id: string;
  name: string;
  schedule: string;
  duration_minutes: number;
  time_zone: string;
  matchers: string;
  comment: string;
  created_by: string;
  created_at: string;
  updated_at: string;
}

const fromRow = (r: Row): MaintenanceWindow => ({
  id: r.id,
  name: r.name,
  schedule: JSON.parse(r.schedule),
  durationMinutes: r.duration_minutes,
  timeZone: r.time_zone,
  matchers: JSON.parse(r.matchers),
  comment: r.comment,
  createdBy: r.created_by,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

const toRow = (w: MaintenanceWindow): Row => ({
  id: w.id,
  name: w.name,
  schedule: JSON.stringify(w.schedule),
  duration_minutes: w.durationMinutes,
  time_zone: w.timeZone,
  matchers: JSON.stringify(w.matchers),
  comment: w.comment,
  created_by: w.createdBy,
  created_at: w.createdAt,
  updated_at: w.updatedAt,
});

export function createMaintenanceWindowRepo(db: Db): MaintenanceWindowRepo {
  const insert = db.prepare(`INSERT INTO maintenance_windows (id, name, schedule, duration_minutes, time_zone, matchers, comment, created_by, created_at, updated_at)
    VALUES (@id, @name, @schedule, @duration_minutes, @time_zone, @matchers, @comment, @created_by, @created_at, @updated_at)`);
  const replace = db.prepare(`UPDATE maintenance_windows SET name = @name, schedule = @schedule, duration_minutes = @duration_minutes, time_zone = @time_zone,
    matchers = @matchers, comment = @comment, updated_at = @updated_at WHERE id = @id RETURNING *`);
  const remove = db.prepare('DELETE FROM maintenance_windows WHERE id = ?');
  const get = db.prepare('SELECT * FROM maintenance_windows WHERE id = ?');
  const list = db.prepare('SELECT * FROM maintenance_windows ORDER BY name, id');
  const audit = db.prepare('INSERT INTO silence_events (silence_id, action, at, actor, reason) VALUES (@silence_id, @action, @at, @actor, @reason)');

  const create = db.transaction((w: MaintenanceWindow, e: SilenceEvent) => {
    insert.run(toRow(w));
    audit.run(e);
  });
  const update = db.transaction((w: MaintenanceWindow, e: SilenceEvent) => {
    const row = replace.get(toRow(w)) as Row | undefined;
    if (row) audit.run(e);
    return row && fromRow(row);
  });
  const drop = db.transaction((id: string, e: SilenceEvent) => {
    const gone = remove.run(id).changes > 0;
    if (gone) audit.run(e);
    return gone;
  });

  return {
    async create(w, e) {
      create.immediate(w, e);
    },
    async update(w, e) {
      return update.immediate(w, e);
    },
    async delete(id, e) {
      return drop.immediate(id, e);
    },
    async get(id) {
      const row = get.get(id) as Row | undefined;
      return row && fromRow(row);
    },
    async list() {
      return (list.all() as Row[]).map(fromRow);
    },
  };
}
