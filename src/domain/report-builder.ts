import { round } from './units.js';
import type { AgentStatus } from './agent.js';
import { AgentHealth, ImprovementStatus, Priority } from './enums.js';
import { countByHealth, toWindowMetrics, type FleetCounts, type WindowAggregate } from './health.js';
import type { Improvement, Outcome } from './improvement.js';
import type { HealthSnapshot } from './snapshot.js';

export interface Recommendation {
  priority: Priority;
  title: string;
  reason: string;
  improvement_id: string | null;
}

export interface ReportInput {
  now: number;
  periodStart: number;
  snapshot: HealthSnapshot | undefined;
  agents: readonly AgentStatus[];
  /** Per-agent sums and means over the report period. */
  activity: ReadonlyMap<string, WindowAggregate>;
  improvements: readonly Improvement[];
  previous: SystemReport | undefined;
  /** e.g. host load and disk, as the collector read them. */
  resources: Record<string, unknown>;
}

export interface ReportAgent {
  name: string;
  health: AgentHealth;
  reason: string;
  last_seen: string;
  response_time: number | null;
  success_rate: number | null;
  error_rate: number | null;
  cpu_usage: number | null;
  memory_usage: number | null;
}

export interface ReportChanges {
  previous_report_at: string;
  performance_score_change: number | null;
  overall_health: { from: string; to: string };
  agents_changed: Array<{ name: string; from: AgentHealth | null; to: AgentHealth }>;
  new_agents: string[];
  improvements_created: string[];
  improvements_decided: Array<{ id: string; status: ImprovementStatus }>;
}

/** The JSON of a report file. */
export interface SystemReport {
  generated_at: string;
  period: { from: string; to: string };
  health: { overall: string; performance_score: number | null; agents: FleetCounts & { active: number } };
  resources: Record<string, unknown>;
  activity: ReturnType<typeof activityOf>;
  agents: ReportAgent[];
  improvements: {
    by_status: Record<ImprovementStatus, number>;
    total: number;
    pending: Array<{ id: string; priority: Priority; title: string; confidence: number }>;
    /** How the verified fixes turned out, all time, and the ones verified in this report's period. */
    outcomes: Record<Outcome, number>;
    verified_in_period: Array<{ id: string; title: string; outcome: Outcome | null; reason: string | null }>;
  };
  recommendations: Recommendation[];
  changes_since_previous: ReportChanges | null;
}

const PRIORITY_ORDER: Priority[] = [Priority.critical, Priority.high, Priority.medium, Priority.low];

/** A system report: health, resources, activity, improvements, recommendations with reasons, and what changed. */
export function buildReport(input: ReportInput): SystemReport {
  const { snapshot } = input;
  const byStatus = Object.fromEntries(Object.values(ImprovementStatus).map((s) => [s, 0])) as Record<ImprovementStatus, number>;
  for (const improvement of input.improvements) byStatus[improvement.status] += 1;
  const agents = input.agents.map((a): ReportAgent => ({
    name: a.name,
    health: a.health,
    reason: a.health_reason,
    last_seen: a.last_seen,
    response_time: a.metrics.response_time,
    success_rate: a.metrics.success_rate,
    error_rate: a.metrics.error_rate,
    cpu_usage: a.metrics.cpu_usage,
    memory_usage: a.metrics.memory_usage,
  }));
  const fleet = countByHealth(input.agents);
  const counts = { ...fleet, active: fleet.total - fleet.offline };
  const report: SystemReport = {
    generated_at: new Date(input.now).toISOString(),
    period: { from: new Date(input.periodStart).toISOString(), to: new Date(input.now).toISOString() },
    health: {
      overall: snapshot?.overall_health ?? 'unknown',
      performance_score: snapshot?.performance_score ?? null,
      agents: counts,
    },
    resources: {
      cpu_usage: snapshot?.system_cpu_usage ?? null,
      memory_usage: snapshot?.system_memory_usage ?? null,
      load_average: snapshot?.load_average ?? null,
      disk_used_percent: snapshot?.disk_used_percent ?? null,
      ...input.resources,
    },
    activity: activityOf(input.activity),
    agents,
    improvements: {
      by_status: byStatus,
      total: input.improvements.length,
      pending: input.improvements
        .filter((i) => i.status === ImprovementStatus.pending)
        .map((i) => ({ id: i.id, priority: i.priority, title: i.title, confidence: i.confidence })),
      outcomes: countOutcomes(input.improvements),
      verified_in_period: input.improvements
        .filter((i) => i.verified_at !== null && Date.parse(i.verified_at) > input.periodStart)
        .map((i) => ({ id: i.id, title: i.title, outcome: i.outcome, reason: (i.outcome_details?.reason as string | undefined) ?? null })),
    },
    recommendations: recommend(input),
    changes_since_previous: null,
  };
  report.changes_since_previous = input.previous ? diff(input.previous, report, input.improvements) : null;
  return report;
}

