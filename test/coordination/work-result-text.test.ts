import { afterAll, describe, expect, it } from 'vitest';
import { openPostgresStore } from '../../src/store/postgres/pg-store.js';
import type { Store } from '../../src/store/store.js';
import { createTestApp } from '../helpers/app.js';
import { approvedWork } from '../helpers/improvements.js';
import { freshDatabase, testDatabaseUrl } from '../helpers/services.js';

const url = testDatabaseUrl();
const drops: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const drop of drops) await drop();
});

const engines: Array<[string, () => Promise<Store | undefined>]> = [
  ['SQLite', async () => undefined],
  ...(url
    ? [
        [
          'PostgreSQL',
          async () => {
            const database = await freshDatabase(url);
            drops.push(database.drop);
            return openPostgresStore(database.url);
          },
        ] as [string, () => Promise<Store | undefined>],
      ]
    : []),
];

describe.each(engines)('a worker result on %s', (_engine, open) => {
  it('refuses NUL characters and broken Unicode anywhere in its changes with 400 naming where, and stores nothing', async () => {
    const store = await open();
    const t = createTestApp({}, store ? { store } : {});
    const work = await approvedWork(t);
    expect((await t.post(`/api/meta-agent/improvements/${work.id}/claim`, { worker: 'editor-1' })).status).toBe(200);
    const complete = (changes: unknown) => t.post(`/api/meta-agent/improvements/${work.id}/complete`, { worker: 'editor-1', summary: 'fixed', changes });
    const nul = await complete([{ file: 'agents/a.py', description: 'before\u0000after' }]);
    expect(nul.status).toBe(400);
    expect(nul.body.message).toMatch(/changes\[0\]\.description must hold text without NUL/);
    const surrogate = await complete([{ file: 'agents/a.py', notes: ['ok', 'broken \ud800'] }]);
    expect(surrogate.status).toBe(400);
    expect(surrogate.body.message).toMatch(/changes\[0\]\.notes\[1\]/);
    expect((await t.get(`/api/meta-agent/improvements/${work.id}`)).body.data.status).toBe('in_progress');
    const done = await complete([{ file: 'agents/a.py', description: 'tabs\tand\nnewlines are fine' }]);
    expect(done.status).toBe(200);
  });
});
