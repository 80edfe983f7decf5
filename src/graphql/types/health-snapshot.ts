import type { HealthSnapshot } from '../../domain/snapshot.js';
import type { AgentStatusChange } from '../../events/topics.js';
import { builder } from '../builder.js';
import { AgentHealthEnum, OverallHealthEnum } from '../enums.js';
import { AgentRef } from './agents.js';
import { FleetCountsRef } from './status.js';

const HealthSnapshotRef = builder.objectRef<HealthSnapshot>('HealthSnapshot').implement({
  description: "One health tick: the fleet over the recent window, the host, and the tick's own cost.",
  fields: (t) => ({
    timestamp: t.expose('timestamp', { type: 'DateTime' }),
    overallHealth: t.expose('overall_health', { type: OverallHealthEnum }),
    performanceScore: t.exposeFloat('performance_score', { nullable: true }),
    agents: t.expose('agents', { type: FleetCountsRef }),
    avgResponseTime: t.exposeFloat('avg_response_time', { nullable: true }),
    avgSuccessRate: t.exposeFloat('avg_success_rate', { nullable: true }),
    totalErrors: t.exposeInt('total_errors'),
    totalInsights: t.exposeInt('total_insights'),
    researchCyclesCompleted: t.exposeInt('research_cycles_completed'),
    systemCpuUsage: t.exposeFloat('system_cpu_usage', { nullable: true }),
    systemMemoryUsage: t.exposeFloat('system_memory_usage', { nullable: true }),
    loadAverage: t.exposeFloat('load_average', { nullable: true }),
    diskUsedPercent: t.exposeFloat('disk_used_percent', { nullable: true }),
    windowSeconds: t.exposeInt('window_seconds'),
    tickMs: t.exposeFloat('tick_ms', { nullable: true }),
    eventLoopMaxDelayMs: t.exposeFloat('event_loop_max_delay_ms', { nullable: true }),
  }),
});

const AgentStatusChangeRef = builder.objectRef<AgentStatusChange>('AgentStatusChange').implement({
  fields: (t) => ({
    at: t.expose('at', { type: 'DateTime' }),
    agent: t.expose('agent', { type: AgentRef }),
    previousHealth: t.expose('previous_health', { type: AgentHealthEnum, nullable: true }),
  }),
});

builder.queryField('healthSnapshot', (t) =>
  t.field({
    authScopes: { read: true },
    type: HealthSnapshotRef,
    nullable: true,
    description: 'The latest health snapshot; null before the first tick.',
    resolve: (_, __, { services }) => services.health.current(),
  }),
);

builder.subscriptionFields((t) => ({
  healthSnapshot: t.field({
    authScopes: { read: true },
    type: HealthSnapshotRef,
    description: "Each health tick's snapshot; the latest one arrives at once on subscribing.",
    subscribe: (_, __, { services }) => services.health.snapshots(),
    resolve: (snapshot) => snapshot,
  }),
  agentStatus: t.field({
    authScopes: { read: true },
    type: AgentStatusChangeRef,
    description: "Each tick's status of one agent (or of every agent); with changesOnly, only health changes.",
    args: { agentName: t.arg.string(), changesOnly: t.arg.boolean({ defaultValue: false }) },
    subscribe: (_, { agentName, changesOnly }, { services }) =>
      services.events.agentStatus(agentName ?? undefined, changesOnly ?? false),
    resolve: (change) => change,
  }),
}));
