import { toIso } from '../clock.js';
import type { SystemMetrics } from '../domain/system-metrics.js';
import type { StoredSample } from '../store/store.js';
import type { ServiceDeps } from './deps.js';
import { parseAgentNameFilter, parseHours, parseLimit } from './inputs.js';

export interface MetricsQuery {
  hours?: unknown;
  limit?: unknown;
}

export interface AgentPerformanceQuery extends MetricsQuery {
  agentName?: unknown;
}

export type MetricsService = ReturnType<typeof createMetricsService>;

export function createMetricsService({ config, store, clock }: ServiceDeps) {
  const since = (hours: number) => toIso(clock.now() - hours * 3_600_000);
  const maxRows = config.limits.maxRowsPerQuery;
  return {
    /** Health snapshots of the last `hours`, newest first. */
    async systemMetrics(query: MetricsQuery): Promise<{ rows: SystemMetrics[]; hours: number }> {
      const hours = parseHours(query.hours);
      const limit = parseLimit(query.limit, maxRows);
      return { rows: await store.systemMetrics.list(since(hours), limit), hours };
    },
    /** Raw agent samples of the last `hours`, newest first, for one agent or all. */
    async agentPerformance(
      query: AgentPerformanceQuery,
    ): Promise<{ rows: StoredSample[]; hours: number; agentName: string | undefined }> {
      const hours = parseHours(query.hours);
      const agentName = parseAgentNameFilter(query.agentName);
      const limit = parseLimit(query.limit, maxRows);
      return { rows: await store.samples.list({ agentName, sinceIso: since(hours), limit }), hours, agentName };
    },
  };
}
