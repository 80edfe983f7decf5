import { toIso } from '../clock.js';
import type { ServiceDeps } from './deps.js';

const DAY_MS = 86_400_000;

export type RetentionService = ReturnType<typeof createRetentionService>;

/** The daily job: fold new rows into the rollups, prune what is past its age, checkpoint the WAL. */
export function createRetentionService({ store, config, clock, logger }: ServiceDeps) {
  const log = logger.child({ module: 'retention' });
  return {
    async run() {
      const now = clock.now();
      const rolled = await store.rollups.update();
      const pruned = await store.maintenance.prune({
        rawBeforeIso: toIso(now - config.retention.rawDays * DAY_MS),
        fiveMinuteBeforeIso: toIso(now - config.retention.fiveMinuteDays * DAY_MS),
        hourlyBeforeIso: toIso(now - config.retention.hourlyDays * DAY_MS),
        findingsBeforeIso: toIso(now - config.retention.findingsDays * DAY_MS),
      });
      const checkpoint = await store.maintenance.checkpoint();
      log.info({ rolled, pruned, checkpoint }, 'retention run');
      return { rolled, pruned, checkpoint };
    },
  };
}
