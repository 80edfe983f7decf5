import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../src/errors.js';
import { startPipelineThread } from '../../src/otlp/pipeline-thread.js';
import { agentExport, gauge, histogram } from '../helpers/otlp.js';

const now = Date.parse('2026-11-25T12:00:00Z');
const limits = { now, maxSamples: 5000, oldestAllowedMs: now - 86_400_000 };
const bytes = (body: unknown) => new TextEncoder().encode(JSON.stringify(body));

describe('the OTLP decoder thread', () => {
  it('collects and maps on its own thread, and after close refuses with 503 what it held and anything new', async () => {
    const errors: string[] = [];
    const pipeline = startPipelineThread((message) => errors.push(message));
    const body = agentExport('threaded', [gauge('meta_agent.cpu_usage', [{ timeMs: now, value: 12 }]), histogram('gen_ai.client.operation.duration', [{ startMs: now - 60_000, timeMs: now, count: 4, sum: 2 }])]);
    const first = await pipeline.collect(bytes(body), 'json', limits);
    expect(first.keys).toHaveLength(1);
    const mapped = await pipeline.map(first.handle, new Map());
    expect(mapped.samples).toMatchObject([{ agent_name: 'threaded', cpu_usage: 12, requests: 4, response_time: 0.5 }]);
    pipeline.release(first.handle, true);

    // The marks it stored are remembered: the next export of the stream is mapped at once.
    const next = await pipeline.collect(bytes(agentExport('threaded', [histogram('gen_ai.client.operation.duration', [{ startMs: now - 60_000, timeMs: now + 1000, count: 6, sum: 3 }])])), 'json', limits);
    expect(next.mapped?.samples).toMatchObject([{ requests: 2 }]);

    const held = await pipeline.collect(bytes(body), 'json', limits);
    await pipeline.close();
    await expect(pipeline.map(held.handle, new Map())).rejects.toMatchObject({ code: ErrorCode.unavailable });
    await expect(pipeline.collect(bytes(body), 'json', limits)).rejects.toMatchObject({ code: ErrorCode.unavailable });
    expect(errors).toEqual([]);
  });

  it('answers a body that is no export with the 400 the main thread would give', async () => {
    const pipeline = startPipelineThread();
    try {
      await expect(pipeline.collect(new TextEncoder().encode('{"resourceMetrics": 5}'), 'json', limits)).rejects.toMatchObject({
        code: ErrorCode.badRequest,
        message: 'request.resourceMetrics must be an array, got number 5',
      });
    } finally {
      await pipeline.close();
    }
  });
});
