import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ANONYMOUS_ADMIN } from '../../src/auth/tokens.js';
import { createOtlpEndpoint } from '../../src/http/otlp.js';
import { silentLogger } from '../../src/logger.js';
import type { OtlpService } from '../../src/services/otlp.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { agentExport, gauge } from '../helpers/otlp.js';

/** POST /v1/metrics as the OTLP/HTTP specification has it answer: statuses, encodings, refusals that store nothing. */

const JSON_TYPE = { 'content-type': 'application/json' };
const PROTOBUF_TYPE = { 'content-type': 'application/x-protobuf' };

const oneGauge = (t: TestApp, agent = 'edge_agent') => agentExport(agent, [gauge('meta_agent.cpu_usage', [{ timeMs: t.clock.now(), value: 12 }])]);

async function raw(t: TestApp, body: BodyInit | null, headers: Record<string, string>, method = 'POST') {
  const response = await t.agent.fetch('http://meta-agent.test/v1/metrics', { method, body, headers, ...(body instanceof ReadableStream ? { duplex: 'half' } : {}) } as RequestInit);
  return { status: response.status, headers: response.headers, bytes: Buffer.from(await response.arrayBuffer()) };
}

async function storedSamples(t: TestApp): Promise<number> {
  return (await t.get('/api/meta-agent/agent-performance?hours=1')).body.count;
}

