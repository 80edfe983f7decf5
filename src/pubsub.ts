import { createPubSub } from 'graphql-yoga';
import type { AgentStatus } from './domain/agent.js';
import type { AgentHealth } from './domain/enums.js';
import type { Finding } from './domain/finding.js';
import type { Improvement } from './domain/improvement.js';
import type { HealthSnapshot } from './domain/snapshot.js';

export const ImprovementEventKind = {
  created: 'created',
  updated: 'updated',
  approved: 'approved',
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
}

/** Every topic and its payload, in one place. Services publish; subscription fields listen. */
/** One agent's status at a health tick, and what it was at the tick before. */
export interface AgentStatusChange {
  at: string;
  agent: AgentStatus;
  previous_health: AgentHealth | null;
}

export type Topics = {
  'improvement:changed': [ImprovementChange];
  'health:snapshot': [HealthSnapshot];
  'agent:status': [AgentStatusChange];
  /** Approved work offered to a specialist role (again, after a lease ran out). */
  'assignment:offered': [Improvement];
  'finding:recorded': [FindingEvent];
};

/** A finding the analysis recorded: a new episode, or one it saw change. */
export interface FindingEvent {
  kind: 'new' | 'updated';
  at: string;
  finding: Finding;
}

export type PubSub = ReturnType<typeof createPubSub<Topics>>;

export function createAppPubSub(): PubSub {
  return createPubSub<Topics>();
}
