import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createTestApp } from '../helpers/app.js';
import { suggestionFor } from '../helpers/improvements.js';
import { subscribe, wsClient } from '../helpers/ws.js';
import { parseBatch } from '../../src/inputs/samples.js';

const T = {
  viewer: 'viewer-token-aaaaaaaaaaaa',
  agent: 'agent-token-bbbbbbbbbbbbb',
  operator: 'operator-token-ccccccccc',
  admin: 'admin-token-dddddddddddd',
};

function securedApp() {
  return createTestApp({
    auth: {
      tokens: [
        { role: 'viewer', token: T.viewer, name: 'dashboard' },
        { role: 'agent', token: T.agent },
        // A config file may hold the token's SHA-256 instead of the token.
        { role: 'operator', sha256: createHash('sha256').update(T.operator).digest('hex'), name: 'alice' },
        { role: 'admin', token: T.admin },
      ],
    },
  });
}

const as = (token: string) => ({ authorization: `Bearer ${token}` });

describe('tokens and roles', () => {
  it('answers 401 without a token or with a wrong one, over REST and GraphQL', async () => {
    const t = securedApp();
    const none = await t.get('/api/meta-agent/status');
    expect(none.status).toBe(401);
    expect(none.body).toMatchObject({ status: 'error', code: 'UNAUTHENTICATED', message: expect.stringMatching(/Bearer/) });
    expect(none.headers.get('www-authenticate')).toBe('Bearer');
    const wrong = await t.request('GET', '/api/meta-agent/status', undefined, as('not-a-real-token-at-all'));
    expect(wrong.status).toBe(401);
    const gql = await t.request('POST', '/graphql', { query: '{ status { totalImprovements } }' });
    expect(gql.status).toBe(401);
    expect(gql.body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
  });

  it('lets anyone reach liveness, the docs and GraphiQL, but nothing else', async () => {
    const t = securedApp();
    expect((await t.get('/healthz')).status).toBe(200);
    expect((await t.get('/docs/openapi.json')).status).toBe(200);
    expect((await t.request('GET', '/graphql', undefined, { accept: 'text/html' })).status).toBe(200);
    // GraphiQL's page, even with a query in the URL, runs nothing: no data without a token.
    const page = await t.request('GET', '/graphql?query=%7Bstatus%7BtotalImprovements%7D%7D', undefined, { accept: 'text/html' });
    expect(page.text).not.toMatch(/totalImprovements":\s*\d/);
    expect((await t.request('GET', '/graphql?query=%7Bstatus%7BtotalImprovements%7D%7D', undefined, { accept: 'application/json' })).status).toBe(401);
    expect((await t.get('/api/meta-agent/reports')).status).toBe(401);
  });

  it('gives each role what it may do and a 403 naming the roles that may for the rest', async () => {
    const t = securedApp();
    const sample = { samples: [{ agent_name: 'alpha', response_time: 1 }] };
    expect((await t.request('GET', '/api/meta-agent/status', undefined, as(T.viewer))).status).toBe(200);
    const viewerReports = await t.request('POST', '/api/agents/metrics', sample, as(T.viewer));
    expect(viewerReports.status).toBe(403);
    expect(viewerReports.body).toMatchObject({ code: 'FORBIDDEN', message: expect.stringMatching(/Role viewer may not POST \/api\/agents\/metrics: it needs agent or admin/) });
    expect((await t.request('POST', '/api/agents/metrics', sample, as(T.agent))).status).toBe(200);
    expect((await t.request('POST', '/api/meta-agent/control/stop', undefined, as(T.agent))).status).toBe(403);
    expect((await t.request('POST', '/api/meta-agent/control/stop', undefined, as(T.operator))).status).toBe(200);
    expect((await t.request('POST', '/api/agents/metrics', sample, as(T.operator))).status).toBe(403);
    expect((await t.request('POST', '/api/meta-agent/control/start', undefined, as(T.admin))).status).toBe(200);
  });

  it('records the token name as who decided', async () => {
    const t = securedApp();
    // Analysis runs as the meta agent itself; the suggestion helper posts without a token, so use the services.
    await t.agent.services.ingest.ingest(parseBatch({ samples: Array.from({ length: 20 }, (_, i) => ({ agent_name: 'slow', response_time: 45, timestamp: new Date(t.clock.now() - i * 30_000).toISOString() })) }, t.agent.services.ingest.limits()));
    const created = (await t.agent.services.analysis.run()).improvements_created[0]!;
    const res = await t.request('POST', `/api/meta-agent/improvements/${created.id}/reject`, { reason: 'not now' }, as(T.operator));
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ decided_by: 'alice', decision_reason: 'not now' });
  });

  it('checks roles on GraphQL fields with codes', async () => {
    const t = securedApp();
    const viewer = await t.request('POST', '/graphql', { query: 'mutation { stopMonitoring { active } }' }, as(T.viewer));
    expect(viewer.body.errors[0].extensions.code).toBe('FORBIDDEN');
    expect(viewer.body.errors[0].message).toMatch(/Role viewer may not use Mutation.stopMonitoring: it needs operator or admin/);
    const operator = await t.request('POST', '/graphql', { query: 'mutation { stopMonitoring { active } }' }, as(T.operator));
    expect(operator.body.data).toEqual({ stopMonitoring: { active: false } });
    const read = await t.request('POST', '/graphql', { query: '{ status { metaAgentActive } }' }, as(T.viewer));
    expect(read.body.data).toEqual({ status: { metaAgentActive: false } });
  });

  it('authenticates websockets in connection_init and checks roles on subscriptions', async () => {
    const t = securedApp();
    const { port } = await t.agent.start();
    const url = `ws://127.0.0.1:${port}/graphql`;
    const viewer = wsClient(url, { authorization: `Bearer ${T.viewer}` });
    const snapshots = subscribe(viewer, 'subscription { healthSnapshot { timestamp } }');
    expect((await snapshots.waitFor(1))[0]).toHaveProperty('healthSnapshot.timestamp');
    const work = subscribe(viewer, 'subscription { assignments(role: CODE_EDITOR) { id } }');
    await expect(work.waitFor(1, 2000)).rejects.toThrow(/FORBIDDEN|may not use Subscription.assignments/);

    const agent = wsClient(url, { token: T.agent });
    const assignments = subscribe(agent, 'subscription { assignments(role: CODE_EDITOR) { id } }');
    await new Promise((r) => setTimeout(r, 200));
    expect(assignments.errors).toEqual([]);

    const anonymous = wsClient(url);
    const refused = subscribe(anonymous, 'subscription { healthSnapshot { timestamp } }');
    await expect(refused.waitFor(1, 2000)).rejects.toThrow(/4403|Forbidden/);
  });
});
