import { toIso } from '../clock.js';
import { ImprovementStatus } from '../domain/enums.js';
import type { Improvement, ImprovementDraft, ImprovementEvent } from '../domain/improvement.js';
import { conflict, notFound } from '../errors.js';
import { ImprovementEventKind } from '../events/topics.js';
import type { Actor, ServiceDeps } from './deps.js';
import { parseHours, parseImprovementStatus, parseLimit, parseReason, quoted } from './inputs.js';

export interface Decision {
  improvement: Improvement;
  message: string;
  reason: string | null;
}

export type ImprovementService = ReturnType<typeof createImprovementService>;

export interface ImprovementHooks {
  /** Runs after an approval, before the answer: routing and hand-off to a specialist. */
  afterApprove?(improvement: Improvement, actor: Actor): Promise<Improvement>;
}

export function createImprovementService({ store, clock, bus, logger }: ServiceDeps, hooks: ImprovementHooks = {}) {
  const log = logger.child({ module: 'improvements' });

  async function get(id: string): Promise<Improvement> {
    const improvement = await store.improvements.get(id);
    if (!improvement) throw notFound(`Improvement ${quoted(id)} not found`);
    return improvement;
  }

  async function decide(
    id: string,
    actor: Actor,
    rawReason: unknown,
    to: typeof ImprovementStatus.approved | typeof ImprovementStatus.rejected,
  ): Promise<Decision> {
    const reason = parseReason(rawReason);
    const at = toIso(clock.now());
    const result = await store.improvements.transition({
      id,
      from: [ImprovementStatus.pending],
      to,
      actor: actor.id,
      reason,
      at,
      patch: { decided_by: actor.id, decided_at: at, decision_reason: reason },
    });
    if (!result.ok) {
      if (result.current === null) throw notFound(`Improvement ${quoted(id)} not found`);
      const verb = to === ImprovementStatus.approved ? 'approved' : 'rejected';
      throw conflict(`Improvement ${quoted(id)} is ${result.current}, not pending; only a pending improvement can be ${verb}`);
    }
    let { improvement } = result;
    log.info({ id, to, actor: actor.id, reason }, 'improvement decided');
    bus.publish('improvement:changed', [{ kind: to, at, actor: actor.id, improvement }]);
    if (to === ImprovementStatus.approved && hooks.afterApprove) improvement = await hooks.afterApprove(improvement, actor);
    const message =
      to === ImprovementStatus.approved
        ? `Improvement '${improvement.title}' approved for implementation`
        : `Improvement '${improvement.title}' rejected`;
    return { improvement, message, reason };
  }

  return {
    get,
    async list(status?: unknown): Promise<{ rows: Improvement[]; status: ImprovementStatus | undefined }> {
      const parsed = parseImprovementStatus(status);
      return { rows: await store.improvements.list(parsed), status: parsed };
    },
    async history(id: string): Promise<ImprovementEvent[]> {
      await get(id);
      return store.improvements.events(id);
    },
    /** Every status change of every improvement in the last `hours`, newest first. */
    async auditTrail(query: { hours?: unknown; limit?: unknown }, maxRows: number): Promise<ImprovementEvent[]> {
      const hours = parseHours(query.hours);
      return store.improvements.eventsSince(toIso(clock.now() - hours * 3_600_000), parseLimit(query.limit, maxRows));
    },
    approve: (id: string, actor: Actor, reason?: unknown) => decide(id, actor, reason, ImprovementStatus.approved),
    reject: (id: string, actor: Actor, reason?: unknown) => decide(id, actor, reason, ImprovementStatus.rejected),
    async create(draft: ImprovementDraft, actor: Actor): Promise<Improvement> {
      const at = toIso(clock.now());
      const improvement = await store.improvements.create(draft, at, actor.id);
      bus.publish('improvement:changed', [{ kind: ImprovementEventKind.created, at, actor: actor.id, improvement }]);
      return improvement;
    },
  };
}
