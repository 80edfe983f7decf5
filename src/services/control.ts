import type { Actor, ServiceDeps } from './deps.js';

/** The part of the scheduler that control/start and control/stop drive. */
export interface MonitoringControl {
  start(): void;
  stop(): void;
  isActive(): boolean;
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
