import type { Config } from '../config.js';
import type { Services } from '../services/services.js';
import type { Job } from './scheduler.js';

/** The job table: what runs, how often. Each job only calls a service. */
export function createJobs(services: Services, config: Config): Job[] {
  const { intervals } = config;
  return [{ name: 'analysis', intervalSeconds: intervals.analysis, run: () => services.analysis.run() }];
}
