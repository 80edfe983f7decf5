import type { DeliveryAttempt, DeliveryRepo, DeliverySummary, NotificationState, NotificationStateRepo } from '../store.js';
import { one, rows, type Pool } from './pool.js';

export function createPgDeliveryRepo(pool: Pool): DeliveryRepo {
  return {
    async record(a) {
      await pool.query(
        'INSERT INTO deliveries (kind, target, subject, attempt, at, ok, status_code, error, duration_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)',
        [a.kind, a.target, a.subject, a.attempt, a.at, a.ok, a.status_code, a.error, a.duration_ms],
      );
    },
    list: (sinceIso, limit) => rows<DeliveryAttempt & { id: number }>(pool, 'SELECT * FROM deliveries WHERE at >= $1 ORDER BY id DESC LIMIT $2', [sinceIso, limit]),
    summary: (sinceIso) =>
      rows<DeliverySummary>(
        pool,
        `SELECT target, kind, COUNT(*) FILTER (WHERE ok) AS delivered, COUNT(*) FILTER (WHERE NOT ok) AS failed,
            (SELECT error FROM deliveries d2 WHERE d2.target = d.target AND NOT d2.ok AND d2.at >= $1 ORDER BY id DESC LIMIT 1) AS last_error,
            MAX(at) FILTER (WHERE NOT ok) AS last_failure_at
          FROM deliveries d WHERE at >= $1 GROUP BY target, kind ORDER BY target`,
        [sinceIso],
      ),
  };
}

export function createPgNotificationStateRepo(pool: Pool): NotificationStateRepo {
  return {
    get: (key) => one<NotificationState>(pool, 'SELECT key, state, last_sent_at, changes, flapping FROM notification_state WHERE key = $1', [key]),
    async replace(expected, next) {
      const values = [next.key, next.state, next.last_sent_at, JSON.stringify(next.changes), next.flapping];
      const result = expected
        ? await pool.query(
            `UPDATE notification_state SET state = $2, last_sent_at = $3, changes = $4, flapping = $5
              WHERE key = $1 AND state = $6 AND last_sent_at IS NOT DISTINCT FROM $7 AND changes = $8::jsonb AND flapping = $9`,
            [...values, expected.state, expected.last_sent_at, JSON.stringify(expected.changes), expected.flapping],
          )
        : await pool.query('INSERT INTO notification_state (key, state, last_sent_at, changes, flapping) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (key) DO NOTHING', values);
      return result.rowCount === 1;
    },
  };
}
