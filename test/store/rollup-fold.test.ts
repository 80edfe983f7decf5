import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { emptySample, type AgentSample } from '../../src/domain/sample.js';
import { createSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import type { Store } from '../../src/store/store.js';

const NOW = Date.parse('2026-03-10T12:00:00Z');
const iso = (t: number) => new Date(t).toISOString();

function sample(agent: string, t: number, k: number): AgentSample {
  return {
    ...emptySample(agent, iso(t), 'push'),
    response_time: 0.1 + (k % 97) / 7,
    // Some samples leave metrics out: a bucket's count is of the values it has, its mean over them.
    success_rate: k % 5 === 0 ? null : 1 - (k % 13) / 100,
    error_count: k % 4,
    // Requests and tokens each missing from some samples: tokens per request pairs only the samples with both.
    requests: k % 9 === 0 ? null : 10 + (k % 11),
    memory_usage: k % 7 === 0 ? null : 200 + (k % 31),
    cpu_usage: (k * 7) % 100,
    input_tokens: k % 3 === 0 ? null : 100 * (k % 17),
    output_tokens: k % 6 === 0 ? null : 10 * (k % 5),
  };
}

/** What the rollups must hold: every stored sample aggregated into its buckets in one pass over the raw rows. */
const EXPECTED = `SELECT r.resolution, agent_name,
    strftime('%Y-%m-%dT%H:%M:%S.000Z', (unixepoch(timestamp) / r.resolution) * r.resolution, 'unixepoch') AS bucket,
    COUNT(*) AS samples,
    coalesce(SUM(response_time), 0) AS response_time_sum, COUNT(response_time) AS response_time_n, MAX(response_time) AS response_time_max,
    coalesce(SUM(success_rate), 0) AS success_rate_sum, COUNT(success_rate) AS success_rate_n, MIN(success_rate) AS success_rate_min,
    coalesce(SUM(error_count), 0) AS error_count_sum, COUNT(error_count) AS error_count_n,
    coalesce(SUM(requests), 0) AS requests_sum, COUNT(requests) AS requests_n,
    coalesce(SUM(memory_usage), 0) AS memory_usage_sum, COUNT(memory_usage) AS memory_usage_n, MAX(memory_usage) AS memory_usage_max,
    coalesce(SUM(cpu_usage), 0) AS cpu_usage_sum, COUNT(cpu_usage) AS cpu_usage_n, MAX(cpu_usage) AS cpu_usage_max,
    coalesce(SUM(input_tokens), 0) AS input_tokens_sum, COUNT(input_tokens) AS input_tokens_n,
    coalesce(SUM(output_tokens), 0) AS output_tokens_sum, COUNT(output_tokens) AS output_tokens_n,
    coalesce(SUM(CASE WHEN requests IS NOT NULL AND (input_tokens IS NOT NULL OR output_tokens IS NOT NULL) THEN coalesce(input_tokens, 0) + coalesce(output_tokens, 0) END), 0) AS tokens_with_requests_sum,
    COUNT(CASE WHEN requests IS NOT NULL AND (input_tokens IS NOT NULL OR output_tokens IS NOT NULL) THEN 1 END) AS tokens_with_requests_n,
    coalesce(SUM(CASE WHEN input_tokens IS NOT NULL OR output_tokens IS NOT NULL THEN requests END), 0) AS requests_with_tokens_sum,
    COUNT(CASE WHEN (input_tokens IS NOT NULL OR output_tokens IS NOT NULL) AND requests IS NOT NULL THEN 1 END) AS requests_with_tokens_n
  FROM agent_performance_history, (SELECT 300 AS resolution UNION ALL SELECT 3600) AS r
  GROUP BY r.resolution, agent_name, bucket ORDER BY r.resolution, agent_name, bucket`;
const STORED = `SELECT resolution, agent_name, bucket, samples,
    response_time_sum, response_time_n, response_time_max, success_rate_sum, success_rate_n, success_rate_min,
    error_count_sum, error_count_n, requests_sum, requests_n, memory_usage_sum, memory_usage_n, memory_usage_max,
    cpu_usage_sum, cpu_usage_n, cpu_usage_max, input_tokens_sum, input_tokens_n, output_tokens_sum, output_tokens_n,
    tokens_with_requests_sum, tokens_with_requests_n, requests_with_tokens_sum, requests_with_tokens_n
  FROM agent_rollups ORDER BY resolution, agent_name, bucket`;

type Row = Record<string, number | string | null>;

function expectSameRollups(file: string): number {
  const db = new Database(file, { readonly: true });
  try {
    const expected = db.prepare(EXPECTED).all() as Row[];
    const stored = db.prepare(STORED).all() as Row[];
    expect(stored.map((r) => `${r.resolution} ${r.agent_name} ${r.bucket}`)).toEqual(expected.map((r) => `${r.resolution} ${r.agent_name} ${r.bucket}`));
    stored.forEach((row, i) => {
      for (const [column, want] of Object.entries(expected[i]!)) {
        // Sums are added up in a different order (chunk by chunk): equal to rounding.
        if (column.endsWith('_sum')) expect(row[column] as number, `${column} of ${row.agent_name} ${row.bucket}`).toBeCloseTo(want as number, 6);
        else expect(row[column], `${column} of ${row.agent_name} ${row.bucket} @${row.resolution}`).toBe(want);
      }
    });
    return stored.length;
  } finally {
    db.close();
  }
}

describe('rollups folded from the raw samples', () => {
  let store: Store | undefined;
  afterEach(async () => {
    await store?.close();
    store = undefined;
  });

  it('equal a direct aggregation of the raw rows: live, backfilled, late and out of order, in many steps', async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'meta-agent-fold-')), 'store.db');
    store = createSqliteStore(file, { backgroundThreads: true });
    const receivedAt = iso(NOW);
    // Live: 60 agents every 10 s for 20 minutes, many samples per bucket (7,200 rows, more than one read step).
    const live: AgentSample[] = [];
    for (let s = 0; s < 120; s++) for (let a = 0; a < 60; a++) live.push(sample(`live_${a}`, NOW - 20 * 60_000 + s * 10_000, s * 60 + a));
    for (let i = 0; i < live.length; i += 1000) await store.samples.insert(live.slice(i, i + 1000), receivedAt);
    // A backfill of one agent, newest first, each sample in its own 5-minute bucket: more buckets than one merge takes.
    const backfill = Array.from({ length: 5000 }, (_, k) => sample('backfilled', NOW - (k + 1) * 300_000 - 17_000, k));
    for (let i = 0; i < backfill.length; i += 2500) await store.samples.insert(backfill.slice(i, i + 2500), receivedAt);
    const first = await store.rollups.update();
    expect(first.samples).toBe(live.length + backfill.length);
    expect(expectSameRollups(file)).toBeGreaterThan(5000);

    // Late samples land in buckets folded already, in both resolutions, and single ones arrive in between.
    const late = Array.from({ length: 900 }, (_, k) => sample(`live_${k % 60}`, NOW - 19 * 60_000 + ((k * 7919) % 1_000_000), 10_000 + k));
    await store.samples.insert(late.slice(0, 450), receivedAt);
    for (const one of late.slice(450, 460)) await store.samples.insert([one], receivedAt);
    await store.samples.insert(late.slice(460), receivedAt);
    const second = await store.rollups.update();
    expect(second.samples).toBe(late.length);
    expect((await store.rollups.update()).samples).toBe(0);
    expectSameRollups(file);
  });
});
