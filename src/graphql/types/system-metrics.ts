import type { SystemMetrics } from '../../domain/system-metrics.js';
import { builder } from '../builder.js';

export const SystemMetricsRef = builder.objectRef<SystemMetrics>('SystemMetrics').implement({
  description: 'A fleet-wide health snapshot over the recent window. Averages are null when nothing reported them.',
  fields: (t) => ({
    id: t.int({ resolve: (m) => m.id ?? 0 }),
    timestamp: t.expose('timestamp', { type: 'DateTime' }),
    totalAgents: t.exposeInt('total_agents'),
    activeAgents: t.exposeInt('active_agents', { description: 'Agents not offline.' }),
    failedAgents: t.exposeInt('failed_agents', { description: 'Agents whose health is failing.' }),
    degradedAgents: t.exposeInt('degraded_agents'),
    offlineAgents: t.exposeInt('offline_agents'),
    avgResponseTime: t.exposeFloat('avg_response_time', { nullable: true, description: 'Seconds.' }),
    avgSuccessRate: t.exposeFloat('avg_success_rate', { nullable: true, description: '0..1.' }),
    systemCpuUsage: t.exposeFloat('system_cpu_usage', { nullable: true, description: 'Host CPU, percent.' }),
    systemMemoryUsage: t.exposeFloat('system_memory_usage', { nullable: true, description: 'Host memory, percent.' }),
    totalErrors: t.exposeInt('total_errors', { description: 'Errors reported in the window.' }),
    totalInsights: t.exposeInt('total_insights'),
    researchCyclesCompleted: t.exposeInt('research_cycles_completed'),
    performanceScore: t.exposeFloat('performance_score', { nullable: true, description: '0–100; see the README.' }),
    windowSeconds: t.exposeInt('window_seconds'),
  }),
});

builder.queryField('metrics', (t) =>
  t.field({
    type: [SystemMetricsRef],
    description: 'Health snapshots of the last `hours` (0 < hours ≤ 8760), newest first.',
    args: { hours: t.arg.float({ defaultValue: 24 }), limit: t.arg.int() },
    resolve: async (_, args, { services }) => (await services.metrics.systemMetrics(args)).rows,
  }),
);
