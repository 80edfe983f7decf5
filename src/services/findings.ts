import { toIso } from '../clock.js';
import type { Finding } from '../domain/finding.js';
import type { ServiceDeps } from './deps.js';
import { parseAgentNameFilter, parseFindingKind, parseHours, parseLimit, parseMetricFilter } from './inputs.js';

export interface FindingsQuery {
  kind?: unknown;
  agentName?: unknown;
  metric?: unknown;
  hours?: unknown;
  limit?: unknown;
}

export type FindingService = ReturnType<typeof createFindingService>;

export function createFindingService({ store, clock, config }: ServiceDeps) {
  return {
    /** Findings whose span ended in the last `hours`, newest first. */
    async list(query: FindingsQuery): Promise<Finding[]> {
      const hours = parseHours(query.hours);
      return store.findings.list({
        kind: parseFindingKind(query.kind),
        agentName: parseAgentNameFilter(query.agentName),
        metric: parseMetricFilter(query.metric),
        sinceIso: toIso(clock.now() - hours * 3_600_000),
        limit: parseLimit(query.limit, config.limits.maxRowsPerQuery),
      });
    },
  };
}
