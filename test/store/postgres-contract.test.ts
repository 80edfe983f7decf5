import { afterAll, describe, expect, it } from 'vitest';
import { emptySample } from '../../src/domain/sample.js';
import { openPostgresStore } from '../../src/store/postgres/pg-store.js';
import { createPool } from '../../src/store/postgres/pool.js';
import { COLUMNS } from '../../src/store/window-sums.js';
import { migrate, PG_MIGRATIONS } from '../../src/store/postgres/schema.js';
import { freshDatabase, testDatabaseUrl } from '../helpers/services.js';
import { storeContract } from './contract.js';

const url = testDatabaseUrl();
const drops: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const drop of drops) await drop();
});

if (url) {
  // Every test on a database of its own.
  storeContract('PostgreSQL', async () => {
    const database = await freshDatabase(url);
    drops.push(database.drop);
    return openPostgresStore(database.url);
  });

  describe('PostgreSQL schema', () => {
    it('orders names by code point, as SQLite does, on a database whose own collation is English', async () => {
      const database = await freshDatabase(url, { icuLocale: 'en' });
      drops.push(database.drop);
      const store = await openPostgresStore(database.url);
      try {
        const names = ['alpha', 'Beta', 'a-c', 'ab', 'a.b', 'A_z'];
        await store.samples.insert(names.map((name) => emptySample(name, new Date().toISOString(), 'push')), new Date().toISOString());
        expect((await store.agents.list()).map((a) => a.name)).toEqual([...names].sort());
      } finally {
        await store.close();
      }
    });

    it('comes up on an empty database when several replicas start at once: one migrates, the others wait and find it done', async () => {
      const database = await freshDatabase(url);
      drops.push(database.drop);
      const stores = await Promise.all(Array.from({ length: 4 }, () => openPostgresStore(database.url)));
      try {
        const infos = await Promise.all(stores.map((store) => store.info()));
        expect(infos.map((info) => info.schema_version)).toEqual(Array(4).fill(PG_MIGRATIONS.at(-1)!.version));
        // Every replica writes and reads the one schema.
        await Promise.all(stores.map((store, i) => store.samples.insert([{ ...emptySample(`agent_${i}`, new Date().toISOString(), 'push'), requests: i }], new Date().toISOString())));
        expect((await stores[0]!.agents.list()).map((a) => a.name)).toEqual(['agent_0', 'agent_1', 'agent_2', 'agent_3']);
      } finally {
        await Promise.all(stores.map((store) => store.close()));
      }
    });

    it('keeps a sum and a count in window_buckets for every column the window adds up', async () => {
      const database = await freshDatabase(url);
      drops.push(database.drop);
      await (await openPostgresStore(database.url)).close();
      const pool = createPool(database.url, 1);
      const { rows } = await pool.query("SELECT column_name FROM information_schema.columns WHERE table_name = 'window_buckets'");
      await pool.end();
      const sums = rows.map((r: { column_name: string }) => r.column_name).filter((c: string) => /_(sum|n)$/.test(c));
      expect(sums.sort()).toEqual(COLUMNS.flatMap((c) => [`${c}_sum`, `${c}_n`]).sort());
    });

    it('counts samples stored before the window buckets existed (an upgrade) from the raw rows, and later ones from the buckets', async () => {
      const database = await freshDatabase(url);
      drops.push(database.drop);
      const now = Date.now();
      const at = (offsetMs: number) => new Date(now + offsetMs).toISOString();
      // A database as release 5 left it, with samples: no window buckets yet.
      const pool = createPool(database.url, 1);
      await migrate(pool, 5);
      await pool.query(`INSERT INTO agent_performance_history (agent_name, timestamp, requests, source) VALUES ('a', $1, 5, 'push'), ('a', $2, 7, 'push')`, [at(-60_000), at(-1_000)]);
      await pool.end();
      const store = await openPostgresStore(database.url);
      try {
        await store.samples.insert([{ ...emptySample('a', at(500), 'push'), requests: 11 }, { ...emptySample('b', at(-30_000), 'push'), requests: 1 }], at(1000));
        expect((await store.samples.windowAggregates(at(-120_000))).get('a')).toMatchObject({ samples: 3, sum_requests: 23 });
        expect((await store.samples.windowAggregates(at(-120_000))).get('b')).toMatchObject({ samples: 1, sum_requests: 1 });
        expect((await store.samples.windowAggregates(at(0))).get('a')).toMatchObject({ samples: 1, sum_requests: 11 });
      } finally {
        await store.close();
      }
    });
  });
} else {
  describe.skip('Store contract: PostgreSQL (META_AGENT_TEST_DATABASE_URL is not set)', () => it('runs against a real PostgreSQL', () => {}));
}
