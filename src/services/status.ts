import { toIso } from '../clock.js';
import { assessOverallHealth, countByHealth, type FleetCounts } from '../domain/health.js';
import type { OverallHealth } from '../domain/enums.js';
import type { SystemMetrics } from '../domain/system-metrics.js';
import type { EventLoopDelay, ProcessMemory, RuntimeMonitor } from '../collectors/runtime.js';
import type { ClusterInfo } from '../cluster/cluster.js';
import type { JobStatus } from '../scheduler/scheduler.js';
import type { DeliverySummary, StoreInfo } from '../store/store.js';
import { HOUR } from '../domain/units.js';
import type { AgentService } from './agents.js';
import type { ServiceDeps } from './deps.js';

/** The scheduler as the status pages see it. */
export interface MonitoringView {
  isActive(): boolean;
  jobs(): JobStatus[];
  cluster(): ClusterInfo;
}

export interface SystemStatus {
  meta_agent_active: boolean;
  total_improvements: number;
  pending_improvements: number;
  approved_improvements: number;
  in_progress_improvements: number;
  completed_improvements: number;
  rejected_improvements: number;
  failed_improvements: number;
  performance_score: number | null;
  latest_metrics: SystemMetrics | null;
}

export interface HealthReport {
  meta_agent_active: boolean;
  overall_health: OverallHealth;
  performance_score: number | null;
  performance_thresholds: ServiceDeps['config']['thresholds'];
  monitoring_intervals: ServiceDeps['config']['intervals'];
  agents: FleetCounts;
  database: StoreInfo;
  jobs: JobStatus[];
  /** Webhook and notification deliveries of the last 24 h, per target: failures show here. */
  deliveries: DeliverySummary[];
  started_at: string;
  uptime_seconds: number;
  event_loop: EventLoopDelay;
  memory: ProcessMemory;
  /** This replica, whether it leads, and what it stores and publishes through. */
  cluster: ClusterInfo;
}

export type StatusService = ReturnType<typeof createStatusService>;

export function createStatusService(deps: ServiceDeps, agents: AgentService, monitoring: MonitoringView, runtime: Pick<RuntimeMonitor, 'eventLoop' | 'memory'>) {
  const { store, config, clock } = deps;
  const startedAt = clock.now();
  return {
    /** Every delivery attempt in the last `hours`, newest first. */
    async deliveries(query: { hours: number; limit: number }) {
      return store.deliveries.list(toIso(clock.now() - query.hours * HOUR), query.limit);
    },
    async status(): Promise<SystemStatus> {
      const [counts, latest] = await Promise.all([store.improvements.countByStatus(), store.systemMetrics.latest()]);
      return {
        meta_agent_active: monitoring.isActive(),
        total_improvements: Object.values(counts).reduce((a, b) => a + b, 0),
        pending_improvements: counts.pending,
        approved_improvements: counts.approved,
        in_progress_improvements: counts.in_progress,
        completed_improvements: counts.completed,
        rejected_improvements: counts.rejected,
        failed_improvements: counts.failed,
        performance_score: latest?.performance_score ?? null,
        latest_metrics: latest ?? null,
      };
    },
    async health(): Promise<HealthReport> {
      const [statuses, latest, database, deliveries] = await Promise.all([
        agents.statuses(),
        store.systemMetrics.latest(),
        store.info(),
        store.deliveries.summary(toIso(clock.now() - 86_400_000)),
      ]);
      const counts = countByHealth(statuses);
      const score = latest?.performance_score ?? null;
      const host = { cpu: latest?.system_cpu_usage ?? null, memory: latest?.system_memory_usage ?? null };
      return {
        meta_agent_active: monitoring.isActive(),
        overall_health: assessOverallHealth(counts, host, score, config.thresholds),
        performance_score: score,
        performance_thresholds: config.thresholds,
        monitoring_intervals: config.intervals,
        agents: counts,
        database,
        jobs: monitoring.jobs(),
        deliveries,
        started_at: toIso(startedAt),
        uptime_seconds: Math.round((clock.now() - startedAt) / 1000),
        event_loop: runtime.eventLoop(),
        memory: runtime.memory(),
        cluster: monitoring.cluster(),
      };
    },
  };
}
