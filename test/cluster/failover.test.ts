import { afterAll, describe, expect, it } from 'vitest';
import { replicaHealth as health, startServerProcess, tempDataDir, until, type ServerProcess } from '../helpers/process.js';
import { series } from '../helpers/samples.js';
import { subscribe, wsClient } from '../helpers/ws.js';
import { freshDatabase, serviceUrl, testDatabaseUrl } from '../helpers/services.js';

const url = testDatabaseUrl();
const redisUrl = serviceUrl('META_AGENT_TEST_REDIS_URL', 'Redis');
const drops: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const drop of drops) await drop();
});

describe.skipIf(!url)('two replicas on one PostgreSQL database', () => {
  it('elect one leader that alone runs the jobs; when it is killed (SIGKILL) the other leads within 15 s', async () => {
    const database = await freshDatabase(url!);
    drops.push(database.drop);
    const env = (id: string) => ({ META_AGENT_DATABASE_URL: database.url, META_AGENT_INSTANCE_ID: id, META_AGENT_HEALTH_INTERVAL_S: '1', META_AGENT_DATA_DIR: tempDataDir(), META_AGENT_LOG_FILE: '' });
    const [a, b] = await Promise.all([startServerProcess(env('replica-a')), startServerProcess(env('replica-b'))]);
    try {
      const [ha, hb] = await until(() => Promise.all([health(a), health(b)]), ([x, y]) => x.cluster.leader || y.cluster.leader, 10_000);
      expect([ha.cluster.leader, hb.cluster.leader].filter(Boolean)).toHaveLength(1);
      expect(ha.cluster).toMatchObject({ instance_id: 'replica-a', store: 'postgres', pubsub: 'memory' });
      const [leader, standby] = ha.cluster.leader ? [a, b] : [b, a];
      // Only the leader ticks.
      await until(() => health(leader), (h) => h.jobs.find((j) => j.name === 'health')!.runs >= 2, 10_000);
      expect((await health(standby)).jobs.find((j) => j.name === 'health')!.runs).toBe(0);

      const killedAt = Date.now();
      leader.child.kill('SIGKILL');
      const taken = await until(() => health(standby), (h) => h.cluster.leader && h.jobs.find((j) => j.name === 'health')!.runs > 0, 15_000);
      expect(Date.now() - killedAt).toBeLessThan(15_000);
      expect(Date.parse(taken.cluster.leader_since!)).toBeGreaterThanOrEqual(killedAt - 1000);
    } finally {
      a.child.kill('SIGKILL');
      b.child.kill('SIGKILL');
    }
  });

  it('settle decision and claim races between replicas with one winner, and concurrent analyses raise each suggestion once', async () => {
    const database = await freshDatabase(url!);
    drops.push(database.drop);
    const env = (id: string) => ({ META_AGENT_DATABASE_URL: database.url, META_AGENT_INSTANCE_ID: id, META_AGENT_DATA_DIR: tempDataDir(), META_AGENT_LOG_FILE: '' });
    const [a, b] = await Promise.all([startServerProcess(env('replica-a')), startServerProcess(env('replica-b'))]);
    const post = (server: ServerProcess, path: string, body?: unknown) =>
      fetch(`${server.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    try {
      // Two agents breaching for ten minutes, reported through replica A.
      for (const agent of ['slow_1', 'slow_2']) {
        const samples = series(agent, Date.now(), 20, 30_000, () => ({ response_time: 45, success_rate: 0.99, requests: 10, error_count: 0 }));
        expect((await post(a, '/api/agents/metrics', { samples })).status).toBe(200);
      }
      // Analyses asked of both replicas at once run one after the other, and the second finds the suggestions made.
      const runs = await Promise.all([post(a, '/api/meta-agent/trigger-analysis'), post(b, '/api/meta-agent/trigger-analysis')]);
      expect(runs.map((r) => r.status)).toEqual([200, 200]);
      const pending = ((await (await fetch(`${b.url}/api/meta-agent/improvements?status=pending`)).json()) as { data: Array<{ id: string; fingerprint: string }> }).data;
      const fingerprints = pending.map((i) => i.fingerprint);
      expect(new Set(fingerprints).size).toBe(fingerprints.length);
      const [first, second] = ['slow_1', 'slow_2'].map((agent) => pending.find((i) => i.fingerprint.startsWith(`${agent}:`))!);
      expect(first && second).toBeTruthy();

      // Approve on A against reject on B: one wins, the other is told the status it lost to.
      const decided = await Promise.all([post(a, `/api/meta-agent/improvements/${first!.id}/approve`), post(b, `/api/meta-agent/improvements/${first!.id}/reject`, { reason: 'not now' })]);
      expect(decided.map((r) => r.status).sort()).toEqual([200, 409]);
      const events = ((await (await fetch(`${a.url}/api/meta-agent/improvements/${first!.id}`)).json()) as { data: { status: string } }).data;
      expect(['approved', 'rejected']).toContain(events.status);

      // Two workers claiming the same approved work through different replicas: one gets it.
      expect((await post(b, `/api/meta-agent/improvements/${second!.id}/approve`)).status).toBe(200);
      const claims = await Promise.all([post(a, `/api/meta-agent/improvements/${second!.id}/claim`, { worker: 'worker-a' }), post(b, `/api/meta-agent/improvements/${second!.id}/claim`, { worker: 'worker-b' })]);
      expect(claims.map((r) => r.status).sort()).toEqual([200, 409]);
    } finally {
      a.child.kill('SIGKILL');
      b.child.kill('SIGKILL');
    }
  });

  it.skipIf(!redisUrl)("with Redis, a subscription on the standby sees the leader's snapshots and a decision made on the leader", async () => {
    const database = await freshDatabase(url!);
    drops.push(database.drop);
    const env = (id: string) => ({ META_AGENT_DATABASE_URL: database.url, META_AGENT_REDIS_URL: redisUrl!, META_AGENT_INSTANCE_ID: id, META_AGENT_HEALTH_INTERVAL_S: '1', META_AGENT_DATA_DIR: tempDataDir(), META_AGENT_LOG_FILE: '' });
    const a = await startServerProcess(env('replica-a'));
    const leaderA = await until(() => health(a), (h) => h.cluster.leader, 10_000);
    expect(leaderA.cluster.pubsub).toBe('redis');
    const b = await startServerProcess(env('replica-b'));
    try {
      expect((await health(b)).cluster).toMatchObject({ leader: false, pubsub: 'redis' });
      const ws = wsClient(`${b.url.replace('http', 'ws')}/graphql`);
      const snapshots = subscribe<{ healthSnapshot: { timestamp: string } }>(ws, 'subscription { healthSnapshot { timestamp } }');
      const decisions = subscribe<{ improvementEvents: { kind: string; actor: string } }>(ws, 'subscription { improvementEvents(kinds: [APPROVED]) { kind actor } }');
      // The first is the latest stored snapshot; the next ones are ticked on A and arrive through Redis.
      const seen = await snapshots.waitFor(3, 10_000);
      expect(new Set(seen.map((s) => s.healthSnapshot.timestamp)).size).toBe(3);

      const samples = series('slow_1', Date.now(), 20, 30_000, () => ({ response_time: 45, success_rate: 0.99, requests: 10, error_count: 0 }));
      expect((await fetch(`${a.url}/api/agents/metrics`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ samples }) })).status).toBe(200);
      const analysis = (await (await fetch(`${a.url}/api/meta-agent/trigger-analysis`, { method: 'POST' })).json()) as { data: { improvements_created: Array<{ id: string }> } };
      const id = analysis.data.improvements_created[0]!.id;
      expect((await fetch(`${a.url}/api/meta-agent/improvements/${id}/approve`, { method: 'POST' })).status).toBe(200);
      const [approved] = await decisions.waitFor(1, 5000);
      expect(approved!.improvementEvents.kind).toBe('APPROVED');
    } finally {
      a.child.kill('SIGKILL');
      b.child.kill('SIGKILL');
    }
  });

  it("lets a standby list and serve the leader's reports, at the same paths", async () => {
    const database = await freshDatabase(url!);
    drops.push(database.drop);
    const env = (id: string) => ({ META_AGENT_DATABASE_URL: database.url, META_AGENT_INSTANCE_ID: id, META_AGENT_REPORT_INTERVAL_S: '1', META_AGENT_DATA_DIR: tempDataDir(), META_AGENT_LOG_FILE: '' });
    const a = await startServerProcess(env('replica-a'));
    await until(() => health(a), (h) => h.cluster.leader, 10_000);
    const b = await startServerProcess(env('replica-b'));
    try {
      type Listing = { data: Array<{ filename: string; timestamp: string }> };
      const listed = await until(async () => ((await (await fetch(`${b.url}/api/meta-agent/reports`)).json()) as Listing).data, (list) => list.length > 0, 10_000);
      const reply = await fetch(`${b.url}/api/meta-agent/reports/${listed[0]!.filename}`);
      expect(reply.status).toBe(200);
      expect(((await reply.json()) as { data: { generated_at: string } }).data.generated_at).toBe(listed[0]!.timestamp);
      expect((await fetch(`${b.url}/api/meta-agent/reports/system_report_20000101_000000.json`)).status).toBe(404);
      expect((await health(b)).cluster.leader).toBe(false);
    } finally {
      a.child.kill('SIGKILL');
      b.child.kill('SIGKILL');
    }
  });
});
