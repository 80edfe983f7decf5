import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createTestApp } from './helpers/app.js';
import { createFakeClock } from './helpers/clock.js';
import { startServerProcess, tempDataDir } from './helpers/process.js';
import { series } from './helpers/samples.js';
import WebSocket from 'ws';

describe('lifecycle', () => {
  it('keeps samples, agents and decisions across a restart on the same data directory', async () => {
    const dataDir = tempDataDir();
    const clock = createFakeClock();
    const first = createTestApp({}, { clock, dataDir });
    await first.post('/api/agents/metrics', {
      samples: series('alpha_hunter', clock.now(), 20, 30_000, () => ({ response_time: 50 })),
    });
    const created = (await first.post('/api/meta-agent/trigger-analysis')).body.data.improvements_created[0];
    await first.post(`/api/meta-agent/improvements/${created.id}/reject`, { reason: 'later' });
    await first.stop();

    const second = createTestApp({}, { clock, dataDir });
    expect((await second.get('/api/meta-agent/agent-performance')).body.count).toBe(20);
    expect((await second.get('/api/agents/status')).body.data[0]).toMatchObject({ name: 'alpha_hunter', sample_count: 20 });
    const improvement = (await second.get(`/api/meta-agent/improvements/${created.id}`)).body.data;
    expect(improvement).toMatchObject({ status: 'rejected', decision_reason: 'later' });
  });

  it('starts as a process, answers the seed curl paths, and exits 0 on SIGTERM within 5 s', async () => {
    const dataDir = tempDataDir();
    const server = await startServerProcess({ META_AGENT_DATA_DIR: dataDir, META_AGENT_LOG_FILE: path.join(dataDir, 'meta_agent.log') });
    for (const url of [
      '/api/meta-agent/status',
      '/api/meta-agent/health',
      '/api/meta-agent/metrics?hours=24',
      '/api/meta-agent/improvements?status=pending',
      '/api/meta-agent/agent-performance?agent_name=alpha_hunter',
      '/api/meta-agent/reports',
    ]) {
      const res = await fetch(server.url + url);
      expect(res.status, url).toBe(200);
      expect((await res.json()).status, url).toBe('success');
    }
    const socket = new WebSocket(`${server.url.replace('http', 'ws')}/graphql`, 'graphql-transport-ws');
    await new Promise((resolve) => socket.once('open', resolve));
    const socketClosed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));

    server.child.kill('SIGTERM');
    const { code, ms } = await server.exit();
    expect(code).toBe(0);
    expect(ms).toBeLessThan(5000);
    expect(await socketClosed).toBe(1001);
    expect(server.output()).toMatch(/shutting down/);
  });

  it('refuses to start on a bad setting, naming it', async () => {
    const dataDir = tempDataDir();
    await expect(startServerProcess({ META_AGENT_DATA_DIR: dataDir, META_AGENT_PORT: 'eighty', META_AGENT_HEALTH_INTERVAL_S: '-5' })).rejects.toThrow(
      /META_AGENT_PORT[\s\S]*META_AGENT_HEALTH_INTERVAL_S|META_AGENT_HEALTH_INTERVAL_S[\s\S]*META_AGENT_PORT/,
    );
  });
});
