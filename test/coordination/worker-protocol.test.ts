import { describe, expect, it } from 'vitest';
import { graphql } from '../gql/index.js';
import { createTestApp } from '../helpers/app.js';
import { approvedWork } from '../helpers/improvements.js';
import { subscribe, wsClient } from '../helpers/ws.js';

const Assignments = graphql(`
  subscription Assignments($role: SpecialistRole!) {
    assignments(role: $role) { id status assignedAgent routingReason title }
  }
`);
const Claim = graphql(`
  mutation Claim($id: ID!, $worker: String!) { claimImprovement(id: $id, worker: $worker) { id status leaseOwner leaseExpiresAt } }
`);
const Complete = graphql(`
  mutation Complete($id: ID!, $worker: String!, $result: WorkResultInput!) {
    completeImprovement(id: $id, worker: $worker, result: $result) { id status result completionTime history { toStatus actor reason } }
  }
`);

describe('worker protocol', () => {
  it('delivers waiting and new work to a worker on a real websocket, which claims and completes it', async () => {
    const t = createTestApp();
    const waiting = await approvedWork(t, 'risk_assessor');
    expect(waiting).toMatchObject({ status: 'approved', assigned_agent: 'code_editor' });

    const { port } = await t.agent.start();
    const client = wsClient(`ws://127.0.0.1:${port}/graphql`);
    const work = subscribe(client, Assignments, { role: 'CODE_EDITOR' });
    const [first] = await work.waitFor(1);
    expect(first!.assignments).toMatchObject({ id: waiting.id, status: 'APPROVED', assignedAgent: 'code_editor' });

    const fresh = await approvedWork(t, 'order_router');
    const [, second] = await work.waitFor(2);
    expect(second!.assignments.id).toBe(fresh.id);

    const claimed = await t.gql(Claim, { id: waiting.id, worker: 'editor-1' });
    expect(claimed.data!.claimImprovement).toMatchObject({ status: 'IN_PROGRESS', leaseOwner: 'editor-1' });
    const done = await t.gql(Complete, {
      id: waiting.id,
      worker: 'editor-1',
      result: { summary: 'Retry transient upstream errors', changes: [{ file: 'agents/risk.py', description: 'backoff' }] },
    });
    expect(done.data!.completeImprovement).toMatchObject({
      status: 'COMPLETED',
      result: { summary: 'Retry transient upstream errors', changes: [{ file: 'agents/risk.py', description: 'backoff' }] },
    });
    expect(done.data!.completeImprovement.history.at(-1)).toMatchObject({ toStatus: 'COMPLETED', reason: expect.stringMatching(/completed by editor-1/) });
    const status = (await t.get('/api/meta-agent/status')).body.data;
    expect(status.completed_improvements).toBe(1);
  });

  it('lets exactly one of several concurrent claimers win', async () => {
    const t = createTestApp();
    const work = await approvedWork(t);
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => t.post(`/api/meta-agent/improvements/${work.id}/claim`, { worker: `w${i}` })),
    );
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    const losers = results.filter((r) => r.status === 409);
    expect(losers).toHaveLength(9);
    const winner = results.find((r) => r.status === 200)!.body.data.lease_owner;
    const loser = losers[0]!.body.message as string;
    expect(loser).toMatch(new RegExp(`in progress by ${winner} \\(lease until [^)]+\\); only its lease holder may do that, not w\\d$`));
  });

  it('takes the work back when the lease is not renewed, and offers it again', async () => {
    const t = createTestApp({ coordination: { leaseSeconds: 60 } });
    const work = await approvedWork(t);
    await t.post(`/api/meta-agent/improvements/${work.id}/claim`, { worker: 'slowpoke' });
    t.clock.advance(50_000);
    const renewed = await t.post(`/api/meta-agent/improvements/${work.id}/renew`, { worker: 'slowpoke' });
    expect(renewed.body.lease_expires_at).toBe(new Date(t.clock.now() + 60_000).toISOString());
    const stranger = await t.post(`/api/meta-agent/improvements/${work.id}/renew`, { worker: 'other' });
    expect(stranger.status).toBe(409);

    t.clock.advance(61_000);
    await t.agent.scheduler.runNow('coordination');
    const back = (await t.get(`/api/meta-agent/improvements/${work.id}`)).body.data;
    expect(back).toMatchObject({ status: 'approved', lease_owner: null });
    expect(back.history.at(-1)).toMatchObject({ from_status: 'in_progress', to_status: 'approved', reason: expect.stringMatching(/lease of slowpoke expired/) });
    const late = await t.post(`/api/meta-agent/improvements/${work.id}/complete`, { worker: 'slowpoke', summary: 'done late' });
    expect(late.status).toBe(409);
    const reclaimed = await t.post(`/api/meta-agent/improvements/${work.id}/claim`, { worker: 'fresh' });
    expect(reclaimed.status).toBe(200);
  });

  it('records a failure with its reason, and refuses bad worker input', async () => {
    const t = createTestApp();
    const work = await approvedWork(t);
    expect((await t.post(`/api/meta-agent/improvements/${work.id}/claim`, {})).status).toBe(400);
    expect((await t.post(`/api/meta-agent/improvements/${work.id}/claim`, { worker: 'bad worker!' })).status).toBe(400);
    await t.post(`/api/meta-agent/improvements/${work.id}/claim`, { worker: 'w1' });
    expect((await t.post(`/api/meta-agent/improvements/${work.id}/fail`, { worker: 'w1' })).status).toBe(400);
    expect((await t.post(`/api/meta-agent/improvements/${work.id}/complete`, { worker: 'w1', summary: '' })).status).toBe(400);
    expect((await t.post(`/api/meta-agent/improvements/${work.id}/complete`, { worker: 'w1', summary: 'x', changes: 'all' })).status).toBe(400);
    const failed = await t.post(`/api/meta-agent/improvements/${work.id}/fail`, { worker: 'w1', reason: 'cannot reproduce' });
    expect(failed.body.data).toMatchObject({ status: 'failed', failure_reason: 'cannot reproduce' });
    expect((await t.post('/api/meta-agent/improvements/nope/claim', { worker: 'w1' })).status).toBe(404);
  });

  it('keeps an audit trail of every change, queryable over REST and GraphQL', async () => {
    const t = createTestApp();
    const work = await approvedWork(t);
    await t.post(`/api/meta-agent/improvements/${work.id}/claim`, { worker: 'w1' });
    const audit = await t.get('/api/meta-agent/audit?hours=1');
    const mine = audit.body.data.filter((e: any) => e.improvement_id === work.id).map((e: any) => e.to_status);
    expect(mine).toEqual(['in_progress', 'approved', 'pending']);
    const gql = await t.gql('{ auditTrail(hours: 1) { improvementId actor fromStatus toStatus reason at } }');
    expect(gql.data.auditTrail[0]).toMatchObject({ improvementId: work.id, actor: 'anonymous', fromStatus: 'APPROVED', toStatus: 'IN_PROGRESS', reason: 'claimed by w1' });
  });
});
