import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { sign } from '../../src/coordination/signed-post.js';
import { createTestApp } from '../helpers/app.js';
import { approvedWork } from '../helpers/improvements.js';

let server: Server | undefined;
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

/** A receiver that fails the first `failures` requests with 500, then verifies and accepts. */
async function receiver(secret: string, failures: number) {
  const received: Array<{ valid: boolean; body: any; headers: Record<string, unknown> }> = [];
  let calls = 0;
  server = createServer((req, res) => {
    let text = '';
    req.on('data', (chunk) => (text += chunk));
    req.on('end', () => {
      calls += 1;
      const timestamp = String(req.headers['x-meta-agent-timestamp']);
      const valid = req.headers['x-meta-agent-signature'] === sign(secret, timestamp, text);
      received.push({ valid, body: JSON.parse(text), headers: req.headers });
      res.statusCode = calls <= failures ? 500 : valid ? 200 : 401;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, received };
}

const until = async (check: () => boolean, ms = 5000) => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe('assignment webhooks', () => {
  it('POSTs approved work to the role webhook with a valid HMAC-SHA256 signature, retrying failures', async () => {
    const hook = await receiver('s3cret', 2);
    const t = createTestApp({
      coordination: { webhooks: { code_editor: { url: hook.url, secret: 's3cret' } }, delivery: { attempts: 4, backoffSeconds: 0.02 } },
    });
    const work = await approvedWork(t);
    await until(() => hook.received.length >= 3);
    expect(hook.received.map((r) => r.valid)).toEqual([true, true, true]);
    expect(hook.received[2]!.body).toMatchObject({ event: 'assignment', role: 'code_editor', improvement: { id: work.id, status: 'approved' } });
    expect(hook.received[2]!.headers['x-meta-agent-event']).toBe('assignment');

    await until(() => false, 100).catch(() => undefined);
    const log = (await t.get('/api/meta-agent/deliveries?hours=1')).body.data.filter((d: any) => d.kind === 'assignment');
    expect(log.map((d: any) => [d.attempt, d.ok, d.status_code])).toEqual([
      [3, true, 200],
      [2, false, 500],
      [1, false, 500],
    ]);
    expect(log[0]).toMatchObject({ kind: 'assignment', target: 'webhook:code_editor', subject: work.id });
    const health = (await t.get('/api/meta-agent/health')).body.data;
    expect(health.deliveries).toContainEqual(expect.objectContaining({ target: 'webhook:code_editor', delivered: 1, failed: 2, last_error: 'HTTP 500' }));
    expect(JSON.stringify(health)).not.toContain('s3cret');
  });

  it('gives up after the configured attempts and shows the failure in health', async () => {
    const t = createTestApp({
      coordination: { webhooks: { code_editor: { url: 'http://127.0.0.1:9/unreachable', secret: 'x' } }, delivery: { attempts: 2, backoffSeconds: 0.01 } },
    });
    await approvedWork(t);
    await until(() => false, 300).catch(() => undefined);
    const health = (await t.get('/api/meta-agent/health')).body.data;
    const hook = health.deliveries.find((d: any) => d.target === 'webhook:code_editor');
    expect(hook).toMatchObject({ delivered: 0, failed: 2 });
    expect(hook.last_error).toBeTruthy();
  });
});
