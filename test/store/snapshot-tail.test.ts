import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { SystemMetrics } from '../../src/domain/system-metrics.js';
import { createSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import type { Store } from '../../src/store/store.js';

const MINUTE = 60_000;
const START = Date.parse('2026-03-01T00:00:00Z');

function snapshot(t: number, score: number): SystemMetrics {
  return {
    timestamp: new Date(t).toISOString(),
    total_agents: 1, active_agents: 1, failed_agents: 0, degraded_agents: 0, offline_agents: 0,
    avg_response_time: 1, avg_success_rate: 1, system_cpu_usage: 10, system_memory_usage: 20,
    total_errors: 0, total_insights: 0, research_cycles_completed: 0, performance_score: score,
    window_seconds: 300, load_average: 0.5, disk_used_percent: 40,
  };
}

const scores = (rows: SystemMetrics[]) => rows.map((r) => r.performance_score);
const iso = (t: number) => new Date(t).toISOString();

describe('health snapshots read back (served from memory for the last day)', () => {
  let store: Store;
  let file: string;
  afterEach(async () => store?.close());

  async function open() {
    file = path.join(mkdtempSync(path.join(tmpdir(), 'meta-agent-tail-')), 'db.sqlite');
    store = createSqliteStore(file);
    for (let i = 0; i < 10; i++) await store.systemMetrics.insert(snapshot(START + i * MINUTE, i));
  }

  it('returns each new snapshot on the next read, newest first, within the limit', async () => {
    await open();
    expect(scores(await store.systemMetrics.list(iso(START + 5 * MINUTE), 100))).toEqual([9, 8, 7, 6, 5]);
    await store.systemMetrics.insert(snapshot(START + 10 * MINUTE, 10));
    expect(scores(await store.systemMetrics.list(iso(START + 5 * MINUTE), 100))).toEqual([10, 9, 8, 7, 6, 5]);
    expect(scores(await store.systemMetrics.list(iso(START), 3))).toEqual([10, 9, 8]);
  });

  it('puts a snapshot written with an older timestamp in its place', async () => {
    await open();
    await store.systemMetrics.list(iso(START), 100);
    await store.systemMetrics.insert(snapshot(START + 4.5 * MINUTE, 4.5));
    expect(scores(await store.systemMetrics.list(iso(START + 4 * MINUTE), 100))).toEqual([9, 8, 7, 6, 5, 4.5, 4]);
  });

  it('sees rows another process writes or deletes', async () => {
    await open();
    await store.systemMetrics.list(iso(START), 100);
    const other = new Database(file);
    other.prepare('DELETE FROM system_metrics WHERE performance_score = 9').run();
    expect(scores(await store.systemMetrics.list(iso(START + 7 * MINUTE), 100))).toEqual([8, 7]);
    other.prepare('UPDATE system_metrics SET performance_score = 70 WHERE performance_score = 7').run();
    expect(scores(await store.systemMetrics.list(iso(START + 7 * MINUTE), 100))).toEqual([8, 70]);
    other.close();
  });

  it('reads ranges older than the last day from the database, and forgets pruned rows', async () => {
    await open();
    const dayLater = START + 26 * 60 * MINUTE;
    await store.systemMetrics.insert(snapshot(dayLater, 100));
    // The in-memory day now starts after the first ten snapshots: these come from SQL.
    expect(scores(await store.systemMetrics.list(iso(START + 8 * MINUTE), 100))).toEqual([100, 9, 8]);
    expect(scores(await store.systemMetrics.list(iso(dayLater - MINUTE), 100))).toEqual([100]);
    await store.rollups.update();
    const long = iso(START - 365 * 24 * 60 * MINUTE);
    const pruned = await store.maintenance.prune({ rawBeforeIso: iso(dayLater), fiveMinuteBeforeIso: long, hourlyBeforeIso: long, findingsBeforeIso: long });
    expect(pruned.system_metrics).toBe(10);
    expect(scores(await store.systemMetrics.list(iso(START), 100))).toEqual([100]);
  });
});
