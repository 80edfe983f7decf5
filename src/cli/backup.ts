import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { DATABASE_FILE } from '../config.js';
import { Refused } from './client.js';

/**
 * A consistent copy of the SQLite database while the server runs, with SQLite's online backup
 * (rows still in the WAL included, which `cp` of the file loses). Answers the pages copied.
 */
export async function backupSqlite(dataDir: string, target: string): Promise<{ source: string; target: string; pages: number }> {
  const source = path.resolve(dataDir, DATABASE_FILE);
  if (!existsSync(source)) throw new Refused(`no database at ${source}: set META_AGENT_DATA_DIR (or --data-dir) to the server's data directory`);
  const destination = path.resolve(target);
  if (existsSync(destination)) throw new Refused(`${destination} exists: give a new file name (a backup never overwrites)`);
  const db = new Database(source, { readonly: true, fileMustExist: true });
  try {
    const { totalPages } = await db.backup(destination);
    return { source, target: destination, pages: totalPages };
  } finally {
    db.close();
  }
}
