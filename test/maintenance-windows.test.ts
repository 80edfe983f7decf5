import { describe, expect, it } from 'vitest';
import { currentOccurrence, nextStart, type Weekday } from '../src/domain/maintenance-window.js';
import { createTestApp, type TestApp } from './helpers/app.js';
import { createFakeClock } from './helpers/clock.js';
import { series } from './helpers/samples.js';

const NIGHTLY = {
  name: 'nightly-batch-restart',
  weekdays: ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'],
  time: '02:00',
  durationMinutes: 20,
  timeZone: 'Europe/London',
  matchers: [{ name: 'agent', value: 'batch_.*', isRegex: true }],
  comment: 'batch agents restart every night',
};

const at = (iso: string) => Date.parse(iso);

describe('maintenance window occurrences', () => {
  it('keep their local time across a DST change (Europe/London, 29 March and 25 October 2026)', () => {
    const win = { schedule: { weekdays: ['sat', 'sun', 'mon'] as Weekday[], time: '02:00' }, durationMinutes: 20, timeZone: 'Europe/London' };
    // Saturday, winter time: 02:00 local is 02:00 UTC.
    expect(currentOccurrence(win, at('2026-03-28T02:10:00Z'))).toEqual({ start: at('2026-03-28T02:00:00Z'), end: at('2026-03-28T02:20:00Z') });
    expect(currentOccurrence(win, at('2026-03-28T01:10:00Z'))).toBeUndefined();
    // Sunday, the clocks go forward at 01:00 UTC: 02:00 local does not exist and is 02:00 BST, 01:00 UTC.
    expect(currentOccurrence(win, at('2026-03-29T01:10:00Z'))).toEqual({ start: at('2026-03-29T01:00:00Z'), end: at('2026-03-29T01:20:00Z') });
    // Monday, summer time: 02:00 BST is 01:00 UTC; 02:10 UTC is outside.
    expect(currentOccurrence(win, at('2026-03-30T01:10:00Z'))).toBeDefined();
    expect(currentOccurrence(win, at('2026-03-30T02:10:00Z'))).toBeUndefined();
    // Back to winter time on 25 October: Monday the 26th at 02:00 local is 02:00 UTC again.
    expect(currentOccurrence(win, at('2026-10-26T02:10:00Z'))).toBeDefined();
    expect(currentOccurrence(win, at('2026-10-26T01:10:00Z'))).toBeUndefined();
  });

  it('open where their next start said, also when the schedule falls in the hour a DST change skips', () => {
    // 01:30 on Sunday 29 March 2026 does not exist in London (01:00 GMT becomes 02:00 BST): it opens at 02:30 BST, 01:30 UTC.
    const win = { schedule: { weekdays: ['sun'] as Weekday[], time: '01:30' }, durationMinutes: 30, timeZone: 'Europe/London' };
    const next = nextStart(win, at('2026-03-28T12:00:00Z'));
    expect(new Date(next).toISOString()).toBe('2026-03-29T01:30:00.000Z');
    expect(currentOccurrence(win, next + 60_000)).toEqual({ start: next, end: next + 30 * 60_000 });
    expect(currentOccurrence(win, next - 60_000)).toBeUndefined();
  });

  it('start exactly at their start and end exactly at their end', () => {
    const win = { schedule: { cron: '30 14 * * *' }, durationMinutes: 30, timeZone: 'UTC' };
    expect(currentOccurrence(win, at('2026-06-01T14:29:59.999Z'))).toBeUndefined();
    expect(currentOccurrence(win, at('2026-06-01T14:30:00.000Z'))).toBeDefined();
    expect(currentOccurrence(win, at('2026-06-01T14:59:59.999Z'))).toBeDefined();
    expect(currentOccurrence(win, at('2026-06-01T15:00:00.000Z'))).toBeUndefined();
  });
});

