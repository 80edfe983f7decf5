import { toIso } from '../clock.js';
import type { FindingKind } from '../domain/enums.js';
import type { Finding } from '../domain/finding.js';
import { HOUR } from '../domain/units.js';
import type { ServiceDeps } from './deps.js';

export interface FindingsQuery {
  kind: FindingKind | undefined;
  agentName: string | undefined;
  metric: string | undefined;
  hours: number;
  limit: number;
}

export type FindingService = ReturnType<typeof createFindingService>;

export function createFindingService({ store, clock }: ServiceDeps) {
  return {
    /** Findings whose span ended in the last `hours`, newest first. */
    list(query: FindingsQuery): Promise<Finding[]> {
      const { kind, agentName, metric, hours, limit } = query;
      return store.findings.list({ kind, agentName, metric, sinceIso: toIso(clock.now() - hours * HOUR), limit });
    },
  };
}
