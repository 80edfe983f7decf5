import { describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './helpers/app.js';
import { series } from './helpers/samples.js';
import { subscribe, wsClient } from './helpers/ws.js';

const MIN = 60_000;
const iso = (ms: number) => new Date(ms).toISOString();

function silenceBody(t: TestApp, over: Record<string, unknown> = {}) {
  return {
    matchers: [{ name: 'agent', value: 'alpha', isRegex: false, isEqual: true }],
    endsAt: iso(t.clock.now() + 30 * MIN),
    createdBy: 'alice',
    comment: 'deploying alpha',
    ...over,
  };
}

async function createSilence(t: TestApp, over: Record<string, unknown> = {}): Promise<string> {
  const res = await t.post('/api/meta-agent/silences', silenceBody(t, over));
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.silenceID;
}

/** alpha answers slowly for ten minutes: a response-time breach. */
async function slowAlpha(t: TestApp, agent = 'alpha') {
  const samples = series(agent, t.clock.now(), 20, 30_000, () => ({ response_time: 45, success_rate: 1 }));
  expect((await t.post('/api/agents/metrics', { samples })).status).toBe(200);
}

async function analyse(t: TestApp) {
  const res = await t.post('/api/meta-agent/trigger-analysis');
  expect(res.status).toBe(200);
  await t.agent.services.notifier.settled();
  await new Promise((r) => setTimeout(r, 20));
  await t.agent.services.notifier.settled();
  return res.body.data;
}

const delivered = async (t: TestApp) => ((await t.get('/api/meta-agent/deliveries')).body.data as Array<{ subject: string }>).map((d) => d.subject);

describe('silences over REST (Alertmanager v2 shape)', () => {
  it('creates, lists by state, shows with its audit trail, and expires keeping the record', async () => {
    const t = createTestApp();
    const now = t.clock.now();
    const active = await createSilence(t);
    const pending = await createSilence(t, { startsAt: iso(now + 60 * MIN), endsAt: iso(now + 90 * MIN), comment: 'nightly batch' });

    const one = (await t.get(`/api/meta-agent/silences/${active}`)).body.data;
    expect(one).toMatchObject({
      id: active,
      status: { state: 'active' },
      matchers: [{ name: 'agent', value: 'alpha', isRegex: false, isEqual: true }],
      startsAt: iso(now),
      createdBy: 'alice',
      comment: 'deploying alpha',
      origin: 'manual',
      history: [{ action: 'created', actor: 'anonymous', reason: 'deploying alpha', at: iso(now) }],
    });
    expect((await t.get('/api/meta-agent/silences?state=active')).body.data.map((s: any) => s.id)).toEqual([active]);
    expect((await t.get('/api/meta-agent/silences?state=pending')).body.data.map((s: any) => s.id)).toEqual([pending]);

    t.clock.advance(5 * MIN);
    const expired = await t.request('DELETE', `/api/meta-agent/silences/${active}?reason=deploy%20done`);
    expect(expired.status).toBe(200);
    expect(expired.body.data).toMatchObject({ status: { state: 'expired' }, endsAt: iso(now + 5 * MIN) });
    const listed = (await t.get('/api/meta-agent/silences?state=expired')).body;
    expect(listed).toMatchObject({ count: 1, data: [{ id: active, comment: 'deploying alpha' }] });
    const history = (await t.get(`/api/meta-agent/silences/${active}`)).body.data.history;
    expect(history.map((h: any) => [h.action, h.reason])).toEqual([['created', 'deploying alpha'], ['expired', 'deploy done']]);

    // Expiring a pending one means it never starts.
    const never = (await t.request('DELETE', `/api/meta-agent/silences/${pending}`)).body.data;
    expect(never).toMatchObject({ status: { state: 'expired' }, startsAt: iso(now + 5 * MIN), endsAt: iso(now + 5 * MIN) });

    expect((await t.request('DELETE', `/api/meta-agent/silences/${active}`)).status).toBe(409);
    expect((await t.request('DELETE', '/api/meta-agent/silences/nope')).status).toBe(404);
    expect((await t.get('/api/meta-agent/silences/nope')).status).toBe(404);
  });

  it('moves from pending to active to expired with the clock', async () => {
    const t = createTestApp();
    const now = t.clock.now();
    const id = await createSilence(t, { startsAt: iso(now + 10 * MIN), endsAt: iso(now + 20 * MIN) });
    const state = async () => (await t.get(`/api/meta-agent/silences/${id}`)).body.data.status.state;
    expect(await state()).toBe('pending');
    t.clock.set(iso(now + 10 * MIN));
    expect(await state()).toBe('active');
    t.clock.set(iso(now + 20 * MIN - 1));
    expect(await state()).toBe('active');
    t.clock.set(iso(now + 20 * MIN));
    expect(await state()).toBe('expired');
  });

  it.each([
    [{ matchers: [] }, 'matchers', /non-empty list/],
    [{ matchers: [{ name: 'host', value: 'x' }] }, 'matchers[0].name', /agent, metric, kind, severity, type/],
    [{ matchers: [{ name: 'agent', value: '(', isRegex: true }] }, 'matchers[0].value', /not a valid regular expression/],
    [{ matchers: [{ name: 'agent', value: '(?<=a)b', isRegex: true }] }, 'matchers[0].value', /RE2 syntax/],
    [{ matchers: [{ name: 'agent', value: 'x', isEqual: 'no' }] }, 'matchers[0].isEqual', /true or false/],
    [{ endsAt: '2020-01-01T00:00:00Z', startsAt: '2020-01-01T01:00:00Z' }, 'endsAt', /after startsAt/],
    [{ endsAt: 'tomorrow' }, 'endsAt', /ISO-8601/],
    [{ endsAt: '9999-12-31T23:00:00-12:00' }, 'endsAt', /more than a year ahead/],
    [{ comment: '' }, 'comment', /required/],
    [{ silenceId: 'x' }, 'silenceId', /not a field/],
  ])('refuses %j naming %s, and stores nothing', async (over, field, message) => {
    const t = createTestApp();
    const res = await t.post('/api/meta-agent/silences', silenceBody(t, over));
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
    expect(res.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field, message: expect.stringMatching(message) })]));
    expect((await t.get('/api/meta-agent/silences')).body.count).toBe(0);
  });

  it('refuses a body that is not JSON, and a silence past 1,000 current ones', async () => {
    const t = createTestApp();
    const bad = await t.request('POST', '/api/meta-agent/silences', '{"matchers": [', { 'content-type': 'application/json' });
    expect(bad.status).toBe(400);
    const actor = { id: 'bulk' };
    const draft = { ...silenceBody(t), matchers: [{ name: 'agent' as const, value: 'x', isRegex: false, isEqual: true }], startsAt: iso(t.clock.now()) };
    for (let i = 0; i < 1000; i++) await t.agent.services.silences.create(draft, actor);
    const refused = await t.post('/api/meta-agent/silences', silenceBody(t));
    expect(refused.status).toBe(409);
    expect(refused.body.message).toMatch(/1000 silences are active or pending/);
  });

  it('needs the operator role to create or expire, and audits who did', async () => {
    const viewer = 'viewer-token-aaaaaaaaaaaa';
    const operator = 'operator-token-ccccccccc';
    const t = createTestApp({ auth: { tokens: [{ role: 'viewer', token: viewer }, { role: 'operator', token: operator, name: 'bob' }] } } as never);
    const as = (token: string) => ({ authorization: `Bearer ${token}`, 'content-type': 'application/json' });
    const denied = await t.request('POST', '/api/meta-agent/silences', silenceBody(t), as(viewer));
    expect(denied.status).toBe(403);
    const made = await t.request('POST', '/api/meta-agent/silences', silenceBody(t, { createdBy: undefined }), as(operator));
    expect(made.status).toBe(200);
    expect(made.body.data.createdBy).toBe('bob');
    expect((await t.request('GET', '/api/meta-agent/silences', undefined, as(viewer))).body.count).toBe(1);
    expect((await t.request('DELETE', `/api/meta-agent/silences/${made.body.silenceID}`, undefined, as(viewer))).status).toBe(403);
    expect((await t.request('DELETE', `/api/meta-agent/silences/${made.body.silenceID}?reason=done`, undefined, as(operator))).status).toBe(200);
    const history = (await t.request('GET', `/api/meta-agent/silences/${made.body.silenceID}`, undefined, as(viewer))).body.data.history;
    expect(history.map((h: any) => `${h.action} by ${h.actor}`)).toEqual(['created by bob', 'expired by bob']);
  });
});

