import { describe, expect, it } from 'vitest';
import { graphql } from './gql/index.js';
import { createTestApp } from './helpers/app.js';
import { series } from './helpers/samples.js';
import { subscribe, wsClient } from './helpers/ws.js';

const ImprovementEvents = graphql(`
  subscription ImprovementEvents($kinds: [ImprovementEventKind!]) {
    improvementEvents(kinds: $kinds) {
      kind
      actor
      improvement {
        id
        status
        title
      }
    }
  }
`);

describe('improvement events over graphql-ws', () => {
  it('pushes created and decided improvements to subscribers on the real websocket', async () => {
    const t = createTestApp();
    const { port } = await t.agent.start();
    const client = wsClient(`ws://127.0.0.1:${port}/graphql`);
    const all = subscribe(client, ImprovementEvents);
    const onlyDecisions = subscribe(client, ImprovementEvents, { kinds: ['APPROVED', 'REJECTED'] });
    await new Promise((r) => setTimeout(r, 100));

    const samples = series('alpha_hunter', t.clock.now(), 20, 30_000, () => ({ response_time: 45 }));
    await fetch(`http://127.0.0.1:${port}/api/agents/metrics`, { method: 'POST', body: JSON.stringify({ samples }) });
    const analysis = await (await fetch(`http://127.0.0.1:${port}/api/meta-agent/trigger-analysis`, { method: 'POST' })).json();
    const id = analysis.data.improvements_created[0].id;

    const [created] = await all.waitFor(1);
    expect(created!.improvementEvents).toMatchObject({ kind: 'CREATED', improvement: { id, status: 'PENDING' } });

    await fetch(`http://127.0.0.1:${port}/api/meta-agent/improvements/${id}/approve`, { method: 'POST' });
    const events = await all.waitFor(2);
    expect(events[1]!.improvementEvents).toMatchObject({ kind: 'APPROVED', actor: 'anonymous', improvement: { id, status: 'APPROVED' } });
    const decisions = await onlyDecisions.waitFor(1);
    expect(decisions.map((d) => d.improvementEvents.kind)).toEqual(['APPROVED']);
  });

  it('answers a query over the websocket through the same schema and context', async () => {
    const t = createTestApp();
    const { port } = await t.agent.start();
    const client = wsClient(`ws://127.0.0.1:${port}/graphql`);
    const status = subscribe(client, graphql(`query WsStatus { status { metaAgentActive totalImprovements } }`));
    const [result] = await status.waitFor(1);
    expect(result!.status).toEqual({ metaAgentActive: true, totalImprovements: 0 });
  });

  it('reports a validation error for a bad operation without dropping the connection', async () => {
    const t = createTestApp();
    const { port } = await t.agent.start();
    const client = wsClient(`ws://127.0.0.1:${port}/graphql`);
    const bad = subscribe(client, 'subscription { nope }');
    await expect(bad.waitFor(1, 2000)).rejects.toThrow(/Cannot query field .*nope/);
    const good = subscribe(client, 'query { status { totalImprovements } }');
    expect((await good.waitFor(1))[0]).toEqual({ status: { totalImprovements: 0 } });
  });
});

describe('finding events over graphql-ws', () => {
  it('pushes new findings of an agent, then their changes', async () => {
    const t = createTestApp();
    const { port } = await t.agent.start();
    const client = wsClient(`ws://127.0.0.1:${port}/graphql`);
    const events = subscribe(client, 'subscription { findingEvents(agentName: "alpha_hunter") { kind finding { kind metric agentName endedAt } } }');
    await new Promise((r) => setTimeout(r, 100));
    await t.post('/api/agents/metrics', { samples: series('alpha_hunter', t.clock.now(), 10, 30_000, () => ({ response_time: 45 })) });
    await t.post('/api/agents/metrics', { samples: series('beta', t.clock.now(), 10, 30_000, () => ({ response_time: 45 })) });
    await t.post('/api/meta-agent/trigger-analysis');
    const [first] = await events.waitFor(1);
    expect(first!.findingEvents).toMatchObject({ kind: 'new', finding: { kind: 'THRESHOLD', metric: 'response_time', agentName: 'alpha_hunter' } });

    t.clock.advance(60_000);
    await t.post('/api/agents/metrics', { samples: [{ agent_name: 'alpha_hunter', response_time: 50 }] });
    await t.post('/api/meta-agent/trigger-analysis');
    const all = await events.waitFor(2);
    expect(all[1]!.findingEvents).toMatchObject({ kind: 'updated', finding: { agentName: 'alpha_hunter', endedAt: new Date(t.clock.now()).toISOString() } });
    expect(all.every((e) => e.findingEvents.finding.agentName === 'alpha_hunter')).toBe(true);
  });
});
