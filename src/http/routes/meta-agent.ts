import { Permission } from '../../auth/roles.js';
import { badRequest } from '../../errors.js';
import { bodyFields } from './body-fields.js';
import type { Route } from '../router.js';
import * as input from '../../inputs/query.js';

const REASON_BODY = { required: false, description: 'Optional {"reason": "…"}.', example: { reason: 'Fits this sprint' } };

export const metaAgentRoutes: Route[] = [
  {
    method: 'GET',
    path: '/api/meta-agent/status',
    permission: Permission.read,
    summary: 'Whether monitoring runs, improvement counts, the performance score and the latest snapshot.',
    returns:
      'data: {meta_agent_active, total_improvements, pending_improvements, approved_improvements, in_progress_improvements, completed_improvements, rejected_improvements, failed_improvements, performance_score, latest_metrics}',
    async handle({ services }) {
      return { data: await services.status.status() };
    },
  },
  {
    method: 'GET',
    path: '/api/meta-agent/health',
    permission: Permission.read,
    summary: 'Overall health, thresholds, monitoring intervals, agent counts by health, database info and the last run of each job.',
    returns:
      'data: {meta_agent_active, overall_health, performance_score, performance_thresholds, monitoring_intervals, agents, database, jobs, started_at, uptime_seconds}',
    async handle({ services }) {
      return { data: await services.status.health() };
    },
  },
  {
    method: 'GET',
    path: '/api/meta-agent/metrics',
    permission: Permission.read,
    summary: 'System metrics snapshots of the last `hours`, newest first; long ranges from rollups.',
    query: [input.hours, input.limit, input.resolution],
    returns: 'data: [snapshot], count, time_period_hours, resolution',
    async handle({ services, query, maxRows }) {
      const { rows, hours, resolution } = await services.metrics.systemMetrics({
        hours: input.hours.parse(query.hours),
        limit: input.limit.parse(query.limit, maxRows),
        resolution: input.resolution.parse(query.resolution),
      });
      return { data: rows, count: rows.length, time_period_hours: hours, resolution };
    },
  },
  {
    method: 'GET',
    path: '/api/meta-agent/improvements',
    permission: Permission.read,
    summary: 'Improvement suggestions, newest first, optionally by status.',
    query: [input.improvementStatus],
    returns: 'data: [improvement], count, filtered_by_status',
    async handle({ services, query }) {
      const status = input.improvementStatus.parse(query.status);
      const rows = await services.improvements.list(status);
      return { data: rows, count: rows.length, filtered_by_status: status ?? null };
    },
  },
  {
    method: 'GET',
    path: '/api/meta-agent/improvements/{id}',
    permission: Permission.read,
    summary: 'One improvement with its history (every status change: who, when, from, to, why) and the approvals toward its quorum.',
    returns: 'data: improvement with history, approvals_required, approvals: [{actor, at, reason}]',
    async handle({ services, params }) {
      const improvement = await services.improvements.get(params.id!);
      const [history, approvals] = await Promise.all([services.improvements.history(improvement.id), services.improvements.approvals(improvement)]);
      return { data: { ...improvement, history, approvals_required: services.improvements.approvalsRequired(improvement), approvals } };
    },
  },
  {
    method: 'POST',
    path: '/api/meta-agent/improvements/{id}/approve',
    permission: Permission.operate,
    summary: 'Approve a pending improvement. 404 for an unknown id; 409 naming the current status when it is not pending.',
    query: [input.reason],
    body: REASON_BODY,
    returns: 'message, improvement_id, data: improvement',
    async handle({ services, params, actor, query, body }) {
      const decision = await services.improvements.approve(params.id!, actor, await reasonOf(body, query));
      return { message: decision.message, improvement_id: decision.improvement.id, data: decision.improvement };
    },
  },
  {
    method: 'POST',
    path: '/api/meta-agent/improvements/{id}/reject',
    permission: Permission.operate,
    summary: 'Reject a pending improvement; the reason is stored with who decided and when.',
    query: [input.reason],
    body: REASON_BODY,
    returns: 'message, improvement_id, reason, data: improvement',
    async handle({ services, params, actor, query, body }) {
      const decision = await services.improvements.reject(params.id!, actor, await reasonOf(body, query));
      return {
        message: decision.message,
        improvement_id: decision.improvement.id,
        reason: decision.reason,
        data: decision.improvement,
      };
    },
  },
  {
    method: 'GET',
    path: '/api/meta-agent/policies',
    permission: Permission.read,
    summary: 'The approval policies in force: autoApprove rules (approved as policy:<name>, rate-limited per agent per day) and requireApprovals (approvals from different operators per priority).',
    returns: 'data: {autoApprove, requireApprovals}',
    async handle({ services }) {
      return { data: services.policies.view() };
    },
  },
  {
    method: 'GET',
    path: '/api/meta-agent/agent-performance',
    permission: Permission.read,
    summary: 'Agent samples of the last `hours`, newest first, for one agent or all; long ranges from rollups.',
    query: [input.agentNameFilter, input.hours, input.limit, input.resolution],
    returns: 'data: [sample], count, filtered_by_agent, time_period_hours, resolution',
    async handle({ services, query, maxRows }) {
      const { rows, hours, agentName, resolution } = await services.metrics.agentPerformance({
        agentName: input.agentNameFilter.parse(query.agent_name),
        hours: input.hours.parse(query.hours),
        limit: input.limit.parse(query.limit, maxRows),
        resolution: input.resolution.parse(query.resolution),
      });
      return { data: rows, count: rows.length, filtered_by_agent: agentName ?? null, time_period_hours: hours, resolution };
    },
  },
  {
    method: 'GET',
    path: '/api/meta-agent/version-changes',
    permission: Permission.read,
    summary: 'Versions agents began running in the last `hours` (from the samples\' `version`), oldest first; `from` is null for the first version seen.',
    query: [input.agentNameFilter, input.hours, input.limit],
    returns: 'data: [{agent_name, at, from, to}], count, filtered_by_agent, time_period_hours',
    async handle({ services, query, maxRows }) {
      const { rows, hours, agentName } = await services.metrics.versionChanges({
        agentName: input.agentNameFilter.parse(query.agent_name),
        hours: input.hours.parse(query.hours),
        limit: input.limit.parse(query.limit, maxRows),
      });
      return { data: rows, count: rows.length, filtered_by_agent: agentName ?? null, time_period_hours: hours };
    },
  },
  {
    method: 'GET',
    path: '/api/meta-agent/reports',
    permission: Permission.read,
    summary: 'Report files, newest first.',
    returns: 'data: [{filename, timestamp, performance_score, active_agents, failed_agents}], count',
    async handle({ services }) {
      const reports = await services.reports.list();
      return { data: reports, count: reports.length };
    },
  },
  {
    method: 'GET',
    path: '/api/meta-agent/reports/{filename}',
    permission: Permission.read,
    summary: 'One report. Only names of the form system_report_YYYYMMDD_HHMMSS.json are valid.',
    returns: 'data: report, filename',
    async handle({ services, params }) {
      return { data: await services.reports.get(params.filename!), filename: params.filename };
    },
  },
  {
    method: 'POST',
    path: '/api/meta-agent/trigger-analysis',
    permission: Permission.operate,
    summary: 'Run the full analysis now; answers when done with the findings and the improvements created, updated and cleared.',
    returns: 'data: {started_at, duration_ms, findings, improvements_created, improvements_updated, improvements_cleared}, timestamp',
    async handle({ services, actor }) {
      const result = await services.control.runAnalysis(actor);
      return { data: result, timestamp: result.started_at };
    },
  },
  {
    method: 'POST',
    path: '/api/meta-agent/control/start',
    permission: Permission.operate,
    summary: 'Start the monitoring jobs.',
    returns: 'message, data: {meta_agent_active}',
    async handle({ services, actor }) {
      const { message, active } = await services.control.start(actor);
      return { message, data: { meta_agent_active: active } };
    },
  },
  {
    method: 'POST',
    path: '/api/meta-agent/control/stop',
    permission: Permission.operate,
    summary: 'Stop the monitoring jobs; the API keeps answering and ingesting.',
    returns: 'message, data: {meta_agent_active}',
    async handle({ services, actor }) {
      const { message, active } = await services.control.stop(actor);
      return { message, data: { meta_agent_active: active } };
    },
  },
  {
    method: 'GET',
    path: '/api/meta-agent/findings',
    permission: Permission.read,
    summary: 'Findings of the analysis whose span ended in the last `hours`, newest first.',
    query: [input.findingKind, input.agentNameFilter, input.metricFilter, input.hours, input.limit],
    returns: 'data: [finding], count',
    async handle({ services, query, maxRows }) {
      const findings = await services.findings.list({
        kind: input.findingKind.parse(query.kind),
        agentName: input.agentNameFilter.parse(query.agent_name),
        metric: input.metricFilter.parse(query.metric),
        hours: input.hours.parse(query.hours),
        limit: input.limit.parse(query.limit, maxRows),
      });
      return { data: findings, count: findings.length };
    },
  },
];

/** The reason from ?reason= or the JSON body {"reason"}, but not both. */
async function reasonOf(body: () => Promise<unknown>, query: Record<string, string>): Promise<string | null> {
  const { reason } = await bodyFields(body, ['reason']);
  if (reason !== undefined && query.reason !== undefined) throw badRequest('Give the reason once: in ?reason= or in the body, not both');
  return input.reason.parse(reason ?? query.reason);
}
