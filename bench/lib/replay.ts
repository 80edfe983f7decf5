import { analyze } from '../../src/analysis/engine.js';
import { createAnalysisState } from '../../src/analysis/state.js';
import { proposeImprovements, type Proposal } from '../../src/analysis/suggest.js';
import { defaultConfig } from '../../src/config.js';
import type { RawRow } from '../../src/domain/analysis-rows.js';
import type { AgentRecord } from '../../src/domain/agent.js';
import type { Finding, FindingDraft } from '../../src/domain/finding.js';
import { analysisInit } from '../../src/services/analysis.js';

/** One sample: an agent's fields at time t. */
export interface ReplaySample {
  agent: string;
  t: number;
  fields: Partial<Record<'response_time' | 'success_rate' | 'error_count' | 'requests' | 'cpu_usage' | 'memory_usage', number>>;
}

export interface ReplayRun {
  now: number;
  findings: Finding[];
  proposals: Proposal[];
}

/**
 * Live operation replayed through the product's own analysis (the worker's state and detector
 * table, and the suggestion rules): samples arrive in time order and an analysis runs every
 * `stepMs`, judging the recent window as it would have then. `onRun` sees each run's findings
 * (ids stable per episode) and the suggestions they justify.
 */
export function replay(samples: readonly ReplaySample[], options: { stepMs: number; from?: number; onRun?: (run: ReplayRun) => void }): Map<string, FindingDraft> {
  const init = analysisInit(defaultConfig(), { engine: 'sqlite', file: ':memory:' });
  const state = createAnalysisState(init.windows);
  const episodes = new Map<string, FindingDraft>();
  const ids = new Map<string, number>();
  const agents = new Map<string, AgentRecord>();
  const sorted = [...samples].sort((a, b) => a.t - b.t);
  let next = 0;
  let rowId = 0;
  const start = options.from ?? Math.ceil(sorted[0]!.t / options.stepMs) * options.stepMs;
  for (let now = start; next < sorted.length || now <= sorted.at(-1)!.t; now += options.stepMs) {
    const rows: RawRow[] = [];
    for (; next < sorted.length && sorted[next]!.t < now; next++) {
      const { agent, t, fields } = sorted[next]!;
      const iso = new Date(t).toISOString();
      rows.push({ id: ++rowId, agent_name: agent, timestamp: iso, response_time: null, success_rate: null, error_count: null, requests: null, cpu_usage: null, memory_usage: null, input_tokens: null, output_tokens: null, ...fields });
      const record = agents.get(agent);
      if (record) {
        record.last_seen = iso;
        record.sample_count += 1;
      } else agents.set(agent, { name: agent, first_seen: iso, last_seen: iso, registered_at: iso, sample_count: 1, input_tokens_total: 0, output_tokens_total: 0 });
    }
    state.addRows(rows, now);
    state.evict(now);
    const drafts = analyze({ now, agents: [...agents.values()], state, host: { cpu: [], memory: [] }, settings: init.settings, changes: [] }).findings;
    const at = new Date(now).toISOString();
    const findings: Finding[] = drafts.map((draft) => {
      if (!episodes.has(draft.episode_key)) episodes.set(draft.episode_key, draft);
      let id = ids.get(draft.episode_key);
      if (id === undefined) ids.set(draft.episode_key, (id = ids.size + 1));
      return { ...draft, id, created_at: at, updated_at: at } as Finding;
    });
    options.onRun?.({ now, findings, proposals: proposeImprovements(findings) });
  }
  return episodes;
}
