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

const open = (backgroundThreads: boolean) => async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'meta-agent-contract-'));
  dirs.push(dir);
  return createSqliteStore(path.join(dir, 'store.db'), { backgroundThreads });
};

storeContract('SQLite', open(false));
// As the server runs it: samples written on their own thread with group commits, the WAL checkpointed on another.
storeContract('SQLite with its writer and checkpoint threads', open(true));
