import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './helpers/app.js';

function writeReport(t: TestApp, name: string, body: unknown) {
  const dir = path.join(t.dataDir, 'system_reports');
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, name), typeof body === 'string' ? body : JSON.stringify(body));
}

const report = (iso: string, score: number) => ({
  generated_at: iso,
  health: { performance_score: score, agents: { total: 3, active: 3, failing: 1 } },
});

describe('reports', () => {
  it('lists report files newest first with their headline numbers', async () => {
    const t = createTestApp();
    writeReport(t, 'system_report_20261125_110000.json', report('2026-11-25T11:00:00.000Z', 81.5));
    writeReport(t, 'system_report_20261125_120000.json', report('2026-11-25T12:00:00.000Z', 90));
    writeReport(t, 'notes.txt', 'not a report');
    const res = await t.get('/api/meta-agent/reports');
    expect(res.body).toEqual({
      status: 'success',
      count: 2,
      data: [
        { filename: 'system_report_20261125_120000.json', timestamp: '2026-11-25T12:00:00.000Z', performance_score: 90, active_agents: 3, failed_agents: 1 },
        { filename: 'system_report_20261125_110000.json', timestamp: '2026-11-25T11:00:00.000Z', performance_score: 81.5, active_agents: 3, failed_agents: 1 },
      ],
    });
  });

  it('answers an empty list before the first report', async () => {
    const t = createTestApp();
    expect((await t.get('/api/meta-agent/reports')).body).toEqual({ status: 'success', data: [], count: 0 });
  });

  it('serves one report by name', async () => {
    const t = createTestApp();
    writeReport(t, 'system_report_20261125_120000.json', report('2026-11-25T12:00:00.000Z', 90));
    const res = await t.get('/api/meta-agent/reports/system_report_20261125_120000.json');
    expect(res.body).toEqual({
      status: 'success',
      filename: 'system_report_20261125_120000.json',
      data: report('2026-11-25T12:00:00.000Z', 90),
    });
    const gql = await t.gql(`{ report(filename: "system_report_20261125_120000.json") reports { filename performanceScore } }`);
    expect(gql.data.report.health.performance_score).toBe(90);
    expect(gql.data.reports).toEqual([{ filename: 'system_report_20261125_120000.json', performanceScore: 90 }]);
  });

  it('answers 404 for a well-formed name that does not exist', async () => {
    const t = createTestApp();
    const res = await t.get('/api/meta-agent/reports/system_report_20000101_000000.json');
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('NOT_FOUND');
  });

  it.each([
    '..%2F..%2Fetc%2Fpasswd',
    '%2e%2e%2fsystem_report_20261125_120000.json',
    '%252e%252e%252fenhanced_meta_agent.db',
    '..%5C..%5Cwindows',
    'system_report_20261125_120000.json%00.txt',
    '%2Fetc%2Fpasswd',
    'enhanced_meta_agent.db',
    'system_report_2026112_120000.json',
  ])('refuses %s without touching the filesystem outside the folder', async (name) => {
    const t = createTestApp();
    const res = await t.get(`/api/meta-agent/reports/${name}`);
    expect([400, 404]).toContain(res.status);
    expect(res.body.status).toBe('error');
    expect(res.text).not.toMatch(/root:|SQLite/);
  });

  it('refuses a report name that is a symlink pointing outside', async () => {
    const t = createTestApp();
    mkdirSync(path.join(t.dataDir, 'system_reports'), { recursive: true });
    writeFileSync(path.join(t.dataDir, 'secret.json'), '{"secret": true}');
    symlinkSync(path.join(t.dataDir, 'secret.json'), path.join(t.dataDir, 'system_reports', 'system_report_20261125_130000.json'));
    const res = await t.get('/api/meta-agent/reports/system_report_20261125_130000.json');
    expect(res.status).toBe(404);
    expect(res.text).not.toMatch(/secret/);
  });
});