describe('maintenance windows over REST', () => {
  it('are created, listed with the next start, edited and deleted, audited; an occurrence is a silence while it goes on', async () => {
    const t = createTestApp({}, { clock: createFakeClock('2026-12-01T01:50:00.000Z') });
    const made = await t.post('/api/meta-agent/maintenance-windows', NIGHTLY);
    expect(made.status, JSON.stringify(made.body)).toBe(200);
    const w = made.body.data;
    expect(w).toMatchObject({ name: 'nightly-batch-restart', schedule: { weekdays: NIGHTLY.weekdays, time: '02:00' }, next_start: '2026-12-01T02:00:00.000Z', active: null });
    expect((await t.get('/api/meta-agent/silences?state=active')).body.count).toBe(0);

    t.clock.set('2026-12-01T02:05:00.000Z');
    const listed = (await t.get('/api/meta-agent/maintenance-windows')).body.data;
    expect(listed[0].active).toEqual({ silence_id: `${w.id}:${Date.parse('2026-12-01T02:00:00Z') / 1000}`, until: '2026-12-01T02:20:00.000Z' });
    const silences = (await t.get('/api/meta-agent/silences?state=active')).body.data;
    expect(silences).toEqual([expect.objectContaining({ id: listed[0].active.silence_id, origin: 'maintenance_window', endsAt: '2026-12-01T02:20:00.000Z', status: { state: 'active' } })]);
    expect((await t.get(`/api/meta-agent/silences/${listed[0].active.silence_id}`)).status).toBe(200);
    expect((await t.request('DELETE', `/api/meta-agent/silences/${listed[0].active.silence_id}`)).status).toBe(409);

    const edited = await t.request('PUT', `/api/meta-agent/maintenance-windows/${w.id}`, { ...NIGHTLY, time: '03:00' }, { 'content-type': 'application/json' });
    expect(edited.body.data).toMatchObject({ active: null, next_start: '2026-12-01T03:00:00.000Z' });
    expect((await t.get('/api/meta-agent/silences?state=active')).body.count).toBe(0);

    const gone = await t.request('DELETE', `/api/meta-agent/maintenance-windows/${w.id}?reason=no%20more%20batches`);
    expect(gone.status).toBe(200);
    expect((await t.get('/api/meta-agent/maintenance-windows')).body.count).toBe(0);
    expect((await t.get(`/api/meta-agent/maintenance-windows/${w.id}`)).status).toBe(404);
    const trail = await t.agent.services.maintenanceWindows.history(w.id);
    expect(trail.map((e) => `${e.action}:${e.reason}`)).toEqual(['created:batch agents restart every night', 'updated:batch agents restart every night', 'deleted:no more batches']);
  });

  it('keep the matching agents quiet during an occurrence only', async () => {
    const t = createTestApp({}, { clock: createFakeClock('2026-12-01T02:05:00.000Z') });
    await t.post('/api/meta-agent/maintenance-windows', { ...NIGHTLY, cron: '0 2 * * *', weekdays: undefined, time: undefined });
    const slow = (agent: string) => t.post('/api/agents/metrics', { samples: series(agent, t.clock.now(), 10, 30_000, () => ({ response_time: 45, success_rate: 1 })) });
    await slow('batch_loader');
    await slow('trader');
    const during = (await t.post('/api/meta-agent/trigger-analysis')).body.data;
    expect(during.improvements_created.map((i: any) => i.fingerprint)).toEqual(['trader:response_time:high']);
    expect(during.findings.find((f: any) => f.agent_name === 'batch_loader').silenced_by).toHaveLength(1);

    t.clock.set('2026-12-01T02:21:00.000Z');
    await slow('batch_loader');
    const after = (await t.post('/api/meta-agent/trigger-analysis')).body.data;
    expect(after.improvements_created.map((i: any) => i.fingerprint)).toContain('batch_loader:response_time:high');
  });

  it.each([
    [{ cron: '0 2 * * *' }, 'cron', /not both/],
    [{ weekdays: undefined, time: undefined }, 'cron', /either cron/],
    [{ weekdays: ['monday'] }, 'weekdays', /sun, mon/],
    [{ time: '25:00' }, 'time', /HH:MM/],
    [{ durationMinutes: 0 }, 'durationMinutes', /1 to 10080/],
    [{ timeZone: 'Mars/Olympus' }, 'timeZone', /IANA/],
    [{ matchers: [] }, 'matchers', /non-empty/],
    [{ name: '' }, 'name', /required/],
  ])('refuse %j naming %s', async (over, field, message) => {
    const t = createTestApp();
    const res = await t.post('/api/meta-agent/maintenance-windows', { ...NIGHTLY, ...over });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field, message: expect.stringMatching(message) })]));
    expect((await t.get('/api/meta-agent/maintenance-windows')).body.count).toBe(0);
  });

  it('refuse a cron expression that is not one', async () => {
    const t = createTestApp();
    for (const cron of ['0 2 * *', '61 2 * * *', 'every night at two', 'H 2 * * *', '0 0 31 4 *', '* * * 2 5#5', '* 2 * * *']) {
      const res = await t.post('/api/meta-agent/maintenance-windows', { ...NIGHTLY, weekdays: undefined, time: undefined, cron });
      expect(res.status, cron).toBe(400);
      expect(res.body.errors[0].field).toBe('cron');
    }
  });
});

describe('maintenance windows over GraphQL', () => {
  it('are created and listed', async () => {
    const t = createTestApp({}, { clock: createFakeClock('2026-12-01T02:05:00.000Z') });
    const made = await t.gql(
      `mutation($input: MaintenanceWindowInput!) { createMaintenanceWindow(input: $input) { name cron durationMinutes active { until } } }`,
      { input: { name: 'nightly', cron: '0 2 * * *', durationMinutes: 20, timeZone: 'UTC', matchers: [{ name: 'AGENT', value: 'batch_.*', isRegex: true }], comment: 'restarts' } },
    );
    expect(made.errors).toBeUndefined();
    expect(made.data.createMaintenanceWindow).toEqual({ name: 'nightly', cron: '0 2 * * *', durationMinutes: 20, active: { until: '2026-12-01T02:20:00.000Z' } });
    expect((await t.gql(`{ maintenanceWindows { name } silences(state: ACTIVE) { origin } }`)).data).toEqual({ maintenanceWindows: [{ name: 'nightly' }], silences: [{ origin: 'MAINTENANCE_WINDOW' }] });
  });
});
