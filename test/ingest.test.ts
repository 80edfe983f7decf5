import { describe, expect, it } from 'vitest';
import { createTestApp } from './helpers/app.js';

const sample = (over: Record<string, unknown> = {}) => ({
  agent_name: 'alpha_hunter',
  response_time: 2.5,
  success_rate: 0.95,
  error_count: 1,
  insights_generated: 3,
  memory_usage: 512,
  cpu_usage: 40,
  ...over,
});

describe('POST /api/agents/metrics', () => {
  it('stores a batch, registers the agent and serves it back', async () => {
    const t = createTestApp();
    const now = t.clock.now();
    const res = await t.post('/api/agents/metrics', {
      samples: [
        sample({ timestamp: new Date(now - 60_000).toISOString() }),
        sample({ timestamp: new Date(now - 30_000).toISOString(), response_time: 3.5 }),
        sample({ agent_name: 'risk_assessor' }),
      ],
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'success', data: { accepted: 3, agents: ['alpha_hunter', 'risk_assessor'] } });

    const perf = await t.get('/api/meta-agent/agent-performance?agent_name=alpha_hunter');
    expect(perf.body.count).toBe(2);
    expect(perf.body.filtered_by_agent).toBe('alpha_hunter');
    expect(perf.body.time_period_hours).toBe(24);
    expect(perf.body.data[0]).toMatchObject({ agent_name: 'alpha_hunter', response_time: 3.5, source: 'push' });

    const agents = await t.get('/api/agents/status');
    const alpha = agents.body.data.find((a: any) => a.name === 'alpha_hunter');
    expect(alpha.first_seen).toBe(new Date(now - 60_000).toISOString());
    expect(alpha.last_seen).toBe(new Date(now - 30_000).toISOString());
    expect(alpha.sample_count).toBe(2);
  });

  it("takes LLM token counts, sums them in the window, the rollups and the agent's totals, and refuses a fractional or negative one", async () => {
    const t = createTestApp();
    const now = t.clock.now();
    const at = (ago: number) => new Date(now - ago).toISOString();
    const res = await t.post('/api/agents/metrics', {
      samples: [sample({ timestamp: at(60_000), requests: 4, input_tokens: 3000, output_tokens: 500 }), sample({ timestamp: at(30_000), requests: 2, input_tokens: 1000, output_tokens: 100 })],
    });
    expect(res.status).toBe(200);
    const raw = await t.get('/api/meta-agent/agent-performance?agent_name=alpha_hunter&resolution=raw');
    expect(raw.body.data.map((s: any) => [s.input_tokens, s.output_tokens])).toEqual([[1000, 100], [3000, 500]]);
    const status = (await t.get('/api/agents/status')).body.data;
    const agent = (status.agents ?? status).find((a: any) => a.name === 'alpha_hunter');
    expect(agent).toMatchObject({ input_tokens_total: 4000, output_tokens_total: 600, metrics: { input_tokens: 4000, output_tokens: 600 } });
    await t.agent.services.retention.run(); // folds new samples into the rollups
    const buckets = await t.get('/api/meta-agent/agent-performance?agent_name=alpha_hunter&resolution=1h');
    expect(buckets.body.data[0]).toMatchObject({ input_tokens: 4000, output_tokens: 600, samples: 2 });

    for (const bad of [{ input_tokens: 1.5 }, { output_tokens: -1 }, { input_tokens: '12' }]) {
      const refused = await t.post('/api/agents/metrics', { samples: [sample(bad)] });
      expect(refused.status, JSON.stringify(bad)).toBe(400);
      expect(JSON.stringify(refused.body.errors)).toContain(Object.keys(bad)[0]);
    }
    expect((await t.get('/api/meta-agent/agent-performance?agent_name=alpha_hunter&resolution=raw')).body.count).toBe(2);
  });

  it('keeps a missing metric as null, never 0', async () => {
    const t = createTestApp();
    await t.post('/api/agents/metrics', { samples: [{ agent_name: 'quiet' }] });
    const perf = await t.get('/api/meta-agent/agent-performance?agent_name=quiet');
    expect(perf.body.data[0]).toMatchObject({ response_time: null, success_rate: null, error_count: null, cpu_usage: null });
  });

  it('defaults the timestamp to now and accepts a zone-less Python isoformat as UTC', async () => {
    const t = createTestApp();
    await t.post('/api/agents/metrics', {
      samples: [{ agent_name: 'a' }, { agent_name: 'b', timestamp: '2026-11-25T11:30:00.123456' }],
    });
    const perf = await t.get('/api/meta-agent/agent-performance');
    const byName = Object.fromEntries(perf.body.data.map((s: any) => [s.agent_name, s.timestamp]));
    expect(byName).toEqual({ a: '2026-11-25T12:00:00.000Z', b: '2026-11-25T11:30:00.123Z' });
  });

  it('rejects the whole batch when one sample is bad, naming index, field and problem', async () => {
    const t = createTestApp();
    const res = await t.post('/api/agents/metrics', {
      samples: [
        sample(),
        sample({ success_rate: 1.5, respone_time: 3 }),
        sample({ agent_name: 'bad name!' }),
        sample({ error_count: 2.5, timestamp: '2099-01-01T00:00:00Z' }),
      ],
    });
    expect(res.status).toBe(400);
    expect(res.body.status).toBe('error');
    expect(res.body.code).toBe('VALIDATION_FAILED');
    const problems = res.body.errors.map((e: any) => `${e.index}:${e.field}`);
    expect(problems).toEqual(
      expect.arrayContaining(['1:success_rate', '1:respone_time', '2:agent_name', '3:error_count', '3:timestamp']),
    );
    expect(res.body.errors.find((e: any) => e.field === 'respone_time').message).toMatch(/unknown field/);
    expect(res.body.message).toMatch(/nothing was stored/);

    const perf = await t.get('/api/meta-agent/agent-performance');
    expect(perf.body.count).toBe(0);
    expect((await t.get('/api/agents/status')).body.count).toBe(0);
  });

  it.each([
    ['not an object', [1, 2]],
    ['no samples key', { sample: [] }],
    ['empty batch', { samples: [] }],
    ['samples not an array', { samples: 'x' }],
    ['extra top-level key', { samples: [sample()], agent: 'x' }],
    ['string metric', { samples: [sample({ response_time: '3.5' })] }],
    ['negative count', { samples: [sample({ error_count: -1 })] }],
    ['huge number', { samples: [sample({ memory_usage: 1e300 })] }],
    ['malformed timestamp', { samples: [sample({ timestamp: '2026-02-30T00:00:00Z' })] }],
    ['numeric timestamp', { samples: [sample({ timestamp: 1700000000 })] }],
    ['more errors than requests', { samples: [sample({ error_count: 5, requests: 2 })] }],
    ['agent name too long', { samples: [sample({ agent_name: 'a'.repeat(65) })] }],
    ['timestamp older than retention', { samples: [sample({ timestamp: '2020-01-01T00:00:00Z' })] }],
  ])('answers 400 for %s', async (_, body) => {
    const t = createTestApp();
    const res = await t.post('/api/agents/metrics', body);
    expect(res.status).toBe(400);
    expect(res.body.status).toBe('error');
    expect(res.body.message).toBeTruthy();
  });

  it('answers 400 for malformed and truncated JSON', async () => {
    const t = createTestApp();
    for (const text of ['{"samples": [', '{samples: []}', 'nope']) {
      const res = await t.request('POST', '/api/agents/metrics', text);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ status: 'error', code: 'BAD_REQUEST' });
      expect(res.body.message).toMatch(/not valid JSON/);
    }
  });

  it('accepts 5000 samples and refuses 5001', async () => {
    const t = createTestApp();
    const batch = (n: number) => ({ samples: Array.from({ length: n }, (_, i) => sample({ agent_name: `agent_${i % 10}` })) });
    expect((await t.post('/api/agents/metrics', batch(5000))).body.data.accepted).toBe(5000);
    const res = await t.post('/api/agents/metrics', batch(5001));
    expect(res.status).toBe(400);
    expect(res.body.errors[0]).toMatchObject({ field: 'samples' });
    expect(res.body.errors[0].message).toMatch(/1 to 5000/);
  });

  it('refuses an oversize body with 413', async () => {
    const t = createTestApp({ limits: { maxBodyBytes: 2048 } });
    const res = await t.post('/api/agents/metrics', { samples: Array.from({ length: 100 }, () => sample()) });
    expect(res.status).toBe(413);
    expect(res.body.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('takes the same batch as a GraphQL mutation, with the same validation', async () => {
    const t = createTestApp();
    const ok = await t.gql(
      `mutation($samples: [AgentSampleInput!]!) { reportMetrics(samples: $samples) { accepted agents } }`,
      { samples: [{ agentName: 'alpha_hunter', responseTime: 1.5, successRate: 0.99, memoryUsage: 100 }] },
    );
    expect(ok.data.reportMetrics).toEqual({ accepted: 1, agents: ['alpha_hunter'] });

    const bad = await t.gql(
      `mutation($samples: [AgentSampleInput!]!) { reportMetrics(samples: $samples) { accepted } }`,
      { samples: [{ agentName: 'alpha_hunter' }, { agentName: 'x', successRate: 2 }] },
    );
    expect(bad.errors[0].extensions.code).toBe('VALIDATION_FAILED');
    expect(bad.errors[0].extensions.errors).toEqual([{ index: 1, field: 'successRate', message: expect.stringMatching(/between 0 and 1/) }]);
    const perf = await t.get('/api/meta-agent/agent-performance');
    expect(perf.body.count).toBe(1);
  });
});
