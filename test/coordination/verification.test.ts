import { describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { suggestionFor } from '../helpers/improvements.js';
import { series } from '../helpers/samples.js';

const MIN = 60_000;

/** A slow agent's suggestion, approved, claimed and completed; then `after` seconds of response time following it. */
async function completedFix(t: TestApp, afterResponseTime: number) {
  const created = await suggestionFor(t, 'alpha_hunter', () => ({ response_time: 40 }));
  await t.post(`/api/meta-agent/improvements/${created.id}/approve`);
  const claim = await t.post(`/api/meta-agent/improvements/${created.id}/claim`, { worker: 'editor-1' });
  expect(claim.status).toBe(200);
  t.clock.advance(MIN);
  const done = await t.post(`/api/meta-agent/improvements/${created.id}/complete`, { worker: 'editor-1', summary: 'Cached quote lookups' });
  expect(done.status).toBe(200);
  // The "after" window: 5 min settling, then 30 min.
  t.clock.advance(40 * MIN);
  const after = series('alpha_hunter', t.clock.now() - 6 * MIN, 50, 30_000, () => ({ response_time: afterResponseTime }));
  expect((await t.post('/api/agents/metrics', { samples: after })).status).toBe(200);
  await t.agent.scheduler.runNow('coordination');
  return (await t.get(`/api/meta-agent/improvements/${created.id}`)).body.data;
}

describe('verification of completed work', () => {
  it('records improved, with the numbers, when the metric got clearly better', async () => {
    const t = createTestApp();
    const verified = await completedFix(t, 5);
    expect(verified.outcome).toBe('improved');
    expect(verified.outcome_details).toMatchObject({ metric: 'response_time', before_mean: 40, after_mean: 5, samples_before: 19 }); // the window ends as the work began
    expect(verified.verified_at).toBeTruthy();
  });

  it('records no effect when the metric stayed where it was', async () => {
    const t = createTestApp();
    expect((await completedFix(t, 39)).outcome).toBe('no_effect');
  });

  it('records a regression and raises a high-priority follow-up', async () => {
    const t = createTestApp();
    const verified = await completedFix(t, 60);
    expect(verified.outcome).toBe('regressed');
    const followUp = (await t.get('/api/meta-agent/improvements?status=pending')).body.data.find((i: any) => i.follow_up_of === verified.id);
    expect(followUp).toMatchObject({ priority: 'high', title: `Regression after: ${verified.title}`, affected_components: ['alpha_hunter'] });
    expect(followUp.description).toMatch(/from 40 to 60/);
  });

  it('shows outcomes in reports and lets the track record shape the next confidence', async () => {
    const t = createTestApp();
    await completedFix(t, 5);
    const { report } = await t.agent.services.reportWriter.write();
    expect(report.improvements.outcomes).toEqual({ improved: 1, no_effect: 0, regressed: 0 });
    expect(report.improvements.verified_in_period[0]).toMatchObject({ outcome: 'improved', reason: expect.stringMatching(/response_time went from 40 to 5/) });

    t.clock.advance(60 * MIN);
    const next = await suggestionFor(t, 'alpha_hunter', () => ({ response_time: 45 }));
    expect(next.estimated_impact.track_record).toEqual({ improved: 1, no_effect: 0, regressed: 0, improved_share: 0.667 });
  });

  it('judges a silent agent by the samples it sent before and after, and says so', async () => {
    const t = createTestApp();
    expect((await t.post('/api/agents/metrics', { samples: series('news_reader', t.clock.now() - 25 * MIN, 5, 30_000, () => ({ response_time: 2 })) })).status).toBe(200);
    t.clock.advance(10 * MIN); // silent past the 5-minute offline limit
    const silence = (await t.post('/api/meta-agent/trigger-analysis')).body.data.improvements_created.find((i: any) => i.affected_components.includes('news_reader'));
    expect(silence.estimated_impact.metric).toBe('availability');
    await t.post(`/api/meta-agent/improvements/${silence.id}/approve`);
    await t.post(`/api/meta-agent/improvements/${silence.id}/claim`, { worker: 'editor-1' });
    await t.post(`/api/meta-agent/improvements/${silence.id}/complete`, { worker: 'editor-1', summary: 'Restarted the feed' });
    t.clock.advance(40 * MIN);
    const back = series('news_reader', t.clock.now() - 10 * MIN, 20, 30_000, () => ({ response_time: 2 }));
    expect((await t.post('/api/agents/metrics', { samples: back })).status).toBe(200);
    await t.agent.scheduler.runNow('coordination');
    const verified = (await t.get(`/api/meta-agent/improvements/${silence.id}`)).body.data;
    expect(verified.outcome).toBe('improved');
    expect(verified.outcome_details).toMatchObject({
      metric: 'availability',
      samples_before: 0,
      samples_after: 20,
      reason: 'news_reader sent 0 samples in the 30 minutes before the work and 20 samples in the 30 minutes after it',
    });
  });
});
