import type { Logger } from '../logger.js';
import type { MonitoringSwitchRepo } from '../store/store.js';

export interface SwitchedScheduler {
  start(): void;
  stop(): void;
  isActive(): boolean;
}

export interface MonitoringSwitchFollower {
  /**
   * Reads the switch and starts or stops the scheduler to match (never set: starts it). Calls
   * run one after another, each on a fresh read, so a slow read can never undo a later change.
   */
  apply(): Promise<void>;
  /** Reads the switch every `intervalMs` from now on: changes made on other replicas. */
  poll(intervalMs: number): void;
  /** Stops polling and waits for an apply under way; later applies do nothing. */
  stop(): Promise<void>;
}

/**
 * Keeps this replica's scheduler on the switch every replica shares: control/stop on any replica
 * stops the jobs everywhere, the leader's included, within one interval (and a failover does not
 * undo it); a replica that starts while the switch is off stays off until control/start. Every
 * start and stop of the scheduler by the switch goes through `apply`.
 */
export function followMonitoringSwitch(repo: MonitoringSwitchRepo, scheduler: SwitchedScheduler, logger: Logger): MonitoringSwitchFollower {
  const log = logger.child({ module: 'control' });
  let unreadable = false;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let polling = false;
  let chain: Promise<void> = Promise.resolve();

  async function applyNow(): Promise<void> {
    if (stopped) return;
    const stored = await repo.get();
    if (stopped) return;
    const active = stored?.active ?? true;
    if (active === scheduler.isActive()) return;
    if (active) scheduler.start();
    else scheduler.stop();
    if (stored) log.info({ changed_by: stored.changed_by, changed_at: stored.changed_at }, `monitoring ${active ? 'started' : 'stopped'} by the shared switch`);
  }

  function apply(): Promise<void> {
    const run = chain.then(applyNow);
    chain = run.catch(() => undefined);
    return run;
  }

  return {
    apply,
    poll(intervalMs) {
      if (timer || stopped) return;
      timer = setInterval(() => {
        // A read that hangs (the database away) is not joined by another every interval.
        if (polling) return;
        polling = true;
        apply()
          .then(
            () => (unreadable = false),
            (error: Error) => {
              if (!unreadable) log.warn({ error: error.message }, 'the monitoring switch could not be read; monitoring stays as it is');
              unreadable = true;
            },
          )
          .finally(() => (polling = false));
      }, intervalMs);
      timer.unref();
    },
    async stop() {
      stopped = true;
      clearInterval(timer);
      await chain;
    },
  };
}
