import { expect } from 'vitest';
import type { TestApp } from './app.js';
import { series } from './samples.js';

/** A pending suggestion from real analysis: `agent` breaching `field` for ten minutes. */
export async function suggestionFor(
  t: TestApp,
  agent: string,
  fields: (i: number) => Record<string, number>,
  count = 20,
): Promise<any> {
  const samples = series(agent, t.clock.now(), count, 30_000, fields);
  expect((await t.post('/api/agents/metrics', { samples })).status).toBe(200);
  const analysis = await t.post('/api/meta-agent/trigger-analysis');
  const created = analysis.body.data.improvements_created.find((i: any) => i.affected_components.includes(agent));
  expect(created, JSON.stringify(analysis.body.data.findings.map((f: any) => f.message))).toBeDefined();
  return created;
}

/** An approved improvement routed to code_editor (failures of an agent that is also slow). */
export async function approvedWork(t: TestApp, agent = 'risk_assessor'): Promise<any> {
  const created = await suggestionFor(t, agent, () => ({ success_rate: 0.4, response_time: 45, cpu_usage: 95 }));
  const failures = (await t.get('/api/meta-agent/improvements?status=pending')).body.data.find(
    (i: any) => i.fingerprint === `${agent}:failures`,
  );
  const target = failures ?? created;
  const approved = await t.post(`/api/meta-agent/improvements/${target.id}/approve`);
  expect(approved.status).toBe(200);
  return approved.body.data;
}
