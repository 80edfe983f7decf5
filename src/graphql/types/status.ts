import { ROLE_PERMISSIONS } from '../../auth/roles.js';
import type { EventLoopDelay, ProcessMemory } from '../../collectors/runtime.js';
import type { FleetCounts } from '../../domain/health.js';
import type { JobStatus } from '../../scheduler/scheduler.js';
import type { HealthReport, SystemStatus } from '../../services/status.js';
import type { DeliveryAttempt, DeliverySummary, StoreInfo } from '../../store/store.js';
import * as input from '../../inputs/query.js';
import { builder } from '../builder.js';
import { OverallHealthEnum } from '../enums.js';
import { SystemMetricsRef } from './system-metrics.js';

const SystemStatusRef = builder.objectRef<SystemStatus>('SystemStatus').implement({
  fields: (t) => ({
    metaAgentActive: t.exposeBoolean('meta_agent_active', { description: 'Whether the monitoring jobs are running.' }),
    totalImprovements: t.exposeInt('total_improvements'),
    pendingImprovements: t.exposeInt('pending_improvements'),
    approvedImprovements: t.exposeInt('approved_improvements'),
    inProgressImprovements: t.exposeInt('in_progress_improvements'),
    completedImprovements: t.exposeInt('completed_improvements'),
    rejectedImprovements: t.exposeInt('rejected_improvements'),
    failedImprovements: t.exposeInt('failed_improvements'),
    performanceScore: t.exposeFloat('performance_score', { nullable: true }),
    latestMetrics: t.expose('latest_metrics', { type: SystemMetricsRef, nullable: true }),
  }),
});

const ThresholdsRef = builder.objectRef<HealthReport['performance_thresholds']>('PerformanceThresholds').implement({
  fields: (t) => ({
    responseTime: t.exposeFloat('response_time', { description: 'Seconds.' }),
    successRate: t.exposeFloat('success_rate'),
    cpuUsage: t.exposeFloat('cpu_usage', { description: 'Percent.' }),
    memoryUsage: t.exposeFloat('memory_usage', { description: 'Percent.' }),
    errorRate: t.exposeFloat('error_rate'),
  }),
});

const IntervalsRef = builder.objectRef<HealthReport['monitoring_intervals']>('MonitoringIntervals').implement({
  description: 'Seconds between runs of each job.',
  fields: (t) => ({
    health: t.exposeInt('health'),
    analysis: t.exposeInt('analysis'),
    predictive: t.exposeInt('predictive'),
    reports: t.exposeInt('reports'),
    retention: t.exposeInt('retention'),
  }),
});

export const FleetCountsRef = builder.objectRef<FleetCounts>('FleetCounts').implement({
  fields: (t) => ({
    total: t.exposeInt('total'),
    healthy: t.exposeInt('healthy'),
    degraded: t.exposeInt('degraded'),
    failing: t.exposeInt('failing'),
    offline: t.exposeInt('offline'),
  }),
});

const DatabaseInfoRef = builder.objectRef<StoreInfo>('DatabaseInfo').implement({
  fields: (t) => ({
    engine: t.exposeString('engine'),
    path: t.exposeString('path'),
    schemaVersion: t.exposeInt('schema_version'),
    sizeBytes: t.exposeFloat('size_bytes'),
    walBytes: t.exposeFloat('wal_bytes'),
    journalMode: t.exposeString('journal_mode'),
    rows: t.expose('rows', { type: 'JSONObject', description: 'Rows per table, as of rowsCountedAt (counted on a background thread in the server)' }),
    rowsCountedAt: t.expose('rows_counted_at', { type: 'DateTime', nullable: true }),
  }),
});

const JobStatusRef = builder.objectRef<JobStatus>('JobStatus').implement({
  fields: (t) => ({
    name: t.exposeString('name'),
    intervalSeconds: t.exposeInt('interval_seconds'),
    running: t.exposeBoolean('running'),
    runs: t.exposeInt('runs'),
    failures: t.exposeInt('failures'),
    lastStartedAt: t.expose('last_started_at', { type: 'DateTime', nullable: true }),
    lastDurationMs: t.exposeFloat('last_duration_ms', { nullable: true }),
    lastOutcome: t.exposeString('last_outcome', { nullable: true }),
    lastError: t.exposeString('last_error', { nullable: true }),
    nextRunAt: t.expose('next_run_at', { type: 'DateTime', nullable: true }),
  }),
});

const DeliverySummaryRef = builder.objectRef<DeliverySummary>('DeliverySummary').implement({
  description: 'Deliveries to one webhook or notification channel over the last 24 h.',
  fields: (t) => ({
    target: t.exposeString('target'),
    kind: t.exposeString('kind'),
    delivered: t.exposeInt('delivered'),
    failed: t.exposeInt('failed'),
    lastError: t.exposeString('last_error', { nullable: true }),
    lastFailureAt: t.expose('last_failure_at', { type: 'DateTime', nullable: true }),
  }),
});