describe('what an active silence does', () => {
  it('records the findings with silenced_by, raises no suggestion and notifies nobody; after it ends, both come', async () => {
    const t = createTestApp();
    const id = await createSilence(t, { endsAt: iso(t.clock.now() + 20 * MIN) });
    await slowAlpha(t);
    const quiet = await analyse(t);
    const finding = quiet.findings.find((f: any) => f.agent_name === 'alpha' && f.metric === 'response_time');
    expect(finding.silenced_by).toEqual([id]);
    expect(quiet.improvements_created).toEqual([]);
    expect(quiet.suggestions_silenced).toEqual([{ problem: 'alpha:response_time:high', silenced_by: [id] }]);
    expect(await delivered(t)).toEqual([]);

    // The findings are there for history and charts.
    const listed = (await t.get('/api/meta-agent/findings?agent_name=alpha')).body.data;
    expect(listed.some((f: any) => f.silenced_by.includes(id))).toBe(true);

    t.clock.advance(21 * MIN);
    await slowAlpha(t);
    const loud = await analyse(t);
    expect(loud.improvements_created.map((i: any) => i.fingerprint)).toEqual(['alpha:response_time:high']);
    expect(await delivered(t)).toEqual(['alpha:response_time:high']);
    // The episode keeps the mark of the silence that covered it earlier.
    const again = loud.findings.find((f: any) => f.agent_name === 'alpha' && f.metric === 'response_time');
    expect(again.silenced_by).toEqual([id]);
  });

  it('hides only what its matchers match: other agents, metrics and negative matchers', async () => {
    const t = createTestApp();
    await createSilence(t, { matchers: [{ name: 'agent', value: 'alpha|beta', isRegex: true }, { name: 'metric', value: 'cpu_usage', isEqual: false }] });
    await slowAlpha(t, 'alpha');
    await slowAlpha(t, 'beta');
    await slowAlpha(t, 'gamma');
    const samples = series('beta', t.clock.now(), 20, 30_000, () => ({ cpu_usage: 97 }));
    await t.post('/api/agents/metrics', { samples });
    const result = await analyse(t);
    expect(result.improvements_created.map((i: any) => i.fingerprint).sort()).toEqual(['beta:cpu_usage:high', 'gamma:response_time:high']);
  });

  it('matches suggestions by type and severity too', async () => {
    const t = createTestApp();
    await createSilence(t, { matchers: [{ name: 'type', value: 'performance' }, { name: 'severity', value: 'warning|critical', isRegex: true }] });
    await slowAlpha(t, 'alpha');
    await t.post('/api/agents/metrics', { samples: series('beta', t.clock.now(), 20, 30_000, () => ({ success_rate: 0.3 })) });
    const result = await analyse(t);
    expect(result.improvements_created.map((i: any) => i.fingerprint)).toEqual(['beta:failures']);
  });

  it('mutes an open suggestion while active, and a health notice until it ends', async () => {
    const t = createTestApp();
    await t.post('/api/agents/metrics', { samples: [{ agent_name: 'alpha', success_rate: 1 }] });
    await t.agent.services.health.tick();
    const id = await createSilence(t, { matchers: [{ name: 'agent', value: 'alpha' }], endsAt: iso(t.clock.now() + 5 * MIN) });
    t.clock.advance(30_000);
    await t.post('/api/agents/metrics', { samples: [{ agent_name: 'alpha', success_rate: 0.1 }, { agent_name: 'alpha', success_rate: 0.1 }] });
    await t.agent.services.health.tick();
    await t.agent.services.notifier.settled();
    expect(await delivered(t)).toEqual([]);

    await t.request('DELETE', `/api/meta-agent/silences/${id}`);
    t.clock.advance(30_000);
    await t.post('/api/agents/metrics', { samples: [{ agent_name: 'alpha', success_rate: 0.1 }] });
    await t.agent.services.health.tick();
    await new Promise((r) => setTimeout(r, 20));
    await t.agent.services.notifier.settled();
    expect(await delivered(t)).toEqual(['agent:alpha:health']);
  });
});

