import { serverAudits } from 'graphql-http';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createTestApp } from '../helpers/app.js';

const TOKEN = 'admin-token-0123456789abcdef';

async function audit(fetchFn: typeof fetch, url: string) {
  const results = [];
  for (const a of serverAudits({ url, fetchFn })) results.push({ ...(await a.fn()), name: a.name });
  return results;
}

/** Opens a raw graphql-transport-ws socket and resolves with its close code. */
function closeCode(url: string, script: (ws: WebSocket) => void): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, 'graphql-transport-ws');
    ws.once('open', () => script(ws));
    ws.once('close', (code) => resolve(code));
    ws.once('error', reject);
  });
}

describe('conformance', () => {
  it('passes every graphql-http server audit over real HTTP with no error and no warning', async () => {
    const t = createTestApp();
    const { port } = await t.agent.start();
    const results = await audit(fetch, `http://127.0.0.1:${port}/graphql`);
    expect(results.length).toBeGreaterThan(40);
    expect(results.filter((r) => r.status !== 'ok').map((r) => `${r.status}: ${r.name}`)).toEqual([]);
  });

  it('passes them with tokens on too, for an authenticated client', async () => {
    const t = createTestApp({ auth: { tokens: [{ role: 'admin', token: TOKEN }] } });
    const authed: typeof fetch = async (input, init) =>
      t.agent.fetch(input as string, { ...init, headers: { ...(init?.headers as Record<string, string>), authorization: `Bearer ${TOKEN}` } });
    const results = await audit(authed, 'http://meta-agent.test/graphql');
    expect(results.filter((r) => r.status !== 'ok').map((r) => `${r.status}: ${r.name}`)).toEqual([]);
  });

  it('honours the graphql-ws close codes', async () => {
    const t = createTestApp({ auth: { tokens: [{ role: 'viewer', token: 'viewer-token-0123456789' }] } });
    const { port } = await t.agent.start();
    const url = `ws://127.0.0.1:${port}/graphql`;
    const init = (payload?: unknown) => JSON.stringify({ type: 'connection_init', payload });
    const ready = (ws: WebSocket) => new Promise<void>((resolve) => ws.once('message', () => resolve()));

    // Unauthorized: a bad token in connection_init.
    expect(await closeCode(url, (ws) => ws.send(init({ authorization: 'Bearer wrong' })))).toBe(4403);
    // Bad message.
    expect(await closeCode(url, (ws) => ws.send('{not json'))).toBe(4400);
    // Subscribe before the acknowledgement.
    expect(await closeCode(url, (ws) => ws.send(JSON.stringify({ type: 'subscribe', id: '1', payload: { query: '{ status { totalImprovements } }' } })))).toBe(4401);
    // Duplicate subscription id.
    expect(
      await closeCode(url, async (ws) => {
        ws.send(init({ authorization: 'Bearer viewer-token-0123456789' }));
        await ready(ws);
        const subscribe = JSON.stringify({ type: 'subscribe', id: 'dup', payload: { query: 'subscription { healthSnapshot { timestamp } }' } });
        ws.send(subscribe);
        ws.send(subscribe);
      }),
    ).toBe(4409);
  });

  it('closes a connection that never initialises with 4408', async () => {
    const t = createTestApp();
    const { port } = await t.agent.start();
    const started = Date.now();
    expect(await closeCode(`ws://127.0.0.1:${port}/graphql`, () => undefined)).toBe(4408);
    expect(Date.now() - started).toBeLessThan(5000);
  });
});
