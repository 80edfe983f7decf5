import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createTestApp } from '../helpers/app.js';

const AGENT = 'agent-token-0123456789abcdef';
const ADMIN = 'admin-token-0123456789abcdef';
const DAY = 86_400_000;
const tokens = { auth: { tokens: [{ role: 'agent' as const, token: AGENT }, { role: 'admin' as const, token: ADMIN }] } };
const names = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => ({ agent_name: `${prefix}${i}`, response_time: 1 }));

describe('the agent registry at scale', () => {
  it('retires agents unseen for the configured days, announcing each, and keeps configured ones', async () => {
    const notices: any[] = [];
    const receiver = http.createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        notices.push(JSON.parse(body));
        res.end('ok');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    try {
      const t = createTestApp({
        registry: { retireAfterDays: 30 },
        agents: [{ name: 'configured' }],
        notifications: { channels: [{ type: 'webhook', name: 'hook', url, minSeverity: 'info' }] },
      });
      await t.post('/api/agents/metrics', { samples: [...names('old', 2), { agent_name: 'configured', response_time: 1 }] });
      t.clock.advance(29 * DAY);
      await t.post('/api/agents/metrics', { samples: names('fresh', 1) });
      expect(await t.agent.scheduler.runNow('registry')).toEqual({ retired: 0 });
      t.clock.advance(DAY + 1000);
      expect(await t.agent.scheduler.runNow('registry')).toEqual({ retired: 2 });
      expect((await t.get('/api/agents/status')).body.data.map((a: any) => a.name)).toEqual(['configured', 'fresh0']);
      // Their history stays until retention prunes it.
      expect((await t.get('/api/meta-agent/agent-performance?agent_name=old0&hours=8760&resolution=raw')).body.count).toBe(1);
      await t.agent.services.notifier.settled();
      const retired = notices.filter((n) => /retired/.test(JSON.stringify(n)));
      expect(retired.map((n) => n.title ?? n.notification?.title).sort()).toEqual(['old0 retired from the registry', 'old1 retired from the registry']);
      expect(JSON.stringify(retired[0])).toMatch(/30 days/);
    } finally {
      await new Promise<void>((resolve) => receiver.close(() => resolve()));
    }
  });

  it('answers 429 when agent tokens register more new agents in a day than allowed, storing nothing', async () => {
    const t = createTestApp({ registry: { maxNewAgentsPerDay: 5 }, ...tokens });
    const post = (token: string, samples: unknown[]) => t.request('POST', '/api/agents/metrics', { samples }, { authorization: `Bearer ${token}` });
    expect((await post(AGENT, names('a', 4))).status).toBe(200);
    const refused = await post(AGENT, names('b', 2));
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({ status: 'error', code: 'RATE_LIMITED' });
    expect(refused.body.message).toMatch(/at most 5 new agents per 24 hours \(registry\.maxNewAgentsPerDay\); 4 were registered in the last 24 hours and this batch names 2 more/);
    expect(Number(refused.headers.get('retry-after'))).toBe(86_400);
    expect((await t.request('GET', '/api/agents/status', undefined, { authorization: `Bearer ${ADMIN}` })).body.count).toBe(4);
    // Known agents go on reporting; an admin is not capped; a day later there is room again.
    expect((await post(AGENT, names('a', 4))).status).toBe(200);
    expect((await post(ADMIN, names('c', 3))).status).toBe(200);
    t.clock.advance(DAY);
    expect((await post(AGENT, names('b', 2))).status).toBe(200);
  });

  it('applies the same cap to reportMetrics over GraphQL', async () => {
    const t = createTestApp({ registry: { maxNewAgentsPerDay: 1 }, ...tokens });
    const res = await t.request(
      'POST',
      '/graphql',
      { query: 'mutation { reportMetrics(samples: [{agentName: "x1", responseTime: 1}, {agentName: "x2", responseTime: 1}]) { accepted } }' },
      { authorization: `Bearer ${AGENT}` },
    );
    expect(res.body.errors[0]).toMatchObject({ message: expect.stringMatching(/at most 1 new agents per 24 hours/), extensions: { code: 'RATE_LIMITED' } });
  });
});
