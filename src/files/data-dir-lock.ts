import Database from 'better-sqlite3';
import { hostname } from 'node:os';
import path from 'node:path';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';

export class DataDirInUseError extends Error {
  override name = 'DataDirInUseError';
}

export interface DataDirLock {
  release(): void;
}

const LOCK_FILE = 'meta-agent.lock';
const OWNER_FILE = 'meta-agent.owner';

/**
 * Holds the data directory for this process: two servers on one directory would both run the
 * jobs and write the same files. The lock is SQLite's exclusive lock on a small database of its
 * own (the operating system's file lock), held until the process ends, so a crashed server
 * leaves nothing stale behind. Throws DataDirInUseError naming the holder when another has it.
 */
export function lockDataDir(dataDir: string): DataDirLock {
  const owner = path.join(dataDir, OWNER_FILE);
  const db = new Database(path.join(dataDir, LOCK_FILE));
  try {
    db.pragma('busy_timeout = 0');
    // Its content is of no interest: no journal file beside it.
    db.pragma('journal_mode = MEMORY');
    // In exclusive locking mode a connection keeps every lock it takes until it closes: the first
    // write takes the exclusive one.
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec('CREATE TABLE IF NOT EXISTS held (at TEXT NOT NULL); DELETE FROM held; INSERT INTO held VALUES (datetime())');
  } catch (error) {
    db.close();
    if (!/busy|locked/i.test(String((error as { code?: string }).code ?? (error as Error).message))) throw error;
    throw new DataDirInUseError(
      `the data directory ${dataDir} is in use by another Meta Agent (${holder(owner)}): two servers on one data directory would both run the jobs and write the same files. Stop the other one, or give this one its own META_AGENT_DATA_DIR`,
    );
  }
  writeFileSync(owner, `pid ${process.pid} on ${hostname()}, started ${new Date().toISOString()}\n`);
  return {
    release() {
      rmSync(owner, { force: true });
      db.close();
    },
  };
}

function holder(owner: string): string {
  try {
    return readFileSync(owner, 'utf8').trim().slice(0, 200);
  } catch {
    return 'it has not said which process it is';
  }
}
