import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { emptySample } from '../../src/domain/sample.js';
import type { Store } from '../../src/store/store.js';
import { createSqliteStore } from '../../src/store/sqlite/sqlite-store.js';

const size = (file: string) => statSync(file).size;

async function until(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return check();
}

describe('WAL checkpoints in a worker thread', () => {
  let store: Store | undefined;
  afterEach(async () => {
    await store?.close();
    store = undefined;
  });

  it('never checkpoints on a commit of the main thread, and the worker copies the WAL into the database soon after', async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'meta-agent-checkpoint-')), 'store.db');
    store = createSqliteStore(file, { backgroundThreads: true, checkpointIntervalMs: 3000 });
    const before = size(file);
    const now = Date.now();
    // About 8 MB of pages: far past the 1,000 pages at which a commit would checkpoint by itself.
    for (let batch = 0; batch < 20; batch++) {
      const samples = Array.from({ length: 2000 }, (_, i) => ({ ...emptySample(`agent_${i % 50}`, new Date(now - (batch * 2000 + i) * 1000).toISOString(), 'push'), response_time: i }));
      await store.samples.insert(samples, new Date(now).toISOString());
    }
    expect(size(`${file}-wal`)).toBeGreaterThan(4_000_000);
    expect(size(file), 'the main thread copied pages into the database').toBeLessThan(before + 1_000_000);
    expect(await until(() => size(file) > before + 4_000_000, 8000), 'the database file took the WAL pages').toBe(true);
    // Everything still reads back, through the main connection.
    expect(await store.samples.list({ sinceIso: new Date(now - 86_400_000).toISOString(), limit: 50_000 })).toHaveLength(40_000);
    // The health report's row counts come from the same thread, recounted when a report finds them old.
    let info = await store.info();
    const refreshed = await until(() => {
      void store!.info().then((latest) => (info = latest));
      return info.rows.agent_performance_history === 40_000;
    }, 8000);
    expect(refreshed, `rows counted: ${JSON.stringify(info.rows)} at ${info.rows_counted_at}`).toBe(true);
  });

  it('truncates a WAL that grew under a burst once the writes pause, and loses nothing', async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'meta-agent-checkpoint-')), 'store.db');
    store = createSqliteStore(file, { backgroundThreads: true, checkpointIntervalMs: 50, walKeepBytes: 1_000_000 });
    const now = Date.now();
    for (let batch = 0; batch < 10; batch++) {
      const samples = Array.from({ length: 2000 }, (_, i) => ({ ...emptySample(`agent_${i % 500}`, new Date(now - (batch * 2000 + i) * 1000).toISOString(), 'push'), response_time: i }));
      await store.samples.insert(samples, new Date(now).toISOString());
    }
    // The commits themselves never cut the file back (that would cost a commit the truncation).
    expect(size(`${file}-wal`)).toBeGreaterThan(2_000_000);
    expect(await until(() => size(`${file}-wal`) <= 1_000_000, 8000), `WAL still ${size(`${file}-wal`)} bytes`).toBe(true);
    expect(await store.samples.list({ sinceIso: new Date(now - 86_400_000).toISOString(), limit: 50_000 })).toHaveLength(20_000);
  });
});