describe('inhibition', () => {
  it("holds an offline agent's other notices until it is back, and sends the offline one", async () => {
    const t = createTestApp({ health: { offlineAfterSeconds: 120 } } as never);
    await slowAlpha(t);
    await t.agent.services.health.tick();
    // alpha goes silent: offline at the next tick.
    t.clock.advance(5 * MIN);
    await t.agent.services.health.tick();
    await analyse(t);
    const sent = await delivered(t);
    expect(sent).toContain('agent:alpha:health');
    expect(sent).not.toContain('alpha:response_time:high');

    // Back: the health notice ends at the next tick; the held one goes out once the analysis sees alpha again too.
    await t.post('/api/agents/metrics', { samples: [{ agent_name: 'alpha', response_time: 45 }] });
    await t.agent.services.health.tick();
    await analyse(t);
    expect(await delivered(t)).toContain('alpha:response_time:high');
  });

  it('stops inhibiting once the offline suggestion is decided', async () => {
    const t = createTestApp({ health: { offlineAfterSeconds: 120 } } as never);
    await t.post('/api/agents/metrics', { samples: [{ agent_name: 'alpha', response_time: 1 }] });
    await t.agent.services.health.tick();
    t.clock.advance(5 * MIN);
    await t.agent.services.health.tick();
    const offline = (await analyse(t)).improvements_created.find((i: any) => i.fingerprint === 'alpha:availability:silent');
    expect((await t.post(`/api/meta-agent/improvements/${offline.id}/approve`)).status).toBe(200);

    // alpha is back, and slow: its suggestion is announced, not inhibited by the approved one.
    await slowAlpha(t);
    await t.agent.services.health.tick();
    await analyse(t);
    expect(await delivered(t)).toContain('alpha:response_time:high');
  });

  it('is off with inhibit: []', async () => {
    const t = createTestApp({ health: { offlineAfterSeconds: 120 }, notifications: { inhibit: [] } } as never);
    await slowAlpha(t);
    await t.agent.services.health.tick();
    t.clock.advance(5 * MIN);
    await t.agent.services.health.tick();
    await analyse(t);
    expect(await delivered(t)).toEqual(expect.arrayContaining(['agent:alpha:health', 'alpha:response_time:high']));
  });
});

