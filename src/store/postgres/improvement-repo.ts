import { ImprovementStatus } from '../../domain/enums.js';
import type { Improvement, ImprovementDraft, ImprovementEvent } from '../../domain/improvement.js';
import { conflict } from '../../errors.js';
import { approvalNote, type Approval, type ImprovementPatch, type ImprovementRepo } from '../store.js';
import { inTransaction, one, rows, type Queryable, type Pool } from './pool.js';

const JSON_COLUMNS = new Set(['affected_components', 'estimated_impact', 'implementation_plan', 'evidence', 'result', 'analysis', 'outcome_details']);
const toColumn = (key: string, value: unknown) => (JSON_COLUMNS.has(key) && value !== null && value !== undefined ? JSON.stringify(value) : (value ?? null));
const DRAFT_COLUMNS = ['type', 'priority', 'title', 'description', 'affected_components', 'estimated_impact', 'implementation_plan', 'confidence', 'fingerprint', 'problem_family', 'evidence', 'follow_up_of'] as const;

async function recordEvent(db: Queryable, id: string, at: string, actor: string, from: string | null, to: string, reason: string | null): Promise<void> {
  await db.query('INSERT INTO improvement_events (improvement_id, at, actor, from_status, to_status, reason) VALUES ($1, $2, $3, $4, $5, $6)', [id, at, actor, from, to, reason]);
}

/** Sets the patch's columns and updated_at on one row; answers it as it is now. */
async function update(db: Queryable, id: string, patch: ImprovementPatch, at: string): Promise<Improvement> {
  const keys = Object.keys(patch).sort();
  const sets = ['updated_at = $2', ...keys.map((key, i) => `${key} = $${i + 3}`)];
  return (await one<Improvement>(db, `UPDATE system_improvements SET ${sets.join(', ')} WHERE id = $1 RETURNING *`, [id, at, ...keys.map((key) => toColumn(key, (patch as Record<string, unknown>)[key]))]))!;
}

