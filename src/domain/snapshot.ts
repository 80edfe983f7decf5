import { round } from './units.js';
import type { Thresholds } from './thresholds.js';
import type { AgentStatus } from './agent.js';
import { AgentHealth, type OverallHealth } from './enums.js';
import { assessOverallHealth, countByHealth, type FleetCounts } from './health.js';
import { performanceScore } from './score.js';
import type { SystemMetrics } from './system-metrics.js';

/** What the host collector read this tick (null where it could not read). */
export interface HostSnapshot {
  cpu_usage: number | null;
  memory_usage: number | null;
  load_average: number | null;
  disk_used_percent: number | null;
}

/** A tick's snapshot as published live: the stored row plus the overall verdict and fleet counts. */
export interface HealthSnapshot extends SystemMetrics {
  overall_health: OverallHealth;
  agents: FleetCounts;
  /** How long the tick took and the worst event-loop delay seen during it, ms. */
  tick_ms: number | null;
  event_loop_max_delay_ms: number | null;
}

const meanOf = (values: Array<number | null>): number | null => {
  const known = values.filter((v): v is number => v !== null);
  return known.length === 0 ? null : known.reduce((a, b) => a + b, 0) / known.length;
};
const sumOf = (values: Array<number | null>): number => values.reduce<number>((a, b) => a + (b ?? 0), 0);

/**
 * The fleet over the recent window (never since start): each agent counts once, so
 * averages are means of the agents' own window means.
 */
export function buildSnapshot(
  statuses: readonly AgentStatus[],
  host: HostSnapshot,
  now: number,
  windowSeconds: number,
  thresholds: Thresholds,
): HealthSnapshot {
  const counts = countByHealth(statuses);
  const live = statuses.filter((s) => s.health !== AgentHealth.offline);
  const avgResponse = meanOf(live.map((s) => s.metrics.response_time));
  const avgSuccess = meanOf(live.map((s) => s.metrics.success_rate));
  const errorRate = meanOf(live.map((s) => s.metrics.error_rate));
  const active = counts.total - counts.offline;
  const score = performanceScore(
    {
      total_agents: counts.total,
      active_agents: active,
      avg_response_time: avgResponse,
      avg_success_rate: avgSuccess,
      error_rate: errorRate,
      system_cpu_usage: host.cpu_usage,
      system_memory_usage: host.memory_usage,
    },
    thresholds,
  );
  return {
    timestamp: new Date(now).toISOString(),
    total_agents: counts.total,
    active_agents: active,
    failed_agents: counts.failing,
    degraded_agents: counts.degraded,
    offline_agents: counts.offline,
    avg_response_time: avgResponse === null ? null : round(avgResponse, 4),
    avg_success_rate: avgSuccess === null ? null : round(avgSuccess, 4),
    system_cpu_usage: host.cpu_usage,
    system_memory_usage: host.memory_usage,
    total_errors: sumOf(statuses.map((s) => s.metrics.error_count)),
    total_insights: sumOf(statuses.map((s) => s.metrics.insights_generated)),
    research_cycles_completed: sumOf(statuses.map((s) => s.metrics.research_cycles)),
    performance_score: score,
    window_seconds: windowSeconds,
    load_average: host.load_average,
    disk_used_percent: host.disk_used_percent,
    overall_health: assessOverallHealth(counts, { cpu: host.cpu_usage, memory: host.memory_usage }, score, thresholds),
    agents: counts,
    tick_ms: null,
    event_loop_max_delay_ms: null,
  };
}
