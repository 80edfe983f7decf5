import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config-loader.js';
import { createTestApp, type TestApp } from './helpers/app.js';
import { series } from './helpers/samples.js';

const DAY = 86_400_000;
const TOKENS = { admin: 'admin-token-000000000000', alice: 'alice-token-00000000000', bob: 'bob-token-0000000000000' };
const as = (token: string) => ({ authorization: `Bearer ${token}`, 'content-type': 'application/json' });

function app(policies: Record<string, unknown>) {
  return createTestApp({
    policies,
    auth: { tokens: [{ role: 'admin', token: TOKENS.admin, name: 'admin' }, { role: 'operator', token: TOKENS.alice, name: 'alice' }, { role: 'operator', token: TOKENS.bob, name: 'bob' }] },
  } as never);
}

/** `agent` breaching `field` for ten minutes, then the analysis: answers what it created. */
async function breach(t: TestApp, agent: string, fields: Record<string, number>): Promise<any[]> {
  const samples = series(agent, t.clock.now(), 20, 30_000, () => fields);
  expect((await t.request('POST', '/api/agents/metrics', { samples }, as(TOKENS.admin))).status).toBe(200);
  const analysis = await t.request('POST', '/api/meta-agent/trigger-analysis', undefined, as(TOKENS.admin));
  return analysis.body.data.improvements_created;
}

const SLOW = { response_time: 36, success_rate: 1 };
const HOT = { cpu_usage: 88, success_rate: 1 };

describe('auto-approval policies', () => {
  it('approves what a rule covers as policy:<name>, audited, at most maxPerAgentPerDay per agent', async () => {
    const t = app({ autoApprove: [{ name: 'low-risk', maxPriority: 'critical', minConfidence: 0, maxPerAgentPerDay: 1 }] });
    const [latency] = await breach(t, 'alpha', SLOW);
    expect(latency).toMatchObject({ fingerprint: 'alpha:response_time:high', status: 'approved', decided_by: 'policy:low-risk' });
    expect(latency.decision_reason).toMatch(/^policy low-risk: performance, high \(at most critical\).*1 of 1 today for alpha$/);
    const trail = (await t.request('GET', '/api/meta-agent/audit', undefined, as(TOKENS.admin))).body.data;
    expect(trail.find((e: any) => e.improvement_id === latency.id && e.from_status === 'pending' && e.to_status === 'approved')).toMatchObject({ actor: 'policy:low-risk' });

    // alpha's allowance for today is used: the next waits for a person; beta has its own.
    const [cpu] = await breach(t, 'alpha', HOT);
    expect(cpu).toMatchObject({ fingerprint: 'alpha:cpu_usage:high', status: 'pending', decided_by: null });
    const [other] = await breach(t, 'beta', SLOW);
    expect(other).toMatchObject({ status: 'approved', decided_by: 'policy:low-risk' });

    // A new UTC day, a new allowance for alpha.
    t.clock.advance(DAY);
    const created = await breach(t, 'alpha', { success_rate: 0.75 });
    const tomorrow = created.find((i) => i.fingerprint === 'alpha:failures');
    expect(tomorrow, JSON.stringify(created.map((i) => [i.fingerprint, i.status, i.priority]))).toBeDefined();
    expect(tomorrow).toMatchObject({ status: 'approved', decided_by: 'policy:low-risk' });
  });

  it('leaves alone what no rule covers: type, priority, confidence, agent', async () => {
    const t = app({
      autoApprove: [
        { name: 'perf-only', types: ['performance'], maxPriority: 'high', minConfidence: 0 },
        { name: 'picky', maxPriority: 'high', minConfidence: 0.999 },
        { name: 'medium-only', maxPriority: 'medium', minConfidence: 0 },
        { name: 'gamma-only', agents: ['gamma'], maxPriority: 'high', minConfidence: 0 },
      ],
    });
    const [cpu] = await breach(t, 'alpha', HOT);
    expect(cpu).toMatchObject({ type: 'efficiency', priority: 'high', status: 'pending' });
    const [latency] = await breach(t, 'beta', SLOW);
    expect(latency).toMatchObject({ status: 'approved', decided_by: 'policy:perf-only' });
  });

  it('shows the policies in force', async () => {
    const t = app({ autoApprove: [{ name: 'low-risk', types: ['performance'] }], requireApprovals: { critical: 2 } });
    const res = await t.request('GET', '/api/meta-agent/policies', undefined, as(TOKENS.alice));
    expect(res.body.data).toEqual({
      autoApprove: [{ name: 'low-risk', types: ['performance'], maxPriority: 'low', minConfidence: 0.8, maxPerAgentPerDay: 3 }],
      requireApprovals: { critical: 2 },
    });
  });

  it('refuses a config with a bad rule or matcher, naming it', () => {
    const problems = (overrides: Record<string, unknown>) => {
      try {
        loadConfig({}, overrides);
      } catch (error) {
        if (error instanceof ConfigError) return error.problems.join('\n');
        throw error;
      }
      return '';
    };
    expect(problems({ policies: { autoApprove: [{ name: 'x y' }] } })).toMatch(/policies\.autoApprove\.0\.name/);
    expect(problems({ policies: { requireApprovals: { urgent: 2 } } })).toMatch(/policies\.requireApprovals/);
    expect(problems({ notifications: { inhibit: [{ source_matchers: [{ name: 'agent', value: '(a', isRegex: true }], target_matchers: [{ name: 'kind', value: 'x' }] }] } })).toMatch(
      /notifications\.inhibit\.0\.source_matchers\.0\.value.*RE2 syntax/,
    );
  });
});

