import { toIso } from '../clock.js';
import type { Deliverer } from '../coordination/deliverer.js';
import { routeImprovement } from '../coordination/routing.js';
import { postSignedJson } from '../coordination/signed-post.js';
import { ImprovementStatus, SpecialistRole } from '../domain/enums.js';
import type { Improvement } from '../domain/improvement.js';
import { badRequest, conflict, notFound } from '../errors.js';
import { fifoBuffer } from '../events/buffers.js';
import { filterStream } from '../events/streams.js';
import { ImprovementEventKind, type ImprovementEventKind as Kind } from '../events/topics.js';
import type { TransitionRequest } from '../store/store.js';
import type { AgentService } from './agents.js';
import type { Actor, ServiceDeps } from './deps.js';
import { lagMessage } from './events.js';
import { quoted } from './inputs.js';
import { parseRequiredReason, parseWorkerId, parseWorkResult } from './work-inputs.js';

const LEASES: Actor = { id: 'meta-agent:leases' };
const ROLES = Object.values(SpecialistRole) as string[];

export type WorkService = ReturnType<typeof createWorkService>;

/**
 * The worker protocol: approved work is routed to a specialist role and offered to it (on
 * the assignments subscription and, when configured, a signed webhook); a worker claims it
 * under a lease it must renew; it completes or fails it. A lease that runs out puts the
 * work back on offer.
 */
