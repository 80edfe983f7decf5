import Database from 'better-sqlite3';
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ensureDirSync } from '../../files/ensure-dir.js';
import { MIGRATIONS, type Migration } from './migrations/index.js';

export type Db = Database.Database;

export class DatabaseOpenError extends Error {
  override name = 'DatabaseOpenError';
}

export interface OpenDbOptions {
  /** FULL survives power loss at some cost to write speed; NORMAL survives a process crash. */
  synchronous?: 'NORMAL' | 'FULL';
  migrations?: readonly Migration[];
}

/** Opens (creating if needed) the database, sets its pragmas and applies pending migrations. */
export function openDb(file: string, options: OpenDbOptions = {}): Db {
  if (file !== ':memory:') assertWritableDirectory(path.dirname(file));
  let db: Db;
  try {
    db = new Database(file);
  } catch (error) {
    throw new DatabaseOpenError(`cannot open database ${file}: ${(error as Error).message}`);
  }
  try {
    db.pragma('busy_timeout = 5000');
    const mode = db.pragma('journal_mode = WAL', { simple: true });
    if (file !== ':memory:' && String(mode).toLowerCase() !== 'wal') {
      throw new Error(`could not switch to WAL journal mode (got ${String(mode)})`);
    }
    db.pragma(`synchronous = ${options.synchronous ?? 'NORMAL'}`);
    db.pragma('foreign_keys = ON');
    db.pragma('temp_store = MEMORY');
    db.pragma('cache_size = -32000');
    // A WAL that grew under a burst is not cut back by the commit that starts it over (on a disk
    // mounted with discard that costs a commit tens of milliseconds): the checkpoint thread trims it once writes pause.
    assertNotLockedByAnother(db);
    migrate(db, options.migrations ?? MIGRATIONS);
  } catch (error) {
    db.close();
    const busy = /^SQLITE_(BUSY|LOCKED)/.test(String((error as { code?: unknown }).code ?? ''));
    const why = busy ? LOCKED_BY_ANOTHER : (error as Error).message;
    throw new DatabaseOpenError(`cannot use database ${file}: ${why}`);
  }
  return db;
}

const LOCKED_BY_ANOTHER =
  'another program holds a write lock on it (an open sqlite3 shell or a backup tool in a transaction?); every write would wait for it and fail. Close it and start again';

/** A write lock held by another program would fail every job later, one by one: it is found now, within two seconds. */
function assertNotLockedByAnother(db: Db): void {
  db.pragma('busy_timeout = 2000');
  try {
    db.exec('BEGIN IMMEDIATE');
    db.exec('ROLLBACK');
  } finally {
    db.pragma('busy_timeout = 5000');
  }
}

/** The data directory must exist (it is created) and take writes: say so plainly when it does not. */
export function assertWritableDirectory(dir: string): void {
  try {
    ensureDirSync(dir);
    const probe = path.join(dir, `.write-test-${process.pid}`);
    writeFileSync(probe, '');
    rmSync(probe);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'EROFS' ? 'it is on a read-only file system' : code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code === 'ENOSPC' ? 'the disk is full' : (error as Error).message;
    throw new DatabaseOpenError(`the data directory ${dir} is not writable (${why}): Meta Agent keeps its database, status file and reports there`);
  }
}

export function schemaVersion(db: Db): number {
  const row = db.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as { v: number | null };
  return row.v ?? 0;
}

function migrate(db: Db, migrations: readonly Migration[]): void {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at TEXT NOT NULL
  )`);
  const current = schemaVersion(db);
  const newest = migrations.at(-1)?.version ?? 0;
  if (current > newest) {
    throw new Error(`the database is at schema version ${current}, newer than this build knows (${newest}); upgrade Meta Agent`);
  }
  const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
  for (const migration of migrations) {
    if (migration.version <= current) continue;
    db.transaction(() => {
      db.exec(migration.sql);
      record.run(migration.version, migration.name, new Date().toISOString());
    }).immediate();
  }
}
