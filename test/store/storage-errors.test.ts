import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { withStorageErrors } from '../../src/store/sqlite/storage-errors.js';

describe('a write that finds the database locked', () => {
  it('waits outside SQLite, letting the event loop run, and goes through once the lock is free', async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'meta-agent-busy-')), 'busy.db');
    const main = new Database(file);
    main.pragma('journal_mode = WAL');
    main.pragma('busy_timeout = 0');
    main.exec('CREATE TABLE notes (text TEXT)');
    const other = new Database(file);
    const waits: string[] = [];
    const repo = withStorageErrors(
      { add: async (text: string) => main.prepare('INSERT INTO notes (text) VALUES (?)').run(text).changes },
      { waiting: () => waits.push('waiting'), done: () => waits.push('done') },
    );

    other.exec('BEGIN IMMEDIATE'); // another connection holds the write lock
    let ticks = 0;
    const ticking = setInterval(() => (ticks += 1), 5);
    const added = repo.add('after the lock');
    setTimeout(() => other.exec('COMMIT'), 150);
    expect(await added).toBe(1);
    clearInterval(ticking);

    expect(ticks, 'timers ran while the write waited').toBeGreaterThan(10);
    expect(waits).toEqual(['waiting', 'done']);
    expect(main.prepare('SELECT text FROM notes').pluck().all()).toEqual(['after the lock']);
    other.close();
    main.close();
  });
});
