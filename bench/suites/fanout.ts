import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { startServer } from '../lib/server.js';
import { percentile, round, type Row } from '../lib/stats.js';
import type { BenchOptions } from '../run.js';

export async function benchFanout(options: BenchOptions): Promise<Row> {
  const subscribers = options.quick ? 1000 : 10_000;
  const ticks = options.quick ? 3 : 10;
  const server = await startServer({ META_AGENT_HEALTH_INTERVAL_S: '2' });
  const clients: Client[] = [];
  const received = new Map<string, number>();
  const latencies: number[] = [];
  let measuring = false;
  try {
    let subscribed = 0;
    await Promise.all(
      Array.from({ length: subscribers }, async (_, i) => {
        await new Promise((r) => setTimeout(r, i)); // spread the connects, a thousand a second
        const client = createClient({ url: server.url.replace('http', 'ws') + '/graphql', webSocketImpl: WebSocket, retryAttempts: 0, lazy: false });
        clients.push(client);
        await new Promise<void>((resolve, reject) => {
          client.subscribe<{ healthSnapshot: { timestamp: string; tickMs: number | null } }>(
            { query: 'subscription { healthSnapshot { timestamp tickMs performanceScore overallHealth agents { total } systemCpuUsage } }' },
            {
              next: ({ data }) => {
                if (!data) return;
                const now = Date.now();
                if (!measuring) {
                  subscribed += 1;
                  return resolve();
                }
                const { timestamp, tickMs } = data.healthSnapshot;
                latencies.push(now - (Date.parse(timestamp) + (tickMs ?? 0)));
                received.set(timestamp, (received.get(timestamp) ?? 0) + 1);
              },
              error: reject,
              complete: () => undefined,
            },
          );
        });
      }),
    );
    measuring = true;
    const started = Date.now();
    while (received.size < ticks + 1 && Date.now() - started < (ticks + 3) * 2000) await new Promise((r) => setTimeout(r, 100));
    // The last tick is still being delivered when its first copy arrives: give it a grace far over
    // the target before counting, and judge only the ticks that had it.
    await new Promise((r) => setTimeout(r, 1000));
    // The first tick may have begun while subscribers were still joining: judge the complete ones after it.
    const counts = [...received.entries()].sort(([a], [b]) => a.localeCompare(b)).slice(1, ticks + 1).map(([, n]) => n);
    const dropped = counts.reduce((sum, n) => sum + (subscribers - n), 0);
    const p99 = percentile(latencies, 99);
    return {
      figure: `health snapshot fan-out to ${subscribers.toLocaleString('en')} websocket subscribers, publish to receive`,
      ours: round(p99, 1),
      unit: 'ms p99',
      reference: null,
      referenceLabel: null,
      ratio: null,
      target: 'p99 < 500 ms, none dropped',
      pass: p99 < 500 && dropped === 0 && counts.length >= ticks,
      notes: `${subscribed} subscribed, ${counts.length} ticks, p50 ${round(percentile(latencies, 50), 1)} ms, ${dropped} dropped`,
    };
  } finally {
    await Promise.all(clients.map((c) => c.dispose()));
    await server.stop();
  }
}
