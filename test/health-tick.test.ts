import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createProcessSampler } from '../src/collectors/processes.js';
import { graphql } from './gql/index.js';
import { createTestApp } from './helpers/app.js';
import { subscribe, wsClient } from './helpers/ws.js';

const HealthSnapshots = graphql(`
  subscription HealthSnapshots {
    healthSnapshot {
      timestamp
      overallHealth
      performanceScore
      agents { total healthy degraded failing offline }
      avgResponseTime
      systemCpuUsage
    }
  }
`);

describe('health tick', () => {
  it('computes the snapshot over the recent window, never since start', async () => {
    const t = createTestApp();
    const now = t.clock.now();
    await t.post('/api/agents/metrics', {
      samples: [
        { agent_name: 'alpha', timestamp: new Date(now - 3_600_000).toISOString(), response_time: 100, error_count: 50 },
        { agent_name: 'alpha', timestamp: new Date(now - 60_000).toISOString(), response_time: 2, error_count: 1, success_rate: 1 },
        { agent_name: 'beta', timestamp: new Date(now - 30_000).toISOString(), response_time: 4, error_count: 2, success_rate: 0.9 },
      ],
    });
    const snapshot = await t.agent.services.health.tick();
    expect(snapshot).toMatchObject({
      total_agents: 2,
      active_agents: 2,
      avg_response_time: 3,
      avg_success_rate: 0.95,
      total_errors: 3,
      system_cpu_usage: 20,
      system_memory_usage: 40,
      window_seconds: 300,
    });
    const stored = await t.get('/api/meta-agent/metrics?hours=1');
    expect(stored.body.count).toBe(1);
    expect(stored.body.data[0]).toMatchObject({ avg_response_time: 3, total_errors: 3, performance_score: snapshot.performance_score });
    const status = await t.get('/api/meta-agent/status');
    expect(status.body.data.performance_score).toBe(snapshot.performance_score);
    expect(status.body.data.latest_metrics.id).toBe(stored.body.data[0].id);
  });

  it('scores a healthy fleet near 100 and a failing one low, by the documented formula', async () => {
    const t = createTestApp();
    await t.post('/api/agents/metrics', { samples: [{ agent_name: 'a', response_time: 1, success_rate: 1, error_count: 0, requests: 10 }] });
    expect((await t.agent.services.health.tick()).performance_score).toBe(100);
    t.clock.advance(600_000);
    t.host.cpu_usage = 95;
    await t.post('/api/agents/metrics', { samples: [{ agent_name: 'a', response_time: 60, success_rate: 0.5, error_count: 5, requests: 10 }] });
    const bad = await t.agent.services.health.tick();
    // success .5*.35 + latency 0*.25 + errors 0*.15 + availability 1*.15 + resources (1-15/20)*.10
    expect(bad.performance_score).toBeCloseTo(100 * (0.5 * 0.35 + 0 + 0 + 0.15 + 0.25 * 0.1), 1);
    expect(bad.overall_health).toBe('critical');
  });

  it('pushes each snapshot to websocket subscribers, the latest one at once', async () => {
    const t = createTestApp();
    const { port } = await t.agent.start(); // the health job runs at start
    await new Promise((r) => setTimeout(r, 50));
    const a = subscribe(wsClient(`ws://127.0.0.1:${port}/graphql`), HealthSnapshots);
    const [first] = await a.waitFor(1);
    expect(first!.healthSnapshot).toMatchObject({ agents: { total: 0 }, systemCpuUsage: 20, overallHealth: 'UNKNOWN', performanceScore: null });

    await t.post('/api/agents/metrics', { samples: [{ agent_name: 'alpha', response_time: 5, success_rate: 0.99 }] });
    t.clock.advance(30_000);
    t.host.cpu_usage = 33;
    await t.agent.scheduler.runNow('health');
    const [, second] = await a.waitFor(2);
    expect(second!.healthSnapshot).toMatchObject({ agents: { total: 1, healthy: 1 }, systemCpuUsage: 33, avgResponseTime: 5 });

    const late = subscribe(wsClient(`ws://127.0.0.1:${port}/graphql`), HealthSnapshots);
    expect((await late.waitFor(1))[0]!.healthSnapshot.systemCpuUsage).toBe(33);
  });

  it('streams agent status changes, for one agent when asked', async () => {
    const t = createTestApp();
    const { port } = await t.agent.start();
    const client = wsClient(`ws://127.0.0.1:${port}/graphql`);
    const one = subscribe(client, `subscription { agentStatus(agentName: "beta", changesOnly: true) { agent { name health } previousHealth } }`);
    await new Promise((r) => setTimeout(r, 50));
    await t.post('/api/agents/metrics', { samples: [{ agent_name: 'alpha', success_rate: 1 }, { agent_name: 'beta', success_rate: 1 }] });
    await t.agent.scheduler.runNow('health');
    await t.post('/api/agents/metrics', { samples: [{ agent_name: 'beta', success_rate: 0.1 }, { agent_name: 'beta', success_rate: 0.1 }] });
    await t.agent.scheduler.runNow('health');
    const events = await one.waitFor(2);
    expect(events.map((e) => [e.agentStatus.agent.name, e.agentStatus.previousHealth, e.agentStatus.agent.health])).toEqual([
      ['beta', null, 'HEALTHY'],
      ['beta', 'HEALTHY', 'FAILING'],
    ]);
  });
});