describe('POST /v1/metrics', () => {
  it('takes gzipped JSON and answers 200 with an empty ExportMetricsServiceResponse', async () => {
    const t = createTestApp();
    const response = await raw(t, gzipSync(JSON.stringify(oneGauge(t))), { ...JSON_TYPE, 'content-encoding': 'gzip' });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(JSON.parse(response.bytes.toString())).toEqual({});
    expect(await storedSamples(t)).toBe(1);
  });

  it('answers an empty protobuf export (zero bytes is a valid message) with an empty protobuf response', async () => {
    const t = createTestApp();
    const response = await raw(t, new Uint8Array(0), PROTOBUF_TYPE);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/x-protobuf');
    expect(response.bytes.length).toBe(0);
  });

  it('refuses what it cannot decode with 400 and a Status naming the problem, storing nothing', async () => {
    const t = createTestApp();
    const cases: Array<[BodyInit, Record<string, string>, RegExp]> = [
      ['{"resourceMetrics": [', JSON_TYPE, /not valid JSON/],
      [JSON.stringify({ resourceMetrics: 5 }), JSON_TYPE, /request\.resourceMetrics must be an array, got number 5/],
      [
        JSON.stringify({ resourceMetrics: [{ scopeMetrics: [{ metrics: [{ name: 'x', histogram: { dataPoints: [{ count: 'many' }] } }] }] }] }),
        JSON_TYPE,
        /resourceMetrics\[0\]\.scopeMetrics\[0\]\.metrics\[0\]\.histogram\.dataPoints\[0\]\.count must be a 64-bit integer/,
      ],
      [Buffer.from([0x0a, 0xff, 0xff, 0xff, 0x0f, 0x01]), PROTOBUF_TYPE, /not a protobuf ExportMetricsServiceRequest/],
      [Buffer.from('not gzip at all'), { ...JSON_TYPE, 'content-encoding': 'gzip' }, /not valid gzip/],
    ];
    for (const [body, headers, message] of cases) {
      const response = await raw(t, body, headers);
      expect(response.status, message.source).toBe(400);
      if (headers['content-type'] === 'application/json') expect(JSON.parse(response.bytes.toString())).toMatchObject({ code: 3, message: expect.stringMatching(message) });
      else expect(response.bytes.toString()).toMatch(message);
    }
    expect(await storedSamples(t)).toBe(0);
  });

  it('refuses bodies built to cost: too many attributes, nesting too deep, too many points (400/413, quickly, storing nothing)', async () => {
    const t = createTestApp();
    const started = Date.now();
    const manyAttributes = JSON.stringify({
      resourceMetrics: [{ resource: { attributes: Array.from({ length: 20_000 }, (_, i) => ({ key: `k${20_000 - i}`, value: { stringValue: 'v' } })) }, scopeMetrics: [] }],
    });
    const tooMany = await raw(t, manyAttributes, JSON_TYPE);
    expect(tooMany.status).toBe(400);
    expect(JSON.parse(tooMany.bytes.toString()).message).toMatch(/resourceMetrics\[0\]\.resource\.attributes holds 20000 attributes; at most 128/);

    const deep = `{"resourceMetrics":[{"resource":{"attributes":[{"key":"x","value":{"arrayValue":${'['.repeat(200_000)}${']'.repeat(200_000)}}}]}}]}`;
    const nested = await raw(t, deep, JSON_TYPE);
    expect(nested.status).toBe(400);
    expect(JSON.parse(nested.bytes.toString()).message).toMatch(/arrayValue is nested too deeply/);

    const points = `{"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"name":"g","gauge":{"dataPoints":[${Array(200_001).fill('{}').join(',')}]}}]}]}]}`;
    const flood = await raw(t, gzipSync(points), { ...JSON_TYPE, 'content-encoding': 'gzip' });
    expect(flood.status).toBe(413);
    expect(JSON.parse(flood.bytes.toString()).message).toMatch(/more than 200000 data points/);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(await storedSamples(t)).toBe(0);
  });

  it('takes a summary whose sum is 0 (proto3 leaves it off the wire)', async () => {
    const t = createTestApp();
    const now = t.clock.now();
    const body = agentExport('summary_agent', [
      { name: 'meta_agent.requests', summary: { dataPoints: [{ startTimeUnixNano: `${BigInt(now - 60_000) * 1_000_000n}`, timeUnixNano: `${BigInt(now) * 1_000_000n}`, count: '0' }] } },
    ]);
    const response = await raw(t, JSON.stringify(body), JSON_TYPE);
    expect(JSON.parse(response.bytes.toString())).toEqual({});
    expect(await storedSamples(t)).toBe(1);
  });

  it('decodes on its own thread in the server: the same 400 for a bad body, and the export stored after it', async () => {
    const t = createTestApp({}, { threads: true });
    const bad = await raw(t, Buffer.from([0x0a, 0xff, 0xff, 0xff, 0x0f, 0x01]), PROTOBUF_TYPE);
    expect(bad.status).toBe(400);
    expect(bad.bytes.toString()).toMatch(/not a protobuf ExportMetricsServiceRequest/);
    expect((await raw(t, JSON.stringify(oneGauge(t)), JSON_TYPE)).status).toBe(200);
    expect(await storedSamples(t)).toBe(1);
  });

  it('answers 413 above the body limit, also when only the decompressed body is too large', async () => {
    const t = createTestApp({ limits: { maxBodyBytes: 64 * 1024 } });
    expect((await raw(t, Buffer.alloc(65 * 1024, 0x20), JSON_TYPE)).status).toBe(413);
    // 10 MB of spaces compress to about 10 KB: a decompression bomb.
    const bomb = gzipSync(Buffer.alloc(10 * 1024 * 1024, 0x20));
    expect(bomb.length).toBeLessThan(64 * 1024);
    const response = await raw(t, bomb, { ...JSON_TYPE, 'content-encoding': 'gzip' });
    expect(response.status).toBe(413);
    expect(JSON.parse(response.bytes.toString()).message).toMatch(/exceeds the 65536-byte limit/);
  });

  it('answers 415 for another content type or encoding, and 405 for another method', async () => {
    const t = createTestApp();
    expect((await raw(t, 'x', { 'content-type': 'text/plain' })).status).toBe(415);
    expect((await raw(t, JSON.stringify(oneGauge(t)), { ...JSON_TYPE, 'content-encoding': 'br' })).status).toBe(415);
    const get = await raw(t, null, {}, 'GET');
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
    expect(await storedSamples(t)).toBe(0);
  });

  it('needs the agent role when tokens are configured, answering refusals in the OTLP form', async () => {
    const t = createTestApp({
      auth: {
        tokens: [
          { role: 'agent', token: 'agent-token-0123456789' },
          { role: 'viewer', token: 'viewer-token-0123456789' },
        ],
      },
    });
    const body = JSON.stringify(oneGauge(t));
    const none = await raw(t, body, JSON_TYPE);
    expect(none.status).toBe(401);
    expect(JSON.parse(none.bytes.toString())).toMatchObject({ code: 16 });
    expect((await raw(t, body, { ...JSON_TYPE, authorization: 'Bearer viewer-token-0123456789' })).status).toBe(403);
    expect((await raw(t, body, { ...JSON_TYPE, authorization: 'Bearer agent-token-0123456789' })).status).toBe(200);
  });

  it('answers an export of metrics it has no mapping for with 200, storing and registering nothing', async () => {
    const t = createTestApp();
    const body = agentExport('jvm_service', [gauge('jvm.memory.used', [{ timeMs: t.clock.now(), value: 1e9 }]), gauge('http.client.open_connections', [{ timeMs: t.clock.now(), value: 3 }])]);
    const response = await raw(t, JSON.stringify(body), JSON_TYPE);
    expect(response.status).toBe(200);
    expect(JSON.parse(response.bytes.toString())).toEqual({});
    expect(await storedSamples(t)).toBe(0);
    expect((await t.get('/api/agents/status')).body.data).toEqual([]);
    expect((await t.get('/metrics')).text).toMatch(/meta_agent_otlp_data_points_total\{outcome="ignored"\} 2/);
  });

  it('answers the rate limit with 429, Retry-After and a Status in the request encoding', async () => {
    const t = createTestApp({ http: { rateLimit: { exemptLoopback: false, perAddressPerSecond: 1, burst: 2 } } });
    const statuses: number[] = [];
    let last: Awaited<ReturnType<typeof raw>> | undefined;
    for (let i = 0; i < 4; i += 1) {
      last = await raw(t, JSON.stringify(oneGauge(t)), JSON_TYPE);
      statuses.push(last.status);
    }
    expect(statuses).toEqual([200, 200, 429, 429]);
    expect(Number(last!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(JSON.parse(last!.bytes.toString())).toMatchObject({ code: 8, message: expect.stringMatching(/Too many requests/) });
    // (The API itself is rate-limited now: counted inside.)
    expect((await t.agent.services.agents.statuses()).reduce((n, a) => n + a.sample_count, 0)).toBe(2);
  });

  it('tells a sender to come back (503, Retry-After) while 16 exports are being stored; a body still arriving holds no slot', async () => {
    // The edge alone, over a receiver whose stores are held open: exports stay in progress until released.
    const releases: Array<() => void> = [];
    const otlp = {
      receive: () => new Promise((resolve) => releases.push(() => resolve({ rejectedDataPoints: 0, errorMessage: '' }))),
      counts: () => ({ stored: 0, rejected: 0, ignored: 0 }),
    } as unknown as OtlpService;
    const handle = createOtlpEndpoint({ otlp, maxBodyBytes: 1_000_000, logger: silentLogger(), authorize: () => ANONYMOUS_ADMIN });
    const post = (body: BodyInit) => handle(new Request('http://meta-agent.test/v1/metrics', { method: 'POST', headers: JSON_TYPE, body, duplex: 'half' } as RequestInit));

    let trickling!: ReadableStreamDefaultController<Uint8Array>;
    const slow = post(new ReadableStream<Uint8Array>({ start: (controller) => void (trickling = controller) }));
    const pending = Array.from({ length: 16 }, () => post('{}'));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(releases).toHaveLength(16);
    const refused = await post('{}');
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(await refused.json()).toMatchObject({ code: 14, message: expect.stringMatching(/busy with 16 exports; nothing was stored/) });

    for (const release of releases.splice(0)) release();
    expect((await Promise.all(pending)).map((r) => r.status)).toEqual(Array(16).fill(200));
    trickling.enqueue(new TextEncoder().encode('{}'));
    trickling.close();
    await new Promise((resolve) => setTimeout(resolve, 20));
    releases.splice(0).forEach((release) => release());
    expect((await slow).status).toBe(200);
  });
});
