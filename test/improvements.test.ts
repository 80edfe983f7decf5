import { describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './helpers/app.js';
import { series } from './helpers/samples.js';

/** Ten minutes of alpha_hunter answering in ~40 s against a 30 s threshold, then analysis. */
async function slowAgentSuggestion(t: TestApp): Promise<any> {
  const samples = series('alpha_hunter', t.clock.now(), 20, 30_000, (i) => ({ response_time: 38 + (i % 5), success_rate: 0.97 }));
  expect((await t.post('/api/agents/metrics', { samples })).status).toBe(200);
  const analysis = await t.post('/api/meta-agent/trigger-analysis');
  expect(analysis.status).toBe(200);
  expect(analysis.body.data.improvements_created).toHaveLength(1);
  return analysis.body.data.improvements_created[0];
}

describe('improvements', () => {
  it('lists suggestions with the seed envelope and filters by status', async () => {
    const t = createTestApp();
    const improvement = await slowAgentSuggestion(t);
    expect(improvement.id).toMatch(/^improvement_\d+_1$/);

    const all = await t.get('/api/meta-agent/improvements');
    expect(all.body).toMatchObject({ status: 'success', count: 1, filtered_by_status: null });
    const pending = await t.get('/api/meta-agent/improvements?status=pending');
    expect(pending.body).toMatchObject({ count: 1, filtered_by_status: 'pending' });
    expect(pending.body.data[0]).toMatchObject({
      id: improvement.id,
      type: 'performance',
      status: 'pending',
      affected_components: ['alpha_hunter'],
    });
    expect(pending.body.data[0].description).toMatch(/40(\.\d+)? s/);
    const approved = await t.get('/api/meta-agent/improvements?status=approved');
    expect(approved.body).toMatchObject({ count: 0, data: [], filtered_by_status: 'approved' });
  });

  it('answers 400 for an unknown status', async () => {
    const t = createTestApp();
    const res = await t.get('/api/meta-agent/improvements?status=done');
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/status must be one of pending, approved, rejected, in_progress, completed, failed/);
  });

  it('approves with the seed message and records who, when and why', async () => {
    const t = createTestApp();
    const improvement = await slowAgentSuggestion(t);
    t.clock.advance(60_000);
    const res = await t.post(`/api/meta-agent/improvements/${improvement.id}/approve`, { reason: 'worth it' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      status: 'success',
      message: `Improvement '${improvement.title}' approved for implementation`,
      improvement_id: improvement.id,
    });
    const one = await t.get(`/api/meta-agent/improvements/${improvement.id}`);
    expect(one.body.data).toMatchObject({
      status: 'approved',
      decided_by: 'anonymous',
      decided_at: new Date(t.clock.now()).toISOString(),
      decision_reason: 'worth it',
    });
    // Performance work goes to the built-in performance analyst, which attaches an analysis and hands it on.
    expect(one.body.data.history.map((h: any) => [h.from_status, h.to_status, h.actor])).toEqual([
      [null, 'pending', 'meta-agent:analysis'],
      ['pending', 'approved', 'anonymous'],
      ['approved', 'in_progress', 'meta-agent:performance-analyst'],
      ['in_progress', 'approved', 'meta-agent:performance-analyst'],
    ]);
    expect(one.body.data).toMatchObject({ assigned_agent: 'code_editor', routing_reason: expect.stringMatching(/performance analysis attached/) });
    expect(one.body.data.analysis.agents[0]).toMatchObject({ agent: 'alpha_hunter', latency: { samples: 20 } });
  });

  it('rejects with a reason from the query or the body', async () => {
    const t = createTestApp();
    const improvement = await slowAgentSuggestion(t);
    const res = await t.request('POST', `/api/meta-agent/improvements/${improvement.id}/reject?reason=not%20now`);
    expect(res.body).toMatchObject({
      message: `Improvement '${improvement.title}' rejected`,
      improvement_id: improvement.id,
      reason: 'not now',
    });
    const stored = await t.get(`/api/meta-agent/improvements/${improvement.id}`);
    expect(stored.body.data).toMatchObject({ status: 'rejected', decision_reason: 'not now' });
  });

  it.each([
    ['caf%C3%A9+at+95%25', 'café at 95%'],
    ['95%+busy', '95% busy'], // a '%' without two hex digits stays as typed, as URLSearchParams reads it
    ['a%zzb', 'a%zzb'],
  ])('decodes a query reason %s as %s', async (raw, reason) => {
    const t = createTestApp();
    const improvement = await slowAgentSuggestion(t);
    const res = await t.request('POST', `/api/meta-agent/improvements/${improvement.id}/reject?reason=${raw}`);
    expect(res.status).toBe(200);
    expect((await t.get(`/api/meta-agent/improvements/${improvement.id}`)).body.data.decision_reason).toBe(reason);
  });

  it('refuses a query reason whose percent-encoded bytes are not UTF-8, and stores nothing', async () => {
    const t = createTestApp();
    const improvement = await slowAgentSuggestion(t);
    for (const raw of ['caf%E9', '%ED%A0%80', '%FF']) {
      const res = await t.request('POST', `/api/meta-agent/improvements/${improvement.id}/reject?reason=${raw}`);
      expect(res.status).toBe(400);
      expect(res.body.message).toBe('The query string percent-encodes bytes that are not UTF-8');
    }
    expect((await t.get(`/api/meta-agent/improvements/${improvement.id}`)).body.data).toMatchObject({ status: 'pending', decision_reason: null });
  });

  it('answers 404 for an unknown id and 409 naming the status when not pending', async () => {
    const t = createTestApp();
    const improvement = await slowAgentSuggestion(t);
    const missing = await t.post('/api/meta-agent/improvements/improvement_1_1/approve');
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ status: 'error', code: 'NOT_FOUND' });

    await t.post(`/api/meta-agent/improvements/${improvement.id}/reject`, { reason: 'no' });
    const again = await t.post(`/api/meta-agent/improvements/${improvement.id}/approve`);
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('CONFLICT');
    expect(again.body.message).toMatch(/is rejected, not pending/);
  });

  it('lets exactly one of fifty concurrent approve/reject calls win', async () => {
    const t = createTestApp();
    const improvement = await slowAgentSuggestion(t);
    const calls = Array.from({ length: 50 }, (_, i) =>
      t.post(`/api/meta-agent/improvements/${improvement.id}/${i % 2 ? 'approve' : 'reject'}`, { reason: `call ${i}` }),
    );
    const results = await Promise.all(calls);
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    expect(results.filter((r) => r.status === 409)).toHaveLength(49);
    const history = (await t.get(`/api/meta-agent/improvements/${improvement.id}`)).body.data.history;
    expect(history.filter((h: any) => h.from_status === 'pending')).toHaveLength(1);
  });

  it('refuses a non-object body and unknown body fields', async () => {
    const t = createTestApp();
    const improvement = await slowAgentSuggestion(t);
    const arr = await t.post(`/api/meta-agent/improvements/${improvement.id}/reject`, ['x']);
    expect(arr.status).toBe(400);
    const extra = await t.post(`/api/meta-agent/improvements/${improvement.id}/reject`, { reason: 'x', by: 'me' });
    expect(extra.status).toBe(400);
    expect(extra.body.message).toMatch(/by/);
    const long = await t.post(`/api/meta-agent/improvements/${improvement.id}/reject`, { reason: 'x'.repeat(2001) });
    expect(long.status).toBe(400);
    expect((await t.get(`/api/meta-agent/improvements/${improvement.id}`)).body.data.status).toBe('pending');
  });

  it('approves and rejects over GraphQL with codes for errors', async () => {
    const t = createTestApp();
    const improvement = await slowAgentSuggestion(t);
    const approve = `mutation($id: ID!, $reason: String) { approveImprovement(id: $id, reason: $reason) { message improvement { status decidedBy decisionReason history { fromStatus toStatus actor } } } }`;
    const ok = await t.gql(approve, { id: improvement.id, reason: 'go' });
    expect(ok.data.approveImprovement.message).toBe(`Improvement '${improvement.title}' approved for implementation`);
    expect(ok.data.approveImprovement.improvement).toMatchObject({ status: 'APPROVED', decidedBy: 'anonymous', decisionReason: 'go' });

    const conflict = await t.gql(approve, { id: improvement.id });
    expect(conflict.errors[0].extensions.code).toBe('CONFLICT');
    expect(conflict.errors[0].message).toMatch(/is approved, not pending/);
    const missing = await t.gql(`mutation { rejectImprovement(id: "nope") { message } }`);
    expect(missing.errors[0].extensions.code).toBe('NOT_FOUND');

    const list = await t.gql(`{ improvements(status: APPROVED) { id } pending: improvements(status: PENDING) { id } }`);
    expect(list.data).toEqual({ improvements: [{ id: improvement.id }], pending: [] });
  });
});

describe('decision input', () => {
  it('refuses a reason given twice, or with control characters or broken Unicode', async () => {
    const t = createTestApp();
    const improvement = await slowAgentSuggestion(t);
    const twice = await t.post(`/api/meta-agent/improvements/${improvement.id}/reject?reason=q`, { reason: 'b' });
    expect(twice.status).toBe(400);
    expect(twice.body.message).toMatch(/once/);
    const nul = await t.request('POST', `/api/meta-agent/improvements/${improvement.id}/reject`, '{"reason":"a\\u0000b"}');
    expect(nul.status).toBe(400);
    const surrogate = await t.request('POST', `/api/meta-agent/improvements/${improvement.id}/reject`, '{"reason":"x\\ud800"}');
    expect(surrogate.status).toBe(400);
    expect((await t.get(`/api/meta-agent/improvements/${improvement.id}`)).body.data.status).toBe('pending');
  });
});
