import { toIso } from '../clock.js';
import type { Lifecycle } from '../coordination/lifecycle.js';
import { ImprovementStatus } from '../domain/enums.js';
import type { Improvement, ImprovementEvent } from '../domain/improvement.js';
import { notFound, quoted } from '../errors.js';
import { HOUR } from '../domain/units.js';
import type { Actor, ServiceDeps } from './deps.js';

export interface Decision {
  improvement: Improvement;
  message: string;
  reason: string | null;
}

export type ImprovementService = ReturnType<typeof createImprovementService>;

/** Reads of suggestions and the decisions on them; every change goes through the lifecycle. */
export function createImprovementService({ store, clock }: ServiceDeps, lifecycle: Lifecycle) {
  async function get(id: string): Promise<Improvement> {
    const improvement = await store.improvements.get(id);
    if (!improvement) throw notFound(`Improvement ${quoted(id)} not found`);
    return improvement;
  }

  async function decide(id: string, actor: Actor, reason: string | null, verb: 'approve' | 'reject'): Promise<Decision> {
    const improvement = await lifecycle[verb](id, actor, reason);
    if (verb === 'reject') return { improvement, message: `Improvement '${improvement.title}' rejected`, reason };
    if (improvement.status !== ImprovementStatus.pending) return { improvement, message: `Improvement '${improvement.title}' approved for implementation`, reason };
    const have = (await store.improvements.approvals(id)).length;
    const need = lifecycle.approvalsRequired(improvement);
    return { improvement, message: `Approval ${have} of ${need} recorded for '${improvement.title}'; it needs ${need - have} more from ${need - have === 1 ? 'a different operator' : 'different operators'}`, reason };
  }

  return {
    get,
    async list(status: ImprovementStatus | undefined): Promise<Improvement[]> {
      return store.improvements.list(status);
    },
    /** How many approvals from different operators it needs (1 unless policies.requireApprovals says more). */
    approvalsRequired: (improvement: Pick<Improvement, 'priority'>) => lifecycle.approvalsRequired(improvement),
    /** The approvals recorded toward its quorum, oldest first. */
    approvals: (improvement: Pick<Improvement, 'id'>) => store.improvements.approvals(improvement.id),
    async history(id: string): Promise<ImprovementEvent[]> {
      await get(id);
      return store.improvements.events(id);
    },
    /** Every status change of every improvement in the last `hours`, newest first. */
    async auditTrail(query: { hours: number; limit: number }): Promise<ImprovementEvent[]> {
      return store.improvements.eventsSince(toIso(clock.now() - query.hours * HOUR), query.limit);
    },
    approve: (id: string, actor: Actor, reason: string | null) => decide(id, actor, reason, 'approve'),
    reject: (id: string, actor: Actor, reason: string | null) => decide(id, actor, reason, 'reject'),
  };
}