describe('silences over GraphQL', () => {
  it('creates, lists and expires, with the same validation', async () => {
    const t = createTestApp();
    const created = await t.gql(
      `mutation($input: SilenceInput!) { createSilence(input: $input) { id state createdBy matchers { name value isRegex isEqual } } }`,
      { input: { matchers: [{ name: 'AGENT', value: 'batch_.*', isRegex: true }], endsAt: iso(t.clock.now() + MIN), comment: 'nightly' } },
    );
    expect(created.errors).toBeUndefined();
    expect(created.data.createSilence).toMatchObject({ state: 'ACTIVE', createdBy: 'anonymous', matchers: [{ name: 'AGENT', value: 'batch_.*', isRegex: true, isEqual: true }] });
    const id = created.data.createSilence.id;
    const listed = await t.gql(`{ silences(state: ACTIVE) { id comment } }`);
    expect(listed.data.silences).toEqual([{ id, comment: 'nightly' }]);
    const expired = await t.gql(`mutation($id: ID!) { expireSilence(id: $id, reason: "done") { state history { action reason } } }`, { id });
    expect(expired.data.expireSilence).toEqual({ state: 'EXPIRED', history: [{ action: 'created', reason: 'nightly' }, { action: 'expired', reason: 'done' }] });
    const bad = await t.gql(`mutation { createSilence(input: {matchers: [], endsAt: "2020-01-01T00:00:00Z", comment: "x"}) { id } }`);
    expect(bad.errors[0].extensions.code).toBe('VALIDATION_FAILED');
    expect(bad.errors[0].extensions.errors.map((e: any) => e.field)).toEqual(['matchers', 'endsAt']);
  });
});

describe('silence events over the websocket', () => {
  it('pushes a silence created over REST and expired over GraphQL to a subscriber', async () => {
    const t = createTestApp();
    const { port } = await t.agent.start();
    const client = wsClient(`ws://127.0.0.1:${port}/graphql`);
    const events = subscribe(client, 'subscription { silenceEvents { kind actor silence { id state comment } } }');
    await new Promise((r) => setTimeout(r, 100));
    const id = await createSilence(t);
    await t.gql('mutation($id: ID!) { expireSilence(id: $id, reason: "done") { id } }', { id });
    const received = await events.waitFor(2);
    expect(received.map((e: any) => [e.silenceEvents.kind, e.silenceEvents.silence.id, e.silenceEvents.silence.state])).toEqual([
      ['created', id, 'ACTIVE'],
      ['expired', id, 'EXPIRED'],
    ]);
  });
});
