import { getIntrospectionQuery } from 'graphql';
import { describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { createTestApp } from '../helpers/app.js';
import { subscribe, wsClient } from '../helpers/ws.js';
import { startServerProcess, tempDataDir } from '../helpers/process.js';

describe('protected mode', () => {
  it('refuses to listen beyond loopback without tokens, explaining why', async () => {
    await expect(startServerProcess({ META_AGENT_DATA_DIR: tempDataDir(), META_AGENT_HOST: '0.0.0.0', META_AGENT_LOG_FILE: '' })).rejects.toThrow(
      /Refusing to listen on 0\.0\.0\.0 without API tokens[\s\S]*META_AGENT_API_TOKENS/,
    );
  });

  it('says so at start when it runs on loopback without tokens, and binds anywhere with them', async () => {
    const local = await startServerProcess({ META_AGENT_DATA_DIR: tempDataDir(), META_AGENT_LOG_FILE: '' });
    expect(local.output()).toMatch(/protected mode: no API tokens configured, listening on loopback only/);
    local.child.kill('SIGTERM');
    await local.exit();
    const open = await startServerProcess({
      META_AGENT_DATA_DIR: tempDataDir(),
      META_AGENT_LOG_FILE: '',
      META_AGENT_HOST: '0.0.0.0',
      META_AGENT_API_TOKENS: 'admin:admin-token-0123456789,viewer:viewer-token-0123456789',
    });
    expect(open.url).toMatch(/0\.0\.0\.0/);
    const res = await fetch(open.url.replace('0.0.0.0', '127.0.0.1') + '/api/meta-agent/status', { headers: { authorization: 'Bearer viewer-token-0123456789' } });
    expect(res.status).toBe(200);
    open.child.kill('SIGTERM');
    await open.exit();
  });
});

describe('GraphQL limits', () => {
  it.each([
    ['too many aliases', `{ ${Array.from({ length: 20 }, (_, i) => `a${i}: status { totalImprovements }`).join(' ')} }`, /aliases/i],
    ['too many tokens', `{ status { ${'totalImprovements '.repeat(2500)} } }`, /token/i],
  ])('refuses an operation with %s', async (_, query, message) => {
    const t = createTestApp();
    const res = await t.request('POST', '/graphql', { query });
    expect(res.body.errors?.[0]?.message).toMatch(message);
    expect(res.body.data).toBeUndefined();
  });

  it('refuses nesting deeper than the limit', async () => {
    const t = createTestApp({ graphql: { maxDepth: 2 } });
    const res = await t.request('POST', '/graphql', { query: '{ improvements { history { improvementId } } health { jobs { name } } }' });
    expect(res.body.errors[0].message).toMatch(/depth/i);
  });

  it('refuses an operation over the cost budget', async () => {
    const t = createTestApp({ graphql: { maxCost: 20 } });
    const fields = 'id type priority title description confidence status history { at actor fromStatus toStatus reason }';
    const res = await t.request('POST', '/graphql', { query: `{ a: improvements { ${fields} } b: improvements { ${fields} } c: improvements { ${fields} } }` });
    expect(res.body.errors[0].message).toMatch(/cost/i);
  });

  it("lets GraphiQL's standard introspection query through, but not introspection nested past 20", async () => {
    const t = createTestApp();
    const standard = await t.gql(getIntrospectionQuery({ descriptions: true, inputValueDeprecation: true }));
    expect(standard.errors).toBeUndefined();
    expect(standard.data.__schema.queryType.name).toBe('Query');
    const deep = `{ __schema { types { fields { type ${'{ ofType '.repeat(16)}{ name }${' }'.repeat(16)} } } } }`;
    const refused = await t.gql(deep);
    expect(refused.errors[0]).toMatchObject({ message: 'Introspection query depth limit of 20 exceeded (depth 21)', extensions: { code: 'QUERY_LIMIT_EXCEEDED' } });
    // Hidden behind fragments, and spread many times, it is measured the same (once per fragment).
    const hidden = await t.gql(`{ ...A ...A } fragment A on Query { ...B ...B } fragment B on Query { __schema { types { fields { type ${'{ ofType '.repeat(16)}{ name }${' }'.repeat(16)} } } } }`);
    expect(hidden.errors[0].extensions.code).toBe('QUERY_LIMIT_EXCEEDED');
  });

  it('gives a bad variable the BAD_REQUEST code', async () => {
    const t = createTestApp();
    const res = await t.gql('query($h: Float) { metrics(hours: $h) { id } }', { h: 'abc' });
    expect(res.status).toBe(400);
    expect(res.errors[0]).toMatchObject({ message: expect.stringMatching(/Variable "\$h" got invalid value "abc"/), extensions: { code: 'BAD_REQUEST' } });
  });

  it('turns introspection off when configured', async () => {
    const on = createTestApp();
    expect((await on.gql('{ __schema { queryType { name } } }')).data).toEqual({ __schema: { queryType: { name: 'Query' } } });
    const off = createTestApp({ graphql: { introspection: false } });
    const res = await off.gql('{ __schema { queryType { name } } }');
    expect(res.errors[0].message).toMatch(/introspection/i);
  });
});

describe('browser requests', () => {
  it('refuses a cross-site POST (CSRF) on REST and GraphQL, and allows same-origin and listed origins', async () => {
    const t = createTestApp({ http: { allowedOrigins: ['https://ops.example.com'] } });
    const evil = { origin: 'http://evil.example' };
    const stop = await t.request('POST', '/api/meta-agent/control/stop', '', evil);
    expect(stop.status).toBe(403);
    expect(stop.body.message).toMatch(/Cross-site request refused/);
    const gql = await t.request('POST', '/graphql', 'query=mutation%20%7B%20stopMonitoring%20%7B%20active%20%7D%20%7D', {
      ...evil,
      'content-type': 'application/x-www-form-urlencoded',
    });
    expect(gql.status).toBe(403);
    expect((await t.request('POST', '/api/meta-agent/control/stop', '', { origin: 'http://meta-agent.test' })).status).toBe(200);
    expect((await t.request('POST', '/api/meta-agent/control/start', '', { origin: 'https://ops.example.com' })).status).toBe(200);
  });

  it('refuses a websocket upgrade from another origin with a JSON 403 before the handshake', async () => {
    const t = createTestApp();
    const { port } = await t.agent.start();
    const refusal = await new Promise<{ status: number; type: string; body: string }>((resolve, reject) => {
      const ws = new WebSocket(`ws://127.0.0.1:${port}/graphql`, 'graphql-transport-ws', { origin: 'http://evil.example' });
      ws.once('unexpected-response', (_, res) => {
        let body = '';
        res.on('data', (chunk) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), body }));
      });
      ws.once('open', () => reject(new Error('the cross-site websocket was accepted')));
      ws.once('error', () => undefined);
    });
    expect(refusal.status).toBe(403);
    expect(refusal.type).toMatch(/application\/json/);
    expect(JSON.parse(refusal.body)).toMatchObject({ status: 'error', code: 'FORBIDDEN', message: expect.stringMatching(/Cross-site request refused/) });
  });

  it('sends no CORS grant to an unlisted origin', async () => {
    const t = createTestApp();
    const res = await t.request('OPTIONS', '/graphql', undefined, { origin: 'http://evil.example', 'access-control-request-method': 'POST' });
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('rate limits', () => {
  it('answers 429 with Retry-After past the per-address burst, per token separately', async () => {
    const t = createTestApp({
      auth: { tokens: [{ role: 'viewer', token: 'viewer-token-0123456789' }, { role: 'admin', token: 'admin-token-0123456789' }] },
      http: { rateLimit: { perTokenPerSecond: 1, perAddressPerSecond: 1, burst: 3, exemptLoopback: false } },
    });
    const viewer = { authorization: 'Bearer viewer-token-0123456789' };
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await t.request('GET', '/api/meta-agent/status', undefined, viewer)).status);
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    const limited = await t.request('GET', '/api/meta-agent/status', undefined, viewer);
    expect(limited.headers.get('retry-after')).toBe('1');
    expect(limited.body).toMatchObject({ code: 'RATE_LIMITED' });
    expect((await t.request('GET', '/api/meta-agent/status', undefined, { authorization: 'Bearer admin-token-0123456789' })).status).toBe(200);
  });
});

