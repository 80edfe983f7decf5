import pg from 'pg';
import { AppError, ErrorCode } from '../../errors.js';

export type Pool = pg.Pool;
export type Client = pg.PoolClient;
/** Anything that runs a query: the pool, or a client inside a transaction. */
export type Queryable = Pick<pg.Pool, 'query'>;

// Counts and ids come back as int8, sums of integers as numeric: both as JS numbers (every value
// this store keeps is far below 2^53), not the strings node-postgres gives by default.
const INT8 = 20;
const NUMERIC = 1700;
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8 || oid === NUMERIC ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

/** A pool for the URL; nothing connects until the first query. */
export function createPool(url: string, max = 10): Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max,
    types,
    connectionTimeoutMillis: 5000,
    keepAlive: true,
    // The server ends a session whose client vanished in about 20 s, and one left idle inside a
    // transaction (its client cut off mid-write) after 30 s, freeing the locks it held.
    options: '-c tcp_keepalives_idle=10 -c tcp_keepalives_interval=3 -c tcp_keepalives_count=3 -c idle_in_transaction_session_timeout=30000',
  });
  // An idle client whose server went away emits here; without a listener that would end the process.
  pool.on('error', () => {});
  return pool;
}

/** Runs `work` in one transaction on one client; rolled back if it throws. */
export async function inTransaction<T>(pool: Pool, work: (client: Client) => Promise<T>, begin = 'BEGIN'): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query(begin);
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

/** Reads that must see one state of the database: every statement in `work` reads the same snapshot. */
export const inSnapshot = <T>(pool: Pool, work: (client: Client) => Promise<T>): Promise<T> => inTransaction(pool, work, 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');

export async function rows<T>(db: Queryable, text: string, values: unknown[] = []): Promise<T[]> {
  return (await db.query(text, values)).rows as T[];
}

export async function one<T>(db: Queryable, text: string, values: unknown[] = []): Promise<T | undefined> {
  return (await db.query(text, values)).rows[0] as T | undefined;
}

/** Connection-level failures (server down, refused, reset) as a 503 the client may retry; anything else as it is. */
export function translatePgError(error: unknown): unknown {
  const code = String((error as { code?: unknown }).code ?? '');
  const connection = ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN'].includes(code) || code.startsWith('08') || code === '57P01' || code === '57P03';
  const timedOut = /timeout exceeded when trying to connect|Connection terminated/i.test(String((error as Error)?.message));
  if (connection || timedOut) return new AppError(ErrorCode.unavailable, 'The database (PostgreSQL) cannot be reached; try again shortly', { retryAfterSeconds: 1 });
  return error;
}

/** A NOT NULL violation, in the words the SQLite store uses, so both engines refuse a bad row alike. */
export function sameWordsAsSqlite(error: unknown): unknown {
  const e = error as { code?: string; table?: string; column?: string };
  if (e?.code === '23502') return Object.assign(new Error(`NOT NULL constraint failed: ${e.table}.${e.column}`), { code: 'SQLITE_CONSTRAINT_NOTNULL' });
  return error;
}
