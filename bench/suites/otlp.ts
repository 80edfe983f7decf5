import { createClient } from '../lib/http-load.js';
import { loadOtlpProtos } from '../../src/otlp/proto.js';
import { startServer } from '../lib/server.js';
import { round, type Row } from '../lib/stats.js';
import type { BenchOptions } from '../run.js';
import { batchedIngest } from './ingest.js';

const CLIENTS = 4;
const AGENTS_PER_CLIENT = 25;
/** Collections per agent in one export: 25 agents × 40 distinct seconds = 1,000 samples, as a REST batch holds. */
const TIMES_PER_EXPORT = 40;
const SAMPLES_PER_EXPORT = AGENTS_PER_CLIENT * TIMES_PER_EXPORT;

const ExportRequest = loadOtlpProtos().lookupType('opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest');

const ns = (ms: number) => String(BigInt(ms) * 1_000_000n);
const attrs = (pairs: Record<string, string>) => Object.entries(pairs).map(([key, value]) => ({ key, value: { stringValue: value } }));

/**
 * Export k of one client (its own agents, so its streams arrive in order, as an SDK's do): per
 * agent and second, cumulative GenAI durations (ok and failed) and token usage (input and
 * output), CPU utilisation and memory: six points a sample, in protobuf, the SDKs' default.
 */
export function exportBytes(client: number, k: number, start: number): Uint8Array {
  const resourceMetrics = Array.from({ length: AGENTS_PER_CLIENT }, (_, a) => {
    const agent = `otlp_agent_${String(client * AGENTS_PER_CLIENT + a).padStart(3, '0')}`;
    const times = Array.from({ length: TIMES_PER_EXPORT }, (_, j) => k * TIMES_PER_EXPORT + j + 1);
    const at = (n: number) => ns(start + n * 1000);
    const histogram = (name: string, streams: Array<{ attributes: Record<string, string>; perSecond: number; each: number }>) => ({
      name,
      histogram: {
        aggregationTemporality: 2,
        dataPoints: times.flatMap((n) =>
          streams.map((s) => ({ attributes: attrs(s.attributes), startTimeUnixNano: ns(start), timeUnixNano: at(n), count: n * s.perSecond, sum: n * s.perSecond * s.each })),
        ),
      },
    });
    const gauge = (name: string, value: (n: number) => number) => ({ name, gauge: { dataPoints: times.map((n) => ({ timeUnixNano: at(n), asDouble: value(n) })) } });
    return {
      resource: { attributes: attrs({ 'service.name': agent, 'service.version': '1.0.0' }) },
      scopeMetrics: [
        {
          scope: { name: 'bench' },
          metrics: [
            histogram('gen_ai.client.operation.duration', [
              { attributes: { 'gen_ai.operation.name': 'chat' }, perSecond: 20, each: 1.2 },
              { attributes: { 'gen_ai.operation.name': 'chat', 'error.type': 'timeout' }, perSecond: 1, each: 30 },
            ]),
            histogram('gen_ai.client.token.usage', [
              { attributes: { 'gen_ai.token.type': 'input' }, perSecond: 21, each: 900 },
              { attributes: { 'gen_ai.token.type': 'output' }, perSecond: 21, each: 150 },
            ]),
            gauge('process.cpu.utilization', (n) => 0.2 + 0.1 * Math.sin(n / 10)),
            gauge('process.memory.usage', (n) => 300 * 2 ** 20 + n * 1024),
          ],
        },
      ],
    };
  });
  return ExportRequest.encode(ExportRequest.fromObject({ resourceMetrics })).finish();
}