describe('websocket limits', () => {
  it('reports a limit breach over a websocket with its code and without HTTP details', async () => {
    const t = createTestApp();
    const { port } = await t.agent.start();
    const client = wsClient(`ws://127.0.0.1:${port}/graphql`);
    const sub = subscribe(client, `{ ${Array.from({ length: 20 }, (_, i) => `a${i}: status { totalImprovements }`).join(' ')} }`);
    await vi.waitFor(() => expect(sub.errors.length).toBeGreaterThan(0));
    // graphql-ws reports the refused operation's errors as one array.
    const [error] = sub.errors.flat() as Array<{ message: string; extensions?: Record<string, unknown> }>;
    expect(error!.message).toMatch(/aliases/i);
    expect(error!.extensions).toEqual({ code: 'QUERY_LIMIT_EXCEEDED' });
  });

  it('closes a connection that sends a message over the limit (1009)', async () => {
    const t = createTestApp({ http: { maxWebsocketMessageBytes: 4096 } });
    const { port } = await t.agent.start();
    const code = await new Promise<number>((resolve) => {
      const ws = new WebSocket(`ws://127.0.0.1:${port}/graphql`, 'graphql-transport-ws');
      ws.once('open', () => ws.send(JSON.stringify({ type: 'connection_init', payload: { pad: 'x'.repeat(10_000) } })));
      ws.once('close', (c) => resolve(c));
      ws.once('error', () => undefined);
    });
    expect(code).toBe(1009);
  });
});
