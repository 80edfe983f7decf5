import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { emptySample } from '../../src/domain/sample.js';
import type { Store } from '../../src/store/store.js';
import { createSqliteStore } from '../../src/store/sqlite/sqlite-store.js';

const samples = (agent: string, count: number, at: number) =>
  Array.from({ length: count }, (_, i) => ({ ...emptySample(agent, new Date(at - i * 1000).toISOString(), 'push'), response_time: i }));

describe('the sample writer thread', () => {
  let store: Store | undefined;
  afterEach(async () => {
    await store?.close();
    store = undefined;
  });

  it('commits a single sample ahead of batches that arrived before it', async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'meta-agent-writer-')), 'store.db');
    store = createSqliteStore(file, { backgroundThreads: true });
    const now = Date.now();
    const receivedAt = new Date(now).toISOString();
    // The first batch keeps the writer busy while the second batch and the single sample queue up behind it.
    await Promise.all([
      store.samples.insert(samples('bulk_first', 20_000, now), receivedAt),
      store.samples.insert(samples('bulk_second', 2000, now), receivedAt),
      store.samples.insert(samples('single', 1, now), receivedAt),
    ]);
    await store.close();
    store = undefined;

    const db = new Database(file, { readonly: true });
    const ids = (agent: string) => db.prepare('SELECT MIN(id) AS first, MAX(id) AS last, COUNT(*) AS n FROM agent_performance_history WHERE agent_name = ?').get(agent) as { first: number; last: number; n: number };
    const [first, second, single] = [ids('bulk_first'), ids('bulk_second'), ids('single')];
    db.close();
    expect([first.n, second.n, single.n]).toEqual([20_000, 2000, 1]);
    expect(single.last, 'the single sample was committed before the batch queued ahead of it').toBeLessThan(second.first);
  });
  it('lets small writes overtake only batches that arrived shortly before them, so single samples cannot hold a batch back', async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'meta-agent-writer-')), 'store.db');
    store = createSqliteStore(file, { backgroundThreads: true });
    const now = Date.now();
    const receivedAt = new Date(now).toISOString();
    await store.samples.insert(samples('warm_up', 100, now), receivedAt); // the thread is up
    // Another program holds the write lock: the thread takes the first batch and waits for the
    // lock while a second batch queues, and small writes arrive well after it.
    const other = new Database(file);
    other.exec('BEGIN IMMEDIATE');
    const first = store.samples.insert(samples('bulk_first', 3000, now), receivedAt);
    await new Promise((resolve) => setTimeout(resolve, 150));
    const second = store.samples.insert(samples('bulk_second', 2000, now), receivedAt);
    await new Promise((resolve) => setTimeout(resolve, 250));
    const smalls = Array.from({ length: 3 }, (_, i) => store!.samples.insert(samples(`small_${i}`, 1, now), receivedAt));
    await new Promise((resolve) => setTimeout(resolve, 50));
    other.exec('COMMIT');
    other.close();
    await Promise.all([first, second, ...smalls]);
    await store.close();
    store = undefined;

    const db = new Database(file, { readonly: true });
    const firstId = (agent: string) => db.prepare('SELECT MIN(id) FROM agent_performance_history WHERE agent_name = ?').pluck().get(agent) as number;
    const [bulk, waited, lateSmall] = [firstId('bulk_first'), firstId('bulk_second'), firstId('small_0')];
    db.close();
    expect(bulk, 'the first batch was taken before the rest arrived').toBeLessThan(waited);
    expect(waited, 'the batch that waited longest went before small writes that came 250 ms after it').toBeLessThan(lateSmall);
  });
});

describe('two writers of samples, the main connection and the thread', () => {
  it('keep the version history right when they take turns', async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'meta-agent-writer-')), 'store.db');
    const store = createSqliteStore(file, { backgroundThreads: true });
    try {
      const at = (minute: number) => new Date(Date.UTC(2026, 11, 3, 8, minute)).toISOString();
      const versioned = (minute: number, version: string) => [{ ...emptySample('trader', at(minute), 'push'), version }];
      // The thread idle: written on the main connection.
      await store.samples.insert(versioned(0, '1.0'), at(0));
      // The thread busy with a batch: the next write queues there.
      await Promise.all([store.samples.insert(samples('bulk', 5000, Date.UTC(2026, 11, 3, 7)), at(1)), store.samples.insert(versioned(1, '1.1'), at(1))]);
      // Idle again: the main connection must not trust what it remembered of 'trader' from before.
      await store.samples.insert(versioned(2, '1.0'), at(2));
      const changes = await store.samples.versionChanges({ agentName: 'trader', sinceIso: at(0), limit: 10 });
      expect(changes.map((c) => [c.at, c.from, c.to])).toEqual([
        [at(0), null, '1.0'],
        [at(1), '1.0', '1.1'],
        [at(2), '1.1', '1.0'],
      ]);
    } finally {
      await store.close();
    }
  });
});
