import { toIso } from '../clock.js';
import type { Lifecycle } from '../coordination/lifecycle.js';
import type { ImprovementStatus } from '../domain/enums.js';
import type { Improvement, ImprovementEvent } from '../domain/improvement.js';
import { notFound } from '../errors.js';
import type { Actor, ServiceDeps } from './deps.js';
import { parseHours, parseImprovementStatus, parseLimit, parseReason, quoted } from './inputs.js';

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

  async function decide(id: string, actor: Actor, rawReason: unknown, verb: 'approve' | 'reject'): Promise<Decision> {
    const reason = parseReason(rawReason);
    const improvement = await lifecycle[verb](id, actor, reason);
    const message =
      verb === 'approve' ? `Improvement '${improvement.title}' approved for implementation` : `Improvement '${improvement.title}' rejected`;
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
    approve: (id: string, actor: Actor, reason?: unknown) => decide(id, actor, reason, 'approve'),
    reject: (id: string, actor: Actor, reason?: unknown) => decide(id, actor, reason, 'reject'),
  };
}
