import path from 'node:path';
import { seededRandom } from '../../scripts/demo/fleet.js';
import type { AgentSample } from '../../src/domain/sample.js';
import type { SystemMetrics } from '../../src/domain/system-metrics.js';
import { createSqliteStore } from '../../src/store/sqlite/sqlite-store.js';

const DAY = 86_400_000;
const STEP = 30_000;

/** A plausible sample: noise and a daily rhythm around per-agent levels. */
export function makeSample(agent: number, t: number, random: () => number): AgentSample {
  const load = 1 + 0.25 * Math.sin((2 * Math.PI * ((t / 3_600_000) % 24 - 9)) / 24);
  const requests = Math.round(20 * load * (0.8 + 0.4 * random()));
  const errors = Math.round(requests * 0.02 * random());
  return {
    agent_name: `agent_${String(agent).padStart(3, '0')}`,
    timestamp: new Date(t).toISOString(),
    response_time: Math.round((1 + (agent % 10)) * load * (0.85 + 0.3 * random()) * 1000) / 1000,
    success_rate: Math.round(((requests - errors) / requests) * 10_000) / 10_000,
    error_count: errors,
    insights_generated: Math.round(3 * random()),
    memory_usage: Math.round((300 + agent * 5 + 10 * random()) * 10) / 10,
    cpu_usage: Math.round(30 * load * (0.8 + 0.4 * random()) * 10) / 10,
    requests,
    research_cycles: null,
    input_tokens: null,
    output_tokens: null,
    version: null,
    source: 'push',
  };
}

/** The sample as an agent would post it (no server-side fields). */
export function wireSample(agent: number, t: number, random: () => number): Record<string, unknown> {
  const { source: _source, version: _version, ...sample } = makeSample(agent, t, random);
  return sample;
}

/** A data directory holding `agents` × `days` of 30-second history ending at `end`, with snapshots and rollups. */
export async function seedHistory(dataDir: string, agents: number, days: number, end: number): Promise<number> {
  const store = createSqliteStore(path.join(dataDir, 'enhanced_meta_agent.db'));
  const random = seededRandom(11);
  let rows = 0;
  try {
    for (let from = end - days * DAY; from < end; from += DAY / 4) {
      const batch: AgentSample[] = [];
      for (let t = from; t < Math.min(end, from + DAY / 4); t += STEP) {
        for (let a = 0; a < agents; a++) batch.push(makeSample(a, t, random));
      }
      await store.samples.insert(batch, new Date(end).toISOString());
      rows += batch.length;
    }
    for (let t = end - days * DAY; t < end; t += STEP) {
      const snapshot: SystemMetrics = {
        timestamp: new Date(t).toISOString(),
        total_agents: agents,
        active_agents: agents,
        failed_agents: 0,
        degraded_agents: 0,
        offline_agents: 0,
        avg_response_time: 5 + random(),
        avg_success_rate: 0.98,
        system_cpu_usage: 30 + 10 * random(),
        system_memory_usage: 50 + 5 * random(),
        total_errors: Math.round(10 * random()),
        total_insights: 100,
        research_cycles_completed: 0,
        performance_score: 90 + 5 * random(),
        window_seconds: 300,
        load_average: 1,
        disk_used_percent: 40,
      };
      await store.systemMetrics.insert(snapshot);
    }
    await store.rollups.update();
  } finally {
    await store.close();
  }
  return rows;
}
