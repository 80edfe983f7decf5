import pg from 'pg';
import type WebSocket from 'ws';
import { openPostgresStore } from '../../src/store/postgres/pg-store.js';
import { freshDatabase } from '../../test/helpers/services.js';
import { makeSample, wireSample } from '../lib/seed.js';
import { createClient } from '../lib/http-load.js';
import { seededRandom } from '../../scripts/demo/fleet.js';
import { startServer, type ServerHandle } from '../lib/server.js';
import { snapshotSubscriber } from '../lib/snapshot-subscriber.js';
import { median, percentile, round, type Row } from '../lib/stats.js';
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

const TICK_AGENTS = 1000;
const TICK_WINDOW_SAMPLES = 200_000;

/**
 * The health tick over PostgreSQL with 1,000 agents and 200,000 samples in the window (all
 * stamped within the last two minutes), its duration as the server reports it, against the query
 * the tick used before the buckets: one GROUP BY over the window's raw rows, in the same run.
 */
async function benchPgTick(url: string): Promise<Row> {
  const database = await freshDatabase(url);
  const server = await startServer({ META_AGENT_DATABASE_URL: database.url, META_AGENT_HEALTH_INTERVAL_S: '2' });
  const client = createClient(server.url, 4);
  const random = seededRandom(5);
  const now = Date.now();
  try {
    const batches = TICK_WINDOW_SAMPLES / TICK_AGENTS;
    for (let k = 0; k < batches; k += 4) {
      await Promise.all(
        Array.from({ length: Math.min(4, batches - k) }, (_, j) => {
          const t = now - 120_000 + (k + j) * (100_000 / batches);
          const samples = Array.from({ length: TICK_AGENTS }, (_, agent) => ({ ...wireSample(agent, t, random), agent_name: `agent_${String(agent).padStart(4, '0')}` }));
          return client.send('POST', '/api/agents/metrics', JSON.stringify({ samples }));
        }),
      );
    }
    const durations = new Map<string, number>();
    const deadline = Date.now() + 30_000;
    while (durations.size < 6 && Date.now() < deadline) {
      const health = JSON.parse((await client.send('GET', '/api/meta-agent/health')).body).data as { jobs: Array<{ name: string; last_started_at: string | null; last_duration_ms: number | null }> };
      const tick = health.jobs.find((j) => j.name === 'health');
      if (tick?.last_started_at && tick.last_duration_ms !== null && Date.parse(tick.last_started_at) > now) durations.set(tick.last_started_at, tick.last_duration_ms);
      await new Promise((r) => setTimeout(r, 200));
    }
    const raw = new pg.Client({ connectionString: database.url });
    await raw.connect();
    const rawMs: number[] = [];
    try {
      for (let i = 0; i < 5; i++) {
        const started = performance.now();
        await raw.query(RAW_WINDOW_QUERY, [new Date(Date.now() - 300_000).toISOString()]);
        rawMs.push(performance.now() - started);
      }
    } finally {
      await raw.end();
    }
    const ours = median([...durations.values()]);
    return {
      figure: `health tick over PostgreSQL, ${TICK_AGENTS.toLocaleString('en')} agents, ${TICK_WINDOW_SAMPLES.toLocaleString('en')} samples in the window`,
      ours: round(ours, 1),
      unit: 'ms median',
      reference: round(median(rawMs), 1),
      referenceLabel: "the window's query over raw rows alone (before window_buckets)",
      ratio: round(ours / median(rawMs), 2),
      target: '< 20 ms',
      pass: ours < 20 && durations.size > 0,
      notes: `${durations.size} ticks, longest ${round(Math.max(...durations.values()), 1)} ms; the whole tick (host, statuses, snapshot stored) against one query`,
    };
  } finally {
    client.close();
    await server.stop();
    await database.drop();
  }
}

/** What the tick's window cost before window_seconds: every raw row of the window, grouped per agent. */
const RAW_WINDOW_QUERY = `SELECT agent_name, COUNT(*), AVG(response_time), AVG(success_rate), SUM(error_count), SUM(requests),
    SUM(CASE WHEN requests IS NOT NULL THEN error_count END), SUM(insights_generated), SUM(research_cycles), AVG(cpu_usage), AVG(memory_usage)
  FROM agent_performance_history WHERE timestamp >= $1 GROUP BY agent_name`;

/** PostgreSQL and Redis figures, on the services named by META_AGENT_TEST_DATABASE_URL and META_AGENT_TEST_REDIS_URL. */
export async function benchReplicas(options: BenchOptions): Promise<Row[]> {
  const url = process.env.META_AGENT_TEST_DATABASE_URL;
  const redisUrl = process.env.META_AGENT_TEST_REDIS_URL;
  if (!url) return [skipped('PostgreSQL and replica figures', 'set META_AGENT_TEST_DATABASE_URL (and META_AGENT_TEST_REDIS_URL) to measure them')];
  const rows = [await benchPgIngest(options, url), await benchPgTick(url)];
  if (!redisUrl) rows.push(skipped('fan-out through Redis and failover', 'set META_AGENT_TEST_REDIS_URL to measure them'));
  else rows.push(...(await benchReplicaFanout(options, url, redisUrl)));
  return rows;
}
