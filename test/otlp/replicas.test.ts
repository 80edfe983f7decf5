import { afterAll, describe, expect, it } from 'vitest';
import { openPostgresStore } from '../../src/store/postgres/pg-store.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { createFakeClock } from '../helpers/clock.js';
import { agentExport, histogram } from '../helpers/otlp.js';
import { freshDatabase, testDatabaseUrl } from '../helpers/services.js';

const url = testDatabaseUrl();
const drops: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const drop of drops) await drop();
});

const send = (t: TestApp, body: unknown) => t.request('POST', '/v1/metrics', body, { 'content-type': 'application/json' });

describe.skipIf(!url)('OTLP exports to two replicas on one PostgreSQL database', () => {
  it('whichever replica takes an export continues the stream where the other left it, and a race counts once', async () => {
    const database = await freshDatabase(url!);
    drops.push(database.drop);
    const clock = createFakeClock();
    const a = createTestApp({}, { clock, store: await openPostgresStore(database.url) });
    const b = createTestApp({}, { clock, store: await openPostgresStore(database.url) });
    const start = clock.now() - 600_000;
    const calls = (minute: number, count: number) =>
      agentExport('shared_agent', [histogram('gen_ai.client.operation.duration', [{ startMs: start, timeMs: start + minute * 60_000, count, sum: count * 2 }])]);

    // A load balancer spreads the exports: the cumulative counts are 10, 15, 15, 22, 30.
    const replies = [await send(a, calls(1, 10)), await send(b, calls(2, 15)), await send(a, calls(3, 15)), await send(b, calls(4, 22))];
    // ...and retries the last export on both replicas at once.
    replies.push(...(await Promise.all([send(a, calls(5, 30)), send(b, calls(5, 30))])));
    expect(replies.map((r) => r.status)).toEqual(Array(6).fill(200));

    const samples = (await b.get('/api/meta-agent/agent-performance?agent_name=shared_agent&hours=1')).body.data as Array<{ requests: number }>;
    expect(samples.map((s) => s.requests).reverse()).toEqual([10, 5, 0, 7, 8]);
  });
});
