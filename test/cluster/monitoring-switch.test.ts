import { afterAll, describe, expect, it } from 'vitest';
import { replicaHealth as health, startServerProcess, tempDataDir, until, type ServerProcess } from '../helpers/process.js';
import { freshDatabase, testDatabaseUrl } from '../helpers/services.js';

const url = testDatabaseUrl();
const drops: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const drop of drops) await drop();
});

const control = async (server: ServerProcess, action: 'start' | 'stop') => {
  const response = await fetch(`${server.url}/api/meta-agent/control/${action}`, { method: 'POST' });
  return { status: response.status, body: (await response.json()) as { message: string; data: { meta_agent_active: boolean } } };
};
const healthRuns = (h: { jobs: Array<{ name: string; runs: number }> }) => h.jobs.find((j) => j.name === 'health')!.runs;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.skipIf(!url)('control/start and control/stop across replicas', () => {
  it('stop on a standby stops the leader too; the switch outlives a failover; start on any replica resumes', async () => {
    const database = await freshDatabase(url!);
    drops.push(database.drop);
    const env = (id: string) => ({ META_AGENT_DATABASE_URL: database.url, META_AGENT_INSTANCE_ID: id, META_AGENT_HEALTH_INTERVAL_S: '1', META_AGENT_DATA_DIR: tempDataDir(), META_AGENT_LOG_FILE: '' });
    const [a, b] = await Promise.all([startServerProcess(env('replica-a')), startServerProcess(env('replica-b'))]);
    try {
      const [ha] = await until(() => Promise.all([health(a), health(b)]), ([x, y]) => x.cluster.leader || y.cluster.leader, 10_000);
      const [leader, standby] = ha.cluster.leader ? [a, b] : [b, a];
      await until(() => health(leader), (h) => healthRuns(h) >= 1, 10_000);

      const stopped = await control(standby, 'stop');
      expect(stopped).toMatchObject({ status: 200, body: { data: { meta_agent_active: false } } });
      const quiet = await until(() => health(leader), (h) => !h.meta_agent_active, 5_000);
      // The leader's jobs stay stopped: no tick in the next 2.5 health intervals.
      await sleep(2_500);
      expect(healthRuns(await health(leader))).toBe(healthRuns(quiet));

      // The standby that takes over follows the switch, not its own start-up default.
      leader.child.kill('SIGKILL');
      await until(() => health(standby), (h) => h.cluster.leader, 15_000);
      const successor = await health(standby);
      expect(successor.meta_agent_active).toBe(false);
      await sleep(1_500);
      expect(healthRuns(await health(standby))).toBe(healthRuns(successor));

      // A replica started now stays stopped too, and says so.
      const late = await startServerProcess(env('replica-c'));
      expect((await health(late)).meta_agent_active).toBe(false);
      expect(late.output()).toMatch(/monitoring is stopped/);

      expect(await control(late, 'start')).toMatchObject({ status: 200, body: { data: { meta_agent_active: true } } });
      await until(() => health(standby), (h) => h.meta_agent_active && healthRuns(h) > healthRuns(successor), 5_000);
      late.child.kill('SIGKILL');
    } finally {
      a.child.kill('SIGKILL');
      b.child.kill('SIGKILL');
    }
  });
});