export function createWorkService(deps: ServiceDeps, agents: AgentService, deliverer: Deliverer) {
  const { store, config, clock, bus, logger } = deps;
  const log = logger.child({ module: 'work' });
  const leaseMs = config.coordination.leaseSeconds * 1000;

  function publish(kind: Kind, improvement: Improvement, actor: string, at: string) {
    bus.publish('improvement:changed', [{ kind, at, actor, improvement }]);
  }

  /** Offers approved work to its role: subscribers now, and the role's webhook if there is one. */
  function offer(improvement: Improvement): void {
    bus.publish('assignment:offered', [improvement]);
    const role = improvement.assigned_agent as SpecialistRole | null;
    const hook = role ? config.coordination.webhooks[role] : undefined;
    if (!role || !hook) return;
    void deliverer.deliver({
      kind: 'assignment',
      target: `webhook:${role}`,
      subject: improvement.id,
      send: () => postSignedJson(hook.url, { event: 'assignment', role, improvement }, { event: 'assignment', secret: hook.secret, now: clock.now() }),
    });
  }

  async function transitionOrExplain(request: TransitionRequest, verb: string, worker?: string): Promise<Improvement> {
    const result = await store.improvements.transition(request);
    if (result.ok) return result.improvement;
    if (result.current === null) throw notFound(`Improvement ${quoted(request.id)} not found`);
    const current = await store.improvements.get(request.id);
    if (worker && current?.status === ImprovementStatus.in_progress && current.lease_owner !== worker) {
      throw conflict(`Improvement '${request.id}' is in progress by ${current.lease_owner} (lease until ${current.lease_expires_at}); only its lease holder may do that, not ${worker}`);
    }
    throw conflict(`Improvement '${request.id}' is ${result.current}; it cannot be ${verb} (needs ${request.from.join(' or ')})`);
  }

  return {
    /** Routes a just-approved improvement to its specialist role and offers it. */
    async assign(improvement: Improvement, actor: Actor): Promise<Improvement> {
      const route = routeImprovement(improvement, config, await agents.statuses());
      const at = toIso(clock.now());
      const routed = await store.improvements.patch(improvement.id, { assigned_agent: route.role, routing_reason: route.reason }, at, {
        status: ImprovementStatus.approved,
      });
      if (!routed) return (await store.improvements.get(improvement.id)) ?? improvement;
      log.info({ id: routed.id, role: route.role, reason: route.reason, actor: actor.id }, 'improvement routed');
      offer(routed);
      return routed;
    },

    async claim(id: string, rawWorker: unknown, actor: Actor): Promise<Improvement> {
      const worker = parseWorkerId(rawWorker);
      const now = clock.now();
      const at = toIso(now);
      const improvement = await transitionOrExplain(
        {
          id,
          from: [ImprovementStatus.approved],
          to: ImprovementStatus.in_progress,
          actor: actor.id,
          reason: `claimed by ${worker}`,
          at,
          patch: { lease_owner: worker, lease_expires_at: toIso(now + leaseMs), claimed_at: at },
        },
        'claimed',
        worker,
      );
      publish(ImprovementEventKind.claimed, improvement, actor.id, at);
      return improvement;
    },

    async renew(id: string, rawWorker: unknown): Promise<Improvement> {
      const worker = parseWorkerId(rawWorker);
      const now = clock.now();
      const renewed = await store.improvements.patch(id, { lease_expires_at: toIso(now + leaseMs) }, toIso(now), {
        status: ImprovementStatus.in_progress,
        leaseOwner: worker,
      });
      if (renewed) return renewed;
      const current = await store.improvements.get(id);
      if (!current) throw notFound(`Improvement ${quoted(id)} not found`);
      if (current.status !== ImprovementStatus.in_progress) throw conflict(`Improvement '${id}' is ${current.status}; there is no lease to renew`);
      throw conflict(`Improvement '${id}' is leased to ${current.lease_owner}, not ${worker}`);
    },

    async complete(id: string, rawWorker: unknown, summary: unknown, changes: unknown, actor: Actor): Promise<Improvement> {
      const worker = parseWorkerId(rawWorker);
      const result = parseWorkResult(summary, changes);
      const at = toIso(clock.now());
      const improvement = await transitionOrExplain(
        {
          id,
          from: [ImprovementStatus.in_progress],
          to: ImprovementStatus.completed,
          actor: actor.id,
          reason: `completed by ${worker}: ${result.summary.slice(0, 200)}`,
          at,
          leaseOwner: worker,
          patch: { result, completion_time: at, lease_expires_at: null },
        },
        'completed',
        worker,
      );
      publish(ImprovementEventKind.completed, improvement, actor.id, at);
      return improvement;
    },

    async fail(id: string, rawWorker: unknown, rawReason: unknown, actor: Actor): Promise<Improvement> {
      const worker = parseWorkerId(rawWorker);
      const reason = parseRequiredReason(rawReason);
      const at = toIso(clock.now());
      const improvement = await transitionOrExplain(
        {
          id,
          from: [ImprovementStatus.in_progress],
          to: ImprovementStatus.failed,
          actor: actor.id,
          reason: `failed by ${worker}: ${reason}`,
          at,
          leaseOwner: worker,
          patch: { failure_reason: reason, completion_time: at, lease_expires_at: null },
        },
        'failed',
        worker,
      );
      publish(ImprovementEventKind.failed, improvement, actor.id, at);
      return improvement;
    },

    /** Hands work a worker holds back to its role (or another role), e.g. after an analysis. */
    async release(id: string, worker: string, role: SpecialistRole, reason: string, actor: Actor): Promise<Improvement> {
      const at = toIso(clock.now());
      const improvement = await transitionOrExplain(
        {
          id,
          from: [ImprovementStatus.in_progress],
          to: ImprovementStatus.approved,
          actor: actor.id,
          reason,
          at,
          leaseOwner: worker,
          patch: { lease_owner: null, lease_expires_at: null, assigned_agent: role, routing_reason: reason },
        },
        'released',
        worker,
      );
      publish(ImprovementEventKind.released, improvement, actor.id, at);
      offer(improvement);
      return improvement;
    },

    /** Puts work whose lease ran out back on offer. */
    async expireLeases(): Promise<Improvement[]> {
      const at = toIso(clock.now());
      const released: Improvement[] = [];
      for (const stale of await store.improvements.expiredLeases(at)) {
        const result = await store.improvements.transition({
          id: stale.id,
          from: [ImprovementStatus.in_progress],
          to: ImprovementStatus.approved,
          actor: LEASES.id,
          reason: `lease of ${stale.lease_owner} expired at ${stale.lease_expires_at}`,
          at,
          leaseOwner: stale.lease_owner ?? '',
          patch: { lease_owner: null, lease_expires_at: null },
        });
        if (!result.ok) continue;
        log.warn({ id: stale.id, worker: stale.lease_owner }, 'lease expired; work offered again');
        publish(ImprovementEventKind.released, result.improvement, LEASES.id, at);
        offer(result.improvement);
        released.push(result.improvement);
      }
      return released;
    },

    /** Approved work for a role: what is already waiting, then each new offer. */
    async assignments(rawRole: unknown): Promise<AsyncIterableIterator<Improvement>> {
      if (typeof rawRole !== 'string' || !ROLES.includes(rawRole)) throw badRequest(`role must be one of ${ROLES.join(', ')}`);
      const role = rawRole;
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
