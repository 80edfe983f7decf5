import { ImprovementStatus } from '../../domain/enums.js';
import type { Improvement, ImprovementDraft, ImprovementEvent } from '../../domain/improvement.js';
import type { ImprovementRepo, TransitionRequest, TransitionResult } from '../store.js';
import type { Db } from './open-db.js';

const JSON_COLUMNS = ['affected_components', 'estimated_impact', 'implementation_plan', 'evidence'] as const;
type ImprovementRow = Omit<Improvement, (typeof JSON_COLUMNS)[number]> & Record<(typeof JSON_COLUMNS)[number], string>;

function fromRow(row: ImprovementRow): Improvement {
  return {
    ...row,
    affected_components: JSON.parse(row.affected_components) as string[],
    estimated_impact: JSON.parse(row.estimated_impact) as Record<string, unknown>,
    implementation_plan: JSON.parse(row.implementation_plan) as Record<string, unknown>,
    evidence: JSON.parse(row.evidence) as number[],
  };
}

const PATCHABLE = ['decided_by', 'decided_at', 'decision_reason', 'assigned_agent', 'completion_time'] as const;

export function createImprovementRepo(db: Db): ImprovementRepo {
  const insert = db.prepare(`INSERT INTO system_improvements
    (id, type, priority, title, description, affected_components, estimated_impact, implementation_plan, confidence,
     created_at, status, fingerprint, evidence, occurrences, last_seen_at, updated_at)
    VALUES (@id, @type, @priority, @title, @description, @affected_components, @estimated_impact, @implementation_plan,
     @confidence, @created_at, 'pending', @fingerprint, @evidence, 1, @created_at, @created_at)`);
  const countWithPrefix = db.prepare('SELECT COUNT(*) AS n FROM system_improvements WHERE id GLOB ?');
  const get = db.prepare('SELECT * FROM system_improvements WHERE id = ?');
  const listAll = db.prepare('SELECT * FROM system_improvements ORDER BY created_at DESC, id DESC');
  const listByStatus = db.prepare('SELECT * FROM system_improvements WHERE status = ? ORDER BY created_at DESC, id DESC');
  const counts = db.prepare('SELECT status, COUNT(*) AS n FROM system_improvements GROUP BY status');
  const statusOf = db.prepare('SELECT status FROM system_improvements WHERE id = ?').pluck();
  const recordEvent = db.prepare(`INSERT INTO improvement_events (improvement_id, at, actor, from_status, to_status, reason)
    VALUES (?, ?, ?, ?, ?, ?)`);
  const events = db.prepare('SELECT * FROM improvement_events WHERE improvement_id = ? ORDER BY id');
  const latestByFingerprint = db.prepare(
    'SELECT * FROM system_improvements WHERE fingerprint = ? ORDER BY created_at DESC, id DESC LIMIT 1',
  );
  const refresh = db.prepare(`UPDATE system_improvements SET priority = @priority, description = @description,
      estimated_impact = @estimated_impact, implementation_plan = @implementation_plan, confidence = @confidence,
      evidence = @evidence, occurrences = @occurrences, last_seen_at = @last_seen_at,
      problem_cleared_at = @problem_cleared_at, updated_at = @at
    WHERE id = @id`);
  const updates = new Map<string, ReturnType<Db['prepare']>>();

  const create = db.transaction((draft: ImprovementDraft, at: string, actor: string): Improvement => {
    const seconds = Math.floor(Date.parse(at) / 1000);
    const { n } = countWithPrefix.get(`improvement_${seconds}_*`) as { n: number };
    const id = `improvement_${seconds}_${n + 1}`;
    insert.run({
      ...draft,
      id,
      created_at: at,
      affected_components: JSON.stringify(draft.affected_components),
      estimated_impact: JSON.stringify(draft.estimated_impact),
      implementation_plan: JSON.stringify(draft.implementation_plan),
      evidence: JSON.stringify(draft.evidence),
    });
    recordEvent.run(id, at, actor, null, ImprovementStatus.pending, 'suggested');
    return fromRow(get.get(id) as ImprovementRow);
  });

  const transition = db.transaction((request: TransitionRequest): TransitionResult => {
    const patch = request.patch ?? {};
    const keys = PATCHABLE.filter((key) => key in patch);
    const shape = keys.join(',') + `|${request.from.length}`;
    let update = updates.get(shape);
    if (!update) {
      const sets = ['status = @to', 'updated_at = @at', ...keys.map((key) => `${key} = @${key}`)];
      const from = request.from.map((_, i) => `@from${i}`).join(', ');
      update = db.prepare(`UPDATE system_improvements SET ${sets.join(', ')} WHERE id = @id AND status IN (${from})`);
      updates.set(shape, update);
    }
    const params: Record<string, unknown> = { id: request.id, to: request.to, at: request.at };
    request.from.forEach((status, i) => (params[`from${i}`] = status));
    for (const key of keys) params[key] = patch[key] ?? null;
    const previous = statusOf.get(request.id) as ImprovementStatus | undefined;
    if (update.run(params).changes === 0) return { ok: false, current: previous ?? null };
    recordEvent.run(request.id, request.at, request.actor, previous ?? null, request.to, request.reason);
    return { ok: true, improvement: fromRow(get.get(request.id) as ImprovementRow) };
  });

  return {
    async create(draft, at, actor) {
      return create.immediate(draft, at, actor);
    },
    async get(id) {
      const row = get.get(id) as ImprovementRow | undefined;
      return row && fromRow(row);
    },
    async list(status) {
      const rows = (status ? listByStatus.all(status) : listAll.all()) as ImprovementRow[];
      return rows.map(fromRow);
    },
    async countByStatus() {
      const result = Object.fromEntries(Object.values(ImprovementStatus).map((s) => [s, 0])) as Record<ImprovementStatus, number>;
      for (const row of counts.all() as Array<{ status: ImprovementStatus; n: number }>) result[row.status] = row.n;
      return result;
    },
    async transition(request) {
      return transition.immediate(request);
    },
    async events(id) {
      return events.all(id) as ImprovementEvent[];
    },
    async latestByFingerprint(fingerprint) {
      const row = latestByFingerprint.get(fingerprint) as ImprovementRow | undefined;
      return row && fromRow(row);
    },
    async refresh(id, patch, at) {
      refresh.run({
        ...patch,
        id,
        at,
        estimated_impact: JSON.stringify(patch.estimated_impact),
        implementation_plan: JSON.stringify(patch.implementation_plan),
        evidence: JSON.stringify(patch.evidence),
      });
      return fromRow(get.get(id) as ImprovementRow);
    },
  };
}
