import path from 'node:path';
import Database from 'better-sqlite3';
import { timeGraphqlQuery } from '../lib/graphql-timing.js';
import { createClient } from '../lib/http-load.js';
import { seedHistory } from '../lib/seed.js';
import { startServer, tempDir } from '../lib/server.js';
import { median, round, type Row } from '../lib/stats.js';
import type { BenchOptions } from '../run.js';

const SNAPSHOT_FIELDS = 'id timestamp totalAgents activeAgents failedAgents degradedAgents offlineAgents avgResponseTime avgSuccessRate systemCpuUsage systemMemoryUsage totalErrors totalInsights researchCyclesCompleted performanceScore windowSeconds';
const SAMPLE_FIELDS = 'id samples agentName timestamp responseTime successRate errorCount insightsGenerated memoryUsage cpuUsage requests researchCycles source';

/** A seeded data directory shared by the query and analysis benches: 100 agents × 7 days of 30-second samples. */
export async function seededDataDir(options: BenchOptions): Promise<{ dir: string; agents: number; days: number; rows: number; end: number }> {
  const agents = options.quick ? 20 : 100;
  const days = options.quick ? 2 : 7;
  const dir = tempDir('seeded');
  const end = Date.now();
  const rows = await seedHistory(dir, agents, days, end);
  return { dir, agents, days, rows, end };
}

function timeIt(fn: () => unknown, runs: number): number[] {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    fn();
    times.push(performance.now() - started);
  }
  return times;
}

export async function benchQueries(options: BenchOptions, seeded: Awaited<ReturnType<typeof seededDataDir>>): Promise<Row[]> {
  const runs = options.quick ? 15 : 50;
  const db = new Database(path.join(seeded.dir, 'enhanced_meta_agent.db'), { readonly: true });
  const since = (hours: number) => new Date(Date.now() - hours * 3_600_000).toISOString();
  const rawSnapshots = db.prepare('SELECT * FROM system_metrics WHERE timestamp >= ? ORDER BY timestamp DESC, id DESC LIMIT 10000');
  const agent = `agent_${String(Math.floor(seeded.agents / 2)).padStart(3, '0')}`;
  const rawBuckets = db.prepare('SELECT * FROM agent_rollups WHERE resolution = 300 AND agent_name = ? AND bucket >= ? ORDER BY bucket DESC LIMIT 10000');
  const refSnapshots = median(timeIt(() => rawSnapshots.all(since(24)), runs));
  const refBuckets = median(timeIt(() => rawBuckets.all(agent, since(168)), runs));
  db.close();

  const server = await startServer({ META_AGENT_HEALTH_INTERVAL_S: '3600', META_AGENT_REPORT_INTERVAL_S: '3600' }, seeded.dir);
  const client = createClient(server.url, 1);
  const time = (query: string) => timeGraphqlQuery(client, query, runs);
  try {
    const metrics = await time(`{ metrics(hours: 24) { ${SNAPSHOT_FIELDS} } }`);
    const perf = await time(`{ agentPerformance(agentName: "${agent}", hours: 168) { ${SAMPLE_FIELDS} } }`);
    return [
      {
        figure: `metrics(hours: 24), ${metrics.rows} snapshots (GraphQL over HTTP)`,
        ours: round(metrics.p50, 2),
        unit: 'ms p50',
        reference: round(refSnapshots, 2),
        referenceLabel: 'raw SQLite read of the same rows',
        ratio: round(metrics.p50 / refSnapshots, 1),
        target: 'p50 < 20 ms',
        pass: metrics.p50 < 20,
      },
      {
        figure: `agentPerformance(hours: 168) of one of ${seeded.agents} agents, ${perf.rows} 5-minute buckets`,
        ours: round(perf.p50, 2),
        unit: 'ms p50',
        reference: round(refBuckets, 2),
        referenceLabel: 'raw SQLite read of the same rows',
        ratio: round(perf.p50 / refBuckets, 1),
        target: 'p50 < 20 ms',
        pass: perf.p50 < 20,
      },
    ];
  } finally {
    client.close();
    await server.stop();
  }
}
