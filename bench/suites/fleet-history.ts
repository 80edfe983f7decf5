import path from 'node:path';
import Database from 'better-sqlite3';
import { openDb } from '../../src/store/sqlite/open-db.js';
import { timeGraphqlQuery } from '../lib/graphql-timing.js';
import { createClient } from '../lib/http-load.js';
import { startServer, tempDir } from '../lib/server.js';
import { median, round, type Row } from '../lib/stats.js';
import type { BenchOptions } from '../run.js';

const DAY_S = 86_400;

/**
 * A data directory with a fleet's long history as the server keeps it: hourly buckets of every
 * agent over `days`, and 5-minute buckets of the last two days, written straight with SQL in
 * the server's own schema. Raw samples live in another table and index, which a 30-day read
 * never touches (it reads hourly buckets), so they are left out to keep the seeding short.
 */
function fleetHistory(agents: number, days: number, end: number): { dir: string; rows: number } {
  const dir = tempDir('fleet');
  const db = openDb(path.join(dir, 'enhanced_meta_agent.db'));
  const seed = db.prepare(`WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < @count - 1)
    INSERT INTO agent_rollups (resolution, agent_name, bucket, samples, response_time_sum, response_time_n, response_time_max,
      success_rate_sum, success_rate_n, success_rate_min, error_count_sum, error_count_n, memory_usage_sum, memory_usage_n, memory_usage_max,
      cpu_usage_sum, cpu_usage_n, cpu_usage_max, requests_sum, requests_n)
    SELECT @resolution, printf('agent_%04d', i % @agents),
      strftime('%Y-%m-%dT%H:%M:%S.000Z', (@end / @resolution) * @resolution - (i / @agents) * @resolution, 'unixepoch'),
      @per, @per * (1 + (i % 7) * 0.1), @per, 2.5, @per * 0.99, @per, 0.9, i % 5, @per, @per * 300, @per, 320, @per * 20, @per, 40, @per * 20, @per FROM n`);
  let rows = 0;
  for (const [resolution, span] of [
    [3600, days * DAY_S],
    [300, 2 * DAY_S],
  ] as const) {
    const count = agents * (span / resolution);
    db.transaction(() => seed.run({ count, agents, resolution, end: Math.floor(end / 1000), per: resolution / 30 }))();
    rows += count;
  }
  db.prepare(`INSERT INTO agents (name, first_seen, last_seen, registered_at, sample_count)
    SELECT agent_name, MIN(bucket), MAX(bucket), MIN(bucket), SUM(samples) FROM agent_rollups WHERE resolution = 3600 GROUP BY agent_name`).run();
  db.close();
  return { dir, rows };
}

/** agentPerformance over 30 days for one agent of a 1,000-agent fleet, through GraphQL over HTTP. */
export async function benchFleetHistory(options: BenchOptions): Promise<Row> {
  const agents = 1000;
  const days = 30;
  const runs = options.quick ? 15 : 50;
  const end = Date.now();
  const { dir, rows } = fleetHistory(agents, days, end);
  const agent = 'agent_0500';
  const db = new Database(path.join(dir, 'enhanced_meta_agent.db'), { readonly: true });
  const direct = db.prepare('SELECT * FROM agent_rollups WHERE resolution = 3600 AND agent_name = ? AND bucket >= ? ORDER BY bucket DESC LIMIT 10000');
  const sinceIso = new Date(end - days * DAY_S * 1000).toISOString();
  const reference: number[] = [];
  for (let i = 0; i < runs + 3; i++) {
    const started = performance.now();
    direct.all(agent, sinceIso);
    if (i >= 3) reference.push(performance.now() - started); // the first reads warm the cache, as the server's do
  }
  db.close();

  const server = await startServer({ META_AGENT_HEALTH_INTERVAL_S: '3600', META_AGENT_REPORT_INTERVAL_S: '3600' }, dir);
  const client = createClient(server.url, 1);
  try {
    const query = `{ agentPerformance(agentName: "${agent}", hours: ${days * 24}) { timestamp samples responseTime successRate errorCount cpuUsage memoryUsage requests } }`;
    const { p50, rows: buckets } = await timeGraphqlQuery(client, query, runs);
    return {
      figure: `agentPerformance(hours: 720) of one of ${agents.toLocaleString('en')} agents, ${buckets} hourly buckets (GraphQL over HTTP)`,
      ours: round(p50, 2),
      unit: 'ms p50',
      reference: round(median(reference), 2),
      referenceLabel: 'raw SQLite read of the same rows',
      ratio: round(p50 / median(reference), 1),
      target: 'p50 < 20 ms',
      pass: p50 < 20 && buckets >= days * 24,
      notes: `${rows.toLocaleString('en')} rollup rows seeded (hourly for ${days} days, 5-minute for 2 days, all agents)`,
    };
  } finally {
    client.close();
    await server.stop();
  }
}
