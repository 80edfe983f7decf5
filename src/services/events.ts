import { filter, pipe } from 'graphql-yoga';
import type { ImprovementEventKind } from '../pubsub.js';
import type { ServiceDeps } from './deps.js';

export type EventService = ReturnType<typeof createEventService>;

/** Live streams for subscriptions, filtered at the source. */
export function createEventService({ pubsub }: ServiceDeps) {
  return {
    /** Each tick's status of one agent, or of every agent; only health changes when changesOnly. */
    agentStatus(agentName?: string, changesOnly = false) {
      return pipe(
        pubsub.subscribe('agent:status'),
        filter(
          (change) =>
            (agentName === undefined || change.agent.name === agentName) &&
            (!changesOnly || change.previous_health !== change.agent.health),
        ),
      );
    },
    /** Findings as the analysis records them, optionally of one agent or kind. */
    findings(agentName?: string, kind?: string) {
      return pipe(
        pubsub.subscribe('finding:recorded'),
        filter((event) => (agentName === undefined || event.finding.agent_name === agentName) && (kind === undefined || event.finding.kind === kind)),
      );
    },
    improvementChanges(kinds?: readonly ImprovementEventKind[]) {
      const source = pubsub.subscribe('improvement:changed');
      if (!kinds || kinds.length === 0) return source;
      return pipe(source, filter((change) => kinds.includes(change.kind)));
    },
  };
}
