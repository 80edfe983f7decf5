import { agentStatusBuffer, fifoBuffer } from '../events/buffers.js';
import type { FindingKind } from '../domain/enums.js';
import type { FindingEvent, ImprovementChange, ImprovementEventKind } from '../events/topics.js';
import type { ServiceDeps } from './deps.js';

export type EventService = ReturnType<typeof createEventService>;

/** Tells a subscriber that fell behind what happened and what to do about it. */
export const lagMessage = (what: string, capacity: number, reread: string) =>
  `This subscription fell more than ${capacity} ${what} behind and was ended; read ${reread} again, then subscribe again.`;

/** Live streams for subscriptions, each with its own bounded buffer, filtered at the source. */
export function createEventService({ bus, config }: ServiceDeps) {
  const backlog = config.limits.subscriptionBacklog;
  return {
    /** Each tick's status of one agent, or of every agent; only health changes when changesOnly. Latest wins per agent. */
    agentStatus(agentName?: string, changesOnly = false) {
      // Statuses are never queued, so this stream cannot fall behind.
      return bus.subscribe('agent:status', agentStatusBuffer({ agentName, changesOnly }), '');
    },
    /** Findings as the analysis records them, optionally of one agent or kind. */
    findings(agentName?: string, kind?: FindingKind) {
      const accepts =
        agentName === undefined && kind === undefined
          ? undefined
          : (event: FindingEvent) => (agentName === undefined || event.finding.agent_name === agentName) && (kind === undefined || event.finding.kind === kind);
      return bus.subscribe('finding:recorded', fifoBuffer(backlog, accepts), lagMessage('findings', backlog, 'the findings'));
    },
    /** Silences created, extended and expired. */
    silenceChanges() {
      return bus.subscribe('silence:changed', fifoBuffer(backlog), lagMessage('silence events', backlog, 'the silences'));
    },
    improvementChanges(kinds?: readonly ImprovementEventKind[]) {
      const accepts = kinds && kinds.length > 0 ? (change: ImprovementChange) => kinds.includes(change.kind) : undefined;
      return bus.subscribe('improvement:changed', fifoBuffer(backlog, accepts), lagMessage('improvement events', backlog, 'the improvements'));
    },
  };
}
