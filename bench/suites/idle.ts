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
export async function benchIdle(options: BenchOptions): Promise<Row[]> {
  const agents = 1000;
  const windowMs = options.quick ? 20_000 : 120_000;
  const server = await startServer();
  const client = createClient(server.url, 4);
  const random = seededRandom(3);
  try {
    await client.send('POST', '/api/meta-agent/trigger-analysis'); // the worker exists from here on, as it would in service
    let next = 0;
    const timer = setInterval(() => {
      const agent = next++ % agents;
      void client.send('POST', '/api/agents/metrics', JSON.stringify({ samples: [{ ...wireSample(0, Date.now(), random), agent_name: `agent_${String(agent).padStart(4, '0')}` }] }));
    }, 30_000 / agents);
    // Every agent has reported once (and is registered) before the window starts.
    await new Promise((r) => setTimeout(r, options.quick ? 3000 : 31_000));
    const cpuBefore = cpuSeconds(server.pid);
    const threadsBefore = threadCpuSeconds(server.pid);
    const started = performance.now();
    await new Promise((r) => setTimeout(r, windowMs));
    const elapsedS = (performance.now() - started) / 1000;
    const cpu = ((cpuSeconds(server.pid) - cpuBefore) / elapsedS) * 100;
    const threads = busiestThreads(server.pid, threadsBefore, elapsedS);
    clearInterval(timer);
    const memory = memoryMb(server.pid);
    return [
      {
        figure: `watching ${agents} agents reporting every 30 s, CPU (${Math.round(windowMs / 1000)} s window)`,
        ours: round(cpu, 2),
        unit: '% of one core',
        reference: null,
        referenceLabel: null,
        ratio: null,
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
