import net from 'node:net';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createTestApp } from '../helpers/app.js';
import { eventually, rawSocket } from '../helpers/raw-ws.js';

const STATUS = 'subscription { agentStatus { agent { name health } } }';

describe('limits per websocket and per client', () => {
  it('refuses operations beyond the per-socket limit with a clear error, and frees a slot when one completes', async () => {
    const t = createTestApp({ limits: { maxSubscriptionsPerSocket: 3 } });
    const { port } = await t.agent.start();
    await t.post('/api/agents/metrics', { samples: [{ agent_name: 'alpha', response_time: 1 }] });
    const ws = await rawSocket(`ws://127.0.0.1:${port}/graphql`);
    for (const id of ['a', 'b', 'c', 'd']) ws.subscribe(id, STATUS);
    await eventually(() => ws.messages.some((m) => m.id === 'd' && m.type === 'error'), 3000, 'the refusal');
    const refusal = ws.messages.find((m) => m.id === 'd')!;
    expect(refusal.payload[0].message).toMatch(/already holds 3 operations \(the limit per websocket\)/);
    expect(refusal.payload[0].extensions).toMatchObject({ code: 'TOO_MANY_SUBSCRIPTIONS', limit: 3 });

    await t.agent.scheduler.runNow('health');
    await eventually(() => ['a', 'b', 'c'].every((id) => ws.messages.some((m) => m.id === id && m.type === 'next')), 3000, 'three deliveries');
    expect(ws.socket.readyState).toBe(WebSocket.OPEN);

    ws.socket.send(JSON.stringify({ id: 'a', type: 'complete' }));
    await new Promise((r) => setTimeout(r, 50));
    ws.subscribe('e', STATUS);
    await new Promise((r) => setTimeout(r, 100)); // the subscribe message crosses the socket
    await t.agent.scheduler.runNow('health');
    await eventually(() => ws.messages.some((m) => m.id === 'e' && m.type === 'next'), 3000, 'the freed slot to deliver');
    expect(ws.messages.filter((m) => m.type === 'error')).toHaveLength(1);
  });

  it('shares nothing between sockets: another connection gets its own slots', async () => {
    const t = createTestApp({ limits: { maxSubscriptionsPerSocket: 1 } });
    const { port } = await t.agent.start();
    const first = await rawSocket(`ws://127.0.0.1:${port}/graphql`);
    const second = await rawSocket(`ws://127.0.0.1:${port}/graphql`);
    first.subscribe('a', 'subscription { healthSnapshot { timestamp } }');
    second.subscribe('a', 'subscription { healthSnapshot { timestamp } }');
    await t.agent.scheduler.runNow('health');
    await eventually(() => [first, second].every((s) => s.messages.some((m) => m.id === 'a' && m.type === 'next')), 3000, 'both sockets');
  });

  it('refuses a websocket beyond the per-address limit with 429 and a JSON reason', async () => {
    const t = createTestApp({ limits: { maxWebsocketsPerAddress: 2 }, http: { rateLimit: { exemptLoopback: false } } });
    const { port } = await t.agent.start();
    const a = await rawSocket(`ws://127.0.0.1:${port}/graphql`);
    await rawSocket(`ws://127.0.0.1:${port}/graphql`);
    const refused = await new Promise<{ status: number; body: string; retryAfter?: string }>((resolve) => {
      const third = new WebSocket(`ws://127.0.0.1:${port}/graphql`, 'graphql-transport-ws');
      third.on('unexpected-response', (_req, res) => {
        let body = '';
        res.on('data', (chunk) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, retryAfter: res.headers['retry-after'] as string | undefined }));
      });
      third.on('error', () => undefined);
    });
    expect(refused.status).toBe(429);
    expect(refused.retryAfter).toBe('5');
    expect(JSON.parse(refused.body)).toMatchObject({ status: 'error', code: 'RATE_LIMITED', message: expect.stringMatching(/already holds 2 open websockets/) });

    a.socket.close();
    await a.closed;
    await new Promise((r) => setTimeout(r, 50));
    await rawSocket(`ws://127.0.0.1:${port}/graphql`); // a slot is free again
  });
});

describe('slow HTTP clients', () => {
  it('closes a connection whose headers trickle in past the header timeout', async () => {
    const t = createTestApp({ http: { headersTimeoutSeconds: 1, requestTimeoutSeconds: 2 } });
    const { port } = await t.agent.start();
    const socket = net.connect(port, '127.0.0.1');
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n');
    const started = Date.now();
    const answer = await new Promise<string>((resolve) => {
      let text = '';
      socket.on('data', (chunk) => (text += chunk));
      socket.on('close', () => resolve(text));
    });
    const elapsed = Date.now() - started;
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
    expect(elapsed).toBeGreaterThanOrEqual(900);
    expect(elapsed).toBeLessThan(4000);
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
  });
});
