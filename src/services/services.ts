import type { AnalysisRunner } from '../analysis/runner.js';
import type { Deliverer } from '../coordination/deliverer.js';
import { createLifecycle } from '../coordination/lifecycle.js';
import { createAgentService } from './agents.js';
import { createAnalysisService } from './analysis.js';
import { createControlService, type MonitoringControl } from './control.js';
import type { ServiceDeps } from './deps.js';
import { createEventService } from './events.js';
import { createFindingService } from './findings.js';
import { createHealthTickService, type Collectors } from './health-tick.js';
import { createOtlpService } from './otlp.js';
import type { OtlpPipeline } from '../otlp/pipeline.js';
import { createPrometheusService } from './prometheus.js';
import { createImprovementService } from './improvements.js';
import { createIngestService } from './ingest.js';
import { createMetricsService } from './metrics.js';
import { createNotifierService } from './notifier.js';
import { createPerformanceAnalyst } from './performance-analyst.js';
import { createReportWriterService } from './report-writer.js';
import { createReportService } from './reports.js';
import { createRetentionService } from './retention.js';
import { createStatusService, type MonitoringView } from './status.js';
import { createVerificationService } from './verification.js';
import { createWatchState } from './watch.js';
import { createWorkService } from './work.js';
import { createSilenceService } from './silences.js';
import { createAgentEventService } from './agent-events.js';
import { createPolicyService } from './policies.js';
import { createMaintenanceWindowService } from './maintenance-windows.js';

export type Monitoring = MonitoringControl & MonitoringView;

/** The use-cases every edge (GraphQL, REST, jobs) calls; nothing else reaches the store. */
export interface Engines {
  collectors: Collectors;
  analysisRunner: AnalysisRunner;
  deliverer: Deliverer;
  otlpPipeline: OtlpPipeline;
}

export function createServices(deps: ServiceDeps, monitoring: Monitoring, { collectors, analysisRunner, deliverer, otlpPipeline }: Engines) {
  const watch = createWatchState();
  const agents = createAgentService(deps, watch);
  const lifecycle = createLifecycle(deps, { deliverer, analyst: createPerformanceAnalyst(deps), statuses: agents.statuses });
  const work = createWorkService(deps, lifecycle);
  const improvements = createImprovementService(deps, lifecycle);
  const health = createHealthTickService(deps, agents, collectors, watch);
  const reports = createReportService(deps);
  const status = createStatusService(deps, agents, monitoring, collectors.runtime);
  const ingest = createIngestService(deps);
  const otlp = createOtlpService(deps, ingest, otlpPipeline);
  const silences = createSilenceService(deps);
  const policies = createPolicyService(deps, lifecycle);
  return {
    policies,
    silences,
    agentEvents: createAgentEventService(deps, silences),
    maintenanceWindows: createMaintenanceWindowService(deps, silences),
    ingest,
    otlp,
    agents,
    metrics: createMetricsService(deps),
    improvements,
    reports,
    health,
    reportWriter: createReportWriterService(deps, { agents, health, reports, status }),
    retention: createRetentionService(deps),
    findings: createFindingService(deps),
    analysis: createAnalysisService(deps, lifecycle, analysisRunner, { silences, policies }),
    status,
    control: createControlService(deps, monitoring),
    events: createEventService(deps),
    work,
    verification: createVerificationService(deps, lifecycle),
    notifier: createNotifierService(deps, deliverer, silences),
    prometheus: createPrometheusService(deps, { agents, health, monitoring, otlp }),
  };
}

export type Services = ReturnType<typeof createServices>;
