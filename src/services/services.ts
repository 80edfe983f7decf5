import type { AnalysisRunner } from '../analysis/runner.js';
import { createAgentService } from './agents.js';
import { createAnalysisService } from './analysis.js';
import { createControlService, type MonitoringControl } from './control.js';
import type { ServiceDeps } from './deps.js';
import { createEventService } from './events.js';
import { createFindingService } from './findings.js';
import { createHealthTickService, type Collectors } from './health-tick.js';
import { createImprovementService } from './improvements.js';
import { createIngestService } from './ingest.js';
import { createMetricsService } from './metrics.js';
import { createReportWriterService } from './report-writer.js';
import { createReportService } from './reports.js';
import { createRetentionService } from './retention.js';
import { createStatusService, type MonitoringView } from './status.js';

export type Monitoring = MonitoringControl & MonitoringView;

/** The use-cases every edge (GraphQL, REST, jobs) calls; nothing else reaches the store. */
export function createServices(deps: ServiceDeps, monitoring: Monitoring, collectors: Collectors, analysisRunner: AnalysisRunner) {
  const agents = createAgentService(deps);
  const improvements = createImprovementService(deps);
  const health = createHealthTickService(deps, agents, collectors);
  const reports = createReportService(deps);
  const status = createStatusService(deps, agents, monitoring);
  return {
    ingest: createIngestService(deps),
    agents,
    metrics: createMetricsService(deps),
    improvements,
    reports,
    health,
    reportWriter: createReportWriterService(deps, { agents, health, reports, status }),
    retention: createRetentionService(deps),
    findings: createFindingService(deps),
    analysis: createAnalysisService(deps, improvements, analysisRunner),
    status,
    control: createControlService(deps, monitoring),
    events: createEventService(deps),
  };
}

export type Services = ReturnType<typeof createServices>;
