import type { MaintenanceWindow } from '../../domain/maintenance-window.js';
import type { SilenceEvent } from '../../domain/silence.js';
import type { MaintenanceWindowRepo } from '../store.js';
import { inTransaction, one, rows, type Queryable, type Pool } from './pool.js';

const COLUMNS = `id, name, schedule, duration_minutes AS "durationMinutes", time_zone AS "timeZone", matchers, comment,
  created_by AS "createdBy", created_at AS "createdAt", updated_at AS "updatedAt"`;

const audit = (db: Queryable, e: SilenceEvent) =>
  db.query('INSERT INTO silence_events (silence_id, action, at, actor, reason) VALUES ($1, $2, $3, $4, $5)', [e.silence_id, e.action, e.at, e.actor, e.reason]);

export function createPgMaintenanceWindowRepo(pool: Pool): MaintenanceWindowRepo {
  return {
    create: (w, e) =>
      inTransaction(pool, async (client) => {
        await client.query(
          `INSERT INTO maintenance_windows (id, name, schedule, duration_minutes, time_zone, matchers, comment, created_by, created_at, updated_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
          [w.id, w.name, JSON.stringify(w.schedule), w.durationMinutes, w.timeZone, JSON.stringify(w.matchers), w.comment, w.createdBy, w.createdAt, w.updatedAt],
        );
        await audit(client, e);
      }),
    update: (w, e) =>
      inTransaction(pool, async (client) => {
        const row = await one<MaintenanceWindow>(
          client,
          `UPDATE maintenance_windows SET name = $2, schedule = $3, duration_minutes = $4, time_zone = $5, matchers = $6, comment = $7, updated_at = $8
            WHERE id = $1 RETURNING ${COLUMNS}`,
          [w.id, w.name, JSON.stringify(w.schedule), w.durationMinutes, w.timeZone, JSON.stringify(w.matchers), w.comment, w.updatedAt],
        );
        if (row) await audit(client, e);
        return row;
      }),
    delete: (id, e) =>
      inTransaction(pool, async (client) => {
        const gone = ((await client.query('DELETE FROM maintenance_windows WHERE id = $1', [id])).rowCount ?? 0) > 0;
        if (gone) await audit(client, e);
        return gone;
      }),
    get: (id) => one<MaintenanceWindow>(pool, `SELECT ${COLUMNS} FROM maintenance_windows WHERE id = $1`, [id]),
    list: () => rows<MaintenanceWindow>(pool, `SELECT ${COLUMNS} FROM maintenance_windows ORDER BY name, id`),
  };
}
