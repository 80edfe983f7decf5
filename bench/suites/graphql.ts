import { spawn } from 'node:child_process';
import path from 'node:path';
import { closedLoop, createClient } from '../lib/http-load.js';
import { ROOT, startServer } from '../lib/server.js';
import { round, type Row } from '../lib/stats.js';
import type { BenchOptions } from '../run.js';

const CONCURRENCY = 16;

async function throughput(url: string, query: string, durationMs: number): Promise<number> {
  const client = createClient(url, CONCURRENCY);
  const body = JSON.stringify({ query });
  try {
    await closedLoop(() => client.send('POST', '/graphql', body), CONCURRENCY, 1000); // warm-up
    const { replies, elapsedMs } = await closedLoop(() => client.send('POST', '/graphql', body), CONCURRENCY, durationMs);
    const bad = replies.filter((r) => r.status !== 200 || r.body.includes('"errors"'));
    if (bad.length > 0) throw new Error(`${bad.length} failed answers, e.g. ${bad[0]!.body.slice(0, 200)}`);
    return replies.length / (elapsedMs / 1000);
  } finally {
    client.close();
  }
}

async function startBareYoga(): Promise<{ url: string; stop(): void }> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'bench/reference/bare-yoga.ts')], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (c) => {
      out += c;
      const m = /listening on (\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`bare yoga exited ${code}`)));
  });
  return { url, stop: () => child.kill('SIGTERM') };
}

export async function benchGraphqlStatus(options: BenchOptions): Promise<Row> {
  const durationMs = options.quick ? 3000 : 10_000;
  const bare = await startBareYoga();
  let reference: number;
  try {
    reference = await throughput(bare.url, '{ hello }', durationMs);
  } finally {
    bare.stop();
  }
  const server = await startServer();
  try {
    const ours = await throughput(server.url, '{ status { metaAgentActive totalImprovements pendingImprovements performanceScore } }', durationMs);
    return {
      figure: `GraphQL status query throughput, ${CONCURRENCY} connections`,
      ours: round(ours, 0),
      unit: 'requests/s',
      reference: round(reference, 0),
      referenceLabel: 'bare graphql-yoga { hello }',
      ratio: round(ours / reference, 2),
      target: '>= 0.70 of reference',
      pass: ours / reference >= 0.7,
    };
  } finally {
    await server.stop();
  }
}
