import { toIso } from '../clock.js';
import type { Lifecycle } from '../coordination/lifecycle.js';
import { ImprovementStatus, PRIORITY_RANK } from '../domain/enums.js';
import type { Improvement } from '../domain/improvement.js';
import { parseFingerprint } from '../domain/problem.js';
import { isAppError } from '../errors.js';
import type { ServiceDeps } from './deps.js';

export type PolicyService = ReturnType<typeof createPolicyService>;
type AutoApprove = ServiceDeps['config']['policies']['autoApprove'][number];

/** The agent a suggestion is about: its fingerprint's subject ("fleet" for the host), else its first component. */
const agentOf = (i: Improvement) => (i.fingerprint ? parseFingerprint(i.fingerprint)?.subject : undefined) ?? i.affected_components[0] ?? 'fleet';

/**
 * Approval policies (config `policies`): a new suggestion that an autoApprove rule covers is
 * approved by the actor `policy:<name>`, audited like a person's approval, at most
 * maxPerAgentPerDay times per agent and UTC day per rule. Nothing that needs a quorum of people
 * (requireApprovals above 1) is approved by a policy; silenced problems raise no suggestion to approve.
 */
export function createPolicyService({ store, config, clock, logger }: ServiceDeps, lifecycle: Lifecycle) {
  const log = logger.child({ module: 'policies' });
  const rules = config.policies.autoApprove;

  const covers = (rule: AutoApprove, i: Improvement, agent: string) =>
    (rule.types === undefined || rule.types.includes(i.type)) &&
    PRIORITY_RANK[i.priority] <= PRIORITY_RANK[rule.maxPriority] &&
    i.confidence >= rule.minConfidence &&
    (rule.agents === undefined || rule.agents.includes(agent));

  /** How many suggestions about `agent` the rule approved since the start of this UTC day. */
  async function usedToday(rule: AutoApprove, agent: string): Promise<number> {
    const dayStart = toIso(Math.floor(clock.now() / 86_400_000) * 86_400_000);
    const actor = `policy:${rule.name}`;
    const ids = (await store.improvements.eventsSince(dayStart, 100_000)).filter((e) => e.actor === actor && e.to_status === ImprovementStatus.approved).map((e) => e.improvement_id);
    let count = 0;
    for (const id of new Set(ids)) {
      const improvement = await store.improvements.get(id);
      if (improvement && agentOf(improvement) === agent) count++;
    }
    return count;
  }

  return {
    /** The policies in force, as configured. */
    view: () => ({ autoApprove: rules, requireApprovals: config.policies.requireApprovals }),

    /** Approves a new suggestion when a rule covers it and allows one more today; answers the approved state, if it did. */
    async review(suggestion: Improvement): Promise<Improvement | undefined> {
      if (rules.length === 0 || suggestion.status !== ImprovementStatus.pending || lifecycle.approvalsRequired(suggestion) > 1) return undefined;
      const agent = agentOf(suggestion);
      for (const rule of rules) {
        if (!covers(rule, suggestion, agent)) continue;
        const used = await usedToday(rule, agent);
        if (used >= rule.maxPerAgentPerDay) {
          log.warn({ id: suggestion.id, policy: rule.name, agent, used }, 'auto-approval allowance for this agent used up today; left for a person');
          continue;
        }
        const reason = `policy ${rule.name}: ${suggestion.type}, ${suggestion.priority} (at most ${rule.maxPriority}), confidence ${suggestion.confidence} (at least ${rule.minConfidence}); ${used + 1} of ${rule.maxPerAgentPerDay} today for ${agent}`;
        try {
          return await lifecycle.approve(suggestion.id, { id: `policy:${rule.name}` }, reason);
        } catch (error) {
          if (isAppError(error)) return undefined; // decided meanwhile
          throw error;
        }
      }
      return undefined;
    },
  };
}
