import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/analysis/engine.js';
import { createAnalysisState, type RawRow } from '../../src/analysis/state.js';
import { analysisInit } from '../../src/services/analysis.js';
import { defaultConfig } from '../../src/config.js';
import { createTestApp, type TestApp } from '../helpers/app.js';

const NOW = Date.parse('2026-11-25T12:00:00.000Z');
const init = analysisInit(defaultConfig(), { engine: 'sqlite', file: ':memory:' });

/** `count` samples of one agent up to NOW, with a response-time breach in the middle third. */
function rows(count: number, spanMs: number): RawRow[] {
  return Array.from({ length: count }, (_, i) => {
    const t = NOW - spanMs + Math.round(((i + 1) * spanMs) / count);
    const breaching = i > count / 3 && i < (2 * count) / 3;
    return {
      id: i + 1,
      agent_name: 'backfilled',
      timestamp: new Date(t).toISOString(),
      response_time: breaching ? 45 + (i % 7) : 2 + (i % 5) / 10,
      success_rate: 0.99,
      error_count: 0,
      requests: 100,
      cpu_usage: 30 + (i % 11),
      memory_usage: 500,
      input_tokens: null,
      output_tokens: null,
    };
  });
}

function run(input: RawRow[]) {
  const state = createAnalysisState(init.windows);
  const started = performance.now();
  state.addRows(input, NOW);
  const agents = [{ name: 'backfilled', first_seen: input[0]!.timestamp, last_seen: new Date(NOW).toISOString(), registered_at: '', sample_count: input.length, input_tokens_total: 0, output_tokens_total: 0 }];
  const { findings } = analyze({ now: NOW, agents, state, host: { cpu: [], memory: [] }, settings: init.settings, changes: [] });
  return { findings: findings.map((f) => JSON.stringify(f)).sort(), ms: performance.now() - started };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

describe('backfill in any order', () => {
  it('gives the same findings for 100,000 samples newest-first as oldest-first, in at most twice the time', () => {
    const inOrder = rows(100_000, 5 * 3_600_000);
    // The store hands rows over in id (arrival) order: newest-first arrival means descending times.
    const reversed = [...inOrder].reverse().map((row, i) => ({ ...row, id: i + 1 }));
    run(inOrder); // warm-up
    const forward = [run(inOrder), run(inOrder), run(inOrder)];
    const backward = [run(reversed), run(reversed), run(reversed)];
    expect(forward[0]!.findings.length).toBeGreaterThan(0);
    expect(backward[0]!.findings).toEqual(forward[0]!.findings);
    const ratio = median(backward.map((r) => r.ms)) / median(forward.map((r) => r.ms));
    expect(ratio).toBeLessThan(2);
  });

  it('analyses a backfill sent oldest-first after one live sample like the same data sent in order', async () => {
    const samples = rows(20_000, 5 * 3_600_000).map(({ id: _id, ...s }) => s);
    const post = async (t: TestApp, list: typeof samples) => {
      for (let i = 0; i < list.length; i += 5000) expect((await t.post('/api/agents/metrics', { samples: list.slice(i, i + 5000) })).status).toBe(200);
    };
    const gist = (f: any) => JSON.stringify([f.kind, f.agent_name, f.metric, f.severity, f.value, f.started_at, f.ended_at]);

    const ordered = createTestApp();
    ordered.clock.set(new Date(NOW).toISOString());
    await post(ordered, samples);
    const expected = (await ordered.post('/api/meta-agent/trigger-analysis')).body.data.findings.map(gist).sort();

    const backfilled = createTestApp();
    backfilled.clock.set(new Date(NOW).toISOString());
    await post(backfilled, samples.slice(-1));
    await post(backfilled, samples.slice(0, -1));
    const found = (await backfilled.post('/api/meta-agent/trigger-analysis')).body.data.findings.map(gist).sort();
    expect(expected.length).toBeGreaterThan(0);
    expect(found).toEqual(expected);
  }, 60_000);
});