/** One client's run of pre-encoded exports into a fresh server: samples stored a second, checked against the server's own count. */
async function otlpIngest(bodies: Uint8Array[][], durationMs: number): Promise<{ rate: number; accepted: number; stored: number; refused: number; exhausted: boolean }> {
  const server = await startServer();
  const http = createClient(server.url, CLIENTS);
  try {
    let refused = 0;
    let sent = 0;
    const started = performance.now();
    // Each client sends its own agents' exports in order, one at a time, as an SDK does.
    await Promise.all(
      bodies.map(async (own) => {
        for (const body of own) {
          if (performance.now() - started >= durationMs) return;
          const reply = await http.send('POST', '/v1/metrics', body, 'application/x-protobuf');
          sent += 1;
          // An answer with a body (a partialSuccess) refused points: the figure would not be comparable.
          if (reply.status !== 200 || reply.body.length > 0) refused += 1;
        }
      }),
    );
    const elapsedMs = performance.now() - started;
    // What was stored, counted by the server: every export must have become its 1,000 samples.
    const status = await http.send('GET', '/api/agents/status');
    const stored = (JSON.parse(status.body).data as Array<{ sample_count: number }>).reduce((n, a) => n + a.sample_count, 0);
    return { rate: stored / (elapsedMs / 1000), accepted: sent - refused, stored, refused, exhausted: sent === bodies.flat().length };
  } finally {
    http.close();
    await server.stop();
  }
}

/**
 * OTLP ingest against REST ingest of the same number of samples a request, 4 clients back to
 * back, each on a fresh server: the receiver's decoding, mapping and stream differencing must not
 * make OpenTelemetry the slow way in. The machine is shared and noisy, so a full run alternates
 * the two three times and reports the median ratio.
 */
export async function benchOtlpIngest(options: BenchOptions): Promise<Row> {
  const durationMs = options.quick ? 4000 : 15_000;
  const rounds = options.quick ? 1 : 3;
  // The bodies are encoded before any server starts (and serve every round): encoding one costs
  // the client about 20 ms, which on a small machine would be taken from the server measured.
  const perClient = Math.ceil(((options.quick ? 60 : 80) * durationMs) / 1000 / CLIENTS);
  // Their points end a minute ago: no point may be stamped in the future.
  const otlpStart = Date.now() - (perClient * TIMES_PER_EXPORT + 60) * 1000;
  const bodies = Array.from({ length: CLIENTS }, (_, c) => Array.from({ length: perClient }, (_, k) => exportBytes(c, k, otlpStart)));

  const results: Array<{ rest: number; otlp: Awaited<ReturnType<typeof otlpIngest>> }> = [];
  for (let round = 0; round < rounds; round += 1) {
    const rest = await startServer();
    let restRate: number;
    try {
      restRate = (await batchedIngest(rest.url, options, Date.now() - 3_600_000)).rate;
    } finally {
      await rest.stop();
    }
    results.push({ rest: restRate, otlp: await otlpIngest(bodies, durationMs) });
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  const ratios = results.map((r) => r.otlp.rate / r.rest);
  const ratio = median(ratios);
  const mid = results[ratios.indexOf(ratio)]!;
  const intact = results.every((r) => r.otlp.refused === 0 && r.otlp.stored === r.otlp.accepted * SAMPLES_PER_EXPORT);
  return {
    figure: 'OTLP ingestion, protobuf, 1000 samples (6,000 points)/export, 4 clients',
    ours: round(mid.otlp.rate, 0),
    unit: 'samples/s',
    reference: round(mid.rest, 0),
    referenceLabel: 'REST batched ingestion, 1000 samples/request, same run',
    ratio: round(ratio, 2),
    target: '>= 0.50 of reference',
    pass: ratio >= 0.5 && intact,
    notes: `${rounds > 1 ? `median of ${rounds} alternating rounds, ratios ${ratios.map((r) => round(r, 2)).join(', ')}; ` : ''}${mid.otlp.accepted} exports stored as ${mid.otlp.stored} samples, ${results.reduce((n, r) => n + r.otlp.refused, 0)} refused or partial${results.some((r) => r.otlp.exhausted) ? '; a round sent every pre-encoded export before its time was up' : ''}`,
  };
}
