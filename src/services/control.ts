import { toIso } from '../clock.js';
import type { AnalysisResult } from './analysis.js';
import type { Actor, ServiceDeps } from './deps.js';

/** The part of the scheduler that control/start, control/stop and trigger-analysis drive. */
export interface MonitoringControl {
  /** Starts or stops the scheduler to match the stored switch (cluster/monitoring-switch.ts). */
  applySwitch(): Promise<void>;
  isActive(): boolean;
  /** The analysis job now, as the job (its status shows the run), after any run in progress. */
  runAnalysis(): Promise<AnalysisResult>;
}

export type ControlService = ReturnType<typeof createControlService>;

/**
 * control/start and control/stop set the monitoring switch in the store, so it holds for every
 * replica (each follows it: cluster/monitoring-switch.ts) and across restarts, then apply it here
 * at once, in turn with this replica's own reads of it.
 */
export function createControlService({ logger, store, clock }: ServiceDeps, monitoring: MonitoringControl) {
  const log = logger.child({ module: 'control' });

  async function turn(active: boolean, actor: Actor) {
    const was = monitoring.isActive();
    await store.monitoring.set({ active, changed_at: toIso(clock.now()), changed_by: actor.id });
    await monitoring.applySwitch();
    log.info({ actor: actor.id, was_active: was }, `monitoring ${active ? 'start' : 'stop'} requested`);
    return { was, active: monitoring.isActive() };
  }

  return {
    async start(actor: Actor) {
      const { was, active } = await turn(true, actor);
      return { message: was ? 'Meta agent monitoring is already running' : 'Meta agent monitoring started', active };
    },
    async stop(actor: Actor) {
      const { was, active } = await turn(false, actor);
      return { message: was ? 'Meta agent monitoring stopped' : 'Meta agent monitoring is already stopped', active };
    },
    /** The full analysis now, run as the analysis job so the job table shows it (and never overlaps it). */
    async runAnalysis(actor: Actor): Promise<AnalysisResult> {
      log.info({ actor: actor.id }, 'analysis requested');
      return monitoring.runAnalysis();
    },
  };
}
