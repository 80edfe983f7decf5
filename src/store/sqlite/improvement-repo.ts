import { ImprovementStatus } from '../../domain/enums.js';
import type { Improvement, ImprovementDraft, ImprovementEvent } from '../../domain/improvement.js';
import { approvalNote, type Approval, type ImprovementPatch, type ImprovementRepo, type TransitionRequest, type TransitionResult } from '../store.js';
import type { Db } from './open-db.js';
import { conflict } from '../../errors.js';

/** Columns holding JSON; the nullable ones may be NULL. */
const JSON_COLUMNS = new Set([
  'affected_components',
  'estimated_impact',
  'implementation_plan',
  'evidence',
  'result',
  'analysis',
  'outcome_details',
]);

type Row = Record<string, unknown>;

function fromRow(row: Row): Improvement {
  const improvement: Row = { ...row };
  for (const column of JSON_COLUMNS) {
    const value = row[column];
    improvement[column] = typeof value === 'string' ? JSON.parse(value) : null;
  }
  return improvement as unknown as Improvement;
}

const toColumn = (key: string, value: unknown) => (JSON_COLUMNS.has(key) && value !== null ? JSON.stringify(value) : value);

export function createImprovementRepo(db: Db): ImprovementRepo {
  const insert = db.prepare(`INSERT INTO system_improvements
    (id, type, priority, title, description, affected_components, estimated_impact, implementation_plan, confidence,
     created_at, status, fingerprint, problem_family, evidence, occurrences, last_seen_at, updated_at, follow_up_of)
    VALUES (@id, @type, @priority, @title, @description, @affected_components, @estimated_impact, @implementation_plan,
     @confidence, @created_at, 'pending', @fingerprint, @problem_family, @evidence, 1, @created_at, @created_at, @follow_up_of)`);
  const countWithPrefix = db.prepare('SELECT COUNT(*) AS n FROM system_improvements WHERE id GLOB ?');
  const get = db.prepare('SELECT * FROM system_improvements WHERE id = ?');
  const listAll = db.prepare('SELECT * FROM system_improvements ORDER BY created_at DESC, id DESC');
  const listByStatus = db.prepare('SELECT * FROM system_improvements WHERE status = ? ORDER BY created_at DESC, id DESC');
  const counts = db.prepare('SELECT status, COUNT(*) AS n FROM system_improvements GROUP BY status');
  const statusOf = db.prepare('SELECT status FROM system_improvements WHERE id = ?').pluck();
  const recordEvent = db.prepare(`INSERT INTO improvement_events (improvement_id, at, actor, from_status, to_status, reason)
    VALUES (?, ?, ?, ?, ?, ?)`);
  const events = db.prepare('SELECT * FROM improvement_events WHERE improvement_id = ? ORDER BY id');
  const eventsSince = db.prepare('SELECT * FROM improvement_events WHERE at >= ? ORDER BY id DESC LIMIT ?');
  const latestByFingerprint = db.prepare(
    'SELECT * FROM system_improvements WHERE fingerprint = ? ORDER BY created_at DESC, id DESC LIMIT 1',
  );
  const expired = db.prepare(
    "SELECT * FROM system_improvements WHERE status = 'in_progress' AND lease_expires_at < ? ORDER BY lease_expires_at",
  );
  const unverified = db.prepare(
    "SELECT * FROM system_improvements WHERE status = 'completed' AND outcome IS NULL AND completion_time <= ? ORDER BY completion_time",
  );
  const trackRecord = db.prepare(`SELECT outcome, COUNT(*) AS n FROM system_improvements
    WHERE problem_family = ? AND outcome IS NOT NULL GROUP BY outcome`);
  const statements = new Map<string, ReturnType<Db['prepare']>>();
  const prepared = (sql: string) => {
    let statement = statements.get(sql);
    if (!statement) statements.set(sql, (statement = db.prepare(sql)));
    return statement;
  };

  /** UPDATE of the patch's columns (plus updated_at), guarded by `where`; answers the changed row count. */
  function update(id: string, patch: ImprovementPatch, at: string, where = '', whereParams: Row = {}): number {
    const keys = Object.keys(patch).sort();
    const sets = ['updated_at = @__at', ...keys.map((key) => `${key} = @${key}`)];
    const params: Row = { ...whereParams, __id: id, __at: at };
    for (const key of keys) params[key] = toColumn(key, (patch as Row)[key] ?? null);
    return prepared(`UPDATE system_improvements SET ${sets.join(', ')} WHERE id = @__id${where}`).run(params).changes;
  }

  const openForProblem = db.prepare("SELECT id FROM system_improvements WHERE fingerprint = ? AND status IN ('pending', 'approved', 'in_progress') LIMIT 1").pluck();
  const create = db.transaction((draft: ImprovementDraft, at: string, actor: string): Improvement => {
    // One open suggestion per problem: checked inside the write transaction, which no other writer can interleave with.
    const open = draft.fingerprint === null ? undefined : openForProblem.get(draft.fingerprint);
    if (open !== undefined) throw conflict(`An open suggestion for ${draft.fingerprint} exists already (${String(open)})`);
    const seconds = Math.floor(Date.parse(at) / 1000);
    const { n } = countWithPrefix.get(`improvement_${seconds}_*`) as { n: number };
    const id = `improvement_${seconds}_${n + 1}`;
    const row: Row = { follow_up_of: null, ...draft, id, created_at: at };
    for (const key of Object.keys(row)) row[key] = toColumn(key, row[key]);
    insert.run(row);
    recordEvent.run(id, at, actor, null, ImprovementStatus.pending, draft.follow_up_of ? `follow-up of ${draft.follow_up_of}` : 'suggested');
    return fromRow(get.get(id) as Row);
  });

  const transition = db.transaction((request: TransitionRequest): TransitionResult => {
    const previous = statusOf.get(request.id) as Improvement['status'] | undefined;
    const from = request.from.map((_, i) => `@__from${i}`).join(', ');
    const guard: Row = Object.fromEntries(request.from.map((status, i) => [`__from${i}`, status]));
    let where = ` AND status IN (${from})`;
    if (request.leaseOwner !== undefined) {
      where += ' AND lease_owner = @__owner';
      guard.__owner = request.leaseOwner;
    }
    const changed = update(request.id, { ...request.patch, status: request.to }, request.at, where, guard);
    if (changed === 0) return { ok: false, current: previous ?? null };
    recordEvent.run(request.id, request.at, request.actor, previous ?? null, request.to, request.reason);
    return { ok: true, improvement: fromRow(get.get(request.id) as Row) };
  });

  const insertApproval = db.prepare('INSERT INTO improvement_approvals (improvement_id, actor, at, reason) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING');
  const approvals = db.prepare('SELECT actor, at, reason FROM improvement_approvals WHERE improvement_id = ? ORDER BY at, actor');
  const addApproval = db.transaction((request: { id: string; actor: string; at: string; reason: string | null; required: number }) => {
    const current = statusOf.get(request.id) as Improvement['status'] | undefined;
    if (current !== ImprovementStatus.pending) return { ok: false as const, current: current ?? null };
    if (insertApproval.run(request.id, request.actor, request.at, request.reason).changes > 0) {
      const count = (approvals.all(request.id) as Approval[]).length;
      recordEvent.run(request.id, request.at, request.actor, current, current, approvalNote(count, request.required, request.reason));
    }
    return { ok: true as const, approvals: approvals.all(request.id) as Approval[] };
  });

  const patchOne = db.transaction((id: string, patch: ImprovementPatch, at: string, guard?: { status: string; leaseOwner?: string }) => {
    let where = '';
    const params: Row = {};
    if (guard) {
      where = ' AND status = @__status';
      params.__status = guard.status;
      if (guard.leaseOwner !== undefined) {
        where += ' AND lease_owner = @__owner';
        params.__owner = guard.leaseOwner;
      }
    }
    if (update(id, patch, at, where, params) === 0) return undefined;
    return fromRow(get.get(id) as Row);
  });

  return {
    async create(draft, at, actor) {
      return create.immediate(draft, at, actor);
    },
    async get(id) {
      const row = get.get(id) as Row | undefined;
      return row && fromRow(row);
    },
    async list(status) {
      return ((status ? listByStatus.all(status) : listAll.all()) as Row[]).map(fromRow);
    },
    async countByStatus() {
      const result = Object.fromEntries(Object.values(ImprovementStatus).map((s) => [s, 0])) as Record<Improvement['status'], number>;
      for (const row of counts.all() as Array<{ status: Improvement['status']; n: number }>) result[row.status] = row.n;
      return result;
    },
    async transition(request) {
      return transition.immediate(request);
    },
    async patch(id, patch, at, guard) {
      return patchOne.immediate(id, patch, at, guard);
    },
    async events(id) {
      return events.all(id) as ImprovementEvent[];
    },
    async eventsSince(sinceIso, limit) {
      return eventsSince.all(sinceIso, limit) as ImprovementEvent[];
    },
    async latestByFingerprint(fingerprint) {
      const row = latestByFingerprint.get(fingerprint) as Row | undefined;
      return row && fromRow(row);
    },
    async expiredLeases(nowIso) {
      return (expired.all(nowIso) as Row[]).map(fromRow);
    },
    async completedBefore(iso) {
      return (unverified.all(iso) as Row[]).map(fromRow);
    },
    async addApproval(request) {
      return addApproval.immediate(request);
    },
    async approvals(id) {
      return approvals.all(id) as Approval[];
    },
    async trackRecord(family) {
      const result: Record<string, number> = { improved: 0, no_effect: 0, regressed: 0 };
      for (const row of trackRecord.all(family) as Array<{ outcome: string; n: number }>) result[row.outcome] = row.n;
      return result as { improved: number; no_effect: number; regressed: number };
    },
  };
}