describe('approvals from several operators', () => {
  it('moves a suggestion to approved only after two different operators; the same one twice counts once', async () => {
    const t = app({ requireApprovals: { high: 2 } });
    const [suggestion] = await breach(t, 'alpha', SLOW);
    expect(suggestion.priority).toBe('high');
    const url = `/api/meta-agent/improvements/${suggestion.id}/approve`;

    const first = await t.request('POST', url, { reason: 'looks right' }, as(TOKENS.alice));
    expect(first.status).toBe(200);
    expect(first.body.message).toMatch(/Approval 1 of 2 recorded .* needs 1 more from a different operator/);
    expect(first.body.data.status).toBe('pending');
    const again = await t.request('POST', url, undefined, as(TOKENS.alice));
    expect(again.body.message).toMatch(/Approval 1 of 2/);
    const shown = (await t.request('GET', `/api/meta-agent/improvements/${suggestion.id}`, undefined, as(TOKENS.bob))).body.data;
    expect(shown).toMatchObject({ status: 'pending', approvals_required: 2, approvals: [{ actor: 'alice', reason: 'looks right' }] });
    expect(shown.history.at(-1)).toMatchObject({ actor: 'alice', from_status: 'pending', to_status: 'pending', reason: 'approval 1 of 2: looks right' });

    const second = await t.request('POST', url, undefined, as(TOKENS.bob));
    expect(second.status).toBe(200);
    expect(second.body.data).toMatchObject({ status: 'approved', decided_by: 'bob', decision_reason: 'approved by alice and bob' });
  });

  it('ends with a reject by anyone, even after a first approval', async () => {
    const t = app({ requireApprovals: { high: 2 } });
    const [suggestion] = await breach(t, 'alpha', SLOW);
    await t.request('POST', `/api/meta-agent/improvements/${suggestion.id}/approve`, undefined, as(TOKENS.alice));
    const rejected = await t.request('POST', `/api/meta-agent/improvements/${suggestion.id}/reject`, { reason: 'not now' }, as(TOKENS.bob));
    expect(rejected.body.data.status).toBe('rejected');
    const late = await t.request('POST', `/api/meta-agent/improvements/${suggestion.id}/approve`, undefined, as(TOKENS.admin));
    expect(late.status).toBe(409);
  });

  it('keeps policies from approving what needs a quorum, and shows approvals over GraphQL', async () => {
    const t = app({ requireApprovals: { high: 2 }, autoApprove: [{ name: 'eager', maxPriority: 'critical', minConfidence: 0 }] });
    const [suggestion] = await breach(t, 'alpha', SLOW);
    expect(suggestion.status).toBe('pending');
    const gql = (query: string) => t.request('POST', '/graphql', { query }, as(TOKENS.alice));
    const approved = await gql(`mutation { approveImprovement(id: "${suggestion.id}") { message improvement { status approvalsRequired approvals { actor } } } }`);
    expect(approved.body.data.approveImprovement).toMatchObject({ improvement: { status: 'PENDING', approvalsRequired: 2, approvals: [{ actor: 'alice' }] } });
  });
});
