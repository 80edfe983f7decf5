import { toIso } from '../clock.js';
import type { AgentStatus } from '../domain/agent.js';
import { ImprovementStatus, SpecialistRole } from '../domain/enums.js';
import { IMPROVEMENT_MOVES, type Improvement, type ImprovementDraft, type ImprovementMove, type WorkResult } from '../domain/improvement.js';
import { conflict, notFound, quoted } from '../errors.js';
import { ImprovementEventKind } from '../events/topics.js';
import type { Actor, ServiceDeps } from '../services/deps.js';
import type { ImprovementPatch } from '../store/store.js';
import type { Deliverer } from './deliverer.js';
import { routeImprovement } from './routing.js';
import { postSignedJson } from './signed-post.js';

/** The built-in performance analyst: a deeper look at stored data, attached to the work. */
export interface BuiltinAnalyst {
  analyse(improvement: Improvement): Promise<{ agents: Array<{ agent: string; likely_cause: string }> } & Record<string, unknown>>;
}

export interface LifecycleParts {
  deliverer: Deliverer;
  analyst: BuiltinAnalyst;
  /** Every agent's current status (routing reads it for failures of otherwise healthy agents). */
  statuses(): Promise<AgentStatus[]>;
}

export type Lifecycle = ReturnType<typeof createLifecycle>;

const BUILTIN_ANALYST: Actor = { id: 'meta-agent:performance-analyst' };
const LEASES: Actor = { id: 'meta-agent:leases' };
const PAST: Record<ImprovementMove, string> = {
  approve: 'approved',
  reject: 'rejected',
  claim: 'claimed',
  release: 'released',
  complete: 'completed',
  fail: 'failed',
};

/**
 * Everything that can happen to an improvement, and the only code that changes one.
 *
 * suggested (pending) ─approve▶ routed to a specialist role, then offered to it (subscription
 * and signed webhook) or, for performance work with the built-in analyst on, claimed by it,
 * analysed and handed on ─claim▶ in_progress (under a lease, renewed) ─▶ completed | failed;
 * a lease that runs out, or a hand-on, releases it back on offer. pending ─reject▶ rejected.
 * The analysis refreshes and clears suggestions; verification records the outcome.
 *
 * Each status move is checked against IMPROVEMENT_MOVES and written with its audit row in one
 * transaction; then its event is published carrying the state after the move.
 */
