import path from 'node:path';
import { seededRandom } from '../../scripts/demo/fleet.js';
import { openDb } from '../../src/store/sqlite/open-db.js';
import { closedLoop, createClient, openLoop } from '../lib/http-load.js';
import { makeSample, wireSample } from '../lib/seed.js';
import { startServer, tempDir } from '../lib/server.js';
import { percentile, round, type Row } from '../lib/stats.js';
import type { BenchOptions } from '../run.js';

const BATCH = 1000;

/**
 * Batch k of a stream in which 100 agents report as a live fleet does: timestamps moving
 * forward (k·1000 + i ms after `start`), so both the server and the reference append to
 * the time index as real ingestion does.
 */
export function batch(k: number, start: number): Array<ReturnType<typeof makeSample>> {
  const random = seededRandom(k + 1);
  return Array.from({ length: BATCH }, (_, i) => makeSample(i % 100, start + k * BATCH + i, random));
}

/**
 * The reference: the same rows into the same table and indexes, raw better-sqlite3, 1000-row
 * transactions, as many as the server took (so both tables grow to the same size).
 */
function rawInsertRate(rows: Array<ReturnType<typeof makeSample>>): number {
  const db = openDb(path.join(tempDir('raw'), 'raw.db'));
  const insert = db.prepare(`INSERT INTO agent_performance_history
    (agent_name, timestamp, response_time, success_rate, error_count, insights_generated, memory_usage, cpu_usage, requests, research_cycles, source)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const many = db.transaction((chunk: typeof rows) => {
    for (const s of chunk) {
      insert.run(s.agent_name, s.timestamp, s.response_time, s.success_rate, s.error_count, s.insights_generated, s.memory_usage, s.cpu_usage, s.requests, s.research_cycles, s.source);
    }
  });
  const started = performance.now();
  for (let i = 0; i < rows.length; i += BATCH) many(rows.slice(i, i + BATCH));
  const seconds = (performance.now() - started) / 1000;
  db.close();
  return rows.length / seconds;
}

/** 4 clients posting batches of 1,000 back to back to the server: accepted samples a second, and the batches taken. */
export async function batchedIngest(serverUrl: string, options: BenchOptions, start: number): Promise<{ rate: number; accepted: number; failed: number }> {
  const client = createClient(serverUrl, 4);
  let next = 0;
  try {
    const { replies, elapsedMs } = await closedLoop(
      () => client.send('POST', '/api/agents/metrics', JSON.stringify({ samples: batch(next++, start).map(({ source: _source, ...wire }) => wire) })),
      4,
      options.quick ? 4000 : 15_000,
    );
    const accepted = replies.filter((r) => r.status === 200).length;
    return { rate: (accepted * BATCH) / (elapsedMs / 1000), accepted, failed: replies.length - accepted };
  } finally {
    client.close();
  }
}

export async function benchIngestBatched(options: BenchOptions): Promise<Row> {
  const server = await startServer();
  const start = Date.now() - 3_600_000;
  try {
    const { rate: ours, accepted, failed } = await batchedIngest(server.url, options, start);
    const reference = rawInsertRate(Array.from({ length: accepted }, (_, k) => batch(k, start)).flat());
    return {
      figure: 'batched ingestion, REST, 1000 samples/request, 4 clients',
      ours: round(ours, 0),
      unit: 'samples/s',
      reference: round(reference, 0),
      referenceLabel: 'raw better-sqlite3, same rows, 1000-row transactions',
      ratio: round(ours / reference, 2),
      target: '>= 0.50 of reference',
      pass: ours / reference >= 0.5 && failed === 0,
      notes: `${failed} failed requests`,
    };
  } finally {
    await server.stop();
  }
}

const WARMUP_MS = 3000;

export async function benchIngestSingle(options: BenchOptions): Promise<Row> {
  const server = await startServer();
  const client = createClient(server.url, 64);
  const random = seededRandom(9);
  try {
    // Steady state, not start-up: the first seconds of load open the sockets, compile the hot
    // paths and run the first full GC of the grown heap (10-100 ms answers, measured), so warm up
    // at the same rate for 3 s first.
    await openLoop(() => client.send('POST', '/api/agents/metrics', JSON.stringify({ samples: [wireSample(1, Date.now(), random)] })), 1000, WARMUP_MS);
    const replies = await openLoop(
      () => client.send('POST', '/api/agents/metrics', JSON.stringify({ samples: [wireSample(Math.floor(random() * 100), Date.now(), random)] })),
      1000,
      options.quick ? 3000 : 10_000,
    );
    const latencies = replies.map((r) => r.ms);
    const p99 = percentile(latencies, 99);
    const failed = replies.filter((r) => r.status !== 200).length;
    return {
      figure: 'single-sample ingestion at 1,000 requests/s, p99 latency',
      ours: round(p99, 2),
      unit: 'ms',
      reference: null,
      referenceLabel: null,
      ratio: null,
      target: 'p99 < 10 ms',
      pass: p99 < 10 && failed === 0,
      notes: `p50 ${round(percentile(latencies, 50), 2)} ms, ${replies.length} requests after a ${WARMUP_MS / 1000} s warm-up, ${failed} failed`,
    };
  } finally {
    client.close();
    await server.stop();
  }
}
