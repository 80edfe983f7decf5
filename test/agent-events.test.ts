import { describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './helpers/app.js';
import { series } from './helpers/samples.js';

const MIN = 60_000;
const iso = (ms: number) => new Date(ms).toISOString();

async function slow(t: TestApp, agent: string) {
  const samples = series(agent, t.clock.now(), 20, 30_000, () => ({ response_time: 45, success_rate: 1 }));
  expect((await t.post('/api/agents/metrics', { samples })).status).toBe(200);
}

describe('deploy and restart events', () => {
  it('records a deploy and keeps its agent quiet for the quiet period, then lets the analysis suggest', async () => {
    const t = createTestApp();
    await t.post('/api/agents/metrics', { samples: [{ agent_name: 'alpha', response_time: 1 }] });
    const res = await t.post('/api/agents/alpha/events', { kind: 'deploy', version: '2.4.0' });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const { event, silence } = res.body.data;
    expect(event).toMatchObject({ agent_name: 'alpha', kind: 'deploy', version: '2.4.0', at: iso(t.clock.now()), actor: 'anonymous', silence_id: silence.id });
    expect(silence).toMatchObject({
      origin: 'deploy',
      status: { state: 'active' },
      matchers: [{ name: 'agent', value: 'alpha', isRegex: false, isEqual: true }],
      endsAt: iso(t.clock.now() + 10 * MIN),
    });
    await slow(t, 'alpha');
    await slow(t, 'beta');
    const quiet = (await t.post('/api/meta-agent/trigger-analysis')).body.data;
    expect(quiet.improvements_created.map((i: any) => i.fingerprint)).toEqual(['beta:response_time:high']);

    t.clock.advance(10 * MIN);
    await slow(t, 'alpha');
    const after = (await t.post('/api/meta-agent/trigger-analysis')).body.data;
    expect(after.improvements_created.map((i: any) => i.fingerprint)).toContain('alpha:response_time:high');
    expect((await t.get('/api/agents/events?agent_name=alpha')).body.data).toEqual([event]);
  });

  it('moves the quiet period of a second deploy later instead of adding a silence, also when they come at once', async () => {
    const t = createTestApp({ notifications: { deployQuietMinutes: 15 } } as never);
    await t.post('/api/agents/metrics', { samples: [{ agent_name: 'alpha', response_time: 1 }] });
    const together = await Promise.all([1, 2, 3].map((v) => t.post('/api/agents/alpha/events', { kind: 'deploy', version: String(v) })));
    expect(new Set(together.map((r) => r.body.data.silence.id)).size).toBe(1);
    const first = together[0]!.body.data.silence;
    t.clock.advance(5 * MIN);
    const second = (await t.post('/api/agents/alpha/events', { kind: 'restart' })).body.data.silence;
    expect(second.id).toBe(first.id);
    expect(second.endsAt).toBe(iso(t.clock.now() + 15 * MIN));
    const shown = (await t.get(`/api/meta-agent/silences/${first.id}`)).body.data;
    expect(shown.history.map((h: any) => h.action)).toEqual(['created', 'extended']);
    expect((await t.get('/api/meta-agent/silences?state=active')).body.count).toBe(1);
  });

  it('opens no quiet period for an agent the registry does not know, an event already past it, or with deployQuietMinutes 0', async () => {
    const t = createTestApp();
    const unknown = await t.post('/api/agents/ghost/events', { kind: 'deploy' });
    expect(unknown.body.data).toMatchObject({ event: { agent_name: 'ghost' }, silence: null });
    await t.post('/api/agents/metrics', { samples: [{ agent_name: 'alpha', response_time: 1 }] });
    const old = await t.post('/api/agents/alpha/events', { kind: 'restart', at: iso(t.clock.now() - 30 * MIN) });
    expect(old.body.data.silence).toBeNull();
    const off = createTestApp({ notifications: { deployQuietMinutes: 0 } } as never);
    await off.post('/api/agents/metrics', { samples: [{ agent_name: 'alpha', response_time: 1 }] });
    expect((await off.post('/api/agents/alpha/events', { kind: 'deploy' })).body.data.silence).toBeNull();
  });

  it.each([
    [{ kind: 'upgrade' }, 'kind'],
    [{ kind: 'deploy', version: 7 }, 'version'],
    [{ kind: 'deploy', at: 'soon' }, 'at'],
    [{ kind: 'deploy', at: '2099-01-01T00:00:00Z' }, 'at'],
    [{ kind: 'deploy', by: 'ci' }, 'by'],
  ])('refuses %j naming %s, storing nothing', async (body, field) => {
    const t = createTestApp();
    const res = await t.post('/api/agents/alpha/events', body);
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: any) => e.field)).toContain(field);
    expect((await t.get('/api/agents/events')).body.count).toBe(0);
    expect((await t.get('/api/meta-agent/silences')).body.count).toBe(0);
  });

  it('refuses a bad agent name, and an agent token: a quiet period is an operator\'s call', async () => {
    const t = createTestApp();
    expect((await t.post('/api/agents/a%20b/events', { kind: 'deploy' })).status).toBe(400);
    const agentToken = 'agent-token-0123456789ab';
    const secured = createTestApp({ auth: { tokens: [{ role: 'agent', token: agentToken }] } } as never);
    const refused = await secured.request('POST', '/api/agents/alpha/events', { kind: 'deploy' }, { authorization: `Bearer ${agentToken}`, 'content-type': 'application/json' });
    expect(refused.status).toBe(403);
  });

  it('blames a shift on a reported deploy when the samples carry no version', async () => {
    const t = createTestApp({ coordination: { builtinPerformanceAnalyst: { enabled: false } } });
    const samples = (from: number, to: number, errors: number) =>
      Array.from({ length: from - to + 1 }, (_, i) => ({ agent_name: 'trade_executor', timestamp: iso(t.clock.now() - (from - i) * MIN), requests: 100, error_count: errors, success_rate: (100 - errors) / 100, response_time: 1 }));
    await t.post('/api/agents/metrics', { samples: samples(120, 21, 1) });
    expect((await t.post('/api/agents/trade_executor/events', { kind: 'deploy', version: '1.4.2', at: iso(t.clock.now() - 119 * MIN) })).status).toBe(200);
    expect((await t.post('/api/agents/trade_executor/events', { kind: 'deploy', version: '1.5.0', at: iso(t.clock.now() - 20 * MIN) })).status).toBe(200);
    await t.post('/api/agents/metrics', { samples: samples(20, 0, 30) });
    const analysis = (await t.post('/api/meta-agent/trigger-analysis')).body.data;
    const blamed = analysis.findings.filter((f: any) => f.agent_name === 'trade_executor' && f.details.version_change);
    expect(blamed.length, JSON.stringify(analysis.findings.map((f: any) => f.message))).toBeGreaterThan(0);
    expect(blamed[0].details.version_change).toMatchObject({ from_version: '1.4.2', to_version: '1.5.0' });
  });
});

describe('deploy events over GraphQL', () => {
  it('records one and lists it', async () => {
    const t = createTestApp();
    await t.post('/api/agents/metrics', { samples: [{ agent_name: 'alpha', response_time: 1 }] });
    const made = await t.gql(`mutation { recordAgentEvent(agentName: "alpha", kind: RESTART) { event { kind agentName } silence { origin state } } }`);
    expect(made.data.recordAgentEvent).toEqual({ event: { kind: 'RESTART', agentName: 'alpha' }, silence: { origin: 'RESTART', state: 'ACTIVE' } });
    const listed = await t.gql(`{ agentEvents(agentName: "alpha") { kind } }`);
    expect(listed.data.agentEvents).toEqual([{ kind: 'RESTART' }]);
    const bad = await t.gql(`mutation { recordAgentEvent(agentName: "alpha", kind: RESTART, at: "soon") { event { id } } }`);
    expect(bad.errors[0].extensions.code).toBe('VALIDATION_FAILED');
  });
});
