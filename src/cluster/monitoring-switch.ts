import type { Logger } from '../logger.js';
import type { MonitoringSwitchRepo } from '../store/store.js';

export interface SwitchedScheduler {
  start(): void;
  stop(): void;
  isActive(): boolean;
}

export interface MonitoringSwitchFollower {
  /** Reads the switch and starts or stops the scheduler to match (never set: starts it). */
  apply(): Promise<void>;
  stop(): void;
}

/**
 * Keeps this replica's scheduler on the switch every replica shares: control/stop on any replica
 * stops the jobs everywhere, the leader's included, within one interval (and a failover does not
 * undo it); a replica that starts while the switch is off stays off until control/start.
 */
export function followMonitoringSwitch(repo: MonitoringSwitchRepo, scheduler: SwitchedScheduler, logger: Logger, intervalMs: number): MonitoringSwitchFollower {
  const log = logger.child({ module: 'control' });
  let unreadable = false;

  async function apply(): Promise<void> {
    const stored = await repo.get();
    const active = stored?.active ?? true;
    if (active === scheduler.isActive()) return;
    if (active) scheduler.start();
    else scheduler.stop();
    if (stored) log.info({ changed_by: stored.changed_by, changed_at: stored.changed_at }, `monitoring ${active ? 'started' : 'stopped'} by the shared switch`);
  }

  const timer = setInterval(() => {
    apply().then(
      () => (unreadable = false),
      (error: Error) => {
        if (!unreadable) log.warn({ error: error.message }, 'the monitoring switch could not be read; monitoring stays as it is');
        unreadable = true;
      },
    );
  }, intervalMs);
  timer.unref();
  return { apply, stop: () => clearInterval(timer) };
}
