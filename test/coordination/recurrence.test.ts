import { describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { suggestionFor } from '../helpers/improvements.js';
import { series } from '../helpers/samples.js';

const MIN = 60_000;
const FINGERPRINT = 'alpha_hunter:response_time:high';

async function completeIt(t: TestApp, id: string) {
  await t.post(`/api/meta-agent/improvements/${id}/approve`);
  expect((await t.post(`/api/meta-agent/improvements/${id}/claim`, { worker: 'editor-1' })).status).toBe(200);
  expect((await t.post(`/api/meta-agent/improvements/${id}/complete`, { worker: 'editor-1', summary: 'Cached quote lookups' })).status).toBe(200);
}

const forProblem = async (t: TestApp) =>
  ((await t.get('/api/meta-agent/improvements')).body.data as any[]).filter((i) => i.fingerprint === FINGERPRINT);

describe('a problem after its fix', () => {
  it('never raises a new suggestion from the episodes the completed work addressed', async () => {
    const t = createTestApp({ coordination: { builtinPerformanceAnalyst: { enabled: false } } });
    const created = await suggestionFor(t, 'alpha_hunter', () => ({ response_time: 40 }));
    await completeIt(t, created.id);
    // An earlier episode of the same problem, reported late: it too happened before the fix.
    await t.post('/api/agents/metrics', { samples: series('alpha_hunter', t.clock.now() - 40 * MIN, 10, 30_000, () => ({ response_time: 45 })) });
    await t.post('/api/agents/metrics', { samples: series('alpha_hunter', t.clock.now() - 25 * MIN, 10, 30_000, () => ({ response_time: 2 })) });
    // The breach recovered right after the fix; analyses keep seeing both episodes in their window.
    t.clock.advance(2 * MIN);
    await t.post('/api/agents/metrics', { samples: series('alpha_hunter', t.clock.now(), 4, 30_000, () => ({ response_time: 2 })) });
    for (let i = 0; i < 3; i++) {
      t.clock.advance(2 * MIN);
      const analysis = (await t.post('/api/meta-agent/trigger-analysis')).body.data;
      expect(analysis.improvements_created.filter((i: any) => i.fingerprint === FINGERPRINT)).toEqual([]);
    }
    expect((await forProblem(t)).map((i) => i.status)).toEqual(['completed']);
  });

  it('names a recurrence after the fix as one, linking the earlier work', async () => {
    const t = createTestApp({ coordination: { builtinPerformanceAnalyst: { enabled: false } } });
    const created = await suggestionFor(t, 'alpha_hunter', () => ({ response_time: 40 }));
    await completeIt(t, created.id);
    t.clock.advance(20 * MIN);
    await t.post('/api/agents/metrics', { samples: series('alpha_hunter', t.clock.now() - 15 * MIN, 10, 30_000, () => ({ response_time: 2 })) });
    await t.post('/api/agents/metrics', { samples: series('alpha_hunter', t.clock.now(), 10, 30_000, () => ({ response_time: 50 })) });
    const analysis = (await t.post('/api/meta-agent/trigger-analysis')).body.data;
    const again = analysis.improvements_created.find((i: any) => i.fingerprint === FINGERPRINT);
    expect(again).toMatchObject({ follow_up_of: created.id, description: expect.stringMatching(new RegExp(`^Again after ${created.id} was completed at .*: 1 new episode since`)) });
  });

  it('reopens the problem when verification finds the fix had no effect', async () => {
    const t = createTestApp({ coordination: { builtinPerformanceAnalyst: { enabled: false } } });
    const created = await suggestionFor(t, 'alpha_hunter', () => ({ response_time: 40 }));
    await completeIt(t, created.id);
    t.clock.advance(40 * MIN);
    await t.post('/api/agents/metrics', { samples: series('alpha_hunter', t.clock.now() - 36 * MIN, 72, 30_000, () => ({ response_time: 40 })) });
    await t.agent.scheduler.runNow('coordination');
    expect((await t.get(`/api/meta-agent/improvements/${created.id}`)).body.data.outcome).toBe('no_effect');
    const analysis = (await t.post('/api/meta-agent/trigger-analysis')).body.data;
    const reopened = analysis.improvements_created.find((i: any) => i.fingerprint === FINGERPRINT);
    expect(reopened).toMatchObject({ follow_up_of: created.id, description: expect.stringMatching(new RegExp(`^The work on ${created.id} had no effect; the problem is still there`)) });
  });
});
