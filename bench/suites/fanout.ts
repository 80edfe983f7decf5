import type WebSocket from 'ws';
import { startServer } from '../lib/server.js';
import { snapshotSubscriber } from '../lib/snapshot-subscriber.js';
import { percentile, round, type Row } from '../lib/stats.js';
import type { BenchOptions } from '../run.js';

const QUERY = 'subscription { healthSnapshot { timestamp tickMs performanceScore overallHealth agents { total } systemCpuUsage } }';

export async function benchFanout(options: BenchOptions): Promise<Row> {
  const subscribers = options.quick ? 1000 : 10_000;
  const ticks = options.quick ? 3 : 10;
  // Loopback is exempt from the per-address socket limit; every subscriber needs one socket.
  const server = await startServer({ META_AGENT_HEALTH_INTERVAL_S: '2' });
  const url = server.url.replace('http', 'ws') + '/graphql';
  const sockets: WebSocket[] = [];
  const received = new Map<string, number>();
  const latencies: number[] = [];
  let measuring = false;
  try {
    for (let i = 0; i < subscribers; i += 500) {
      // In rounds of 500, so the connects do not all land in one tick of the server.
      const joined = await Promise.all(
        Array.from({ length: Math.min(500, subscribers - i) }, () =>
          snapshotSubscriber(url, QUERY, (timestamp, tickMs) => {
            if (!measuring) return;
            latencies.push(Date.now() - (Date.parse(timestamp) + tickMs));
            received.set(timestamp, (received.get(timestamp) ?? 0) + 1);
          }),
        ),
      );
      sockets.push(...joined);
    }
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
      notes: `${sockets.length} subscribed, ${counts.length} ticks, p50 ${round(percentile(latencies, 50), 1)} ms, ${dropped} dropped`,
    };
  } finally {
    for (const socket of sockets) socket.terminate();
    await server.stop();
  }
}
