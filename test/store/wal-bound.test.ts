import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { emptySample } from '../../src/domain/sample.js';
import { createSqliteStore } from '../../src/store/sqlite/sqlite-store.js';

describe('the WAL under a steady load of samples', () => {
  it('starts over instead of growing for as long as the load lasts', async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'meta-agent-wal-')), 'store.db');
    const store = createSqliteStore(file, { backgroundThreads: true, checkpointIntervalMs: 50 });
    try {
      const now = Date.now();
      let batch = 0;
      const sender = async () => {
        while (batch < 160) {
          const n = batch++;
          // 1,000 agents per batch: each batch dirties about a thousand index pages.
          const samples = Array.from({ length: 1000 }, (_, i) => ({ ...emptySample(`agent_${String(i).padStart(4, '0')}`, new Date(now - n * 1000).toISOString(), 'push'), response_time: i }));
          await store.samples.insert(samples, new Date(now).toISOString());
        }
      };
      await Promise.all([sender(), sender(), sender(), sender()]);
      const walMb = statSync(`${file}-wal`).size / 1e6;
      // 160 MB of samples went in, and a WAL that never starts over holds about twice that (the
      // checkpoint thread alone: ~380 MB). Caught up with by the writer it peaks near 64 MB plus the
      // groups committed during the last passes and while the writer is asked.
      expect(walMb, 'WAL file size in MB').toBeLessThan(150);
    } finally {
      await store.close();
    }
  });
});
