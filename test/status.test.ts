import { describe, expect, it } from 'vitest';
import { createTestApp } from './helpers/app.js';

describe('status and health', () => {
  it('answers the seed status shape before any data', async () => {
    const t = createTestApp();
    const res = await t.get('/api/meta-agent/status');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      status: 'success',
      data: {
        meta_agent_active: false,
        total_improvements: 0,
        pending_improvements: 0,
        approved_improvements: 0,
        in_progress_improvements: 0,
        completed_improvements: 0,
        rejected_improvements: 0,
        failed_improvements: 0,
        performance_score: null,
        latest_metrics: null,
      },
    });
  });

  it('reports thresholds, intervals, agent counts, database and jobs in health', async () => {
    const t = createTestApp({ thresholds: { response_time: 12 }, intervals: { analysis: 120 } });
    await t.post('/api/agents/metrics', { samples: [{ agent_name: 'a', response_time: 1 }, { agent_name: 'b', response_time: 20 }] });
    const { body } = await t.get('/api/meta-agent/health');
    expect(body.data).toMatchObject({
      meta_agent_active: false,
      overall_health: 'degraded',
      performance_thresholds: { response_time: 12, success_rate: 0.8, cpu_usage: 80, memory_usage: 85, error_rate: 0.1 },
      monitoring_intervals: { health: 30, analysis: 120, predictive: 600, reports: 300 },
      agents: { total: 2, healthy: 1, degraded: 1, failing: 0, offline: 0 },
      database: { engine: 'sqlite', journal_mode: 'wal', schema_version: expect.any(Number) },
    });
    expect(body.data.database.rows.agent_performance_history).toBe(2);
    expect(body.data.jobs.map((j: any) => j.name)).toContain('analysis');
  });

  it('shows a requested analysis as a run of the analysis job, over REST and GraphQL', async () => {
    const t = createTestApp();
    const analysisJob = async () => (await t.get('/api/meta-agent/health')).body.data.jobs.find((j: any) => j.name === 'analysis');
    expect(await analysisJob()).toMatchObject({ runs: 0, last_started_at: null });
    expect((await t.post('/api/meta-agent/trigger-analysis')).status).toBe(200);
    expect(await analysisJob()).toMatchObject({ runs: 1, last_outcome: 'success', last_started_at: '2026-11-25T12:00:00.000Z' });
    expect((await t.gql('mutation { triggerAnalysis { findings { id } } }')).errors).toBeUndefined();
    expect((await analysisJob()).runs).toBe(2);
  });

  it('starts and stops monitoring over REST and GraphQL, and status reports it', async () => {
    const t = createTestApp();
    const start = await t.post('/api/meta-agent/control/start');
    expect(start.body).toEqual({ status: 'success', message: 'Meta agent monitoring started', data: { meta_agent_active: true } });
    expect((await t.get('/api/meta-agent/status')).body.data.meta_agent_active).toBe(true);
    const health = await t.get('/api/meta-agent/health');
    expect(health.body.data.jobs.every((j: any) => j.next_run_at !== null)).toBe(true);

    const stop = await t.gql('mutation { stopMonitoring { message active } }');
    expect(stop.data.stopMonitoring).toEqual({ message: 'Meta agent monitoring stopped', active: false });
    expect((await t.get('/api/meta-agent/status')).body.data.meta_agent_active).toBe(false);
    const again = await t.post('/api/meta-agent/control/stop');
    expect(again.body.message).toBe('Meta agent monitoring is already stopped');
  });

  it('lists agents with their health over GraphQL', async () => {
    const t = createTestApp();
    await t.post('/api/agents/metrics', { samples: [{ agent_name: 'risk_assessor', success_rate: 0.5, response_time: 1 }] });
    const res = await t.gql('{ agents { name health healthReason metrics { successRate samples } } }');
    expect(res.data.agents).toEqual([
      { name: 'risk_assessor', health: 'FAILING', healthReason: expect.stringMatching(/success rate 50 % below 80 %/), metrics: { successRate: 0.5, samples: 1 } },
    ]);
    const missing = await t.gql('{ agent(name: "ghost") { name } }');
    expect(missing.errors[0].extensions.code).toBe('NOT_FOUND');
  });

  it('marks an agent offline once nothing arrived for the configured time', async () => {
    const t = createTestApp({ health: { offlineAfterSeconds: 60 } });
    await t.post('/api/agents/metrics', { samples: [{ agent_name: 'trade_executor', response_time: 1 }] });
    t.clock.advance(61_000);
    const res = await t.get('/api/agents/status');
    expect(res.body.data[0]).toMatchObject({ name: 'trade_executor', health: 'offline', health_reason: 'no sample or check for 61 s' });
  });
});

describe('retiring an agent', () => {
  it('removes it from the registry so it is no longer reported silent, keeping its history', async () => {
    const t = createTestApp({ health: { offlineAfterSeconds: 60 } });
    await t.post('/api/agents/metrics', { samples: [{ agent_name: 'old_bot', response_time: 1 }] });
    t.clock.advance(120_000);
    const first = await t.post('/api/meta-agent/trigger-analysis');
    const silence = first.body.data.improvements_created.find((i: any) => i.fingerprint === 'old_bot:availability:silent');
    expect(silence).toBeDefined();

    const removed = await t.request('DELETE', '/api/agents/old_bot');
    expect(removed.body).toEqual({ status: 'success', message: "Agent 'old_bot' removed from the registry", data: { name: 'old_bot', samples_kept: 1 } });
    expect((await t.get('/api/agents/status')).body.count).toBe(0);
    expect((await t.get('/api/meta-agent/agent-performance?agent_name=old_bot')).body.count).toBe(1);
    const next = await t.post('/api/meta-agent/trigger-analysis');
    expect(next.body.data.improvements_cleared.map((i: any) => i.id)).toEqual([silence.id]);
    expect((await t.request('DELETE', '/api/agents/old_bot')).status).toBe(404);
  });
});

describe("the server's own health", () => {
  it('reports its event-loop stalls and its memory in health, over REST and GraphQL', async () => {
    const t = createTestApp();
    await new Promise((r) => setTimeout(r, 50)); // the monitor's first sample starts its clock
    const until = Date.now() + 150;
    while (Date.now() < until); // hold the event loop
    await new Promise((r) => setTimeout(r, 20));
    const { data } = (await t.get('/api/meta-agent/health')).body;
    expect(data.event_loop.max_ms_last_minute).toBeGreaterThanOrEqual(100);
    expect(data.event_loop.max_ms_since_start).toBeGreaterThanOrEqual(data.event_loop.max_ms_last_minute);
    expect(data.memory.rss_mb).toBeGreaterThan(data.memory.heap_used_mb);
    const gql = await t.gql('{ health { eventLoop { maxMsLastMinute p99MsLastMinute } memory { rssMb heapUsedMb } } }');
    expect(gql.data.health.eventLoop.maxMsLastMinute).toBeGreaterThanOrEqual(100);
    expect(gql.data.health.memory.rssMb).toBeGreaterThan(0);
  });
});