export function createPgImprovementRepo(pool: Pool): ImprovementRepo {
  const createOne = (draft: ImprovementDraft, at: string, actor: string) =>
    inTransaction(pool, async (client) => {
      // Numbered per second by an atomic counter row: unique across replicas, never read-then-write.
      const seconds = Math.floor(Date.parse(at) / 1000);
      const { n } = (await one<{ n: number }>(client, 'INSERT INTO improvement_numbers (second, n) VALUES ($1, 1) ON CONFLICT (second) DO UPDATE SET n = improvement_numbers.n + 1 RETURNING n', [seconds]))!;
      const id = `improvement_${seconds}_${n}`;
      const values = DRAFT_COLUMNS.map((column) => toColumn(column, (draft as unknown as Record<string, unknown>)[column]));
      const row = await one<Improvement>(
        client,
        `INSERT INTO system_improvements (id, created_at, last_seen_at, updated_at, status, occurrences, ${DRAFT_COLUMNS.join(', ')})
          VALUES ($1, $2, $2, $2, 'pending', 1, ${DRAFT_COLUMNS.map((_, i) => `$${i + 3}`).join(', ')}) RETURNING *`,
        [id, at, ...values],
      );
      await recordEvent(client, id, at, actor, null, ImprovementStatus.pending, draft.follow_up_of ? `follow-up of ${draft.follow_up_of}` : 'suggested');
      return row!;
    });
  return {
    create: (draft, at, actor) =>
      createOne(draft, at, actor).catch((error: { code?: string; constraint?: string }) => {
        // Two writers raising the same problem at once: the unique index keeps the first.
        if (error.code === '23505' && error.constraint === 'idx_improvements_one_open') throw conflict(`An open suggestion for ${draft.fingerprint} exists already`);
        throw error;
      }),
    get: (id) => one<Improvement>(pool, 'SELECT * FROM system_improvements WHERE id = $1', [id]),
    list: (status) =>
      status
        ? rows<Improvement>(pool, 'SELECT * FROM system_improvements WHERE status = $1 ORDER BY created_at DESC, id DESC', [status])
        : rows<Improvement>(pool, 'SELECT * FROM system_improvements ORDER BY created_at DESC, id DESC'),
    async countByStatus() {
      const result = Object.fromEntries(Object.values(ImprovementStatus).map((s) => [s, 0])) as Record<Improvement['status'], number>;
      for (const row of await rows<{ status: Improvement['status']; n: number }>(pool, 'SELECT status, COUNT(*) AS n FROM system_improvements GROUP BY status')) result[row.status] = row.n;
      return result;
    },
    // The row is locked first (FOR UPDATE): of concurrent movers, each sees the status the one before it left.
    transition: (request) =>
      inTransaction(pool, async (client) => {
        const current = await one<{ status: Improvement['status']; lease_owner: string | null }>(client, 'SELECT status, lease_owner FROM system_improvements WHERE id = $1 FOR UPDATE', [request.id]);
        if (!current) return { ok: false, current: null };
        const leaseHeld = request.leaseOwner === undefined || current.lease_owner === request.leaseOwner;
        if (!request.from.includes(current.status) || !leaseHeld) return { ok: false, current: current.status };
        const improvement = await update(client, request.id, { ...request.patch, status: request.to }, request.at);
        await recordEvent(client, request.id, request.at, request.actor, current.status, request.to, request.reason);
        return { ok: true, improvement };
      }),
    patch: (id, patch, at, guard) =>
      inTransaction(pool, async (client) => {
        const current = await one<{ status: string; lease_owner: string | null }>(client, 'SELECT status, lease_owner FROM system_improvements WHERE id = $1 FOR UPDATE', [id]);
        if (!current) return undefined;
        if (guard && (current.status !== guard.status || (guard.leaseOwner !== undefined && current.lease_owner !== guard.leaseOwner))) return undefined;
        return update(client, id, patch, at);
      }),
    addApproval: (request) =>
      inTransaction(pool, async (client) => {
        const current = await one<{ status: Improvement['status'] }>(client, 'SELECT status FROM system_improvements WHERE id = $1 FOR UPDATE', [request.id]);
        if (current?.status !== ImprovementStatus.pending) return { ok: false as const, current: current?.status ?? null };
        const inserted = await client.query('INSERT INTO improvement_approvals (improvement_id, actor, at, reason) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING', [request.id, request.actor, request.at, request.reason]);
        const approvals = await rows<Approval>(client, 'SELECT actor, at, reason FROM improvement_approvals WHERE improvement_id = $1 ORDER BY at, actor', [request.id]);
        if ((inserted.rowCount ?? 0) > 0) await recordEvent(client, request.id, request.at, request.actor, current.status, current.status, approvalNote(approvals.length, request.required, request.reason));
        return { ok: true as const, approvals };
      }),
    approvals: (id) => rows<Approval>(pool, 'SELECT actor, at, reason FROM improvement_approvals WHERE improvement_id = $1 ORDER BY at, actor', [id]),
    events: (id) => rows<ImprovementEvent>(pool, 'SELECT * FROM improvement_events WHERE improvement_id = $1 ORDER BY id', [id]),
    eventsSince: (sinceIso, limit) => rows<ImprovementEvent>(pool, 'SELECT * FROM improvement_events WHERE at >= $1 ORDER BY id DESC LIMIT $2', [sinceIso, limit]),
    latestByFingerprint: (fingerprint) => one<Improvement>(pool, 'SELECT * FROM system_improvements WHERE fingerprint = $1 ORDER BY created_at DESC, id DESC LIMIT 1', [fingerprint]),
    expiredLeases: (nowIso) => rows<Improvement>(pool, "SELECT * FROM system_improvements WHERE status = 'in_progress' AND lease_expires_at < $1 ORDER BY lease_expires_at", [nowIso]),
    completedBefore: (iso) => rows<Improvement>(pool, "SELECT * FROM system_improvements WHERE status = 'completed' AND outcome IS NULL AND completion_time <= $1 ORDER BY completion_time", [iso]),
    async trackRecord(family) {
      const result: Record<string, number> = { improved: 0, no_effect: 0, regressed: 0 };
      for (const row of await rows<{ outcome: string; n: number }>(pool, 'SELECT outcome, COUNT(*) AS n FROM system_improvements WHERE problem_family = $1 AND outcome IS NOT NULL GROUP BY outcome', [family])) result[row.outcome] = row.n;
      return result as { improved: number; no_effect: number; regressed: number };
    },
  };
}
