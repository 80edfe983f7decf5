import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterEach, describe, expect, it } from 'vitest';
import type { Logger } from '../../src/logger.js';
import { createChannel } from '../../src/notify/channels.js';
import type { Notification } from '../../src/notify/notification.js';
import { createTestApp } from '../helpers/app.js';

let smtp: SMTPServer | undefined;
afterEach(() => new Promise<void>((resolve) => (smtp ? smtp.close(() => resolve()) : resolve())));

async function mailbox() {
  const mails: Array<{ to: string[]; text: string }> = [];
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onAuth: (auth, _session, callback) => callback(null, { user: auth.username }),
    onData(stream, session, callback) {
      let text = '';
      stream.on('data', (chunk) => (text += chunk));
      stream.on('end', () => {
        mails.push({ to: session.envelope.rcptTo.map((r) => r.address), text });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => smtp!.listen(0, '127.0.0.1', resolve));
  return { port: (smtp.server.address() as AddressInfo).port, mails };
}

const note = (over: Partial<Notification> = {}): Notification => ({
  key: 'alpha:failures',
  state: 'problem',
  severity: 'critical',
  title: 'alpha is failing',
  text: 'success rate 40 %',
  agent: 'alpha',
  at: new Date().toISOString(),
  link: null,
  ...over,
});

describe('notifications', () => {
  it('mails a critical problem over SMTP, and the "resolved" notice when it clears', async () => {
    const box = await mailbox();
    const t = createTestApp(
      {
        notifications: {
          channels: [
            { type: 'log', name: 'log' },
            { type: 'email', name: 'oncall', host: '127.0.0.1', port: box.port, from: 'meta@example.com', to: ['ops@example.com'], user: 'meta', password: 'hunter2' },
          ],
        },
      } as never,
    );
    await t.post('/api/agents/metrics', { samples: [{ agent_name: 'risk_assessor', success_rate: 1 }] });
    await t.agent.services.health.tick();
    t.clock.advance(30_000);
    await t.post('/api/agents/metrics', { samples: [{ agent_name: 'risk_assessor', success_rate: 0.1 }, { agent_name: 'risk_assessor', success_rate: 0.1 }] });
    await t.agent.services.health.tick();
    await new Promise((r) => setTimeout(r, 50));
    await t.agent.services.notifier.settled();
    expect(box.mails).toHaveLength(1);
    expect(box.mails[0]!.to).toEqual(['ops@example.com']);
    expect(box.mails[0]!.text).toMatch(/\[critical\] risk_assessor is failing/);

    t.clock.advance(600_000);
    await t.post('/api/agents/metrics', { samples: [{ agent_name: 'risk_assessor', success_rate: 1 }] });
    await t.agent.services.health.tick();
    await new Promise((r) => setTimeout(r, 50));
    await t.agent.services.notifier.settled();
    expect(box.mails).toHaveLength(2);
    expect(box.mails[1]!.text).toMatch(/risk_assessor is healthy again/);
    const deliveries = (await t.get('/api/meta-agent/deliveries')).body;
    expect(JSON.stringify(deliveries)).not.toContain('hunter2');
  });

  it('holds back repeats within the cooldown, but not an escalation, and sends again after it', async () => {
    const t = createTestApp({ notifications: { cooldownMinutes: 30 } });
    const { notify } = t.agent.services.notifier;
    expect(await notify(note({ severity: 'warning' }))).toBe('sent');
    t.clock.advance(10 * 60_000);
    expect(await notify(note({ severity: 'warning' }))).toBe('cooldown');
    expect(await notify(note({ severity: 'critical' }))).toBe('sent');
    t.clock.advance(31 * 60_000);
    expect(await notify(note())).toBe('sent');
  });

  it('announces a problem once when two decisions on it run at the same moment', async () => {
    const t = createTestApp();
    const { notify } = t.agent.services.notifier;
    const verdicts = await Promise.all([notify(note()), notify(note()), notify(note())]);
    expect(verdicts.sort()).toEqual(['cooldown', 'cooldown', 'sent']);
    expect((await t.get('/api/meta-agent/deliveries')).body.data).toHaveLength(1);
  });

  it('sends "resolved" only for a problem that was announced', async () => {
    const t = createTestApp();
    const { notify } = t.agent.services.notifier;
    expect(await notify(note({ state: 'resolved' }))).toBe('unchanged');
    await notify(note());
    expect(await notify(note({ state: 'resolved' }))).toBe('sent');
    expect(await notify(note({ state: 'resolved' }))).toBe('unchanged');
  });

  it('notices flapping once and holds the rest back', async () => {
    const t = createTestApp({ notifications: { flapping: { changes: 4, windowMinutes: 60 } } });
    const { notify } = t.agent.services.notifier;
    const verdicts: string[] = [];
    for (let i = 0; i < 8; i++) {
      t.clock.advance(60_000);
      verdicts.push(await notify(note({ state: i % 2 === 0 ? 'problem' : 'resolved' })));
    }
    expect(verdicts).toEqual(['sent', 'sent', 'sent', 'sent', 'flapping', 'flapping', 'flapping', 'flapping']);
  });

  it('routes by severity: critical to every channel, lesser ones only where configured', async () => {
    const box = await mailbox();
    const t = createTestApp({
      notifications: { channels: [{ type: 'log', name: 'log' }, { type: 'email', name: 'mail', host: '127.0.0.1', port: box.port, from: 'a@b.c', to: ['x@y.z'] }] },
    } as never);
    await t.agent.services.notifier.notify(note({ key: 'k1', severity: 'warning' }));
    await t.agent.services.notifier.notify(note({ key: 'k2', severity: 'critical' }));
    const targets = (await t.get('/api/meta-agent/deliveries')).body.data.map((d: any) => `${d.subject}->${d.target}`).sort();
    expect(targets).toEqual(['k1->channel:log', 'k2->channel:log', 'k2->channel:mail']);
    expect(box.mails).toHaveLength(1);
  });

  it('logs a problem at its severity and its resolved notice at info', async () => {
    const lines: string[] = [];
    const record = (level: string) => (_fields: unknown, message: string) => void lines.push(`${level} ${message}`);
    const logger = { child: () => ({ error: record('error'), warn: record('warn'), info: record('info') }) } as unknown as Logger;
    const channel = createChannel({ type: 'log', name: 'log', minSeverity: 'info' }, logger);
    await channel.send(note());
    await channel.send(note({ state: 'resolved', title: 'alpha is healthy again' }));
    await channel.send(note({ severity: 'warning', title: 'alpha is degraded' }));
    expect(lines).toEqual(['error alpha is failing: success rate 40 %', 'info alpha is healthy again: success rate 40 %', 'warn alpha is degraded: success rate 40 %']);
  });
});
