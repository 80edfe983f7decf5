import { spawn } from 'node:child_process';
import path from 'node:path';
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

export async function benchColdStart(options: BenchOptions): Promise<Row> {
  const runs = options.quick ? 2 : 5;
  const ours: number[] = [];
  const reference: number[] = [];
  for (let i = 0; i < runs; i++) {
    ours.push(
      await timeToFirstAnswer([path.join(ROOT, 'dist/main.js')], { META_AGENT_PORT: '0', META_AGENT_DATA_DIR: tempDir('cold'), META_AGENT_LOG_FILE: '' }, '/api/meta-agent/status'),
    );
    reference.push(await timeToFirstAnswer(['-e', BARE_NODE], {}, '/'));
  }
  const p50 = median(ours);
  return {
    figure: 'cold start to first answer (fresh data directory)',
    ours: round(p50, 0),
    unit: 'ms p50',
    reference: round(median(reference), 0),
    referenceLabel: 'bare Node.js HTTP server',
    ratio: round(p50 / median(reference), 1),
    target: '< 1000 ms',
    pass: p50 < 1000,
    notes: `${runs} runs`,
  };
}
