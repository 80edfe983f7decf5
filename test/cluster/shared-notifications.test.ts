import { afterAll, describe, expect, it } from 'vitest';
import type { Notification } from '../../src/notify/notification.js';
import { openPostgresStore } from '../../src/store/postgres/pg-store.js';
import { createTestApp } from '../helpers/app.js';
import { createFakeClock } from '../helpers/clock.js';
import { freshDatabase, testDatabaseUrl } from '../helpers/services.js';

const url = testDatabaseUrl();
const drops: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const drop of drops) await drop();
});

const notice = (key: string, over: Partial<Notification> = {}): Notification => ({
  key,
  state: 'problem',
  severity: 'critical',
  title: `${key} is failing`,
  text: 'success rate 40 %',
  agent: key,
  at: new Date().toISOString(),
  link: null,
  ...over,
});

describe.skipIf(!url)('notifications shared by two replicas on one PostgreSQL database', () => {
  it('send each alert once, whichever replica decides, and hold repeats back on both', async () => {
    const database = await freshDatabase(url!);
    drops.push(database.drop);
    const clock = createFakeClock();
    const config = { notifications: { cooldownMinutes: 30 } };
    const a = createTestApp(config, { clock, store: await openPostgresStore(database.url) });
    const b = createTestApp(config, { clock, store: await openPostgresStore(database.url) });
    const keys = Array.from({ length: 20 }, (_, i) => `agent_${i}:failures`);

    const race = await Promise.all(keys.flatMap((key) => [a.agent.services.notifier.notify(notice(key)), b.agent.services.notifier.notify(notice(key))]));
    expect(race.filter((v) => v === 'sent')).toHaveLength(keys.length);
    expect(race.filter((v) => v === 'cooldown')).toHaveLength(keys.length);

    // Within the cooldown neither replica repeats it; an escalation or its end is news on either.
    clock.advance(10 * 60_000);
    expect(await b.agent.services.notifier.notify(notice(keys[0]!))).toBe('cooldown');
    expect(await a.agent.services.notifier.notify(notice(keys[0]!))).toBe('cooldown');
    expect(await b.agent.services.notifier.notify(notice(keys[0]!, { state: 'resolved' }))).toBe('sent');
    expect(await a.agent.services.notifier.notify(notice(keys[0]!, { state: 'resolved' }))).toBe('unchanged');

    const delivered = (await a.get('/api/meta-agent/deliveries')).body.data as Array<{ subject: string }>;
    expect(delivered).toHaveLength(keys.length + 1);
    expect(new Set(delivered.map((d) => d.subject)).size).toBe(keys.length);
  });

  it('flapping noticed by one replica holds the other back too', async () => {
    const database = await freshDatabase(url!);
    drops.push(database.drop);
    const clock = createFakeClock();
    const config = { notifications: { flapping: { changes: 4, windowMinutes: 60 } } };
    const replicas = [createTestApp(config, { clock, store: await openPostgresStore(database.url) }), createTestApp(config, { clock, store: await openPostgresStore(database.url) })];
    const verdicts: string[] = [];
    for (let i = 0; i < 8; i++) {
      clock.advance(60_000);
      verdicts.push(await replicas[i % 2]!.agent.services.notifier.notify(notice('k', { state: i % 2 === 0 ? 'problem' : 'resolved' })));
    }
    expect(verdicts).toEqual(['sent', 'sent', 'sent', 'sent', 'flapping', 'flapping', 'flapping', 'flapping']);
  });
});
