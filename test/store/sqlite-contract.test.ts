import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';
import { createSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { storeContract } from './contract.js';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

storeContract('SQLite', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'meta-agent-contract-'));
  dirs.push(dir);
  return createSqliteStore(path.join(dir, 'store.db'));
});
