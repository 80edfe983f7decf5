import { toIso } from '../clock.js';
import type { AgentStatus } from '../domain/agent.js';
import { assessAgentHealth, toWindowMetrics, type WindowAggregate } from '../domain/health.js';
import { notFound, quoted } from '../errors.js';
import type { AgentRetirement } from '../events/topics.js';
import { yieldToEventLoop } from '../yield.js';
import type { Actor, ServiceDeps } from './deps.js';
import type { WatchState } from './watch.js';
import { DAY } from '../domain/units.js';

const EMPTY_WINDOW: WindowAggregate = {
  samples: 0,
  avg_response_time: null,
  avg_success_rate: null,
  sum_errors: null,
  sum_requests: null,
  sum_errors_with_requests: null,
  sum_insights: null,
  sum_research_cycles: null,
  avg_cpu_usage: null,
  avg_memory_usage: null,
  sum_input_tokens: null,
  sum_output_tokens: null,
};

export type AgentService = ReturnType<typeof createAgentService>;

const REGISTRY: Actor = { id: 'meta-agent:registry' };
const AGENTS_PER_SLICE = 250;

export function createAgentService({ config, store, clock, logger, bus }: ServiceDeps, watch: WatchState) {
  const log = logger.child({ module: 'agents' });
  const memoryLimits = new Map(config.agents.map((a) => [a.name, a.memoryLimitMb]));

  /** Every registered agent with its health over the recent window. */
  async function statuses(): Promise<AgentStatus[]> {
    const now = clock.now();
    const [agents, windows] = await Promise.all([
      store.agents.list(),
      store.samples.windowAggregates(toIso(now - config.health.windowSeconds * 1000)),
    ]);
    // Judged in slices, letting requests in between: a fleet of 10,000 takes tens of milliseconds.
    const result: AgentStatus[] = [];
    for (const agent of agents) {
      const metrics = toWindowMetrics(windows.get(agent.name) ?? EMPTY_WINDOW);
      const failure = watch.failure(agent.name);
      const verdict = assessAgentHealth({
        now,
        lastSeenMs: Date.parse(agent.last_seen),
        neverSeen: agent.sample_count === 0,
        watchFailure: failure && `${failure.reason} (since ${failure.since})`,
        offlineAfterMs: config.health.offlineAfterSeconds * 1000,
        metrics,
        thresholds: config.thresholds,
        memoryLimitMb: memoryLimits.get(agent.name),
      });
      result.push({ ...agent, health: verdict.health, health_reason: verdict.reason, watch_error: failure?.reason ?? null, metrics });
      if (result.length % AGENTS_PER_SLICE === 0) await yieldToEventLoop();
    }
    return result;
  }

  return {
    statuses,
    /** Removes an agent from the registry; its samples stay until retention prunes them. */
    async forget(agentName: string, actor: Actor) {
      const removed = await store.agents.remove(agentName);
      if (!removed) throw notFound(`No agent named ${quoted(agentName)} has reported`);
      log.info({ agent: agentName, actor: actor.id }, 'agent removed from the registry');
      return removed;
    },
    /**
     * Takes agents unseen for registry.retireAfterDays off the registry (configured agents stay),
     * each with an audit line and an agent:retired event; their history stays until retention.
     */
    async retireUnseen(): Promise<AgentRetirement[]> {
      const now = clock.now();
      const keep = config.agents.map((a) => a.name);
      const retired = await store.agents.retireUnseen(toIso(now - config.registry.retireAfterDays * DAY), keep);
      const at = toIso(now);
      const events = retired.map((agent) => ({ at, name: agent.name, last_seen: agent.last_seen, unseen_days: Math.floor((now - Date.parse(agent.last_seen)) / DAY) }));
      for (const event of events) {
        log.info({ agent: event.name, last_seen: event.last_seen, unseen_days: event.unseen_days, actor: REGISTRY.id }, 'agent retired from the registry');
      }
      if (events.length > 0) bus.publish('agent:retired', events);
      return events;
    },
    async status(agentName: string): Promise<AgentStatus> {
      const found = (await statuses()).find((a) => a.name === agentName);
      if (!found) throw notFound(`No agent named ${quoted(agentName)} has reported`);
      return found;
    },
  };
}