export function createLifecycle(deps: ServiceDeps, parts: LifecycleParts) {
  const { store, config, clock, bus, logger } = deps;
  const log = logger.child({ module: 'lifecycle' });
  const leaseMs = config.coordination.leaseSeconds * 1000;
  const builtin = config.coordination.builtinPerformanceAnalyst;

  function publish(kind: ImprovementEventKind, improvement: Improvement, actor: Actor, at: string, silencedBy: readonly string[] = []): Improvement {
    bus.publish('improvement:changed', [{ kind, at, actor: actor.id, improvement, ...(silencedBy.length > 0 ? { silenced_by: silencedBy } : {}) }]);
    return improvement;
  }

  const approvalsRequired = (improvement: Pick<Improvement, 'priority'>) => config.policies.requireApprovals[improvement.priority] ?? 1;

  /** Approved work goes to subscribers of its role now, and to the role's webhook if there is one. */
  function offer(improvement: Improvement): Improvement {
    bus.publish('assignment:offered', [improvement]);
    const role = improvement.assigned_agent as SpecialistRole | null;
    const hook = role ? config.coordination.webhooks[role] : undefined;
    if (role && hook) {
      void parts.deliverer.deliver({
        kind: 'assignment',
        target: `webhook:${role}`,
        subject: improvement.id,
        send: () => postSignedJson(hook.url, { event: 'assignment', role, improvement }, { event: 'assignment', secret: hook.secret, now: clock.now() }),
      });
    }
    return improvement;
  }

  interface MoveRequest {
    verb: ImprovementMove;
    id: string;
    actor: Actor;
    reason: string | null;
    patch: ImprovementPatch;
    at: string;
    /** The worker that must hold the lease for the move. */
    worker?: string;
    /** The worker asking (named when someone else holds the work). */
    by?: string;
  }

  /** One status move, or a 404/409 that says why not. */
  async function move({ verb, id, actor, reason, patch, at, worker, by = worker }: MoveRequest): Promise<Improvement> {
    const { from, to } = IMPROVEMENT_MOVES[verb];
    const result = await store.improvements.transition({ id, from, to, actor: actor.id, reason, at, patch, leaseOwner: worker });
    if (result.ok) return result.improvement;
    if (result.current === null) throw notFound(`Improvement ${quoted(id)} not found`);
    if (verb === 'approve' || verb === 'reject') {
      throw conflict(`Improvement ${quoted(id)} is ${result.current}, not pending; only a pending improvement can be ${PAST[verb]}`);
    }
    const current = await store.improvements.get(id);
    if (by && current?.status === ImprovementStatus.in_progress && current.lease_owner !== by) {
      throw conflict(`Improvement '${id}' is in progress by ${current.lease_owner} (lease until ${current.lease_expires_at}); only its lease holder may do that, not ${by}`);
    }
    throw conflict(`Improvement '${id}' is ${result.current}; it cannot be ${PAST[verb]} (needs ${from.join(' or ')})`);
  }

  async function claim(id: string, worker: string, actor: Actor): Promise<Improvement> {
    const now = clock.now();
    const at = toIso(now);
    const patch = { lease_owner: worker, lease_expires_at: toIso(now + leaseMs), claimed_at: at };
    const claimed = await move({ verb: 'claim', id, actor, reason: `claimed by ${worker}`, patch, at, by: worker });
    return publish(ImprovementEventKind.claimed, claimed, actor, at);
  }

  async function release(id: string, worker: string, role: SpecialistRole, reason: string, actor: Actor): Promise<Improvement> {
    const at = toIso(clock.now());
    const patch = { lease_owner: null, lease_expires_at: null, assigned_agent: role, routing_reason: reason };
    const released = await move({ verb: 'release', id, actor, reason, patch, at, worker });
    return offer(publish(ImprovementEventKind.released, released, actor, at));
  }

  /**
   * Performance work, with the built-in analyst on: it claims the work, attaches its analysis
   * and hands it on to `handOffTo`; if the analysis fails, the work goes back to external
   * performance analysts.
   */
  async function analyseAndHandOn(approved: Improvement): Promise<Improvement> {
    const worker = BUILTIN_ANALYST.id;
    const claimed = await claim(approved.id, worker, BUILTIN_ANALYST).catch(() => undefined);
    if (!claimed) return (await store.improvements.get(approved.id)) ?? approved;
    try {
      const analysis = await parts.analyst.analyse(claimed);
      const at = toIso(clock.now());
      await store.improvements.patch(claimed.id, { analysis }, at, { status: ImprovementStatus.in_progress, leaseOwner: worker });
      const causes = analysis.agents.map((a) => `${a.agent}: ${a.likely_cause}`).join('; ');
      return await release(claimed.id, worker, builtin.handOffTo, `performance analysis attached (${causes}); handed to ${builtin.handOffTo}`, BUILTIN_ANALYST);
    } catch (error) {
      log.error({ err: error, id: claimed.id }, 'performance analysis failed; offering the work to external analysts');
      return release(claimed.id, worker, SpecialistRole.performance_analyst, 'built-in analysis failed', BUILTIN_ANALYST);
    }
  }

  return {
    /** A new suggestion from the analysis (or a follow-up from verification). */
    async suggest(draft: ImprovementDraft, actor: Actor): Promise<Improvement> {
      const at = toIso(clock.now());
      return publish(ImprovementEventKind.created, await store.improvements.create(draft, at, actor.id), actor, at);
    },

    /**
     * New evidence or numbers for an open suggestion; undefined when its status moved meanwhile.
     * `silencedBy`: the silences hiding its problem now, so the change notifies nobody.
     */
    async refresh(existing: Improvement, patch: ImprovementPatch, actor: Actor, silencedBy: readonly string[] = []): Promise<Improvement | undefined> {
      const at = toIso(clock.now());
      const updated = await store.improvements.patch(existing.id, patch, at, { status: existing.status });
      return updated && publish(ImprovementEventKind.updated, updated, actor, at, silencedBy);
    },

    /** The analysis no longer sees the problem of a pending suggestion. */
    async clear(pending: Improvement, actor: Actor): Promise<Improvement | undefined> {
      const at = toIso(clock.now());
      const updated = await store.improvements.patch(pending.id, { problem_cleared_at: at }, at, { status: ImprovementStatus.pending });
      return updated && publish(ImprovementEventKind.updated, updated, actor, at);
    },

    /**
     * pending → approved, routed to its specialist role in the same write; then offered to that
     * role, or handed to the built-in performance analyst. Answers the state after all of it.
     */
    async approve(id: string, actor: Actor, reason: string | null): Promise<Improvement> {
      const current = await store.improvements.get(id);
      if (!current) throw notFound(`Improvement ${quoted(id)} not found`);
      const required = approvalsRequired(current);
      if (required > 1) {
        const at = toIso(clock.now());
        const recorded = await store.improvements.addApproval({ id, actor: actor.id, at, reason, required });
        if (!recorded.ok) throw conflict(`Improvement ${quoted(id)} is ${recorded.current}, not pending; only a pending improvement can be approved`);
        if (recorded.approvals.length < required) {
          log.info({ id, actor: actor.id, approvals: recorded.approvals.length, required }, 'approval recorded toward the quorum');
          return publish(ImprovementEventKind.approval_recorded, (await store.improvements.get(id)) ?? current, actor, at);
        }
        reason = `approved by ${recorded.approvals.map((a) => a.actor).join(' and ')}${reason ? `: ${reason}` : ''}`;
      }
      const route = await routeImprovement(current, config, parts.statuses);
      const at = toIso(clock.now());
      let approved: Improvement;
      try {
        approved = await move({
          verb: 'approve',
          id,
          actor,
          reason,
          at,
          patch: { decided_by: actor.id, decided_at: at, decision_reason: reason, assigned_agent: route.role, routing_reason: route.reason },
        });
      } catch (error) {
        // The quorum's other approval moved it first: this one counted, and the work is under way.
        const now = required > 1 ? await store.improvements.get(id) : undefined;
        if (now && now.status !== ImprovementStatus.pending && now.status !== ImprovementStatus.rejected) return now;
        throw error;
      }
      log.info({ id, to: approved.status, role: route.role, routing: route.reason, actor: actor.id, reason }, 'improvement approved and routed');
      publish(ImprovementEventKind.approved, approved, actor, at);
      if (builtin.enabled && route.role === SpecialistRole.performance_analyst) return analyseAndHandOn(approved);
      return offer(approved);
    },

    /** How many approvals from different operators it needs (policies.requireApprovals; 1 by default). */
    approvalsRequired,

    async reject(id: string, actor: Actor, reason: string | null): Promise<Improvement> {
      const at = toIso(clock.now());
      const patch = { decided_by: actor.id, decided_at: at, decision_reason: reason };
      const rejected = await move({ verb: 'reject', id, actor, reason, at, patch });
      log.info({ id, to: rejected.status, actor: actor.id, reason }, 'improvement rejected');
      return publish(ImprovementEventKind.rejected, rejected, actor, at);
    },

    claim,

    /** Extends the lease of the worker that holds it. */
    async renew(id: string, worker: string): Promise<Improvement> {
      const now = clock.now();
      const guard = { status: ImprovementStatus.in_progress, leaseOwner: worker };
      const renewed = await store.improvements.patch(id, { lease_expires_at: toIso(now + leaseMs) }, toIso(now), guard);
      if (renewed) return renewed;
      const current = await store.improvements.get(id);
      if (!current) throw notFound(`Improvement ${quoted(id)} not found`);
      if (current.status !== ImprovementStatus.in_progress) throw conflict(`Improvement '${id}' is ${current.status}; there is no lease to renew`);
      throw conflict(`Improvement '${id}' is leased to ${current.lease_owner}, not ${worker}`);
    },

    release,

    /** Puts work whose lease ran out back on offer. */
    async expireLeases(): Promise<Improvement[]> {
      const at = toIso(clock.now());
      const released: Improvement[] = [];
      for (const stale of await store.improvements.expiredLeases(at)) {
        const reason = `lease of ${stale.lease_owner} expired at ${stale.lease_expires_at}`;
        const patch = { lease_owner: null, lease_expires_at: null };
        const moved = await move({ verb: 'release', id: stale.id, actor: LEASES, reason, at, patch, worker: stale.lease_owner ?? '' }).catch(() => undefined);
        if (!moved) continue; // completed or renewed meanwhile
        log.warn({ id: stale.id, worker: stale.lease_owner }, 'lease expired; work offered again');
        released.push(offer(publish(ImprovementEventKind.released, moved, LEASES, at)));
      }
      return released;
    },

    async complete(id: string, worker: string, result: WorkResult, actor: Actor): Promise<Improvement> {
      const at = toIso(clock.now());
      const reason = `completed by ${worker}: ${result.summary.slice(0, 200)}`;
      const patch = { result, completion_time: at, lease_expires_at: null };
      return publish(ImprovementEventKind.completed, await move({ verb: 'complete', id, actor, reason, at, patch, worker }), actor, at);
    },

    async fail(id: string, worker: string, failure: string, actor: Actor): Promise<Improvement> {
      const at = toIso(clock.now());
      const patch = { failure_reason: failure, completion_time: at, lease_expires_at: null };
      const failed = await move({ verb: 'fail', id, actor, reason: `failed by ${worker}: ${failure}`, at, patch, worker });
      return publish(ImprovementEventKind.failed, failed, actor, at);
    },

    /** Whether completed work helped, with its numbers; undefined when already recorded. */
    async recordOutcome(completed: Improvement, outcome: Pick<Improvement, 'outcome' | 'outcome_details'>, actor: Actor): Promise<Improvement | undefined> {
      const at = toIso(clock.now());
      const updated = await store.improvements.patch(completed.id, { ...outcome, verified_at: at }, at, { status: ImprovementStatus.completed });
      return updated && publish(ImprovementEventKind.verified, updated, actor, at);
    },
  };
}
