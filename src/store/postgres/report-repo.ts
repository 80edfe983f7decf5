import type { ReportSummary } from '../../domain/report.js';
import type { ReportRepo } from '../store.js';
import { one, rows, type Pool } from './pool.js';

// Report names sort by time (system_report_YYYYMMDD_HHMMSS.json), so newest first is by name.
export function createPgReportRepo(pool: Pool): ReportRepo {
  return {
    async save({ filename, summary, body }) {
      await pool.query(
        'INSERT INTO system_reports (filename, summary, body) VALUES ($1, $2, $3) ON CONFLICT (filename) DO UPDATE SET summary = excluded.summary, body = excluded.body',
        [filename, JSON.stringify(summary), JSON.stringify(body)],
      );
    },
    list: async () => (await rows<{ summary: ReportSummary }>(pool, 'SELECT summary FROM system_reports ORDER BY filename DESC')).map((r) => r.summary),
    get: async (filename) => (await one<{ body: unknown }>(pool, 'SELECT body FROM system_reports WHERE filename = $1', [filename]))?.body,
    prune: async (keep) =>
      (
        await rows<{ filename: string }>(
          pool,
          'DELETE FROM system_reports WHERE filename IN (SELECT filename FROM system_reports ORDER BY filename DESC OFFSET $1) RETURNING filename',
          [keep],
        )
      ).map((r) => r.filename),
  };
}
