import { analyze } from '../../src/analysis/engine.js';
import { createAnalysisState } from '../../src/analysis/state.js';
import type { RawRow } from '../../src/domain/analysis-rows.js';
import type { AgentRecord } from '../../src/domain/agent.js';
import type { FindingDraft } from '../../src/domain/finding.js';
import { defaultConfig } from '../../src/config.js';
import { analysisInit } from '../../src/services/analysis.js';

export interface ReplayPoint {
  t: number;
  /** Sample fields (response_time, cpu_usage, …) of one agent at time t. */
  fields: Partial<Record<'response_time' | 'success_rate' | 'error_count' | 'requests' | 'cpu_usage' | 'memory_usage', number>>;
}

const STEP_MS = 3_600_000;

/**
 * Live operation replayed through the product's own analysis (state and detector table, as
 * the worker runs them): samples arrive in time order and an analysis runs at the end of every
 * hour of data, judging the recent window as it would have then. Answers every finding draft
 * of each episode the first time it was seen (its start time is the detection).
 */
export function replay(agent: string, points: readonly ReplayPoint[], configOverrides: Record<string, unknown> = {}): FindingDraft[] {
  const init = analysisInit(defaultConfig(configOverrides as never), { engine: 'sqlite', file: ':memory:' });
  const state = createAnalysisState(init.windows);
  const seen = new Map<string, FindingDraft>();
  let next = 0;
  let id = 0;
  const first = points[0]!.t;
  for (let now = Math.ceil(first / STEP_MS) * STEP_MS; next < points.length; now += STEP_MS) {
    const rows: RawRow[] = [];
    for (; next < points.length && points[next]!.t < now; next++) {
      const { t, fields } = points[next]!;
      rows.push({ id: ++id, agent_name: agent, timestamp: new Date(t).toISOString(), response_time: null, success_rate: null, error_count: null, requests: null, cpu_usage: null, memory_usage: null, ...fields });
    }
    state.addRows(rows, now);
    state.evict(now);
    const lastSeen = new Date(points[Math.max(0, next - 1)]!.t).toISOString();
    const agents: AgentRecord[] = [{ name: agent, first_seen: new Date(first).toISOString(), last_seen: lastSeen, registered_at: lastSeen, sample_count: next }];
    for (const draft of analyze({ now, agents, state, host: { cpu: [], memory: [] }, settings: init.settings }, ['analysis']).findings) {
      if (!seen.has(draft.episode_key)) seen.set(draft.episode_key, draft);
    }
  }
  return [...seen.values()];
}
