import type { Config } from '../config.js';
import type { Services } from '../services/services.js';
import type { Job } from './scheduler.js';

/** The job table: what runs, how often. Each job only calls a service. */
export function createJobs(services: Services, { intervals }: Config): Job[] {
  return [
    { name: 'health', intervalSeconds: intervals.health, runAtStart: true, run: () => services.health.tick() },
    { name: 'analysis', intervalSeconds: intervals.analysis, run: () => services.analysis.run() },
    { name: 'predictive', intervalSeconds: intervals.predictive, run: () => services.analysis.runPredictive() },
    { name: 'reports', intervalSeconds: intervals.reports, run: () => services.reportWriter.write() },
    { name: 'retention', intervalSeconds: intervals.retention, run: () => services.retention.run() },
    {
      name: 'coordination',
      intervalSeconds: intervals.coordination,
      run: async () => ({
        leases_expired: (await services.work.expireLeases()).length,
        verified: (await services.verification.verifyDue()).length,
        digest_sent: await services.notifier.maybeSendDigest(),
      }),
    },
  ];
}
