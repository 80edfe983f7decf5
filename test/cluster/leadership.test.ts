import pg from 'pg';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { startPgLeadership } from '../../src/cluster/pg-leadership.js';
import type { Leadership } from '../../src/cluster/cluster.js';
import { systemClock } from '../../src/clock.js';
import { createLogger } from '../../src/logger.js';
import { freshDatabase, testDatabaseUrl } from '../helpers/services.js';

const url = testDatabaseUrl();
const logger = createLogger({ level: 'silent', file: '' });
const drops: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const drop of drops) await drop();
});

async function until(check: () => boolean, timeoutMs: number): Promise<number> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error(`not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return Date.now() - start;
}

describe.skipIf(!url)('leader election over PostgreSQL', () => {
  const started: Leadership[] = [];
  afterEach(async () => {
    await Promise.all(started.splice(0).map((l) => l.stop()));
  });
  async function replicas(n: number) {
    const database = await freshDatabase(url!);
    drops.push(database.drop);
    const all = Array.from({ length: n }, (_, i) => startPgLeadership({ url: database.url, instanceId: `replica-${i}`, clock: systemClock, logger, intervalMs: 200 }));
    started.push(...all);
    return { all, url: database.url };
  }

  it('elects exactly one of several replicas, and another within an interval once it stops', async () => {
    const { all } = await replicas(3);
    await until(() => all.some((l) => l.isLeader()), 3000);
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(all.filter((l) => l.isLeader())).toHaveLength(1);
    const leader = all.find((l) => l.isLeader())!;
    expect(Date.parse(leader.leaderSince()!)).toBeGreaterThan(Date.now() - 10_000);
    await leader.stop();
    const rest = all.filter((l) => l !== leader);
    await until(() => rest.some((l) => l.isLeader()), 2000);
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(rest.filter((l) => l.isLeader())).toHaveLength(1);
  });

  it('stops leading at once when its lock connection breaks, and a standby takes over', async () => {
    const { all, url: databaseUrl } = await replicas(2);
    await until(() => all.some((l) => l.isLeader()), 3000);
    const leader = all.find((l) => l.isLeader())!;
    const standby = all.find((l) => l !== leader)!;
    const admin = new pg.Client({ connectionString: databaseUrl });
    await admin.connect();
    try {
      const name = `meta-agent leader replica-${all.indexOf(leader)}`;
      await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1', [name]);
    } finally {
      await admin.end();
    }
    await until(() => !leader.isLeader(), 1000);
    await until(() => standby.isLeader() || leader.isLeader(), 3000);
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(all.filter((l) => l.isLeader())).toHaveLength(1);
  });

  it('lives through losing a job-lock connection in the middle of a job (a database restart): the job finishes', async () => {
    const { all, url: databaseUrl } = await replicas(1);
    const admin = new pg.Client({ connectionString: databaseUrl });
    await admin.connect();
    try {
      const result = await all[0]!.exclusive('retention', async () => {
        await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()');
        await new Promise((resolve) => setTimeout(resolve, 200));
        return 'finished';
      });
      expect(result).toBe('finished');
      // The lock is free again for the next run (a fresh connection).
      expect(await all[0]!.exclusive('retention', async () => 'again')).toBe('again');
    } finally {
      await admin.end();
    }
  });

  it('never runs the same job on two replicas at once, whichever leads', async () => {
    const { all } = await replicas(2);
    let running = 0;
    let most = 0;
    const order: string[] = [];
    const work = (who: string) => async () => {
      running += 1;
      most = Math.max(most, running);
      order.push(`${who} in`);
      await new Promise((resolve) => setTimeout(resolve, 50));
      order.push(`${who} out`);
      running -= 1;
    };
    await Promise.all([0, 1, 2, 3].map((i) => all[i % 2]!.exclusive('analysis', work(`r${i}`))));
    expect(most).toBe(1);
    expect(order).toHaveLength(8);
    // A different job is not held up by it: reports runs to its end while analysis is held inside.
    let release!: () => void;
    let entered!: () => void;
    const inside = new Promise<void>((resolve) => (entered = resolve));
    const holding = all[0]!.exclusive('analysis', () => (entered(), new Promise<void>((resolve) => (release = resolve))));
    await inside;
    expect(await all[1]!.exclusive('reports', async () => 'ran')).toBe('ran');
    release();
    await holding;
  });
});
