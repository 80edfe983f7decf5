import type { DeliveryAttempt, DeliveryRepo, DeliverySummary, NotificationState, NotificationStateRepo } from '../store.js';
import type { Db } from './open-db.js';

export function createDeliveryRepo(db: Db): DeliveryRepo {
  const insert = db.prepare(`INSERT INTO deliveries (kind, target, subject, attempt, at, ok, status_code, error, duration_ms)
    VALUES (@kind, @target, @subject, @attempt, @at, @ok, @status_code, @error, @duration_ms)`);
  const list = db.prepare('SELECT * FROM deliveries WHERE at >= ? ORDER BY id DESC LIMIT ?');
  const summary = db.prepare(`SELECT target, kind, SUM(ok) AS delivered, SUM(1 - ok) AS failed,
      (SELECT error FROM deliveries d2 WHERE d2.target = d.target AND d2.ok = 0 AND d2.at >= @since ORDER BY id DESC LIMIT 1) AS last_error,
      MAX(CASE WHEN ok = 0 THEN at END) AS last_failure_at
    FROM deliveries d WHERE at >= @since GROUP BY target, kind ORDER BY target`);
  return {
    async record(attempt) {
      insert.run({ ...attempt, ok: attempt.ok ? 1 : 0 });
    },
    async list(sinceIso, limit) {
      type Row = Omit<DeliveryAttempt, 'ok'> & { id: number; ok: number };
      return (list.all(sinceIso, limit) as Row[]).map((row) => ({ ...row, ok: row.ok === 1 }));
    },
    async summary(sinceIso) {
      return summary.all({ since: sinceIso }) as DeliverySummary[];
    },
  };
}

export function createNotificationStateRepo(db: Db): NotificationStateRepo {
  const get = db.prepare('SELECT * FROM notification_state WHERE key = ?');
  const insert = db.prepare(`INSERT INTO notification_state (key, state, last_sent_at, changes, flapping)
    VALUES (@key, @state, @last_sent_at, @changes, @flapping) ON CONFLICT (key) DO NOTHING`);
  const update = db.prepare(`UPDATE notification_state SET state = @state, last_sent_at = @last_sent_at, changes = @changes, flapping = @flapping
    WHERE key = @key AND state = @was_state AND last_sent_at IS @was_last_sent_at AND changes = @was_changes AND flapping = @was_flapping`);
  const columns = (state: NotificationState) => ({ ...state, changes: JSON.stringify(state.changes), flapping: state.flapping ? 1 : 0 });
  return {
    async get(key) {
      const row = get.get(key) as (Omit<NotificationState, 'changes' | 'flapping'> & { changes: string; flapping: number }) | undefined;
      return row && { ...row, changes: JSON.parse(row.changes) as string[], flapping: row.flapping === 1 };
    },
    async replace(expected, next) {
      if (!expected) return insert.run(columns(next)).changes === 1;
      const was = columns(expected);
      const result = update.run({ ...columns(next), was_state: was.state, was_last_sent_at: was.last_sent_at, was_changes: was.changes, was_flapping: was.flapping });
      return result.changes === 1;
    },
  };
}
