import v8 from 'node:v8';
import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { eventually, rawSocket } from '../helpers/raw-ws.js';
import { subscribe, wsClient } from '../helpers/ws.js';

// What is still reachable after a full collection: heapUsed alone swings by 100 MB with the GC's timing.
v8.setFlagsFromString('--expose_gc');
const collect = vm.runInNewContext('gc') as () => void;
function retainedHeap(): number {
  collect();
  return process.memoryUsage().heapUsed;
}

const agents = (count: number, fields: Record<string, number> = { response_time: 1 }) =>
  Array.from({ length: count }, (_, i) => ({ agent_name: `agent_${String(i).padStart(5, '0')}`, ...fields }));

/** Four samples 30 s apart over the response-time threshold for each of `count` agents: one threshold finding each. */
async function postBreaching(t: TestApp, count: number) {
  const now = t.clock.now();
  for (let k = 3; k >= 0; k--) {
    const samples = agents(count, { response_time: 60 }).map((s) => ({ ...s, timestamp: new Date(now - k * 30_000).toISOString() }));
    for (let i = 0; i < samples.length; i += 5000) expect((await t.post('/api/agents/metrics', { samples: samples.slice(i, i + 5000) })).status).toBe(200);
  }
}

describe('a fleet larger than any event queue', () => {
  it('keeps ticking with 1,100 agents, and after a restart on the same data', async () => {
    const t = createTestApp({}, { keepData: true });
    expect((await t.post('/api/agents/metrics', { samples: agents(1100) })).status).toBe(200);
    await t.agent.scheduler.runNow('health');
    await t.agent.scheduler.runNow('health');
    const status = await t.get('/api/agents/status');
    expect(status.body.count).toBe(1100);
    expect(t.agent.scheduler.status().find((j) => j.name === 'health')?.last_error ?? null).toBeNull();
    await t.stop();

    const again = createTestApp({}, { dataDir: t.dataDir });
    await again.agent.scheduler.runNow('health');
    expect((await again.get('/api/agents/status')).body.count).toBe(1100);
  });

  it('delivers every finding of a run with 1,100 breaching agents to a findingEvents subscriber', async () => {
    const t = createTestApp();
    const { port } = await t.agent.start();
    const events = subscribe(wsClient(`ws://127.0.0.1:${port}/graphql`), 'subscription { findingEvents(kind: THRESHOLD) { kind finding { agentName } } }');
    await new Promise((r) => setTimeout(r, 100));
    await postBreaching(t, 1100);
    const analysis = await t.post('/api/meta-agent/trigger-analysis');
    expect(analysis.status).toBe(200);
    const received = await events.waitFor(1100, 20_000);
    expect(new Set(received.map((e) => e.findingEvents.finding.agentName)).size).toBe(1100);
  });

  it('delivers every suggestion of a run that creates 1,100 of them to an improvementEvents subscriber', async () => {
    const t = createTestApp();
    const { port } = await t.agent.start();
    const events = subscribe(wsClient(`ws://127.0.0.1:${port}/graphql`), 'subscription { improvementEvents(kinds: [CREATED]) { improvement { id } } }');
    await new Promise((r) => setTimeout(r, 100));
    await postBreaching(t, 1100);
    const analysis = await t.post('/api/meta-agent/trigger-analysis');
    expect(analysis.body.data.improvements_created.length).toBeGreaterThanOrEqual(1100);
    const received = await events.waitFor(1100, 20_000);
    expect(new Set(received.map((e) => e.improvementEvents.improvement.id)).size).toBe(1100);
  });
});

describe('subscribers that fall behind', () => {
  it('ends a subscription that falls more than its backlog behind, telling the client why', async () => {
    const t = createTestApp({ limits: { subscriptionBacklog: 100 } });
    const { port } = await t.agent.start();
    const ws = await rawSocket(`ws://127.0.0.1:${port}/graphql`);
    ws.subscribe('findings', 'subscription { findingEvents { finding { agentName } } }');
    ws.subscribe('snapshots', 'subscription { healthSnapshot { timestamp } }');
    await new Promise((r) => setTimeout(r, 100));
    await postBreaching(t, 150);
    await t.post('/api/meta-agent/trigger-analysis');
    await eventually(() => ws.messages.some((m) => m.id === 'findings' && m.type === 'error'), 5000, 'the lag error');
    const error = ws.messages.find((m) => m.id === 'findings' && m.type === 'error')!;
    expect(error.payload[0].message).toMatch(/fell more than 100 findings behind and was ended; read the findings again, then subscribe again/);
    expect(error.payload[0].extensions.code).toBe('SUBSCRIBER_TOO_SLOW');
    // The connection and its other subscriptions go on.
    await t.agent.scheduler.runNow('health');
    await eventually(() => ws.messages.some((m) => m.id === 'snapshots' && m.type === 'next'), 3000, 'a snapshot');
    expect((await t.get('/api/meta-agent/findings?hours=1')).body.count).toBe(150);
  });

  it('stays up with 10,000 agents, 5,000 findings in one run and subscribers that never read', async () => {
    const t = createTestApp();
    const { port } = await t.agent.start();
    const url = `ws://127.0.0.1:${port}/graphql`;
    const stuck = await Promise.all([rawSocket(url), rawSocket(url)]);
    for (const ws of stuck) {
      ws.subscribe('status', 'subscription { agentStatus { at agent { name health healthReason metrics { responseTime } } } }');
      ws.subscribe('changes', 'subscription { agentStatus(changesOnly: true) { agent { name health } previousHealth } }');
      ws.subscribe('findings', 'subscription { findingEvents { kind finding { agentName message } } }');
      ws.subscribe('improvements', 'subscription { improvementEvents { kind improvement { id title description } } }');
      ws.subscribe('snapshots', 'subscription { healthSnapshot { timestamp performanceScore } }');
    }
    await new Promise((r) => setTimeout(r, 200));
    for (const ws of stuck) ws.stopReading();

    const fleet = agents(10_000);
    for (let i = 0; i < fleet.length; i += 5000) await t.post('/api/agents/metrics', { samples: fleet.slice(i, i + 5000) });
    await postBreaching(t, 5000);
    const heapBefore = retainedHeap();
    const analysis = await t.post('/api/meta-agent/trigger-analysis');
    expect(analysis.status).toBe(200);
    expect(analysis.body.data.findings.length).toBeGreaterThanOrEqual(5000);
    for (let tick = 0; tick < 5; tick++) {
      t.clock.advance(2000);
      await t.agent.scheduler.runNow('health');
      const probe = Date.now();
      expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
      expect(Date.now() - probe).toBeLessThan(2000);
    }
    expect(t.agent.scheduler.status().find((j) => j.name === 'health')?.last_error ?? null).toBeNull();
    expect((await t.get('/api/agents/status')).body.count).toBe(10_000);
    // What the stuck subscribers hold is bounded by their buffers, not by what was published.
    const grownMb = (retainedHeap() - heapBefore) / 1e6;
    expect(grownMb).toBeLessThan(300);
  }, 120_000);
});
