import { describe, expect, it } from 'vitest';
import { analysePerformance } from '../../src/coordination/performance-analysis.js';
import { createTestApp } from '../helpers/app.js';
import { suggestionFor } from '../helpers/improvements.js';
import { series } from '../helpers/samples.js';

describe('built-in performance analyst', () => {
  it('claims performance work, attaches a real analysis and hands it to the code editor', async () => {
    const t = createTestApp();
    // Two healthy peers for comparison, and a slow agent whose latency follows its request volume.
    await t.post('/api/agents/metrics', {
      samples: [
        ...series('peer_a', t.clock.now(), 120, 60_000, () => ({ response_time: 2 })),
        ...series('peer_b', t.clock.now(), 120, 60_000, () => ({ response_time: 3 })),
        ...series('slow_one', t.clock.now() - 20 * 60_000, 100, 60_000, (i) => ({ response_time: 10 + (i % 30), requests: 10 + (i % 30) * 5 })),
      ],
    });
    const created = await suggestionFor(t, 'slow_one', (i) => ({ response_time: 45 + (i % 5), requests: 200 }));
    expect(created.type).toBe('performance');
    const approved = (await t.post(`/api/meta-agent/improvements/${created.id}/approve`)).body.data;
    expect(approved).toMatchObject({ status: 'approved', assigned_agent: 'code_editor' });
    const [analysis] = approved.analysis.agents;
    expect(analysis.agent).toBe('slow_one');
    expect(analysis.latency.p50).toBeGreaterThan(analysis.peers.fleet_median);
    expect(analysis.peers).toMatchObject({ rank: 1, of: 3 });
    expect(analysis.correlations.requests).toBeGreaterThan(0.6);
    expect(analysis.likely_cause).toMatch(/load: latency follows the request volume/);
    expect(approved.routing_reason).toMatch(/performance analysis attached .*handed to code_editor/);
  });

  it('leaves performance work to external analysts when disabled', async () => {
    const t = createTestApp({ coordination: { builtinPerformanceAnalyst: { enabled: false } } });
    const created = await suggestionFor(t, 'slow_one', () => ({ response_time: 45 }));
    const approved = (await t.post(`/api/meta-agent/improvements/${created.id}/approve`)).body.data;
    expect(approved).toMatchObject({ assigned_agent: 'performance_analyst', analysis: null });
  });

  it('names a slow tail when the 99th percentile dwarfs the median', () => {
    const now = Date.parse('2026-11-25T12:00:00Z');
    const samples = Array.from({ length: 200 }, (_, i) => ({
      id: i,
      agent_name: 'x',
      timestamp: new Date(now - (200 - i) * 60_000).toISOString(),
      response_time: i % 50 === 0 ? 60 : 1 + (i % 3) * 0.1,
      success_rate: 1,
      error_count: 0,
      insights_generated: null,
      memory_usage: 300,
      cpu_usage: 10,
      requests: 20,
      research_cycles: null,
      input_tokens: null,
      output_tokens: null,
      version: null,
      source: 'push' as const,
    }));
    const result = analysePerformance({ agent: 'x', now, samples, fleetMeans: new Map([['x', 2]]), host: [] });
    expect(result.latency.tail_ratio).toBeGreaterThan(5);
    expect(result.likely_cause).toMatch(/slow tail/);
  });
});
