import { describe, expect, it } from 'vitest';
import type { AgentSample } from '../../src/domain/sample.js';
import { openDb, type Db } from '../../src/store/sqlite/open-db.js';
import { createSampleRepo } from '../../src/store/sqlite/sample-repo.js';
import { createWindowAggregates } from '../../src/store/sqlite/window-aggregates.js';
import { expectSameAggregates } from '../helpers/aggregates.js';

const T0 = Date.parse('2026-11-25T12:00:00.000Z');
const at = (offsetMs: number) => new Date(T0 + offsetMs).toISOString();

let seed = 7;
const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
const maybe = (value: number) => (random() < 0.2 ? null : value);
const make = (offsetMs: number): AgentSample => ({
  agent_name: `agent_${Math.floor(random() * 4)}`,
  timestamp: at(Math.round(offsetMs)),
  response_time: maybe(random() * 5),
  success_rate: maybe(random()),
  error_count: maybe(Math.floor(random() * 10)),
  requests: maybe(Math.floor(random() * 100)),
  insights_generated: maybe(Math.floor(random() * 4)),
  research_cycles: maybe(Math.floor(random() * 3)),
  cpu_usage: maybe(random() * 120),
  memory_usage: maybe(200 + random() * 800),
  input_tokens: maybe(Math.floor(random() * 5000)),
  output_tokens: maybe(Math.floor(random() * 800)),
  version: null,
  source: 'push',
});

/** The same aggregates straight from SQL over every stored row. */
function fromSql(db: Db, sinceIso: string) {
  const rows = db
    .prepare(
      `SELECT agent_name, COUNT(*) AS samples, AVG(response_time) AS avg_response_time, AVG(success_rate) AS avg_success_rate,
         SUM(error_count) AS sum_errors, SUM(requests) AS sum_requests,
         SUM(CASE WHEN requests IS NOT NULL THEN error_count END) AS sum_errors_with_requests,
         SUM(insights_generated) AS sum_insights, SUM(research_cycles) AS sum_research_cycles,
         AVG(cpu_usage) AS avg_cpu_usage, AVG(memory_usage) AS avg_memory_usage,
         SUM(input_tokens) AS sum_input_tokens, SUM(output_tokens) AS sum_output_tokens
       FROM agent_performance_history WHERE timestamp >= ? GROUP BY agent_name`,
    )
    .all(sinceIso) as Array<Record<string, number | null> & { agent_name: string }>;
  return new Map(rows.map(({ agent_name, ...rest }) => [agent_name, rest]));
}


const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('window aggregates built in chunks', () => {
  it('count every sample exactly when inserts land while the build is reading, before, at and after its position', async () => {
    const db = openDb(':memory:');
    const windows = createWindowAggregates(db, { rowsPerChunk: 5 });
    const samples = createSampleRepo(db, windows);
    // Many rows per second, so the build's position sits on one timestamp for several chunks.
    const stamp = () => -330_000 + Math.floor(random() * 50) * 7000;
    await samples.insert(Array.from({ length: 1500 }, () => ({ ...make(0), timestamp: at(stamp()) })), at(0));

    const since = at(-300_000);
    let settled = false;
    const question = samples.windowAggregates(since).finally(() => (settled = true));
    let rounds = 0;
    // The build reads 5 rows per chunk and yields: every round lands while it is still reading.
    while (!settled) {
      const batch = [make(-random() * 400_000), make(-random() * 400_000), make(-random() * 1000)];
      // Some exactly on timestamps already stored, where the (timestamp, id) order decides.
      batch.push({ ...make(0), timestamp: at(stamp()) }, { ...make(0), timestamp: at(stamp()) });
      await samples.insert(batch, at(0));
      rounds += 1;
      await tick();
    }
    expect(rounds, 'inserts interleaved with the build').toBeGreaterThan(10);
    // The answer in flight saw some of the interleaved rows; the next question must see them all.
    await question;
    expectSameAggregates(await samples.windowAggregates(since), fromSql(db, since), 'after the build', 9);
    expectSameAggregates(await samples.windowAggregates(at(-299_999.5)), fromSql(db, at(-299_999.5)), 'a window starting mid-second', 9);
    // A window reaching back past the buckets is completed from the database.
    expectSameAggregates(await samples.windowAggregates(at(-3_600_000)), fromSql(db, at(-3_600_000)), 'a window older than the buckets', 9);
    db.close();
  });

  it('count a row once when its commit is confirmed only after the build has read it (the writer thread)', async () => {
    const db = openDb(':memory:');
    const windows = createWindowAggregates(db, { rowsPerChunk: 4 });
    const committed = createSampleRepo(db, createWindowAggregates(db)); // writes rows this instance hears nothing of
    await committed.insert(Array.from({ length: 30 }, () => make(-random() * 200_000)), at(0));
    const early = Array.from({ length: 10 }, () => make(-random() * 200_000));
    await committed.insert(early, at(0));
    const earlyLastId = db.prepare('SELECT max(id) FROM agent_performance_history').pluck().get() as number;
    const question = windows.since(at(-300_000)); // the build starts: it reads every row committed so far
    // Committed after the build started, confirmed while it runs.
    const late = Array.from({ length: 10 }, () => make(-random() * 200_000));
    await committed.insert(late, at(0));
    windows.added(early, earlyLastId); // confirmed late: the build read these already
    windows.added(late, earlyLastId + late.length);
    await question;
    expectSameAggregates(await windows.since(at(-300_000)), fromSql(db, at(-300_000)), 'each row once', 9);
    db.close();
  });

  it('answer the same after the buckets are pruned and rebuilt', async () => {
    const db = openDb(':memory:');
    const windows = createWindowAggregates(db, { rowsPerChunk: 3 });
    const samples = createSampleRepo(db, windows);
    await samples.insert(Array.from({ length: 200 }, () => make(-random() * 600_000)), at(0));
    expectSameAggregates(await samples.windowAggregates(at(-300_000)), fromSql(db, at(-300_000)), 'first build', 9);
    db.prepare('DELETE FROM agent_performance_history WHERE timestamp < ?').run(at(-250_000));
    windows.pruned(at(-250_000));
    await samples.insert([make(-1000), make(-260_000)], at(0));
    expectSameAggregates(await samples.windowAggregates(at(-300_000)), fromSql(db, at(-300_000)), 'rebuilt after pruning', 9);
    db.close();
  });
});