const DeliveryRef = builder.objectRef<DeliveryAttempt & { id: number }>('Delivery').implement({
  description: 'One attempt to deliver an assignment webhook or a notification.',
  fields: (t) => ({
    id: t.exposeInt('id'),
    kind: t.exposeString('kind'),
    target: t.exposeString('target'),
    subject: t.exposeString('subject'),
    attempt: t.exposeInt('attempt'),
    at: t.expose('at', { type: 'DateTime' }),
    ok: t.exposeBoolean('ok'),
    statusCode: t.exposeInt('status_code', { nullable: true }),
    error: t.exposeString('error', { nullable: true }),
    durationMs: t.exposeFloat('duration_ms'),
  }),
});

const EventLoopDelayRef = builder.objectRef<EventLoopDelay>('EventLoopDelay').implement({
  description: "How long this server's event loop was held up: a stall delays every request and tick.",
  fields: (t) => ({
    maxMsLastMinute: t.exposeFloat('max_ms_last_minute'),
    p99MsLastMinute: t.exposeFloat('p99_ms_last_minute', { description: 'The highest 99th percentile of the last six 10-second slices.' }),
    maxMsSinceStart: t.exposeFloat('max_ms_since_start'),
  }),
});

const ProcessMemoryRef = builder.objectRef<ProcessMemory>('ProcessMemory').implement({
  description: "This server's own memory, in MB.",
  fields: (t) => ({
    rssMb: t.exposeFloat('rss_mb'),
    heapUsedMb: t.exposeFloat('heap_used_mb'),
    heapTotalMb: t.exposeFloat('heap_total_mb'),
    externalMb: t.exposeFloat('external_mb'),
  }),
});

const ClusterInfoRef = builder.objectRef<HealthReport['cluster']>('ClusterInfo').implement({
  description: 'This replica, whether it runs the scheduled jobs, and what it stores and publishes through',
  fields: (t) => ({
    instanceId: t.exposeString('instance_id'),
    leader: t.exposeBoolean('leader', { description: 'This replica runs the scheduled jobs (one per cluster; a single SQLite process always)' }),
    leaderSince: t.expose('leader_since', { type: 'DateTime', nullable: true }),
    store: t.exposeString('store', { description: 'sqlite or postgres' }),
    pubsub: t.exposeString('pubsub', { description: 'memory (this process only) or redis (every replica)' }),
  }),
});

const HealthReportRef = builder.objectRef<HealthReport>('HealthReport').implement({
  fields: (t) => ({
    metaAgentActive: t.exposeBoolean('meta_agent_active'),
    overallHealth: t.expose('overall_health', { type: OverallHealthEnum }),
    performanceScore: t.exposeFloat('performance_score', { nullable: true }),
    performanceThresholds: t.expose('performance_thresholds', { type: ThresholdsRef }),
    monitoringIntervals: t.expose('monitoring_intervals', { type: IntervalsRef }),
    agents: t.expose('agents', { type: FleetCountsRef }),
    database: t.expose('database', { type: DatabaseInfoRef }),
    jobs: t.expose('jobs', { type: [JobStatusRef] }),
    deliveries: t.expose('deliveries', { type: [DeliverySummaryRef] }),
    startedAt: t.expose('started_at', { type: 'DateTime' }),
    uptimeSeconds: t.exposeInt('uptime_seconds'),
    eventLoop: t.expose('event_loop', { type: EventLoopDelayRef }),
    cluster: t.expose('cluster', { type: ClusterInfoRef }),
    memory: t.expose('memory', { type: ProcessMemoryRef }),
  }),
});

builder.queryFields((t) => ({
  status: t.field({
    authScopes: { read: true },
    type: SystemStatusRef,
    description: 'Improvement counts, the performance score and the latest snapshot.',
    resolve: (_, __, { services }) => services.status.status(),
  }),
  deliveries: t.field({
    authScopes: { read: true },
    type: [DeliveryRef],
    description: 'The delivery log (every attempt), newest first.',
    args: { hours: t.arg.float({ defaultValue: 24 }), limit: t.arg.int() },
    resolve: (_, args, { services, maxRows }) => services.status.deliveries({ hours: input.hours.parse(args.hours), limit: input.limit.parse(args.limit, maxRows) }),
  }),
  health: t.field({
    authScopes: { read: true },
    type: HealthReportRef,
    description: 'Overall health, thresholds, intervals, agent counts, database and jobs.',
    resolve: (_, __, { services }) => services.status.health(),
  }),
}));

const WhoamiRef = builder.objectRef<{ id: string; role: string; permissions: readonly string[] }>('Whoami').implement({
  description: 'Who the token belongs to, and what its role may do (the dashboard shows only what it may use).',
  fields: (t) => ({
    id: t.exposeString('id'),
    role: t.exposeString('role'),
    permissions: t.exposeStringList('permissions'),
  }),
});

builder.queryField('whoami', (t) =>
  t.field({
    authScopes: { read: true },
    type: WhoamiRef,
    resolve: (_, __, { principal }) => ({ id: principal!.id, role: principal!.role, permissions: ROLE_PERMISSIONS[principal!.role] }),
  }),
);
