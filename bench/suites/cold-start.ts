import { spawn } from 'node:child_process';
import { statSync } from 'node:fs';
import path from 'node:path';
import { openDb } from '../../src/store/sqlite/open-db.js';
import { ROOT, tempDir } from '../lib/server.js';
import { median, round, type Row } from '../lib/stats.js';
import type { BenchOptions } from '../run.js';

/** Milliseconds from spawning `args` to the first 200 from `path` on the port it prints. */
async function timeToFirstAnswer(args: string[], env: Record<string, string>, probePath: string): Promise<number> {
  const started = performance.now();
  const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout!.on('data', (c) => {
        out += c;
        const m = /listening on (http:\/\/[\d.]+:\d+)/.exec(out);
        if (m) resolve(m[1]!);
      });
      child.once('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
    });
    for (;;) {
      const ok = await fetch(url + probePath).then((r) => r.ok, () => false);
      if (ok) return performance.now() - started;
      await new Promise((r) => setTimeout(r, 5));
    }
  } finally {
    child.kill('SIGKILL');
  }
}

const BARE_NODE = `require('http').createServer((q, s) => s.end('ok')).listen(0, '127.0.0.1', function () { console.log('listening on http://127.0.0.1:' + this.address().port); });`;

/**
 * A data directory whose database holds at least `megabytes` of samples: 1,000 agents
 * reporting every 30 s over the last days, written straight with SQL (the server's own
 * schema), so making a gigabyte takes about a minute.
 */
function bigDataDir(megabytes: number): { dir: string; rows: number; megabytes: number } {
  const dir = tempDir('big');
  const file = path.join(dir, 'enhanced_meta_agent.db');
  const db = openDb(file);
  const CHUNK = 1_000_000;
  const insert = db.prepare(`WITH RECURSIVE n(i) AS (SELECT ? UNION ALL SELECT i + 1 FROM n WHERE i < ?)
    INSERT INTO agent_performance_history (agent_name, timestamp, response_time, success_rate, error_count, requests, cpu_usage, memory_usage, source)
    SELECT printf('agent_%04d', i % 1000), strftime('%Y-%m-%dT%H:%M:%fZ', ?, '-' || ((i / 1000) * 30) || ' seconds'),
      1 + (i % 7) * 0.1, 0.99, i % 3, 20, 20 + (i % 10), 300 + (i % 50), 'push' FROM n`);
  const now = new Date().toISOString();
  let rows = 0;
  while (statSync(file).size < megabytes * 1e6) {
    db.transaction(() => insert.run(rows, rows + CHUNK - 1, now))();
    rows += CHUNK;
    db.pragma('wal_checkpoint(TRUNCATE)');
  }
  db.prepare(`INSERT INTO agents (name, first_seen, last_seen, registered_at, sample_count)
    SELECT agent_name, MIN(timestamp), MAX(timestamp), MIN(timestamp), COUNT(*) FROM agent_performance_history GROUP BY agent_name`).run();
  db.close();
  return { dir, rows, megabytes: Math.round(statSync(file).size / 1e6) };
}

export async function benchColdStart(options: BenchOptions): Promise<Row[]> {
  const runs = options.quick ? 2 : 5;
  const big = bigDataDir(options.quick ? 50 : 1000);
  const fresh: number[] = [];
  const large: number[] = [];
  const reference: number[] = [];
  const server = [path.join(ROOT, 'dist/main.js')];
  for (let i = 0; i < runs; i++) {
    fresh.push(await timeToFirstAnswer(server, { META_AGENT_PORT: '0', META_AGENT_DATA_DIR: tempDir('cold'), META_AGENT_LOG_FILE: '' }, '/api/meta-agent/status'));
    large.push(await timeToFirstAnswer(server, { META_AGENT_PORT: '0', META_AGENT_DATA_DIR: big.dir, META_AGENT_LOG_FILE: '' }, '/api/meta-agent/status'));
    reference.push(await timeToFirstAnswer(['-e', BARE_NODE], {}, '/'));
  }
  const row = (figure: string, times: number[]): Row => ({
    figure,
    ours: round(median(times), 0),
    unit: 'ms p50',
    reference: round(median(reference), 0),
    referenceLabel: 'bare Node.js HTTP server',
    ratio: round(median(times) / median(reference), 1),
    target: '< 1000 ms',
    pass: median(times) < 1000,
    notes: `${runs} runs`,
  });
  return [
    row('cold start to first answer (fresh data directory)', fresh),
    row(`start-up to first answer with a ${big.megabytes.toLocaleString('en')} MB database (${big.rows.toLocaleString('en')} samples of 1,000 agents)`, large),
  ];
}
