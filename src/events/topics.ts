import type { AgentStatus } from '../domain/agent.js';
import type { AgentHealth } from '../domain/enums.js';
import type { Finding } from '../domain/finding.js';
import type { Improvement } from '../domain/improvement.js';
import type { HealthSnapshot } from '../domain/snapshot.js';
import type { SilenceView } from '../domain/silence.js';

export const ImprovementEventKind = {
  created: 'created',
  updated: 'updated',
  approved: 'approved',
  /** One approval of a quorum (policies.requireApprovals), the suggestion still pending. */
  approval_recorded: 'approval_recorded',
  rejected: 'rejected',
  claimed: 'claimed',
  released: 'released',
  completed: 'completed',
  failed: 'failed',
  verified: 'verified',
} as const;
export type ImprovementEventKind = (typeof ImprovementEventKind)[keyof typeof ImprovementEventKind];

export interface ImprovementChange {
  kind: ImprovementEventKind;
  at: string;
  actor: string;
  improvement: Improvement;
  /** The silences that hid the problem when the analysis refreshed it: nobody is notified. */
  silenced_by?: readonly string[];
}

/** A silence created, expired or extended, by whom. */
export interface SilenceChange {
  kind: 'created' | 'expired' | 'extended';
  at: string;
  actor: string;
  silence: SilenceView;
}

/** One agent's status at a health tick, and what it was at the tick before. */
export interface AgentStatusChange {
  at: string;
  agent: AgentStatus;
  previous_health: AgentHealth | null;
}

/** Every agent's status at one health tick: sorted by name, with the health changes picked out. */
export interface AgentStatusTick {
  at: string;
  statuses: readonly AgentStatusChange[];
  byName: ReadonlyMap<string, AgentStatusChange>;
  changes: readonly AgentStatusChange[];
}

/** A finding the analysis recorded: a new episode, or one it saw change. */
export interface FindingEvent {
  kind: 'new' | 'updated';
  at: string;
  finding: Finding;
}

/** An agent taken off the registry because it has not been heard from for too long. */
export interface AgentRetirement {
  at: string;
  name: string;
  last_seen: string;
  unseen_days: number;
}

/**
 * Every topic and its payload, in one place. Services publish; subscriptions and internal
 * listeners read. Events that come in numbers (one per agent, finding or suggestion) are
 * published as one batch per tick or run, so a consumer's cost follows ticks, not fleet size.
 */
export type Topics = {
  'health:snapshot': HealthSnapshot;
  'agent:status': AgentStatusTick;
  'improvement:changed': readonly ImprovementChange[];
  /** Approved work offered to a specialist role (again, after a lease ran out). */
  'assignment:offered': readonly Improvement[];
  'finding:recorded': readonly FindingEvent[];
  'agent:retired': readonly AgentRetirement[];
  'silence:changed': readonly SilenceChange[];
};

/** Every topic's name, for those that carry all of them (the Redis bridge). */
export const TOPIC_NAMES = ['health:snapshot', 'agent:status', 'improvement:changed', 'assignment:offered', 'finding:recorded', 'agent:retired', 'silence:changed'] as const satisfies ReadonlyArray<keyof Topics>;
// A topic added to Topics but not to TOPIC_NAMES fails to compile here.
const everyTopicNamed: Exclude<keyof Topics, (typeof TOPIC_NAMES)[number]> extends never ? true : never = true;
void everyTopicNamed;

/** A tick rebuilt from its statuses alone (as it travels between replicas): the index and the changes follow from them. */
export function agentStatusTickFrom(at: string, statuses: readonly AgentStatusChange[]): AgentStatusTick {
  return {
    at,
    statuses,
    byName: new Map(statuses.map((change) => [change.agent.name, change])),
    changes: statuses.filter((change) => change.previous_health !== change.agent.health),
  };
}

/** Builds a tick from the statuses (sorted by name) and the health each agent had at the tick before. */
export function agentStatusTick(at: string, statuses: readonly AgentStatus[], previous: ReadonlyMap<string, AgentHealth>): AgentStatusTick {
  const changes: AgentStatusChange[] = [];
  const byName = new Map<string, AgentStatusChange>();
  const all = statuses.map((agent) => {
    const change: AgentStatusChange = { at, agent, previous_health: previous.get(agent.name) ?? null };
    byName.set(agent.name, change);
    if (change.previous_health !== agent.health) changes.push(change);
    return change;
  });
  return { at, statuses: all, byName, changes };
}
