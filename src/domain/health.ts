import { formatApart, round } from './units.js';
import type { Thresholds } from './thresholds.js';
import type { WindowMetrics } from './agent.js';
import { AgentHealth, OverallHealth } from './enums.js';

/** Sums and means of one agent's samples in the window, as the store aggregates them. */
export interface WindowAggregate {
  samples: number;
  avg_response_time: number | null;
  avg_success_rate: number | null;
  sum_errors: number | null;
  sum_requests: number | null;
  /** Errors of the samples that also carry requests, so the rate compares like with like. */
  sum_errors_with_requests: number | null;
  sum_insights: number | null;
  sum_research_cycles: number | null;
  avg_cpu_usage: number | null;
  avg_memory_usage: number | null;
  sum_input_tokens: number | null;
  sum_output_tokens: number | null;
}

/** Error rate = errors / requests when requests are known, else 1 − success rate. */
export function toWindowMetrics(a: WindowAggregate): WindowMetrics {
  let errorRate: number | null = null;
  if (a.sum_requests !== null && a.sum_requests > 0) errorRate = (a.sum_errors_with_requests ?? 0) / a.sum_requests;
  else if (a.avg_success_rate !== null) errorRate = 1 - a.avg_success_rate;
  return {
    samples: a.samples,
    response_time: a.avg_response_time,
    success_rate: a.avg_success_rate,
    error_count: a.sum_errors,
    requests: a.sum_requests,
    error_rate: errorRate === null ? null : round(errorRate, 6),
    insights_generated: a.sum_insights,
    research_cycles: a.sum_research_cycles,
    cpu_usage: a.avg_cpu_usage,
    memory_usage: a.avg_memory_usage,
    input_tokens: a.sum_input_tokens,
    output_tokens: a.sum_output_tokens,
  };
}

export interface HealthInput {
  now: number;
  lastSeenMs: number;
  offlineAfterMs: number;
  metrics: WindowMetrics;
  thresholds: Thresholds;
  /** The agent's memory limit, when configured; memory_usage % of it is checked. */
  memoryLimitMb?: number | undefined;
  /** Configured, but nothing (sample or check) received from it yet. */
  neverSeen?: boolean;
  /** Its health URL or process, checked by the meta agent, is failing: why. */
  watchFailure?: string | undefined;
}

export interface HealthVerdict {
  health: AgentHealth;
  reason: string;
}

/**
 * offline: nothing heard for offlineAfter. failing: success rate under its threshold
 * or error rate over twice its threshold. degraded: any other threshold breached.
 * All measured as means over the health window.
 */
export function assessAgentHealth(input: HealthInput): HealthVerdict {
  const { metrics: m, thresholds: t } = input;
  const silentMs = input.now - input.lastSeenMs;
  if (input.neverSeen) return { health: AgentHealth.offline, reason: input.watchFailure ?? 'configured, but nothing received from it yet' };
  if (silentMs > input.offlineAfterMs) {
    const silent = `no sample or check for ${formatDuration(silentMs)}`;
    return { health: AgentHealth.offline, reason: input.watchFailure ? `${input.watchFailure}; ${silent}` : silent };
  }
  const failing: string[] = input.watchFailure ? [input.watchFailure] : [];
  if (m.success_rate !== null && m.success_rate < t.success_rate) {
    const [v, th] = apart(m.success_rate, t.success_rate, pct, 1);
    failing.push(`success rate ${v} below ${th}`);
  }
  if (m.error_rate !== null && m.error_rate > 2 * t.error_rate) {
    const [v, th] = apart(m.error_rate, 2 * t.error_rate, pct, 1);
    failing.push(`error rate ${v} above twice the ${pct(t.error_rate)} threshold (${th})`);
  }
  if (failing.length > 0) return { health: AgentHealth.failing, reason: failing.join('; ') };

  const degraded: string[] = [];
  if (m.response_time !== null && m.response_time > t.response_time) {
    const [v, th] = apart(m.response_time, t.response_time, num, 2);
    degraded.push(`response time ${v} s above ${th} s`);
  }
  if (m.error_rate !== null && m.error_rate > t.error_rate) {
    const [v, th] = apart(m.error_rate, t.error_rate, pct, 1);
    degraded.push(`error rate ${v} above ${th}`);
  }
  if (m.cpu_usage !== null && m.cpu_usage > t.cpu_usage) {
    const [v, th] = apart(m.cpu_usage, t.cpu_usage, num, 2);
    degraded.push(`CPU ${v} % above ${th} %`);
  }
  const share = memoryShareOverLimit(m.memory_usage, input.memoryLimitMb, t);
  if (share !== undefined) degraded.push(`memory ${num(m.memory_usage!)} MB is ${num(share)} % of its ${input.memoryLimitMb} MB limit`);
  if (degraded.length > 0) return { health: AgentHealth.degraded, reason: degraded.join('; ') };
  if (m.samples === 0) return { health: AgentHealth.healthy, reason: 'seen recently; no metrics in the window' };
  return { health: AgentHealth.healthy, reason: 'all metrics within thresholds' };
}

/**
 * The memory rule: resident memory over `memory_usage` % of the agent's configured limit.
 * Answers that share when over it; undefined when within, or with no limit or no reading.
 */
export function memoryShareOverLimit(memoryMb: number | null, limitMb: number | undefined, t: Pick<Thresholds, 'memory_usage'>): number | undefined {
  if (!limitMb || memoryMb === null) return undefined;
  const share = (100 * memoryMb) / limitMb;
  return share > t.memory_usage ? share : undefined;
}

export interface FleetCounts {
  total: number;
  healthy: number;
  degraded: number;
  failing: number;
  offline: number;
}

export function countByHealth(agents: ReadonlyArray<{ health: AgentHealth }>): FleetCounts {
  const counts: FleetCounts = { total: agents.length, healthy: 0, degraded: 0, failing: 0, offline: 0 };
  for (const agent of agents) counts[agent.health] += 1;
  return counts;
}

/**
 * critical: any agent failing, or a score under 50. degraded: any agent degraded or
 * offline, host CPU or memory over threshold, or a score under 80. unknown: no agent yet
 * (and the host is fine).
 */
export function assessOverallHealth(
  counts: FleetCounts,
  host: { cpu: number | null; memory: number | null },
  score: number | null,
  t: Thresholds,
): OverallHealth {
  const hostHot = (host.cpu !== null && host.cpu > t.cpu_usage) || (host.memory !== null && host.memory > t.memory_usage);
  if (counts.failing > 0 || (score !== null && score < 50)) return OverallHealth.critical;
  if (counts.degraded > 0 || counts.offline > 0 || hostHot || (score !== null && score < 80)) return OverallHealth.degraded;
  return counts.total === 0 ? OverallHealth.unknown : OverallHealth.healthy;
}

export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 120) return `${s} s`;
  if (s < 7200) return `${round(s / 60, 1)} min`;
  if (s < 172_800) return `${(s / 3600).toFixed(1)} h`;
  return `${(s / 86_400).toFixed(1)} days`;
}

const num = (value: number, digits = 2) => String(round(value, digits));
const pct = (value: number, digits = 1) => `${round(value * 100, digits)} %`;
/** A value and the threshold it is compared with, never written alike. */
const apart = (value: number, threshold: number, format: (v: number, d: number) => string, digits: number) =>
  formatApart(value, threshold, format, digits);
