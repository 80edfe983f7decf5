import { request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { createTestApp } from './helpers/app.js';

describe('HTTP edges', () => {
  it('answers unknown routes with a JSON 404', async () => {
    const t = createTestApp();
    const res = await t.get('/api/meta-agent/nope');
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ status: 'error', code: 'NOT_FOUND', message: expect.stringMatching(/No endpoint at GET \/api\/meta-agent\/nope/) });
  });

  it('answers liveness with a short JSON body', async () => {
    const t = createTestApp();
    const res = await t.get('/healthz');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('treats an empty query parameter as absent, as a table URL or an HTML form sends it', async () => {
    const t = createTestApp();
    const res = await t.get('/api/meta-agent/metrics?limit=&hours=&resolution=');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ time_period_hours: 24 });
    expect((await t.get('/api/meta-agent/improvements?status=')).body.filtered_by_status).toBeNull();
    expect((await t.get('/api/meta-agent/metrics?nope=')).status).toBe(400);
  });

  it('answers a wrong method with 405 naming the right one', async () => {
    const t = createTestApp();
    const res = await t.request('DELETE', '/api/meta-agent/status');
    expect(res.status).toBe(405);
    expect(res.body.message).toMatch(/use GET/);
    const post = await t.get('/api/meta-agent/trigger-analysis');
    expect(post.status).toBe(405);
  });

  it.each([
    ['/api/meta-agent/metrics?hours=-1', /hours must be a number greater than 0/],
    ['/api/meta-agent/metrics?hours=abc', /hours/],
    ['/api/meta-agent/metrics?hours=0', /hours/],
    ['/api/meta-agent/metrics?hours=8761', /at most 8760/],
    ['/api/meta-agent/metrics?hours=1e400', /hours/],
    ['/api/meta-agent/agent-performance?hours=NaN', /hours/],
    ['/api/meta-agent/agent-performance?agent_name=%27%3B%20DROP%20TABLE%20agents%3B--', /agent_name must be/],
    ['/api/meta-agent/metrics?hours=1&hours=2', /more than once/],
    ['/api/meta-agent/metrics?hour=1', /Unknown query parameter 'hour'/],
    ['/api/meta-agent/metrics?limit=0', /limit/],
    ['/api/meta-agent/findings?kind=magic', /kind must be one of/],
    ['/api/meta-agent/findings?metric=DROP%20TABLE', /metric must be/],
  ])('answers 400 for %s', async (url, message) => {
    const t = createTestApp();
    const res = await t.get(url);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ status: 'error', code: 'BAD_REQUEST' });
    expect(res.body.message).toMatch(message);
  });

  it('masks unexpected errors: 500 with no stack trace', async () => {
    const t = createTestApp();
    t.agent.services.status.status = async () => {
      throw new Error('secret internal detail at /srv/db');
    };
    const rest = await t.get('/api/meta-agent/status');
    expect(rest.status).toBe(500);
    expect(rest.body).toEqual({ status: 'error', message: 'Internal server error', code: 'INTERNAL_SERVER_ERROR' });
    const gql = await t.gql('{ status { totalImprovements } }');
    expect(gql.errors[0].extensions.code).toBe('INTERNAL_SERVER_ERROR');
    expect(JSON.stringify(gql)).not.toMatch(/secret|\/srv/);
  });

  it('serves the OpenAPI document and a readable docs page listing every REST path', async () => {
    const t = createTestApp();
    const spec = await t.get('/docs/openapi.json');
    expect(spec.body.openapi).toMatch(/^3\./);
    for (const path of [
      '/api/meta-agent/status',
      '/api/meta-agent/health',
      '/api/meta-agent/metrics',
      '/api/meta-agent/improvements',
      '/api/meta-agent/improvements/{id}/approve',
      '/api/meta-agent/improvements/{id}/reject',
      '/api/meta-agent/agent-performance',
      '/api/meta-agent/reports',
      '/api/meta-agent/reports/{filename}',
      '/api/meta-agent/trigger-analysis',
      '/api/meta-agent/control/start',
      '/api/meta-agent/control/stop',
      '/api/agents/status',
      '/api/agents/metrics',
      '/api/meta-agent/findings',
    ]) {
      expect(spec.body.paths[path], path).toBeDefined();
    }
    const page = await t.request('GET', '/docs');
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(page.text).toContain('/api/agents/metrics');
    expect(page.text).toContain('href="/graphql"');
  });

  it('serves GraphiQL to a browser at /graphql from this server alone, compressed and revalidated', async () => {
    const t = createTestApp();
    const res = await t.request('GET', '/graphql', undefined, { accept: 'text/html' });
    expect(res.status).toBe(200);
    expect(res.text).toMatch(/YogaGraphiQL\.renderYogaGraphiQL/);
    // Nothing loaded from elsewhere (it once came from unpkg.com): no external script or stylesheet.
    expect(res.text).not.toMatch(/<(script|link)[^>]+(src|href)="https?:/);
    const etag = res.headers.get('etag')!;
    expect((await t.request('GET', '/graphql', undefined, { accept: 'text/html', 'if-none-match': etag })).status).toBe(304);
    const { port } = await t.agent.start();
    const zipped = await new Promise<{ encoding?: string; bytes: number }>((resolve, reject) => {
      request({ host: '127.0.0.1', port, path: '/graphql', headers: { accept: 'text/html', 'accept-encoding': 'gzip' } }, (r) => {
        let bytes = 0;
        r.on('data', (chunk: Buffer) => (bytes += chunk.length));
        r.on('end', () => resolve({ encoding: r.headers['content-encoding'], bytes }));
      })
        .on('error', reject)
        .end();
    });
    expect(zipped.encoding).toBe('gzip');
    expect(zipped.bytes).toBeLessThan(Buffer.byteLength(res.text) / 2);
  });

  it('serves no GraphiQL when it is turned off', async () => {
    const t = createTestApp({ graphql: { graphiql: false } });
    const res = await t.request('GET', '/graphql', undefined, { accept: 'text/html' });
    expect(res.text).not.toMatch(/YogaGraphiQL/);
  });
});

