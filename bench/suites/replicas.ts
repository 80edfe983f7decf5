import pg from 'pg';
import type WebSocket from 'ws';
import { openPostgresStore } from '../../src/store/postgres/pg-store.js';
import { freshDatabase } from '../../test/helpers/services.js';
import { makeSample } from '../lib/seed.js';
import { startServer, type ServerHandle } from '../lib/server.js';
import { snapshotSubscriber } from '../lib/snapshot-subscriber.js';
import { percentile, round, type Row } from '../lib/stats.js';
import type { BenchOptions } from '../run.js';
import { batch, batchedIngest } from './ingest.js';

const BATCH = 1000;
const COLUMNS = ['agent_name', 'timestamp', 'response_time', 'success_rate', 'error_count', 'insights_generated', 'memory_usage', 'cpu_usage', 'requests', 'research_cycles', 'source'] as const;
const SNAPSHOT_QUERY = 'subscription { healthSnapshot { timestamp tickMs } }';

const skipped = (figure: string, why: string): Row => ({ figure, ours: NaN, unit: '', reference: null, referenceLabel: null, ratio: null, target: '', pass: false, notes: `skipped: ${why}` });

/** The reference: the same rows into the same table and indexes, raw node-postgres, one multi-row INSERT … VALUES per 1,000. */
async function rawPgRate(url: string, rows: Array<ReturnType<typeof makeSample>>): Promise<number> {
  const database = await freshDatabase(url);
  await (await openPostgresStore(database.url)).close(); // the same schema
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  try {
    const started = performance.now();
    for (let i = 0; i < rows.length; i += BATCH) {
      const chunk = rows.slice(i, i + BATCH);
      const values = chunk.flatMap((s) => COLUMNS.map((c) => s[c]));
      const tuples = chunk.map((_, r) => `(${COLUMNS.map((_, c) => `$${r * COLUMNS.length + c + 1}`).join(', ')})`);
      await client.query(`INSERT INTO agent_performance_history (${COLUMNS.join(', ')}) VALUES ${tuples.join(', ')}`, values);
    }
    return rows.length / ((performance.now() - started) / 1000);
  } finally {
    await client.end();
    await database.drop();
  }
}

async function benchPgIngest(options: BenchOptions, url: string): Promise<Row> {
  const database = await freshDatabase(url);
  const server = await startServer({ META_AGENT_DATABASE_URL: database.url });
  const start = Date.now() - 3_600_000;
  try {
    const { rate: ours, accepted, failed } = await batchedIngest(server.url, options, start);
    const reference = await rawPgRate(url, Array.from({ length: accepted }, (_, k) => batch(k, start)).flat());
    return {
      figure: 'batched ingestion into PostgreSQL, REST, 1000 samples/request, 4 clients',
      ours: round(ours, 0),
      unit: 'samples/s',
      reference: round(reference, 0),
      referenceLabel: 'raw node-postgres, same rows, 1000-row INSERT … VALUES',
      ratio: round(ours / reference, 2),
      target: '>= 0.50 of reference',
      pass: ours / reference >= 0.5 && failed === 0,
      notes: `${failed} failed requests; the server also registers agents and keeps versions in the same transaction`,
    };
  } finally {
    await server.stop();
    await database.drop();
  }
}

const healthOf = async (server: ServerHandle) => ((await (await fetch(`${server.url}/api/meta-agent/health`)).json()) as { data: { cluster: { leader: boolean } } }).data;

/**
 * Two replicas on one database and one Redis, half the subscribers on each: every snapshot
 * ticked on the leader reaches the standby's subscribers through Redis. Then the leader is
 * killed (SIGKILL) and the time to the survivor's first snapshot is measured.
 */
