import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import { toIso } from '../clock.js';
import { AgentHealth, ImprovementStatus } from '../domain/enums.js';
import type { AgentService } from './agents.js';
import type { ServiceDeps } from './deps.js';
import type { HealthTickService } from './health-tick.js';
import type { MonitoringView } from './status.js';
import type { OtlpService } from './otlp.js';

const MEBIBYTE = 1024 * 1024;

export type PrometheusService = ReturnType<typeof createPrometheusService>;

/**
 * GET /metrics: the fleet in the Prometheus text format. Every value is read from the store at
 * scrape time (one read per scrape, shared by every series), so each replica of a cluster serves
 * the same fleet values; only the process metrics, the job table and `meta_agent_leader` are
 * the answering replica's own. Names follow the conventions: base units (seconds, bytes, ratios)
 * in the name, `_total` for counters, labels only of bounded cardinality (agent, state, status,
 * kind, severity, job).
 */
export function createPrometheusService({ store, config, clock }: ServiceDeps, parts: { agents: AgentService; health: HealthTickService; monitoring: MonitoringView; otlp: Pick<OtlpService, 'counts'> }) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  // prom-client also names three gauges "_total", which the conventions keep for counters
  // (promtool says so); nodejs_active_resources, by type, says the same.
  for (const name of ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total']) registry.removeSingleMetric(name);
  const registers = [registry];
  const gauge = (name: string, help: string, labelNames: string[] = []) => new Gauge({ name, help, labelNames, registers });
  const counter = (name: string, help: string, labelNames: string[]) => new Counter({ name, help, labelNames, registers });

  const agent = {
    health: gauge('meta_agent_agent_health', 'Whether the agent is in this health state (1) or not (0), over the health window.', ['agent', 'state']),
    responseTime: gauge('meta_agent_agent_response_time_seconds', 'Mean response time over the health window.', ['agent']),
    success: gauge('meta_agent_agent_success_ratio', 'Mean success rate over the health window (0..1).', ['agent']),
    errors: gauge('meta_agent_agent_error_ratio', 'Errors per request over the health window, else 1 - success rate (0..1).', ['agent']),
    cpu: gauge('meta_agent_agent_cpu_usage_cores', 'Mean CPU over the health window, in cores (1 = one core fully busy).', ['agent']),
    memory: gauge('meta_agent_agent_memory_usage_bytes', 'Mean resident memory over the health window.', ['agent']),
    lastSeen: gauge('meta_agent_agent_seconds_since_last_seen', 'Seconds since the last sample or successful check.', ['agent']),
    inputTokens: counter('meta_agent_agent_input_tokens_total', 'LLM input (prompt) tokens the agent reported, since it registered.', ['agent']),
    outputTokens: counter('meta_agent_agent_output_tokens_total', 'LLM output (completion) tokens the agent reported, since it registered.', ['agent']),
  };
  const fleet = {
    score: gauge('meta_agent_performance_score', 'Fleet performance score of the latest health snapshot (0..100).'),
    agents: gauge('meta_agent_agents', 'Registered agents by health.', ['health']),
    improvements: gauge('meta_agent_improvements', 'Improvement suggestions by status.', ['status']),
    findings: gauge('meta_agent_findings_active', 'Findings still going on, seen by the analysis within its last two intervals, by kind and severity.', ['kind', 'severity']),
  };
  const jobs = {
    duration: gauge('meta_agent_job_last_duration_seconds', "Duration of the job's last run on this replica.", ['job']),
    success: gauge('meta_agent_job_last_success', "Whether the job's last run on this replica succeeded (1) or failed (0).", ['job']),
    runs: counter('meta_agent_job_runs_total', 'Runs of the job on this replica since it started.', ['job']),
    failures: counter('meta_agent_job_failures_total', 'Failed runs of the job on this replica since it started.', ['job']),
    leader: gauge('meta_agent_leader', 'Whether this replica runs the scheduled jobs (1) or stands by (0).'),
  };
  const receiver = {
    otlpPoints: counter('meta_agent_otlp_data_points_total', 'OpenTelemetry data points received on this replica since it started: stored, rejected (told to the sender), or ignored (metrics without a mapping).', ['outcome']),
  };
  const everySeries = [...Object.values(agent), ...Object.values(fleet), ...Object.values(jobs), ...Object.values(receiver)];

  async function read() {
    const now = clock.now();
    const [statuses, snapshot, byStatus, findings] = await Promise.all([
      parts.agents.statuses(),
      parts.health.current(),
      store.improvements.countByStatus(),
      store.findings.list({ sinceIso: toIso(now - 2 * config.intervals.analysis * 1000), limit: config.limits.maxRowsPerQuery }),
    ]);
    return { now, statuses, snapshot, byStatus, findings };
  }

  function fill({ now, statuses, snapshot, byStatus, findings }: Awaited<ReturnType<typeof read>>): void {
    for (const series of everySeries) series.reset();
    const counts = Object.fromEntries(Object.values(AgentHealth).map((h) => [h, 0])) as Record<AgentHealth, number>;
    for (const a of statuses) {
      const labels = { agent: a.name };
      counts[a.health] += 1;
      for (const state of Object.values(AgentHealth)) agent.health.set({ ...labels, state }, a.health === state ? 1 : 0);
      const m = a.metrics;
      if (m.response_time !== null) agent.responseTime.set(labels, m.response_time);
      if (m.success_rate !== null) agent.success.set(labels, m.success_rate);
      if (m.error_rate !== null) agent.errors.set(labels, m.error_rate);
      if (m.cpu_usage !== null) agent.cpu.set(labels, m.cpu_usage / 100);
      if (m.memory_usage !== null) agent.memory.set(labels, m.memory_usage * MEBIBYTE);
      if (a.sample_count > 0) agent.lastSeen.set(labels, Math.max(0, (now - Date.parse(a.last_seen)) / 1000));
      agent.inputTokens.inc(labels, a.input_tokens_total);
      agent.outputTokens.inc(labels, a.output_tokens_total);
    }
    for (const [health, n] of Object.entries(counts)) fleet.agents.set({ health }, n);
    for (const status of Object.values(ImprovementStatus)) fleet.improvements.set({ status }, byStatus[status] ?? 0);
    if (snapshot?.performance_score !== null && snapshot?.performance_score !== undefined) fleet.score.set(snapshot.performance_score);
    for (const f of findings) if ((f.details as { active?: boolean }).active) fleet.findings.inc({ kind: f.kind, severity: f.severity });
    for (const job of parts.monitoring.jobs()) {
      const labels = { job: job.name };
      jobs.runs.inc(labels, job.runs);
      jobs.failures.inc(labels, job.failures);
      if (job.last_duration_ms !== null) jobs.duration.set(labels, job.last_duration_ms / 1000);
      if (job.last_outcome !== null) jobs.success.set(labels, job.last_outcome === 'success' ? 1 : 0);
    }
    jobs.leader.set(parts.monitoring.cluster().leader ? 1 : 0);
    for (const [outcome, n] of Object.entries(parts.otlp.counts())) receiver.otlpPoints.inc({ outcome }, n);
  }

  // One scrape at a time: a second one waits, so two never mix their values in one registry.
  let last: Promise<unknown> = Promise.resolve();
  return {
    contentType: registry.contentType,
    render(): Promise<string> {
      const next = last.then(async () => {
        fill(await read());
        return registry.metrics();
      });
      last = next.catch(() => undefined);
      return next;
    },
  };
}
