import { toIso } from '../clock.js';
import type { SystemMetrics } from '../domain/system-metrics.js';
import type { RolledSample, RolledSystemMetrics, RollupResolution, StoredSample } from '../store/store.js';
import { HOUR } from '../domain/units.js';
import type { ServiceDeps } from './deps.js';
import type { Resolution } from '../inputs/query.js';

export interface MetricsQuery {
  hours: number;
  limit: number;
  resolution: Resolution;
}

export interface AgentPerformanceQuery extends MetricsQuery {
  agentName: string | undefined;
}

/** Raw rows carry one sample each; rollup rows say how many they stand for. */
export type SamplePoint = (StoredSample | RolledSample) & { samples?: number };
export type SystemMetricsPoint = SystemMetrics | RolledSystemMetrics;

const BUCKET_SECONDS: Record<Exclude<Resolution, 'raw' | 'auto'>, RollupResolution> = { '5m': 300, '1h': 3600 };

/** auto: raw rows up to a day, 5-minute buckets up to a week, hourly beyond. */
export function effectiveResolution(requested: Resolution, hours: number): Exclude<Resolution, 'auto'> {
  if (requested !== 'auto') return requested;
  if (hours <= 24) return 'raw';
  return hours <= 168 ? '5m' : '1h';
}

export type MetricsService = ReturnType<typeof createMetricsService>;

export function createMetricsService({ store, clock }: ServiceDeps) {
  const since = (hours: number) => toIso(clock.now() - hours * HOUR);
  return {
    /** Health snapshots of the last `hours`, newest first; long ranges from the rollups. */
    async systemMetrics(query: MetricsQuery) {
      const { hours, limit } = query;
      const resolution = effectiveResolution(query.resolution, hours);
      const rows: SystemMetricsPoint[] =
        resolution === 'raw'
          ? await store.systemMetrics.list(since(hours), limit)
          : await store.rollups.systemSeries({ resolution: BUCKET_SECONDS[resolution], sinceIso: since(hours), limit });
      return { rows, hours, resolution };
    },
    /** Agent samples of the last `hours`, newest first, for one agent or all; long ranges from the rollups. */
    async agentPerformance(query: AgentPerformanceQuery) {
      const { hours, agentName, limit } = query;
      const resolution = effectiveResolution(query.resolution, hours);
      const sinceIso = since(hours);
      const rows: SamplePoint[] =
        resolution === 'raw'
          ? await store.samples.list({ agentName, sinceIso, limit })
          : await store.rollups.agentSeries({ resolution: BUCKET_SECONDS[resolution], agentName, sinceIso, limit });
      return { rows, hours, agentName, resolution };
    },
    /** Versions agents began running in the last `hours`, oldest first. */
    async versionChanges(query: { agentName: string | undefined; hours: number; limit: number }) {
      const { hours, agentName, limit } = query;
      return { rows: await store.samples.versionChanges({ agentName, sinceIso: since(hours), limit }), hours, agentName };
    },
  };
}