async function benchReplicaFanout(options: BenchOptions, url: string, redisUrl: string): Promise<Row[]> {
  const subscribers = options.quick ? 200 : 1000;
  const ticks = options.quick ? 3 : 10;
  const database = await freshDatabase(url);
  const env = (id: string) => ({ META_AGENT_DATABASE_URL: database.url, META_AGENT_REDIS_URL: redisUrl, META_AGENT_INSTANCE_ID: id, META_AGENT_HEALTH_INTERVAL_S: '1' });
  const first = await startServer(env('bench-a'));
  for (let i = 0; i < 100 && !(await healthOf(first)).cluster.leader; i++) await new Promise((r) => setTimeout(r, 100));
  const second = await startServer(env('bench-b'));
  const servers = [first, second];
  const sockets: WebSocket[] = [];
  const latencies: number[] = [];
  const perTick = new Map<string, number>();
  let measuring = false;
  let survivorFirst: number | undefined;
  let killedAt: number | undefined;
  try {
    for (let i = 0; i < subscribers; i += 100) {
      const joined = await Promise.all(
        Array.from({ length: Math.min(100, subscribers - i) }, (_, j) => {
          const server = servers[(i + j) % 2]!;
          return snapshotSubscriber(server.url.replace('http', 'ws') + '/graphql', SNAPSHOT_QUERY, (timestamp, tickMs) => {
            if (killedAt !== undefined && server === second && Date.parse(timestamp) > killedAt) survivorFirst ??= Date.now();
            if (!measuring) return;
            latencies.push(Date.now() - (Date.parse(timestamp) + tickMs));
            perTick.set(timestamp, (perTick.get(timestamp) ?? 0) + 1);
          });
        }),
      );
      sockets.push(...joined);
    }
    measuring = true;
    const started = Date.now();
    while (perTick.size < ticks + 1 && Date.now() - started < (ticks + 5) * 1000) await new Promise((r) => setTimeout(r, 50));
    measuring = false;
    const complete = [...perTick.values()].slice(1, -1);
    const dropped = complete.filter((n) => n < subscribers).length;

    killedAt = Date.now();
    first.child.kill('SIGKILL');
    while (survivorFirst === undefined && Date.now() - killedAt < 20_000) await new Promise((r) => setTimeout(r, 20));
    const failoverMs = survivorFirst === undefined ? NaN : survivorFirst - killedAt;
    return [
      {
        figure: `health-snapshot fan-out to ${subscribers.toLocaleString('en')} subscribers split over two replicas through Redis`,
        ours: round(percentile(latencies, 99), 1),
        unit: 'ms p99',
        reference: null,
        referenceLabel: null,
        ratio: null,
        target: 'p99 < 250 ms, none dropped',
        pass: percentile(latencies, 99) < 250 && dropped === 0 && complete.length > 0,
        notes: `p50 ${round(percentile(latencies, 50), 1)} ms from the tick's end to each subscriber, ${complete.length} whole ticks, ${dropped} with a subscriber missing`,
      },
      {
        figure: "from the leader's SIGKILL to the survivor's first health snapshot (tick every 1 s)",
        ours: round(failoverMs, 0),
        unit: 'ms',
        reference: null,
        referenceLabel: null,
        ratio: null,
        target: '< 15 s',
        pass: failoverMs < 15_000,
        notes: 'standbys try for the leader lock every 2 s; PostgreSQL releases it when the killed session ends',
      },
    ];
  } finally {
    for (const socket of sockets) socket.terminate();
    await Promise.all(servers.map((s) => s.stop()));
    await database.drop();
  }
}

/** PostgreSQL and Redis figures, on the services named by META_AGENT_TEST_DATABASE_URL and META_AGENT_TEST_REDIS_URL. */
export async function benchReplicas(options: BenchOptions): Promise<Row[]> {
  const url = process.env.META_AGENT_TEST_DATABASE_URL;
  const redisUrl = process.env.META_AGENT_TEST_REDIS_URL;
  if (!url) return [skipped('PostgreSQL and replica figures', 'set META_AGENT_TEST_DATABASE_URL (and META_AGENT_TEST_REDIS_URL) to measure them')];
  const rows = [await benchPgIngest(options, url)];
  if (!redisUrl) rows.push(skipped('fan-out through Redis and failover', 'set META_AGENT_TEST_REDIS_URL to measure them'));
  else rows.push(...(await benchReplicaFanout(options, url, redisUrl)));
  return rows;
}
