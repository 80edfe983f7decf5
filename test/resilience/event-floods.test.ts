import { describe, expect, it } from 'vitest';
import { createTestApp } from '../helpers/app.js';
import { subscribe, wsClient } from '../helpers/ws.js';

const agents = (count: number, fields: Record<string, number> = { response_time: 1 }) =>
  Array.from({ length: count }, (_, i) => ({ agent_name: `agent_${String(i).padStart(5, '0')}`, ...fields }));

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
    const now = t.clock.now();
    for (let k = 3; k >= 0; k--) {
      const samples = agents(1100, { response_time: 60 }).map((s) => ({ ...s, timestamp: new Date(now - k * 30_000).toISOString() }));
      expect((await t.post('/api/agents/metrics', { samples })).status).toBe(200);
    }
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
    const now = t.clock.now();
    for (let k = 3; k >= 0; k--) {
      const samples = agents(1100, { response_time: 60 }).map((s) => ({ ...s, timestamp: new Date(now - k * 30_000).toISOString() }));
      await t.post('/api/agents/metrics', { samples });
    }
    const analysis = await t.post('/api/meta-agent/trigger-analysis');
    expect(analysis.body.data.improvements_created.length).toBeGreaterThanOrEqual(1100);
    const received = await events.waitFor(1100, 20_000);
    expect(new Set(received.map((e) => e.improvementEvents.improvement.id)).size).toBe(1100);
  });
});
