import { request as httpRequest, Agent } from 'node:http';
import { describe, expect, it } from 'vitest';
import { createTestApp } from './helpers/app.js';

const TOKENS = { viewer: 'viewer-token-aaaaaaaaaaaa', operator: 'operator-token-bbbbbbbbbbb', agent: 'agent-token-cccccccccccc' };

interface Call {
  name: string;
  method: string;
  path: string;
  body?: string;
  headers?: Record<string, string>;
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const CALLS: Call[] = [
  { name: 'a read', method: 'GET', path: '/api/meta-agent/status', headers: bearer(TOKENS.viewer) },
  { name: 'HEAD of a read', method: 'HEAD', path: '/api/agents/status', headers: bearer(TOKENS.viewer) },
  { name: 'no token', method: 'GET', path: '/api/meta-agent/status' },
  { name: 'a wrong token', method: 'GET', path: '/api/meta-agent/status', headers: bearer('not-a-token-of-ours-at-all') },
  { name: 'the wrong role', method: 'POST', path: '/api/meta-agent/trigger-analysis', headers: bearer(TOKENS.viewer) },
  { name: 'a cross-site POST', method: 'POST', path: '/api/agents/metrics', body: '{"samples":[{"agent_name":"a"}]}', headers: { ...bearer(TOKENS.agent), origin: 'https://evil.example' } },
  { name: 'a report', method: 'POST', path: '/api/agents/metrics', body: '{"samples":[{"agent_name":"alpha","response_time":1.5}]}', headers: bearer(TOKENS.agent) },
  { name: 'a bad sample', method: 'POST', path: '/api/agents/metrics', body: '{"samples":[{"agent_name":"alpha","success_rate":7}]}', headers: bearer(TOKENS.agent) },
  { name: 'broken JSON', method: 'POST', path: '/api/agents/metrics', body: '{"samples":[', headers: bearer(TOKENS.agent) },
  { name: 'a gzipped body', method: 'POST', path: '/api/agents/metrics', body: 'x', headers: { ...bearer(TOKENS.agent), 'content-encoding': 'gzip' } },
  { name: 'a body where none is taken', method: 'POST', path: '/api/meta-agent/trigger-analysis', body: '{"now":true}', headers: bearer(TOKENS.operator) },
  { name: 'an unknown query parameter', method: 'GET', path: '/api/meta-agent/metrics?nope=1', headers: bearer(TOKENS.viewer) },
  { name: 'an unknown path', method: 'GET', path: '/api/meta-agent/nope', headers: bearer(TOKENS.viewer) },
  { name: 'the wrong method', method: 'DELETE', path: '/api/meta-agent/status', headers: bearer(TOKENS.operator) },
  { name: 'a silence', method: 'POST', path: '/api/meta-agent/silences', body: '{"matchers":[{"name":"agent","value":"x"}],"endsAt":"2026-11-25T13:00:00Z","comment":"c"}', headers: bearer(TOKENS.operator) },
  { name: 'percent-encoding that is not UTF-8', method: 'GET', path: '/api/meta-agent/improvements?status=%FF', headers: bearer(TOKENS.viewer) },
];

function overPort(port: number, call: Call, agent: Agent): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method: call.method, path: call.path, headers: call.headers, agent }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode!, body, headers: res.headers }));
    });
    req.on('error', reject);
    req.end(call.body);
  });
}

describe('REST on the port answers as REST in process', () => {
  it('gives the same status, headers that matter and body for every kind of call, on one kept-alive connection', async () => {
    const tokens = Object.entries(TOKENS).map(([role, token]) => ({ role, token }));
    const t = createTestApp({ auth: { tokens } } as never);
    const { port } = await t.agent.start();
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      for (const call of CALLS) {
        const viaPort = await overPort(port, call, agent);
        const inProcess = await t.agent.fetch(new Request(`http://127.0.0.1:${port}${call.path}`, { method: call.method, headers: call.headers, body: call.body }));
        const text = await inProcess.text();
        expect(viaPort.status, call.name).toBe(inProcess.status);
        expect(viaPort.headers['content-type'] ?? null, call.name).toBe(inProcess.headers.get('content-type'));
        for (const header of ['www-authenticate', 'retry-after', 'allow']) expect(viaPort.headers[header] ?? null, `${call.name}: ${header}`).toBe(inProcess.headers.get(header));
        // Bodies name the same things; ids and times differ between the two calls.
        const normalise = (body: string) => body.replace(/"[0-9a-f-]{36}"/g, '"ID"').replace(/\d{4}-\d\d-\d\dT[\d:.]+Z/g, 'T').replace(/"accepted":\d+/, '"accepted":N');
        // A HEAD's body is never sent; Node's server drops it, and so does ours.
        expect(normalise(viaPort.body), call.name).toBe(call.method === 'HEAD' ? '' : normalise(text));
      }
    } finally {
      agent.destroy();
    }
  });

  it('refuses an oversize body with 413 and keeps serving the connection', async () => {
    const t = createTestApp({ limits: { maxBodyBytes: 2048 } } as never);
    const { port } = await t.agent.start();
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      // Chunked, so only reading it finds it too large.
      const big = await new Promise<number>((resolve, reject) => {
        const req = httpRequest({ host: '127.0.0.1', port, method: 'POST', path: '/api/agents/metrics', agent, headers: { 'transfer-encoding': 'chunked' } }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode!));
        });
        req.on('error', reject);
        for (let i = 0; i < 10; i++) req.write('x'.repeat(1000));
        req.end();
      });
      expect(big).toBe(413);
      const next = await overPort(port, { name: 'after', method: 'GET', path: '/api/meta-agent/status' }, agent);
      expect(next.status).toBe(200);
    } finally {
      agent.destroy();
    }
  });
});
