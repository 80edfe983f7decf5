import { describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.js';

const MIN = 60_000;

/** One sample a minute from `fromMin` to `toMin` minutes before now, at the given version and error count of 100 requests. */
function run(t: TestApp, agent: string, fromMin: number, toMin: number, version: string, errors: number) {
  return Array.from({ length: fromMin - toMin + 1 }, (_, i) => ({
    agent_name: agent,
    timestamp: new Date(t.clock.now() - (fromMin - i) * MIN).toISOString(),
    version,
    requests: 100,
    error_count: errors,
    success_rate: (100 - errors) / 100,
    response_time: 1,
  }));
}

async function post(t: TestApp, samples: unknown[]) {
  const reply = await t.post('/api/agents/metrics', { samples });
  expect(reply.status, JSON.stringify(reply.body)).toBe(200);
}

describe('naming the change that caused a shift', () => {
  it('says which version change a shift followed, plans to compare or roll back, and verifies against the level before it', async () => {
    const t = createTestApp({ coordination: { builtinPerformanceAnalyst: { enabled: false } } });
    // Newest first: the log of versions must not depend on the order of arrival.
    await post(t, [...run(t, 'trade_executor', 20, 0, '1.5.0', 30), ...run(t, 'trade_executor', 120, 21, '1.4.2', 1)].reverse());

    const changes = (await t.get('/api/meta-agent/version-changes?agent_name=trade_executor&hours=3')).body.data;
    expect(changes).toEqual([
      { agent_name: 'trade_executor', at: new Date(t.clock.now() - 120 * MIN).toISOString(), from: null, to: '1.4.2' },
      { agent_name: 'trade_executor', at: new Date(t.clock.now() - 20 * MIN).toISOString(), from: '1.4.2', to: '1.5.0' },
    ]);

    const analysis = (await t.post('/api/meta-agent/trigger-analysis')).body.data;
    const blamed = analysis.findings.filter((f: any) => f.agent_name === 'trade_executor' && f.details.version_change);
    expect(blamed.length, JSON.stringify(analysis.findings.map((f: any) => f.message))).toBeGreaterThan(0);
    const errorRate = blamed.find((f: any) => f.metric === 'error_rate') ?? blamed[0];
    expect(errorRate.message).toMatch(/(error rate|success rate) of trade_executor (rose|fell) from \d+(\.\d+)? % to \d+(\.\d+)? % within 1 minute of the change from 1\.4\.2 to 1\.5\.0/);
    expect(errorRate.details.version_change).toMatchObject({ from_version: '1.4.2', to_version: '1.5.0', minutes_after: 0 });

    const suggestion = analysis.improvements_created.find((i: any) => i.fingerprint === 'trade_executor:failures');
    expect(suggestion.estimated_impact.caused_by_change).toMatchObject({ agent: 'trade_executor', from_version: '1.4.2', to_version: '1.5.0' });
    expect(suggestion.implementation_plan.steps[0]).toMatch(/^Compare 1\.5\.0 with 1\.4\.2/);
    expect(suggestion.implementation_plan.steps[1]).toMatch(/roll trade_executor back to 1\.4\.2/);
    expect(suggestion.description).toMatch(/within 1 minute of the change from 1\.4\.2 to 1\.5\.0/);

    // The fix: 1.5.1 brings the errors back to where 1.4.2 had them.
    await t.post(`/api/meta-agent/improvements/${suggestion.id}/approve`);
    await t.post(`/api/meta-agent/improvements/${suggestion.id}/claim`, { worker: 'editor-1' });
    expect((await t.post(`/api/meta-agent/improvements/${suggestion.id}/complete`, { worker: 'editor-1', summary: 'Fixed the retry loop' })).status).toBe(200);
    t.clock.advance(40 * MIN);
    await post(t, run(t, 'trade_executor', 39, 0, '1.5.1', 1));
    await t.agent.scheduler.runNow('coordination');
    const verified = (await t.get(`/api/meta-agent/improvements/${suggestion.id}`)).body.data;
    expect(verified.outcome).toBe('improved');
    expect(verified.outcome_details.before_change_mean).toBeCloseTo(0.01, 3);
    expect(verified.outcome_details.reason).toMatch(/before the change from 1\.4\.2 to 1\.5\.0 it was 1(\.0)? %, now 1(\.0)? %/);
  });

  it('blames no change that came long before the shift, or a first version', async () => {
    const t = createTestApp();
    await post(t, [...run(t, 'quote_feed', 120, 91, '2.0.0', 1), ...run(t, 'quote_feed', 90, 21, '2.1.0', 1), ...run(t, 'quote_feed', 20, 0, '2.1.0', 30)]);
    await post(t, run(t, 'risk_assessor', 20, 0, '0.9.0', 30));
    const analysis = (await t.post('/api/meta-agent/trigger-analysis')).body.data;
    const shifts = analysis.findings.filter((f: any) => ['quote_feed', 'risk_assessor'].includes(f.agent_name) && f.kind === 'threshold');
    expect(shifts.length).toBeGreaterThan(0);
    for (const finding of shifts) {
      expect(finding.details.version_change).toBeUndefined();
      expect(finding.message).not.toMatch(/change from/);
    }
  });

  it('blames neither a fix shipped after the shift began nor a change that moved the metric the other way', async () => {
    const t = createTestApp();
    // Errors jumped at 20 min ago on 1.4.2; the hotfix 1.4.3 at 10 min ago did not help. The shift is not 1.4.3's doing.
    await post(t, [...run(t, 'hotfixed', 120, 21, '1.4.2', 1), ...run(t, 'hotfixed', 20, 11, '1.4.2', 30), ...run(t, 'hotfixed', 10, 0, '1.4.3', 30)]);
    // Response time swung between 60 s and 5 s on 2.0 (no three samples in a row past 30 s), then 2.1 holds it at 31 s:
    // a breach that began after the change, but the change lowered the mean (32.5 s to 31 s), so it is not blamed.
    const swinging = Array.from({ length: 100 }, (_, i) => ({
      agent_name: 'smoothed',
      timestamp: new Date(t.clock.now() - (120 - i) * MIN).toISOString(),
      version: '2.0',
      response_time: i % 2 === 0 ? 60 : 5,
    }));
    const steady = Array.from({ length: 21 }, (_, i) => ({ agent_name: 'smoothed', timestamp: new Date(t.clock.now() - (20 - i) * MIN).toISOString(), version: '2.1', response_time: 31 }));
    await post(t, [...swinging, ...steady]);
    const analysis = (await t.post('/api/meta-agent/trigger-analysis')).body.data;
    const breaches = analysis.findings.filter((f: any) => ['hotfixed', 'smoothed'].includes(f.agent_name) && f.kind === 'threshold');
    expect(breaches.map((f: any) => f.agent_name).sort()).toEqual(expect.arrayContaining(['hotfixed', 'smoothed']));
    for (const finding of breaches) expect(finding.details.version_change, finding.message).toBeUndefined();
  });

  it('refuses a version that is not a short printable label, naming the field, and stores nothing', async () => {
    const t = createTestApp();
    for (const version of ['x'.repeat(65), 150, '', ' 1.5.0', '1.5\u0000']) {
      const reply = await t.post('/api/agents/metrics', { samples: [{ agent_name: 'a', response_time: 1 }, { agent_name: 'a', response_time: 1, version }] });
      expect(reply.status).toBe(400);
      expect(reply.body.errors).toEqual([expect.objectContaining({ index: 1, field: 'version' })]);
    }
    expect((await t.get('/api/meta-agent/agent-performance?agent_name=a')).body.count).toBe(0);
    const ok = await t.gql('mutation { reportMetrics(samples: [{agentName: "a", responseTime: 1, version: "v2-rc.1+g1a2b3c"}]) { accepted } }');
    expect(ok.errors).toBeUndefined();
    const stored = await t.gql('{ agentPerformance(agentName: "a") { version } versionChanges(agentName: "a") { from to } }');
    expect(stored.data).toEqual({ agentPerformance: [{ version: 'v2-rc.1+g1a2b3c' }], versionChanges: [{ from: null, to: 'v2-rc.1+g1a2b3c' }] });
  });
});
