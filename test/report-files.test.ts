import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { createTestApp } from './helpers/app.js';
import { series } from './helpers/samples.js';

describe('report and status files', () => {
  it('writes a report with health, resources, activity, improvements, recommendations and changes', async () => {
    const t = createTestApp();
    await t.post('/api/agents/metrics', {
      samples: [
        ...series('alpha_hunter', t.clock.now(), 20, 15_000, () => ({ response_time: 45, success_rate: 0.95, error_count: 1, insights_generated: 2 })),
        { agent_name: 'risk_assessor', response_time: 1, success_rate: 1, error_count: 0, input_tokens: 1500, output_tokens: 250 },
      ],
    });
    await t.post('/api/meta-agent/trigger-analysis');
    await t.agent.services.health.tick();
    const first = await t.agent.services.reportWriter.write();
    expect(first.filename).toBe('system_report_20261125_120000.json');

    const file = JSON.parse(readFileSync(path.join(t.dataDir, 'system_reports', first.filename), 'utf8'));
    expect(file).toMatchObject({
      generated_at: '2026-11-25T12:00:00.000Z',
      health: { overall: 'degraded', agents: { total: 2, active: 2, degraded: 1, healthy: 1 } },
      resources: { cpu_usage: 20, memory_usage: 40, disk_used_percent: 30 },
      activity: { samples: 21, reporting_agents: 2, errors: 20, insights_generated: 40, input_tokens: 1500, output_tokens: 250 },
      improvements: { by_status: { pending: 1, approved: 0 }, total: 1 },
      changes_since_previous: null,
    });
    expect(file.health.performance_score).toEqual(expect.any(Number));
    expect(file.recommendations[0]).toMatchObject({ priority: 'critical', title: 'Review: Reduce response time of alpha_hunter' });
    expect(file.recommendations[0].reason).toMatch(/45 s/);

    const status = JSON.parse(readFileSync(path.join(t.dataDir, 'system_status.json'), 'utf8'));
    expect(status).toMatchObject({ latest_report: first.filename, status: { pending_improvements: 1 } });

    t.clock.advance(300_000);
    await t.post('/api/agents/metrics', { samples: [{ agent_name: 'risk_assessor', success_rate: 0.1 }] });
    await t.agent.services.health.tick();
    const second = await t.agent.services.reportWriter.write();
    expect(second.report.changes_since_previous).toMatchObject({
      previous_report_at: '2026-11-25T12:00:00.000Z',
      agents_changed: [{ name: 'risk_assessor', from: 'healthy', to: 'failing' }],
    });
    const listed = await t.get('/api/meta-agent/reports');
    expect(listed.body.data.map((r: any) => r.filename)).toEqual(['system_report_20261125_120500.json', 'system_report_20261125_120000.json']);
    expect(listed.body.data[0]).toMatchObject({ failed_agents: 1, active_agents: 2 });
  });

  it('writes the status file and a first report 15 s after monitoring starts, not a report interval later', async () => {
    const t = createTestApp();
    t.agent.scheduler.start();
    const reports = () => (existsSync(path.join(t.dataDir, 'system_reports')) ? readdirSync(path.join(t.dataDir, 'system_reports')) : []);
    t.clock.advance(14_000);
    t.agent.scheduler.tick();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(reports()).toEqual([]);
    t.clock.advance(1_000);
    t.agent.scheduler.tick();
    await vi.waitFor(() => expect(reports()).toEqual(['system_report_20261125_120015.json']));
    expect(existsSync(path.join(t.dataDir, 'system_status.json'))).toBe(true);
  });

  it('never shows a reader half a file while reports are rewritten', async () => {
    const t = createTestApp();
    await t.post('/api/agents/metrics', {
      samples: Array.from({ length: 200 }, (_, i) => ({ agent_name: `agent_${i}`, response_time: i, success_rate: 0.9 })),
    });
    const statusFile = path.join(t.dataDir, 'system_status.json');
    let writing = true;
    let reads = 0;
    const reader = (async () => {
      while (writing) {
        if (existsSync(statusFile)) {
          JSON.parse(readFileSync(statusFile, 'utf8'));
          reads += 1;
        }
        for (const name of existsSync(path.join(t.dataDir, 'system_reports')) ? readdirSync(path.join(t.dataDir, 'system_reports')) : []) {
          if (!name.endsWith('.json')) continue;
          try {
            JSON.parse(readFileSync(path.join(t.dataDir, 'system_reports', name), 'utf8'));
          } catch (error) {
            if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
          }
        }
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    for (let i = 0; i < 25; i++) {
      t.clock.advance(1000);
      await t.agent.services.reportWriter.write();
    }
    writing = false;
    await reader;
    expect(reads).toBeGreaterThan(10);
    expect(readdirSync(path.join(t.dataDir, 'system_reports')).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it('prunes reports past the configured count, oldest first', async () => {
    const t = createTestApp({ reports: { keep: 3 } });
    for (let i = 0; i < 5; i++) {
      await t.agent.services.reportWriter.write();
      t.clock.advance(60_000);
    }
    const names = readdirSync(path.join(t.dataDir, 'system_reports')).sort();
    expect(names).toEqual(['system_report_20261125_120200.json', 'system_report_20261125_120300.json', 'system_report_20261125_120400.json']);
  });
});
