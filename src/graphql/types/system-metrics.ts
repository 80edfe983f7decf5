import type { SystemMetricsPoint } from '../../services/metrics.js';
import * as input from '../../inputs/query.js';
import { builder } from '../builder.js';
import { ResolutionEnum } from '../enums.js';

export const SystemMetricsRef = builder.objectRef<SystemMetricsPoint>('SystemMetrics').implement({
  description:
    'A fleet-wide health snapshot over the recent window, or (at 5m/1h resolution) the mean of the snapshots in a bucket. Averages are null when nothing reported them.',
  fields: (t) => ({
    id: t.int({ nullable: true, description: 'Null for a rollup bucket.', resolve: (m) => m.id ?? null }),
    samples: t.int({ description: 'Snapshots the row stands for.', resolve: (m) => ('samples' in m ? m.samples : 1) }),
    timestamp: t.expose('timestamp', { type: 'DateTime' }),
    // Floats: a rollup bucket holds the mean count over its snapshots.
    totalAgents: t.exposeFloat('total_agents'),
    activeAgents: t.exposeFloat('active_agents', { description: 'Agents not offline.' }),
    failedAgents: t.exposeFloat('failed_agents', { description: 'Agents whose health is failing.' }),
    degradedAgents: t.exposeFloat('degraded_agents'),
    offlineAgents: t.exposeFloat('offline_agents'),
    avgResponseTime: t.exposeFloat('avg_response_time', { nullable: true, description: 'Seconds.' }),
    avgSuccessRate: t.exposeFloat('avg_success_rate', { nullable: true, description: '0..1.' }),
    systemCpuUsage: t.exposeFloat('system_cpu_usage', { nullable: true, description: 'Host CPU, percent.' }),
    systemMemoryUsage: t.exposeFloat('system_memory_usage', { nullable: true, description: 'Host memory, percent.' }),
    totalErrors: t.exposeFloat('total_errors', { description: 'Errors reported in the window.' }),
    totalInsights: t.exposeFloat('total_insights'),
    researchCyclesCompleted: t.exposeFloat('research_cycles_completed'),
    performanceScore: t.exposeFloat('performance_score', { nullable: true, description: '0–100; see the README.' }),
    windowSeconds: t.exposeInt('window_seconds', { description: 'The snapshot window, or the bucket size of a rollup row.' }),
    loadAverage: t.exposeFloat('load_average', { nullable: true }),
    diskUsedPercent: t.exposeFloat('disk_used_percent', { nullable: true }),
  }),
});

builder.queryField('metrics', (t) =>
  t.field({
    authScopes: { read: true },
    type: [SystemMetricsRef],
    description: 'Health snapshots of the last `hours` (0 < hours ≤ 8760), newest first.',
    args: {
      hours: t.arg.float({ defaultValue: 24 }),
      limit: t.arg.int(),
      resolution: t.arg({ type: ResolutionEnum, defaultValue: 'auto' }),
    },
    resolve: async (_, args, { services, maxRows }) =>
      (
        await services.metrics.systemMetrics({
          hours: input.hours.parse(args.hours),
          limit: input.limit.parse(args.limit, maxRows),
          resolution: input.resolution.parse(args.resolution),
        })
      ).rows,
  }),
);
