import { toIso } from '../clock.js';
import { analysePerformance } from '../coordination/performance-analysis.js';
import { ImprovementStatus, SpecialistRole } from '../domain/enums.js';
import type { Improvement } from '../domain/improvement.js';
import type { Actor, ServiceDeps } from './deps.js';
import type { WorkService } from './work.js';

const ANALYST: Actor = { id: 'meta-agent:performance-analyst' };
const WINDOW_MS = 6 * 3_600_000;

export type PerformanceAnalystService = ReturnType<typeof createPerformanceAnalystService>;

/**
 * The meta agent as a performance analyst: it claims performance work, attaches a deeper
 * analysis of stored data (latency distribution, correlated host and agent metrics, the
 * fleet for comparison, the likely cause) and hands the work on to the role that will make
 * the change.
 */
export function createPerformanceAnalystService(deps: ServiceDeps, work: WorkService) {
  const { store, config, clock, logger } = deps;
  const log = logger.child({ module: 'performance-analyst' });
  const { enabled, handOffTo } = config.coordination.builtinPerformanceAnalyst;

  async function analyse(improvement: Improvement) {
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
      analyst: ANALYST.id,
      agents: improvement.affected_components.map((agent) =>
        analysePerformance({ agent, now, samples: (bySample.get(agent) ?? []) as never, fleetMeans, host: hostSeries }),
      ),
    };
  }

  return {
    /** Takes performance work, if enabled; answers the improvement as it is afterwards. */
    async handle(improvement: Improvement): Promise<Improvement> {
      if (!enabled || improvement.assigned_agent !== SpecialistRole.performance_analyst) return improvement;
      const claimed = await work.claim(improvement.id, ANALYST.id, ANALYST).catch(() => undefined);
      if (!claimed) return improvement; // an external analyst was quicker
      try {
        const analysis = await analyse(claimed);
        await store.improvements.patch(claimed.id, { analysis }, toIso(clock.now()), { status: ImprovementStatus.in_progress, leaseOwner: ANALYST.id });
        const causes = analysis.agents.map((a) => `${a.agent}: ${a.likely_cause}`).join('; ');
        return await work.release(claimed.id, ANALYST.id, handOffTo, `performance analysis attached (${causes}); handed to ${handOffTo}`, ANALYST);
      } catch (error) {
        log.error({ err: error, id: claimed.id }, 'performance analysis failed; offering the work to external analysts');
        return work.release(claimed.id, ANALYST.id, SpecialistRole.performance_analyst, 'built-in analysis failed', ANALYST);
      }
    },
  };
}