describe('pull checks', () => {
  let server: Server | undefined;
  afterEach(() => new Promise<void>((resolve) => (server?.listening ? server.close(() => resolve()) : resolve())));

  it('marks an agent failing when its health URL goes down, then offline', async () => {
    server = createServer((_, res) => res.end('ok'));
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const t = createTestApp({
      agents: [{ name: 'risk_assessor', healthUrl: `http://127.0.0.1:${port}/health` }],
      health: { offlineAfterSeconds: 120, checkTimeoutSeconds: 1 },
    });
    await t.agent.services.health.tick();
    let agent = (await t.get('/api/agents/status')).body.data[0];
    expect(agent).toMatchObject({ name: 'risk_assessor', health: 'healthy' });
    const perf = (await t.get('/api/meta-agent/agent-performance?agent_name=risk_assessor')).body.data[0];
    expect(perf).toMatchObject({ source: 'pull', success_rate: 1, requests: 1, error_count: 0 });
    expect(perf.response_time).toBeGreaterThan(0);

    server.closeAllConnections();
    await new Promise<void>((resolve) => server!.close(() => resolve()));
    for (let i = 0; i < 4; i++) {
      t.clock.advance(30_000);
      await t.agent.services.health.tick();
    }
    agent = (await t.get('/api/agents/status')).body.data[0];
    expect(agent.health).toBe('failing');
    expect(agent.health_reason).toMatch(/success rate 20 % below 80 %/);

    t.clock.advance(30_000);
    await t.agent.services.health.tick();
    agent = (await t.get('/api/agents/status')).body.data[0];
    expect(agent).toMatchObject({ health: 'offline', watch_error: 'health check failed: connection refused' });
    expect(agent.health_reason).toMatch(/^health check failed: connection refused \(since .*\); no sample or check for 2\.5 min$/);
  });

  it('counts a non-2xx answer and a timeout as failures', async () => {
    let mode: 'error' | 'hang' = 'error';
    server = createServer((_, res) => {
      if (mode === 'error') {
        res.statusCode = 503;
        res.end('down');
      }
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const t = createTestApp({ agents: [{ name: 'x', healthUrl: `http://127.0.0.1:${port}/` }], health: { checkTimeoutSeconds: 0.2 } });
    await t.agent.services.health.tick();
    mode = 'hang';
    t.clock.advance(1000);
    await t.agent.services.health.tick();
    server.closeAllConnections();
    const rows = (await t.get('/api/meta-agent/agent-performance?agent_name=x')).body.data;
    expect(rows.map((r: any) => r.success_rate)).toEqual([0, 0]);
    expect(rows[0].response_time).toBeGreaterThanOrEqual(0.19);
  });
});

describe('process attribution', () => {
  it.runIf(process.platform === 'linux')('follows a child process whose memory grows', async () => {
    const child = spawn(process.execPath, [
      '-e',
      `const keep = []; setInterval(() => { keep.push(Buffer.alloc(8 * 1024 * 1024, 1)); if (keep.length > 12) process.exit(0); }, 150);`,
    ]);
    try {
      const t = createTestApp({ agents: [{ name: 'trade_executor', pid: child.pid! }] }, { processes: createProcessSampler() });
      await t.agent.services.health.tick();
      await new Promise((r) => setTimeout(r, 900));
      t.clock.advance(30_000);
      await t.agent.services.health.tick();
      const rows = (await t.get('/api/meta-agent/agent-performance?agent_name=trade_executor')).body.data;
      expect(rows).toHaveLength(2);
      const [latest, first] = rows;
      expect(first.source).toBe('process');
      expect(latest.memory_usage - first.memory_usage).toBeGreaterThan(20);
      expect(latest.cpu_usage).toEqual(expect.any(Number));
      expect((await t.get('/api/agents/status')).body.data[0].health).not.toBe('offline');
    } finally {
      child.kill();
    }
  });

  it.runIf(process.platform === 'linux')('finds processes by a command-line pattern', async () => {
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 5000) // alpha-hunter-worker']);
    try {
      const sampler = createProcessSampler();
      const { samples } = await sampler.sample([{ name: 'alpha', processPattern: 'alpha-hunter-worker' }], new Date().toISOString());
      expect(samples).toHaveLength(1);
      expect(samples[0]!.memory_usage).toBeGreaterThan(5);
      expect(await sampler.sample([{ name: 'none', processPattern: 'no-such-process-xyz' }], new Date().toISOString())).toEqual({
        samples: [],
        missing: [{ name: 'none', reason: 'no running process with a command line matching /no-such-process-xyz/' }],
      });
    } finally {
      child.kill();
    }
  });
});
