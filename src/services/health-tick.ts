import { watchLoopDelay } from '../collectors/loop-delay.js';
import type { RuntimeMonitor } from '../collectors/runtime.js';
import type { HostCollector, HostReading } from '../collectors/host.js';
import type { ProcessSampler } from '../collectors/processes.js';
import { runPullChecks, type PullTarget } from '../collectors/pull-checks.js';
import { toIso } from '../clock.js';
import type { AgentHealth } from '../domain/enums.js';
import { assessOverallHealth } from '../domain/health.js';
import { buildSnapshot, type HealthSnapshot } from '../domain/snapshot.js';
import { latestBuffer } from '../events/buffers.js';
import { agentStatusTick } from '../events/topics.js';
import type { AgentService } from './agents.js';
import type { ServiceDeps } from './deps.js';
import type { WatchState } from './watch.js';

export interface Collectors {
  host: HostCollector;
  processes: ProcessSampler;
  runtime: RuntimeMonitor;
}

export type HealthTickService = ReturnType<typeof createHealthTickService>;

/**
 * The health tick: read the host, poll the agents' health URLs, sample their processes,
 * store what was collected, then compute, store and publish the fleet snapshot and each
 * agent's status over the recent window.
 */
export function createHealthTickService(deps: ServiceDeps, agents: AgentService, collectors: Collectors, watch: WatchState) {
  const { store, config, clock, bus, logger } = deps;
  const log = logger.child({ module: 'health' });
  const pullTargets: PullTarget[] = config.agents.flatMap((a) => (a.healthUrl ? [{ name: a.name, healthUrl: a.healthUrl }] : []));
  const processTargets = config.agents.filter((a) => a.pid || a.processPattern);
  const configuredNames = config.agents.map((a) => a.name);
  let previousHealth = new Map<string, AgentHealth>();
  let latest: HealthSnapshot | undefined;
  /** `latest` came from this process's own tick, the newest there is while it leads. */
  let ownTick = false;

  async function collect(timestamp: string): Promise<HostReading> {
    // Every configured agent is in the registry from the first tick, heard from or not.
    await store.agents.register(configuredNames, timestamp);
    const [host, pulls, processes] = await Promise.all([
      collectors.host.read(),
      runPullChecks(pullTargets, clock.now, config.health.checkTimeoutSeconds * 1000),
      collectors.processes.sample(processTargets, timestamp),
    ]);
    const receivedAt = toIso(clock.now());
    const alive = [...pulls.filter((p) => p.ok).map((p) => p.sample), ...processes.samples];
    const failed = pulls.filter((p) => !p.ok);
    for (const sample of alive) watch.ok(sample.agent_name);
    for (const p of failed) watch.failed(p.sample.agent_name, `health check failed: ${p.error}`, timestamp);
    for (const m of processes.missing) watch.failed(m.name, m.reason, timestamp);
    if (alive.length > 0) await store.samples.insert(alive, receivedAt);
    if (failed.length > 0) {
      await store.samples.insert(failed.map((p) => p.sample), receivedAt, { alive: false });
      for (const p of failed) log.warn({ agent: p.sample.agent_name, error: p.error }, 'pull check failed');
    }
    return host;
  }

  async function tick(): Promise<HealthSnapshot> {
    const started = performance.now();
    const delay = watchLoopDelay(10);
    try {
      const now = clock.now();
      const host = await collect(toIso(now));
      // The fold runs beside the tick (on the writer's thread when there is one): the snapshot
      // does not read the rollups, and a backfill's fold must not hold up the fleet's health.
      store.rollups.update().catch((error: Error) => log.warn({ error: error.message }, 'folding new samples into the rollups failed'));
      const statuses = await agents.statuses();
      const snapshot = buildSnapshot(
        statuses,
        {
          cpu_usage: host.cpu_usage,
          memory_usage: host.memory_usage,
          load_average: host.load_average[0],
          disk_used_percent: host.disk?.used_percent ?? null,
        },
        now,
        config.health.windowSeconds,
        config.thresholds,
      );
      const stored = await store.systemMetrics.insert(snapshot);
      delay.stop();
      latest = {
        ...snapshot,
        id: stored.id,
        tick_ms: Math.round((performance.now() - started) * 10) / 10,
        event_loop_max_delay_ms: delay.maxMs(),
      };
      ownTick = true;
      bus.publish('health:snapshot', latest);
      bus.publish('agent:status', agentStatusTick(latest.timestamp, statuses, previousHealth));
      previousHealth = new Map(statuses.map((agent) => [agent.name, agent.health]));
      return latest;
    } finally {
      delay.stop();
    }
  }

  /**
   * The last snapshot: this process's latest tick, or the newest stored one when that is newer
   * (another replica leads and ticks; this one only serves).
   */
  async function current(): Promise<HealthSnapshot | undefined> {
    // A tick of this process's own, not older than two intervals: it still leads, nothing is newer.
    if (latest && ownTick && clock.now() - Date.parse(latest.timestamp) < 2 * config.intervals.health * 1000) return latest;
    const row = await store.systemMetrics.latest();
    if (!row || (latest && latest.timestamp >= row.timestamp)) return latest;
    const counts = {
      total: row.total_agents,
      healthy: row.total_agents - row.failed_agents - row.degraded_agents - row.offline_agents,
      degraded: row.degraded_agents,
      failing: row.failed_agents,
      offline: row.offline_agents,
    };
    latest = {
      ...row,
      overall_health: assessOverallHealth(counts, { cpu: row.system_cpu_usage, memory: row.system_memory_usage }, row.performance_score, config.thresholds),
      agents: counts,
      tick_ms: null,
      event_loop_max_delay_ms: null,
    };
    ownTick = false;
    return latest;
  }

  return {
    tick,
    current,
    /** Every tick's snapshot, starting with the latest one at once; a slow reader gets the newest. */
    async snapshots(): Promise<AsyncIterableIterator<HealthSnapshot>> {
      // Listen before reading the latest, so no tick falls in between.
      const live = bus.subscribe('health:snapshot', latestBuffer<HealthSnapshot>(), '');
      const last = await current();
      if (last) live.prepend(last);
      return live;
    },
  };
}
