import { afterAll, describe, expect, it } from 'vitest';
import { startServerProcess, tempDataDir, type ServerProcess } from '../helpers/process.js';
import { freshDatabase, testDatabaseUrl } from '../helpers/services.js';

const url = testDatabaseUrl();
const drops: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const drop of drops) await drop();
});

interface Health {
  cluster: { instance_id: string; leader: boolean; leader_since: string | null; store: string; pubsub: string };
  jobs: Array<{ name: string; runs: number }>;
}
const health = async (server: ServerProcess) => ((await (await fetch(`${server.url}/api/meta-agent/health`)).json()) as { data: Health }).data;

async function until<T>(read: () => Promise<T>, ok: (value: T) => boolean, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

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
});
