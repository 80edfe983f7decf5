import { describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { agentExport, DELTA, exportOf, gauge, histogram, sum } from '../helpers/otlp.js';

/** The README's mapping table, row by row, with exact points and times (OTLP JSON). */

const MIB = 1024 * 1024;

async function send(t: TestApp, body: unknown) {
  const response = await t.request('POST', '/v1/metrics', body, { 'content-type': 'application/json' });
  expect(response.status, response.text).toBe(200);
  return response.body as { partialSuccess?: { rejectedDataPoints: string; errorMessage: string } };
}

async function samplesOf(t: TestApp, agent: string) {
  const response = await t.get(`/api/meta-agent/agent-performance?agent_name=${agent}&hours=1`);
  return (response.body.data as Array<Record<string, unknown>>).reverse();
}

describe('OTLP metrics become sample fields (the mapping table)', () => {
  it('GenAI durations, token usage, process CPU and memory, and meta_agent.<field>, differenced per stream', async () => {
    const t = createTestApp();
    const now = t.clock.now();
    const start = now - 120_000;
    const [t1, t2] = [now - 60_000, now];
    const exportAt = (time: number, ok: { count: number; sum: number }, tokens: { input: number; output: number }, insights: number) =>
      agentExport(
        'llm_analyst',
        [
          histogram('gen_ai.client.operation.duration', [
            { attrs: { 'gen_ai.operation.name': 'chat' }, startMs: start, timeMs: time, ...ok },
            { attrs: { 'gen_ai.operation.name': 'chat', 'error.type': 'rate_limited' }, startMs: start, timeMs: time, count: 2, sum: 6 },
          ]),
          histogram('gen_ai.client.token.usage', [
            { attrs: { 'gen_ai.token.type': 'input' }, startMs: start, timeMs: time, count: 3, sum: tokens.input },
            { attrs: { 'gen_ai.token.type': 'output' }, startMs: start, timeMs: time, count: 3, sum: tokens.output },
          ]),
          gauge('process.cpu.utilization', [
            { attrs: { 'cpu.mode': 'user' }, timeMs: time, value: 0.2 },
            { attrs: { 'cpu.mode': 'system' }, timeMs: time, value: 0.05 },
          ]),
          sum('process.memory.usage', [{ timeMs: time, value: 256 * MIB }], { monotonic: false }),
          sum('meta_agent.insights_generated', [{ startMs: start, timeMs: time, value: insights }]),
          gauge('meta_agent.research_cycles', [{ timeMs: time, value: 3 }]),
          gauge('jvm.memory.used', [{ timeMs: time, value: 1 }]),
        ],
        { 'service.version': '4.2.0' },
      );
    expect(await send(t, exportAt(t1, { count: 8, sum: 8 }, { input: 900, output: 150 }, 5))).toEqual({});
    await send(t, exportAt(t2, { count: 10, sum: 11 }, { input: 1200, output: 200 }, 9));

    const [first, second] = await samplesOf(t, 'llm_analyst');
    // The first export of a stream counts everything since its start time.
    expect(first).toMatchObject({ timestamp: new Date(t1).toISOString(), requests: 10, error_count: 2, success_rate: 0.8, input_tokens: 900, output_tokens: 150, memory_usage: 256, insights_generated: 5, research_cycles: 3, version: '4.2.0', source: 'otlp' });
    expect(first!.response_time).toBeCloseTo(1.4, 10);
    expect(first!.cpu_usage).toBeCloseTo(25, 10);
    // The second, only what was added since the first: 2 calls taking 3 s in all, 300 and 50 tokens, 4 insights.
    expect(second).toMatchObject({ timestamp: new Date(t2).toISOString(), requests: 2, error_count: 0, response_time: 1.5, success_rate: 1, input_tokens: 300, output_tokens: 50, insights_generated: 4, research_cycles: 3 });

    const scrape = await t.get('/metrics');
    expect(scrape.text).toMatch(/meta_agent_otlp_data_points_total\{outcome="ignored"\} 2/);
  });

  it('HTTP server durations (errors: error.type or a 5xx status), delta temporality, and CPU from process.cpu.time', async () => {
    const t = createTestApp();
    const now = t.clock.now();
    const start = now - 120_000;
    const cpuTime = (time: number, user: number, system: number) =>
      sum('process.cpu.time', [
        { attrs: { 'cpu.mode': 'user' }, startMs: start, timeMs: time, value: user },
        { attrs: { 'cpu.mode': 'system' }, startMs: start, timeMs: time, value: system },
      ]);
    await send(t, agentExport('order_router', [cpuTime(now - 60_000, 12, 3)]));
    await send(
      t,
      agentExport('order_router', [
        cpuTime(now, 42, 9),
        histogram(
          'http.server.request.duration',
          [
            { attrs: { 'http.response.status_code': 200 }, startMs: now - 60_000, timeMs: now, count: 5, sum: 0.5 },
            { attrs: { 'http.response.status_code': 404 }, startMs: now - 60_000, timeMs: now, count: 2, sum: 0.2 },
            { attrs: { 'http.response.status_code': 503 }, startMs: now - 60_000, timeMs: now, count: 1, sum: 0.1 },
          ],
          DELTA,
        ),
      ]),
    );
    const [first, second] = await samplesOf(t, 'order_router');
    // 15 CPU-seconds over the 60 s since the start; then 36 over the next 60 s.
    expect(first!.cpu_usage).toBeCloseTo(25, 10);
    expect(first!.requests).toBeNull();
    expect(second!.cpu_usage).toBeCloseTo(60, 10);
    expect(second).toMatchObject({ requests: 8, error_count: 1, success_rate: 0.875 });
    expect(second!.response_time).toBeCloseTo(0.1, 10);
  });

  it('when an export has GenAI and HTTP durations, the GenAI calls are the requests; an explicit meta_agent.<field> wins over both', async () => {
    const t = createTestApp();
    const now = t.clock.now();
    await send(
      t,
      agentExport('chat_frontend', [
        histogram('gen_ai.client.operation.duration', [{ startMs: now - 60_000, timeMs: now, count: 4, sum: 8 }], DELTA),
        histogram('http.server.request.duration', [{ startMs: now - 60_000, timeMs: now, count: 40, sum: 4 }], DELTA),
        gauge('meta_agent.success_rate', [{ timeMs: now, value: 0.5 }]),
      ]),
    );
    const [sample] = await samplesOf(t, 'chat_frontend');
    expect(sample).toMatchObject({ requests: 4, response_time: 2, success_rate: 0.5 });
  });

  it('a repeated export adds nothing; a reset (new start time) counts from the new start', async () => {
    const t = createTestApp();
    const now = t.clock.now();
    const calls = (startMs: number, timeMs: number, count: number) => agentExport('restarting_bot', [histogram('gen_ai.client.operation.duration', [{ startMs, timeMs, count, sum: count }])]);
    await send(t, calls(now - 180_000, now - 120_000, 50));
    await send(t, calls(now - 180_000, now - 120_000, 50)); // the exporter retried: the same point again
    await send(t, calls(now - 90_000, now - 60_000, 7)); // the process restarted 90 s ago
    await send(t, calls(now - 90_000, now, 10));
    expect((await samplesOf(t, 'restarting_bot')).map((s) => s.requests)).toEqual([50, 7, 3]);
  });

  it('two processes under identical resource attributes (no service.instance.id) are counted apart, not as resets of one stream', async () => {
    const t = createTestApp();
    const now = t.clock.now();
    const [startA, startB] = [now - 600_000, now - 300_000];
    const calls = (startMs: number, minute: number, count: number) =>
      agentExport('twin_process', [histogram('gen_ai.client.operation.duration', [{ startMs, timeMs: now - 240_000 + minute * 60_000, count, sum: count }])]);
    // Their exports interleave: A counts 100, 105, 110; B counts 50, 52.
    for (const body of [calls(startA, 0, 100), calls(startB, 0, 50), calls(startA, 1, 105), calls(startB, 1, 52), calls(startA, 2, 110)]) await send(t, body);
    const total = (await samplesOf(t, 'twin_process')).reduce((n, s) => n + (s.requests as number), 0);
    expect(total).toBe(162);
  });

  it('two exports of the same streams at once are counted once', async () => {
    const t = createTestApp();
    const now = t.clock.now();
    const body = agentExport('twin_sender', [histogram('gen_ai.client.operation.duration', [{ startMs: now - 60_000, timeMs: now, count: 12, sum: 12 }])]);
    await Promise.all([send(t, body), send(t, body), send(t, body)]);
    expect((await samplesOf(t, 'twin_sender')).map((s) => s.requests)).toEqual([12]);
  });

  it('refuses points it cannot use as a partial success that says why, and stores the rest', async () => {
    const t = createTestApp();
    const now = t.clock.now();
    const body = exportOf([
      { attrs: { 'host.name': 'box-1' }, metrics: [gauge('meta_agent.cpu_usage', [{ timeMs: now, value: 5 }])] },
      { attrs: { 'service.name': 'bad name!' }, metrics: [gauge('meta_agent.cpu_usage', [{ timeMs: now, value: 5 }])] },
      {
        attrs: { 'service.name': 'mixed_agent' },
        metrics: [
          gauge('meta_agent.success_rate', [{ timeMs: now, value: 97 }]),
          gauge('meta_agent.latency', [{ timeMs: now, value: 1 }]),
          gauge('gen_ai.client.operation.duration', [{ timeMs: now, value: 1 }]),
          gauge('meta_agent.cpu_usage', [{ timeMs: now + 3_600_000, value: 5 }]),
          gauge('meta_agent.memory_usage', [{ timeMs: now, value: 300 }]),
          gauge('meta_agent.requests', [{ timeMs: now, value: 2 }]),
          gauge('meta_agent.error_count', [{ timeMs: now, value: 5 }]),
        ],
      },
    ]);
    const answer = await send(t, body);
    expect(answer.partialSuccess?.rejectedDataPoints).toBe('7');
    const message = answer.partialSuccess!.errorMessage;
    expect(message).toContain('has no service.name attribute');
    expect(message).toContain('"bad name!"');
    expect(message).toMatch(/mixed_agent: meta_agent\.success_rate makes success_rate must be between 0 and 1/);
    expect(message).toContain('meta_agent.latency names no sample field');
    expect(message).toContain('gen_ai.client.operation.duration must be a histogram, got a gauge');
    expect(message).toContain('more than 5 minutes in the future');
    expect(message).toContain('meta_agent.error_count makes error_count 5, more than the 2 requests');
    const samples = await samplesOf(t, 'mixed_agent');
    expect(samples).toHaveLength(1);
    expect(samples[0]).toMatchObject({ memory_usage: 300, requests: 2, error_count: null, success_rate: null, cpu_usage: null });
    expect((await t.get('/api/agents/status')).body.data.map((a: { name: string }) => a.name)).toEqual(['mixed_agent']);
  });
});