function countOutcomes(improvements: readonly Improvement[]): Record<Outcome, number> {
  const counts: Record<Outcome, number> = { improved: 0, no_effect: 0, regressed: 0 };
  for (const i of improvements) if (i.outcome) counts[i.outcome] += 1;
  return counts;
}

function activityOf(activity: ReadonlyMap<string, WindowAggregate>) {
  let samples = 0;
  let errors = 0;
  let insights = 0;
  let cycles = 0;
  let inputTokens = 0;
  let outputTokens = 0;
  const responseTimes: number[] = [];
  const successRates: number[] = [];
  for (const aggregate of activity.values()) {
    const m = toWindowMetrics(aggregate);
    samples += m.samples;
    errors += m.error_count ?? 0;
    insights += m.insights_generated ?? 0;
    cycles += m.research_cycles ?? 0;
    inputTokens += m.input_tokens ?? 0;
    outputTokens += m.output_tokens ?? 0;
    if (m.response_time !== null) responseTimes.push(m.response_time);
    if (m.success_rate !== null) successRates.push(m.success_rate);
  }
  const mean = (v: number[]) => (v.length === 0 ? null : round(v.reduce((a, b) => a + b, 0) / v.length, 4));
  return {
    samples,
    reporting_agents: activity.size,
    errors,
    insights_generated: insights,
    research_cycles: cycles,
    input_tokens: inputTokens,
    output_tokens: outputTokens,
    avg_response_time: mean(responseTimes),
    avg_success_rate: mean(successRates),
  };
}

/** Open suggestions first (by priority), then agents that need a person now, then the host. */
function recommend(input: ReportInput): Recommendation[] {
  const recommendations: Recommendation[] = [];
  const pending = input.improvements
    .filter((i) => i.status === ImprovementStatus.pending && !i.problem_cleared_at)
    .sort((a, b) => PRIORITY_ORDER.indexOf(a.priority) - PRIORITY_ORDER.indexOf(b.priority) || b.confidence - a.confidence);
  for (const i of pending.slice(0, 5)) {
    recommendations.push({
      priority: i.priority,
      title: `Review: ${i.title}`,
      reason: `${i.description.split('. ')[0]} (confidence ${Math.round(i.confidence * 100)} %, seen ${i.occurrences}×)`,
      improvement_id: i.id,
    });
  }
  for (const agent of input.agents) {
    if (agent.health === AgentHealth.offline || agent.health === AgentHealth.failing) {
      recommendations.push({
        priority: agent.health === AgentHealth.failing ? Priority.critical : Priority.high,
        title: `${agent.health === AgentHealth.offline ? 'Restore' : 'Investigate'} ${agent.name}`,
        reason: `${agent.name} is ${agent.health}: ${agent.health_reason}`,
        improvement_id: null,
      });
    }
  }
  const s = input.snapshot;
  if (s?.system_cpu_usage != null && s.system_cpu_usage > 90) {
    recommendations.push({ priority: Priority.high, title: 'Relieve host CPU', reason: `host CPU at ${s.system_cpu_usage} %`, improvement_id: null });
  }
  if (s?.disk_used_percent != null && s.disk_used_percent > 90) {
    recommendations.push({
      priority: Priority.high,
      title: 'Free disk space for the data directory',
      reason: `the data directory's disk is ${s.disk_used_percent} % full`,
      improvement_id: null,
    });
  }
  return recommendations;
}

function diff(previous: SystemReport, current: SystemReport, improvements: readonly Improvement[]): ReportChanges {
  const before = new Map(previous.agents.map((a) => [a.name, a.health]));
  const since = Date.parse(previous.generated_at);
  const scoreBefore = previous.health.performance_score;
  const scoreNow = current.health.performance_score;
  return {
    previous_report_at: previous.generated_at,
    performance_score_change: scoreBefore !== null && scoreNow !== null ? round(scoreNow - scoreBefore, 1) : null,
    overall_health: { from: previous.health.overall, to: current.health.overall },
    agents_changed: current.agents
      .filter((a) => before.get(a.name) !== a.health)
      .map((a) => ({ name: a.name, from: before.get(a.name) ?? null, to: a.health })),
    new_agents: current.agents.filter((a) => !before.has(a.name)).map((a) => a.name),
    improvements_created: improvements.filter((i) => Date.parse(i.created_at) > since).map((i) => i.id),
    improvements_decided: improvements.filter((i) => i.decided_at !== null && Date.parse(i.decided_at) > since).map((i) => ({ id: i.id, status: i.status })),
  };
}