describe('HTTP edges found by review', () => {
  it.each([
    ['/api/meta-agent/metrics?hours=0x10'],
    ['/api/meta-agent/metrics?hours=0b11'],
    ['/api/meta-agent/metrics?hours=%205'],
    ['/api/meta-agent/metrics?hours=%2B3'],
    ['/api/meta-agent/metrics?limit=0x10'],
  ])('reads numbers as plain decimals only: %s is a 400', async (url) => {
    const t = createTestApp();
    expect((await t.get(url)).status).toBe(400);
  });

  it('refuses a body on an endpoint that takes none, but accepts an empty one', async () => {
    const t = createTestApp();
    expect((await t.request('POST', '/api/meta-agent/control/stop', '{bad')).status).toBe(400);
    const extra = await t.post('/api/meta-agent/trigger-analysis', { bogus: 1 });
    expect(extra.status).toBe(400);
    expect(extra.body.message).toMatch(/takes no request body/);
    expect((await t.post('/api/meta-agent/control/stop', {})).status).toBe(200);
    expect((await t.request('POST', '/api/meta-agent/control/stop')).status).toBe(200);
  });

  it('refuses a body sent with a GET, over a real socket', async () => {
    const t = createTestApp();
    const { port } = await t.agent.start();
    const answer = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, method: 'GET', path: '/api/meta-agent/status', headers: { 'content-type': 'application/json', 'content-length': '13' } }, (res) => {
        let text = '';
        res.on('data', (chunk) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      });
      req.on('error', reject);
      req.end('{"hours": 24}');
    });
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.text).message).toBe('GET /api/meta-agent/status takes no request body');
    expect((await fetch(`http://127.0.0.1:${port}/api/meta-agent/status`)).status).toBe(200);
  });

  it('answers 415 for a compressed body, and a 405 with an Allow header', async () => {
    const t = createTestApp();
    const gz = await t.request('POST', '/api/agents/metrics', '{"samples":[]}', { 'content-encoding': 'gzip' });
    expect(gz.status).toBe(415);
    expect(gz.body.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    const wrong = await t.request('DELETE', '/api/meta-agent/status');
    expect(wrong.headers.get('allow')).toBe('GET');
  });

  it('cuts long ids in error messages and refuses impossible report dates', async () => {
    const t = createTestApp();
    const long = await t.post(`/api/meta-agent/improvements/${'i'.repeat(5000)}/approve`);
    expect(long.status).toBe(404);
    expect(long.body.message.length).toBeLessThan(200);
    expect((await t.get('/api/meta-agent/reports/system_report_20201399_999999.json')).status).toBe(400);
  });

  it('serves long-range system metrics over GraphQL from the rollups', async () => {
    const t = createTestApp();
    for (let i = 0; i < 3; i++) {
      await t.post('/api/agents/metrics', { samples: [{ agent_name: `a${i}`, response_time: 1 }] });
      await t.agent.services.health.tick();
      t.clock.advance(60_000);
    }
    await t.agent.services.retention.run();
    const res = await t.gql('{ metrics(hours: 48) { id samples totalAgents windowSeconds } }');
    expect(res.errors).toBeUndefined();
    expect(res.data.metrics).toEqual([{ id: null, samples: 3, totalAgents: 2, windowSeconds: 300 }]);
    const rest = await t.get('/api/meta-agent/metrics?hours=48');
    expect(Object.keys(rest.body.data[0]).sort()).toEqual(Object.keys((await t.get('/api/meta-agent/metrics?hours=1')).body.data[0]).concat('samples').sort());
  });
});
