import Database from 'better-sqlite3';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createTestApp } from '../helpers/app.js';

const iso = (ms: number) => new Date(ms).toISOString();

describe('time is read strictly and judged by arrival', () => {
  it('takes an agent offline on time even when its clock runs ahead', async () => {
    const t = createTestApp();
    const arrival = t.clock.now();
    expect((await t.post('/api/agents/metrics', { samples: [{ agent_name: 'skewed', timestamp: iso(arrival + 290_000), response_time: 1 }] })).status).toBe(200);
    await t.agent.scheduler.runNow('health');
    const seen = (await t.get('/api/agents/status')).body.data[0];
    expect(seen).toMatchObject({ name: 'skewed', health: 'healthy', last_seen: iso(arrival) });

    t.clock.advance(301_000);
    await t.agent.scheduler.runNow('health');
    expect((await t.get('/api/agents/status')).body.data[0]).toMatchObject({ name: 'skewed', health: 'offline' });
    // The sample itself keeps the time it was stamped with.
    expect((await t.get('/api/meta-agent/agent-performance?agent_name=skewed')).body.data[0].timestamp).toBe(iso(arrival + 290_000));
  });

  it.each(['2026-11-25T12:00:00+05:99', '2026-11-25T12:00:00+1800', '2026-11-25T12:00:00+15:00', '2026-11-25T12:00:00-0500'])(
    'refuses the impossible or colon-less offset in %s, naming the rule',
    async (timestamp) => {
      const t = createTestApp();
      t.clock.set('2026-11-25T12:00:00.000Z');
      const res = await t.post('/api/agents/metrics', { samples: [{ agent_name: 'alpha', timestamp, response_time: 1 }] });
      expect(res.status).toBe(400);
      expect(res.body.errors).toEqual([{ index: 0, field: 'timestamp', message: expect.stringMatching(/Z or ±hh:mm between -14:00 and \+14:00/) }]);
      expect((await t.get('/api/agents/status')).body.count).toBe(0);
    },
  );

  it('reads real offsets, from -12:00 to +14:00', async () => {
    const t = createTestApp();
    t.clock.set('2026-11-25T12:00:00.000Z');
    const samples = ['2026-11-25T17:30:00+05:30', '2026-11-25T00:00:00-12:00', '2026-11-26T02:00:00+14:00'].map((timestamp) => ({ agent_name: 'alpha', timestamp, response_time: 1 }));
    expect((await t.post('/api/agents/metrics', { samples })).status).toBe(200);
    const stored = (await t.get('/api/meta-agent/agent-performance?agent_name=alpha')).body.data.map((s: any) => s.timestamp).sort();
    expect(stored).toEqual(['2026-11-25T12:00:00.000Z', '2026-11-25T12:00:00.000Z', '2026-11-25T12:00:00.000Z']);
  });
});

describe('agent names that can be addressed', () => {
  it.each(['.', '..', '...'])('refuses the name %j, which no URL path can reach', async (name) => {
    const t = createTestApp();
    const res = await t.post('/api/agents/metrics', { samples: [{ agent_name: name, response_time: 1 }] });
    expect(res.status).toBe(400);
    expect(res.body.errors[0]).toMatchObject({ field: 'agent_name', message: expect.stringMatching(/not only dots/) });
  });

  it('accepts names with dots among other characters, and deletes them by path', async () => {
    const t = createTestApp();
    expect((await t.post('/api/agents/metrics', { samples: [{ agent_name: '.hidden', response_time: 1 }, { agent_name: 'v1.2', response_time: 1 }] })).status).toBe(200);
    expect((await t.request('DELETE', '/api/agents/.hidden')).status).toBe(200);
    expect((await t.request('DELETE', '/api/agents/v1.2')).status).toBe(200);
  });

  it('lets an agent registered as ".." before the rule be read and forgotten over GraphQL', async () => {
    const t = createTestApp({}, { keepData: true });
    await t.post('/api/agents/metrics', { samples: [{ agent_name: 'alpha', response_time: 1 }] });
    await t.stop();
    const db = new Database(path.join(t.dataDir, 'enhanced_meta_agent.db'));
    db.prepare("INSERT INTO agents (name, first_seen, last_seen, registered_at, sample_count) SELECT '..', first_seen, last_seen, registered_at, 1 FROM agents").run();
    db.close();

    const again = createTestApp({}, { dataDir: t.dataDir });
    expect((await again.get('/api/agents/status')).body.data.map((a: any) => a.name)).toEqual(['..', 'alpha']);
    const forgotten = await again.gql('mutation { forgetAgent(name: "..") }');
    expect(forgotten.data).toEqual({ forgetAgent: '..' });
    expect((await again.get('/api/agents/status')).body.data.map((a: any) => a.name)).toEqual(['alpha']);
  });
});
