import type { AnalysisResult } from './analysis.js';
import type { Actor, ServiceDeps } from './deps.js';

/** The part of the scheduler that control/start, control/stop and trigger-analysis drive. */
export interface MonitoringControl {
  start(): void;
  stop(): void;
  isActive(): boolean;
  /** The analysis job now, as the job (its status shows the run), after any run in progress. */
  runAnalysis(): Promise<AnalysisResult>;
}

export type ControlService = ReturnType<typeof createControlService>;

export function createControlService({ logger }: ServiceDeps, monitoring: MonitoringControl) {
  const log = logger.child({ module: 'control' });
  return {
    start(actor: Actor) {
      const was = monitoring.isActive();
      monitoring.start();
      log.info({ actor: actor.id, was_active: was }, 'monitoring start requested');
      return {
        message: was ? 'Meta agent monitoring is already running' : 'Meta agent monitoring started',
        active: monitoring.isActive(),
      };
    },
    /** The full analysis now, run as the analysis job so the job table shows it (and never overlaps it). */
    async runAnalysis(actor: Actor): Promise<AnalysisResult> {
      log.info({ actor: actor.id }, 'analysis requested');
      return monitoring.runAnalysis();
    },
    stop(actor: Actor) {
      const was = monitoring.isActive();
      monitoring.stop();
      log.info({ actor: actor.id, was_active: was }, 'monitoring stop requested');
      return {
        message: was ? 'Meta agent monitoring stopped' : 'Meta agent monitoring is already stopped',
        active: monitoring.isActive(),
      };
    },
  };
}
