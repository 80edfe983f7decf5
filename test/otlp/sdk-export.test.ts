import { afterEach, describe, expect, it } from 'vitest';
import type { Histogram } from '@opentelemetry/api';
import { MeterProvider, PeriodicExportingMetricReader, type PushMetricExporter } from '@opentelemetry/sdk-metrics';
import { OTLPMetricExporter as ProtoExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { OTLPMetricExporter as JsonExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { createFakeClock } from '../helpers/clock.js';

/**
 * Real exports from the official OpenTelemetry JS SDK (its default, cumulative temporality),
 * over both OTLP/HTTP encodings, into a listening server.
 */
const providers: MeterProvider[] = [];
afterEach(async () => {
  for (const provider of providers.splice(0)) await provider.shutdown().catch(() => undefined);
});

const EXPORTERS = {
  protobuf: (url: string) => new ProtoExporter({ url }),
  json: (url: string) => new JsonExporter({ url }),
} satisfies Record<string, (url: string) => PushMetricExporter>;

/** An instrumented agent: a GenAI duration histogram, exported when flush() is called. */
function instrumentedAgent(name: string, url: string, encoding: keyof typeof EXPORTERS) {
  const reader = new PeriodicExportingMetricReader({ exporter: EXPORTERS[encoding](url), exportIntervalMillis: 3_600_000 });
  const provider = new MeterProvider({ resource: resourceFromAttributes({ 'service.name': name, 'service.version': '2.1.0' }), readers: [reader] });
  providers.push(provider);
  const duration: Histogram = provider.getMeter('trading').createHistogram('gen_ai.client.operation.duration', { unit: 's' });
  return {
    call(seconds: number, failed = false) {
      duration.record(seconds, { 'gen_ai.operation.name': 'chat', ...(failed ? { 'error.type': 'timeout' } : {}) });
    },
    flush: () => reader.forceFlush(),
  };
}

/**
 * A test app on a real port, with the server's threads (exports are decoded on their own), its
 * clock at the real time (the SDK stamps points with Date.now()).
 */
async function listeningApp(options: Parameters<typeof createTestApp>[1] = {}): Promise<{ t: TestApp; url: string }> {
  const t = createTestApp({}, { clock: createFakeClock(new Date().toISOString()), threads: true, ...options });
  const { port } = await t.agent.start();
  return { t, url: `http://127.0.0.1:${port}/v1/metrics` };
}

async function samplesOf(t: TestApp, agent: string) {
  const response = await t.get(`/api/meta-agent/agent-performance?agent_name=${agent}&hours=1`);
  expect(response.status).toBe(200);
  return (response.body.data as Array<Record<string, unknown>>).reverse();
}

describe('OTLP/HTTP exports from the OpenTelemetry SDK', () => {
  for (const encoding of ['protobuf', 'json'] as const) {
    it(`${encoding}: each cumulative export becomes a sample of what happened since the previous one, no call counted twice`, async () => {
      const { t, url } = await listeningApp();
      const agent = instrumentedAgent('llm_trader', url, encoding);
      agent.call(0.5);
      agent.call(1.5);
      agent.call(1.0, true);
      agent.call(1.0);
      await agent.flush();
      agent.call(3.0);
      await agent.flush();
      await agent.flush(); // nothing new: a sample of zero requests

      const samples = await samplesOf(t, 'llm_trader');
      expect(samples.map((s) => [s.requests, s.error_count])).toEqual([
        [4, 1],
        [1, 0],
        [0, 0],
      ]);
      expect(samples[0]).toMatchObject({ response_time: 1, success_rate: 0.75, source: 'otlp', version: '2.1.0' });
      expect(samples[1]).toMatchObject({ response_time: 3, success_rate: 1 });
      expect(samples[2]).toMatchObject({ response_time: null, success_rate: null });
    });
  }

  it('after a server restart the next export counts only the calls made since the last one stored', async () => {
    const first = await listeningApp({ keepData: true });
    const agent = instrumentedAgent('research_bot', first.url, 'protobuf');
    agent.call(2);
    agent.call(2);
    await agent.flush();
    await first.t.stop();

    // The same data directory on the same port: the SDK's exporter knows nothing of the restart.
    const port = Number(new URL(first.url).port);
    const second = createTestApp({ port }, { clock: createFakeClock(new Date().toISOString()), dataDir: first.t.dataDir, threads: true });
    await second.agent.start();
    agent.call(4);
    await agent.flush();

    const samples = await samplesOf(second, 'research_bot');
    expect(samples.map((s) => s.requests)).toEqual([2, 1]);
    expect(samples[1]!.response_time).toBe(4);
  });
});
