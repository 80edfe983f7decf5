import type { WindowAggregate } from '../../domain/health.js';
import type { AgentSample } from '../../domain/sample.js';
import { addInto, COLUMNS, HORIZON_SECONDS, isoOfSecond, SAMPLES, STORED_COLUMNS, SUM, toAggregate, WIDTH } from '../window-sums.js';
import { inSnapshot, inTransaction, one, rows, type Pool, type Queryable } from './pool.js';
import { SAMPLE_WRITE_LOCK } from './sample-lock.js';

/**
 * A bucket's span. Ten seconds: a window of five minutes is 30 buckets per agent, and the part of
 * a window before its first whole bucket, read from the raw rows, is under ten seconds of samples.
 */
const BUCKET_SECONDS = 10;
/** Coverage moves up once it lags this far behind, so a tick deletes about one tick's buckets. */
const PRUNE_STEP_SECONDS = 30;

/** The start of the first bucket that begins at or after `second`. */
const bucketAtOrAfter = (second: number) => Math.ceil(second / BUCKET_SECONDS) * BUCKET_SECONDS;
const SUMS = COLUMNS.flatMap((c) => [`${c}_sum`, `${c}_n`]);

/** The raw rows' sums and counts, in window-sums order, per agent: for the parts of a window the buckets do not cover. */
const RAW_SUMS = `SELECT agent_name, COUNT(*) AS samples, ${COLUMNS.map((c) => {
  const value = c === 'errors_with_requests' ? 'CASE WHEN requests IS NOT NULL THEN error_count END' : c;
  return `SUM(${value}) AS ${c}_sum, COUNT(${value}) AS ${c}_n`;
}).join(', ')}
  FROM agent_performance_history WHERE timestamp >= $1 AND timestamp < $2 GROUP BY agent_name`;
const BUCKET_SUMS = `SELECT agent_name, SUM(samples) AS samples, ${SUMS.map((c) => `SUM(${c}) AS ${c}`).join(', ')}
  FROM window_buckets WHERE bucket >= $1 GROUP BY agent_name`;
const MERGE = `INSERT INTO window_buckets (agent_name, bucket, samples, ${SUMS.join(', ')})
  SELECT * FROM unnest($1::text[], $2::bigint[], $3::int[], ${SUMS.map((c, i) => `$${i + 4}::${c.endsWith('_n') ? 'int' : 'float8'}[]`).join(', ')})
  ON CONFLICT (bucket, agent_name) DO UPDATE SET samples = window_buckets.samples + excluded.samples,
    ${SUMS.map((c) => `${c} = window_buckets.${c} + excluded.${c}`).join(', ')}`;

/**
 * The PostgreSQL twin of store/sqlite/window-aggregates.ts: per agent and ten seconds, the sums
 * and counts of the window aggregates, kept in `window_buckets` by every sample write (in its
 * transaction), so a health tick reads O(agents × buckets in the window) rows on any replica.
 *
 * `window_covered.from_second` (a bucket start) says from when on the buckets hold every stored sample.
 * It only moves up: when the windows asked for have moved past it (the buckets below are then
 * deleted), and when raw rows are pruned (their seconds are then read from the raw table, which
 * no longer has them). A window's part before it, and its first partial second, are read from
 * the raw rows; the rest from the buckets, in one snapshot.
 */
export async function addToWindow(db: Queryable, samples: readonly AgentSample[]): Promise<void> {
  const covered = await coveredFrom(db);
  const buckets = new Map<string, { agent: string; start: number; sums: number[] }>();
  for (const sample of samples) {
    const second = Math.floor(Date.parse(sample.timestamp) / 1000);
    if (second < covered) continue;
    const start = second - (((second % BUCKET_SECONDS) + BUCKET_SECONDS) % BUCKET_SECONDS);
    const id = `${start}|${sample.agent_name}`;
    let bucket = buckets.get(id);
    if (!bucket) buckets.set(id, (bucket = { agent: sample.agent_name, start, sums: new Array<number>(WIDTH).fill(0) }));
    addInto({ sums: bucket.sums, at: 0 }, STORED_COLUMNS.map((c) => sample[c]), 0);
  }
  if (buckets.size === 0) return;
  const list = [...buckets.values()];
  await db.query(MERGE, [list.map((b) => b.agent), list.map((b) => b.start), list.map((b) => b.sums[SAMPLES]), ...SUMS.map((_, i) => list.map((b) => b.sums[i + 1]))]);
}

export async function windowAggregates(pool: Pool, sinceIso: string): Promise<Map<string, WindowAggregate>> {
  const since = Date.parse(sinceIso);
  const firstWhole = bucketAtOrAfter(Math.ceil(since / 1000));
  const totals = new Map<string, number[]>();
  const add = (row: Record<string, unknown>) => {
    const agent = row.agent_name as string;
    let sums = totals.get(agent);
    if (!sums) totals.set(agent, (sums = new Array<number>(WIDTH).fill(0)));
    sums[SAMPLES]! += Number(row.samples);
    for (const c of COLUMNS) {
      sums[SUM[c]]! += Number(row[`${c}_sum`] ?? 0);
      sums[SUM[c] + 1]! += Number(row[`${c}_n`]);
    }
  };
  const covered = await inSnapshot(pool, async (client) => {
    // A handful of buckets per agent: worker processes would cost more than they save.
    await client.query('SET LOCAL max_parallel_workers_per_gather = 0');
    const coverage = await coveredFrom(client);
    const from = Math.max(firstWhole, coverage);
    for (const row of await rows<Record<string, unknown>>(client, RAW_SUMS, [sinceIso, isoOfSecond(from)])) add(row);
    for (const row of await rows<Record<string, unknown>>(client, BUCKET_SUMS, [from])) add(row);
    return coverage;
  });
  // The buckets before this window (less a margin for a report's window) will not be asked for again.
  const keepFrom = Math.floor(since / 1000) - HORIZON_SECONDS;
  if (keepFrom - covered >= PRUNE_STEP_SECONDS) await coverFrom(pool, keepFrom);
  const result = new Map<string, WindowAggregate>();
  for (const [agent, sums] of totals) if (sums[SAMPLES]! > 0) result.set(agent, toAggregate(sums));
  return result;
}

/** Moves coverage up to the first bucket at or after `second` (never down) and deletes the buckets before it, in one transaction. */
export async function coverFrom(pool: Pool, second: number): Promise<void> {
  const from = bucketAtOrAfter(second);
  await inTransaction(pool, async (client) => {
    // In turn with sample writes: a batch then never upserts below the mark, nor locks buckets in another order than the delete.
    await client.query('SELECT pg_advisory_xact_lock($1)', [SAMPLE_WRITE_LOCK]);
    const moved = await client.query('UPDATE window_covered SET from_second = $1 WHERE from_second < $1', [from]);
    if (moved.rowCount) await client.query('DELETE FROM window_buckets WHERE bucket < $1', [from]);
  });
}

async function coveredFrom(db: Queryable): Promise<number> {
  return Number((await one<{ from_second: number }>(db, 'SELECT from_second FROM window_covered'))!.from_second);
}
