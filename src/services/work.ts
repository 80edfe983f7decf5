import type { Lifecycle } from '../coordination/lifecycle.js';
import { ImprovementStatus, SpecialistRole } from '../domain/enums.js';
import type { Improvement, WorkResult } from '../domain/improvement.js';
import { fifoBuffer } from '../events/buffers.js';
import { filterStream } from '../events/streams.js';
import type { Actor, ServiceDeps } from './deps.js';
import { lagMessage } from './events.js';

export type WorkService = ReturnType<typeof createWorkService>;

/**
 * The worker protocol, as workers see it: approved work for a role arrives on the assignments
 * subscription (and a signed webhook, when configured); a worker claims it under a lease it
 * must renew, then completes or fails it. The moves themselves are the lifecycle's.
 */
export function createWorkService({ store, config, bus }: ServiceDeps, lifecycle: Lifecycle) {
  return {
    claim: (id: string, worker: string, actor: Actor) => lifecycle.claim(id, worker, actor),
    renew: (id: string, worker: string) => lifecycle.renew(id, worker),
    complete: (id: string, worker: string, result: WorkResult, actor: Actor) => lifecycle.complete(id, worker, result, actor),
    fail: (id: string, worker: string, reason: string, actor: Actor) => lifecycle.fail(id, worker, reason, actor),
    expireLeases: () => lifecycle.expireLeases(),

    /** Approved work for a role: what is already waiting, then each new offer. */
    async assignments(role: SpecialistRole): Promise<AsyncIterableIterator<Improvement>> {
      const backlog = config.limits.subscriptionBacklog;
      // Listen before reading what waits, so no offer falls in between.
      const live = bus.subscribe(
        'assignment:offered',
        fifoBuffer<Improvement>(backlog, (i) => i.assigned_agent === role),
        lagMessage('assignments', backlog, 'the approved improvements'),
      );
      const waiting = (await store.improvements.list(ImprovementStatus.approved)).filter((i) => i.assigned_agent === role).reverse();
      live.prepend(waiting);
      // What waits comes first; an offer made while it was being read must not come twice.
      const key = (i: Improvement) => `${i.id}|${i.updated_at}`;
      const waitingKeys = new Set(waiting.map(key));
      let first = waiting.length;
      return filterStream(live, (i) => first-- > 0 || !waitingKeys.has(key(i)));
    },
  };
}
