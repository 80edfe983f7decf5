import type { Config } from '../config.js';
import type { Services } from '../services/services.js';
import { job } from './scheduler.js';

const FIRST_REPORT_AFTER_S = 15;
/** Retirement is measured in days: an hourly look is plenty. */
const REGISTRY_INTERVAL_S = 3600;

/** The job table: what runs, how often. Each job only calls a service. */
export function createJobs(services: Services, { intervals }: Config) {
  return [
    job({ name: 'health', intervalSeconds: intervals.health, firstRunAfterSeconds: 0, run: () => services.health.tick() }),
    job({ name: 'analysis', intervalSeconds: intervals.analysis, run: () => services.analysis.run() }),
    job({ name: 'predictive', intervalSeconds: intervals.predictive, run: () => services.analysis.runPredictive() }),
    // The status file and a first report soon after start (the health tick that runs at start
    // is normally done by then), not an interval later: a new install should not look empty
    // for five minutes.
    job({ name: 'reports', intervalSeconds: intervals.reports, firstRunAfterSeconds: Math.min(FIRST_REPORT_AFTER_S, intervals.reports), run: () => services.reportWriter.write() }),
    job({ name: 'retention', intervalSeconds: intervals.retention, run: () => services.retention.run() }),
    job({ name: 'registry', intervalSeconds: REGISTRY_INTERVAL_S, run: async () => ({ retired: (await services.agents.retireUnseen()).length }) }),
    job({
      name: 'coordination',
      intervalSeconds: intervals.coordination,
      run: async () => ({
        leases_expired: (await services.work.expireLeases()).length,
        verified: (await services.verification.verifyDue()).length,
        digest_sent: await services.notifier.maybeSendDigest(),
      }),
    }),
  ] as const;
}

export type Jobs = ReturnType<typeof createJobs>;
