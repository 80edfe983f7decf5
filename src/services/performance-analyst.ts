import { toIso } from '../clock.js';
import type { BuiltinAnalyst } from '../coordination/lifecycle.js';
import { analysePerformance } from '../coordination/performance-analysis.js';
import type { Improvement } from '../domain/improvement.js';
import type { ServiceDeps } from './deps.js';

const ANALYST_ID = 'meta-agent:performance-analyst';
const WINDOW_MS = 6 * 3_600_000;

/**
 * The meta agent as a performance analyst: a deeper analysis of stored data for the agents of
 * a piece of performance work (latency distribution, correlated host and agent metrics, the
 * fleet for comparison, the likely cause). The lifecycle claims the work, attaches this and
 * hands the work on to the role that will make the change.
 */
export function createPerformanceAnalyst({ store, clock }: ServiceDeps): BuiltinAnalyst {
  return {
    async analyse(improvement: Improvement) {
      const now = clock.now();
      const since = toIso(now - WINDOW_MS);
      const [bySample, host] = await Promise.all([store.samples.byAgentSince(since), store.systemMetrics.list(since, 100_000)]);
      const fleetMeans = new Map<string, number>();
      for (const [name, samples] of bySample) {
        const rt = samples.map((s) => s.response_time).filter((v): v is number => v !== null);
        if (rt.length > 0) fleetMeans.set(name, rt.reduce((a, b) => a + b, 0) / rt.length);
      }
      const hostSeries = host.map((h) => ({ t: Date.parse(h.timestamp), cpu: h.system_cpu_usage, memory: h.system_memory_usage })).reverse();
      return {
        analysed_at: toIso(now),
        analyst: ANALYST_ID,
        agents: improvement.affected_components.map((agent) =>
          analysePerformance({ agent, now, samples: (bySample.get(agent) ?? []) as never, fleetMeans, host: hostSeries }),
        ),
      };
    },
  };
}
