import { describe, expect, it } from 'vitest';
import { createTestApp } from './helpers/app.js';
import { series } from './helpers/samples.js';

const HOUR = 3_600_000;

describe('retention and rollups', () => {
  it('prunes raw samples past their age but keeps 5-minute and hourly aggregates for long ranges', async () => {
    const t = createTestApp({ retention: { rawDays: 2 } });
    // 40 hours of one sample a minute, response time = the hour it belongs to
    const samples = series('alpha_hunter', t.clock.now() - 60_000, 40 * 60, 60_000, (i) => ({ response_time: Math.floor(i / 60), error_count: 1, success_rate: 1 }));
    for (let i = 0; i < samples.length; i += 1000) {
      expect((await t.post('/api/agents/metrics', { samples: samples.slice(i, i + 1000) })).status).toBe(200);
    }
    t.clock.advance(24 * HOUR);
    const result = await t.agent.services.retention.run();
    expect(result.rolled.samples).toBe(2400);
    expect(result.pruned.agent_performance_history).toBe(16 * 60); // older than now − 48 h
    expect(result.checkpoint.wal_bytes_after).toBe(0);

    const raw = await t.get('/api/meta-agent/agent-performance?agent_name=alpha_hunter&hours=72&resolution=raw');
    expect(raw.body.count).toBe(2400 - 16 * 60);

    const hourly = await t.get('/api/meta-agent/agent-performance?agent_name=alpha_hunter&hours=200');
    expect(hourly.body.resolution).toBe('1h');
    expect(hourly.body.count).toBe(40);
    for (const row of hourly.body.data) {
      expect(row.samples).toBe(60);
      expect(row.error_count).toBe(60);
      expect(Number.isInteger(row.response_time)).toBe(true);
    }
    const oldest = hourly.body.data.at(-1);
    expect(oldest.response_time).toBe(0);

    const fiveMinute = await t.get('/api/meta-agent/agent-performance?agent_name=alpha_hunter&hours=72&resolution=5m');
    expect(fiveMinute.body.data[5]).toMatchObject({ samples: 5, error_count: 5, success_rate: 1 });
  });

  it('rolls backfilled samples into their own older buckets', async () => {
    const t = createTestApp();
    await t.post('/api/agents/metrics', { samples: [{ agent_name: 'a', response_time: 10 }] });
    await t.agent.services.retention.run();
    const backfill = new Date(t.clock.now() - 5 * HOUR).toISOString();
    await t.post('/api/agents/metrics', { samples: [{ agent_name: 'a', response_time: 2, timestamp: backfill }] });
    await t.agent.services.retention.run();
    const hourly = await t.gql('{ agentPerformance(agentName: "a", hours: 48, resolution: HOURLY) { timestamp responseTime samples id source } }');
    expect(hourly.data.agentPerformance).toEqual([
      { timestamp: '2026-11-25T12:00:00.000Z', responseTime: 10, samples: 1, id: null, source: null },
      { timestamp: '2026-11-25T07:00:00.000Z', responseTime: 2, samples: 1, id: null, source: null },
    ]);
  });

  it('serves long ranges of system metrics from the rollups', async () => {
    const t = createTestApp();
    for (let i = 0; i < 6; i++) {
      t.host.cpu_usage = 10 * (i + 1);
      await t.agent.services.health.tick();
      t.clock.advance(60_000);
    }
    await t.agent.services.retention.run();
    const week = await t.get('/api/meta-agent/metrics?hours=168');
    expect(week.body.resolution).toBe('5m');
    const cpu = week.body.data.map((r: any) => [r.samples, r.system_cpu_usage]);
    expect(cpu).toEqual([
      [1, 60],
      [5, 30],
    ]);
  });
});
