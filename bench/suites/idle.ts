import { spawn } from 'node:child_process';
import { seededRandom } from '../../scripts/demo/fleet.js';
import { createClient } from '../lib/http-load.js';
import { busiestThreads, cpuSeconds, memoryMb, threadCpuSeconds } from '../lib/proc.js';
import { wireSample } from '../lib/seed.js';
import { startServer } from '../lib/server.js';
import { round, type Row } from '../lib/stats.js';
import type { BenchOptions } from '../run.js';

/**
 * The cost of watching: 1,000 agents each reporting once every 30 s (spread evenly), the default
 * jobs running, the analysis worker started. CPU is the server's own CPU time over the window.
 */
const AGENTS = 1000;

/** Sends what the fleet sends: one sample of the next agent every 30 s / AGENTS. */
function reportLikeTheFleet(url: string): { stop(): void } {
  const client = createClient(url, 4);
  const random = seededRandom(3);
  let next = 0;
  const timer = setInterval(() => {
    const agent = next++ % AGENTS;
    // A request still in flight when stop() closes the client fails: expected, and never an unhandled rejection.
    client.send('POST', '/api/agents/metrics', JSON.stringify({ samples: [{ ...wireSample(0, Date.now(), random), agent_name: `agent_${String(agent).padStart(4, '0')}` }] })).catch(() => {});
  }, 30_000 / AGENTS);
  return {
    stop() {
      clearInterval(timer);
      client.close();
    },
  };
}

const BARE_NODE = `require('http').createServer((q, s) => { let b = ''; q.on('data', (c) => (b += c)); q.on('end', () => { JSON.parse(b); s.setHeader('content-type', 'application/json'); s.end('{"status":"success"}'); }); })
  .listen(0, '127.0.0.1', function () { console.log('listening on http://127.0.0.1:' + this.address().port); });`;

/** The floor on this machine: a bare Node.js HTTP server that parses the same requests and answers, CPU % over `windowMs`. */
async function bareNodeCpu(windowMs: number): Promise<number> {
  const child = spawn(process.execPath, ['-e', BARE_NODE], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const url = await new Promise<string>((resolve) => child.stdout!.on('data', (c) => { const m = /(http:\S+)/.exec(String(c)); if (m) resolve(m[1]!); }));
    const fleet = reportLikeTheFleet(url);
    await new Promise((r) => setTimeout(r, 3000));
    const before = cpuSeconds(child.pid!);
    const started = performance.now();
    await new Promise((r) => setTimeout(r, windowMs));
    const cpu = ((cpuSeconds(child.pid!) - before) / ((performance.now() - started) / 1000)) * 100;
    fleet.stop();
    return cpu;
  } finally {
    child.kill();
  }
}

export async function benchIdle(options: BenchOptions): Promise<Row[]> {
  const agents = AGENTS;
  const windowMs = options.quick ? 20_000 : 120_000;
  const reference = await bareNodeCpu(options.quick ? 10_000 : 30_000);
  const server = await startServer();
  const client = createClient(server.url, 1);
  try {
    await client.send('POST', '/api/meta-agent/trigger-analysis'); // the worker exists from here on, as it would in service
    const fleet = reportLikeTheFleet(server.url);
    // Every agent has reported once (and is registered) before the window starts.
    await new Promise((r) => setTimeout(r, options.quick ? 3000 : 31_000));
    const cpuBefore = cpuSeconds(server.pid);
    const threadsBefore = threadCpuSeconds(server.pid);
    const started = performance.now();
    await new Promise((r) => setTimeout(r, windowMs));
    const elapsedS = (performance.now() - started) / 1000;
    const cpu = ((cpuSeconds(server.pid) - cpuBefore) / elapsedS) * 100;
    const threads = busiestThreads(server.pid, threadsBefore, elapsedS);
    fleet.stop();
    const memory = memoryMb(server.pid);
    return [
      {
        figure: `watching ${agents} agents reporting every 30 s, CPU (${Math.round(windowMs / 1000)} s window)`,
        ours: round(cpu, 2),
        unit: '% of one core',
        reference: round(reference, 2),
        referenceLabel: 'bare Node.js HTTP server taking the same requests',
        ratio: round(cpu / reference, 1),
        target: '< 3 %',
        pass: cpu < 3,
        notes: `busiest threads (cores): ${threads}`,
      },
      {
        figure: 'the same, resident memory',
        ours: round(memory.rss, 1),
        unit: 'MB',
        reference: null,
        referenceLabel: null,
        ratio: null,
        target: '< 200 MB',
        pass: memory.rss < 200,
        notes: `peak ${round(memory.peak, 1)} MB`,
      },
    ];
  } finally {
    client.close();
    await server.stop();
  }
}
