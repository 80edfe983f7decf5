import { AppError, ErrorCode } from '../../errors.js';

/**
 * SQLite's failures that are about the storage, not a bug: the disk is full, the database is
 * locked or read-only, the I/O failed. They become clear 507/503 answers; the transaction that
 * hit them was rolled back, so nothing was half-written.
 */
export function translateStorageError(error: unknown): unknown {
  const code = (error as { code?: unknown }).code;
  if (typeof code !== 'string' || !code.startsWith('SQLITE_')) return error;
  if (code.startsWith('SQLITE_FULL')) return new AppError(ErrorCode.storageFull, 'The disk holding the database is full; nothing was written');
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return new AppError(ErrorCode.unavailable, 'The database is locked by another process; nothing was written, try again', { retryAfterSeconds: 5 });
  }
  if (code.startsWith('SQLITE_READONLY')) return new AppError(ErrorCode.unavailable, 'The database is read-only; nothing was written');
  if (code.startsWith('SQLITE_IOERR') || code.startsWith('SQLITE_CANTOPEN')) {
    return new AppError(ErrorCode.unavailable, 'The database could not be read or written (I/O error); nothing was written');
  }
  return error;
}

/** SQLITE_BUSY: the lock was not taken, or its transaction was rolled back; trying again is safe. */
export const isBusy = (error: unknown) => String((error as { code?: unknown }).code ?? '').startsWith('SQLITE_BUSY');
/** How long a method keeps trying while another connection holds the write lock. */
const BUSY_RETRY_MS = 5000;

/** Runs `write` (a transaction), trying again every millisecond while another connection holds the lock, up to 5 s. */
export async function whenUnlocked<T>(write: () => T): Promise<T> {
  const deadline = performance.now() + BUSY_RETRY_MS;
  for (;;) {
    try {
      return write();
    } catch (error) {
      if (!isBusy(error) || performance.now() > deadline) throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

/**
 * Told when a caller starts waiting for the write lock and when it stops: the sample writer
 * lets such a caller in before it takes the lock again (sample-writer-worker.ts).
 */
export interface LockWaiters {
  waiting(): void;
  done(): void;
}

/**
 * The same repository, with storage failures translated on every method. A method that finds
 * the database locked (SQLITE_BUSY: the lock was not taken, or its transaction was rolled back)
 * is tried again after a short wait that lets the event loop run, up to 5 s: with the sample
 * writer on its own thread the main connection does not wait for the lock inside SQLite, which
 * would hold up every request for as long.
 */
export function withStorageErrors<T extends object>(repo: T, waiters?: LockWaiters): T {
  const wrapped = {} as Record<string, unknown>;
  for (const [name, value] of Object.entries(repo)) {
    wrapped[name] =
      typeof value === 'function'
        ? async (...args: unknown[]) => {
            const deadline = performance.now() + BUSY_RETRY_MS;
            let announced = false;
            try {
              // The writer thread holds its next group back for an announced waiter: a few milliseconds suffice.
              for (let wait = 1; ; wait = Math.min(2 * wait, waiters ? 4 : 16)) {
                try {
                  return await (value as (...a: unknown[]) => unknown).apply(repo, args);
                } catch (error) {
                  if (!isBusy(error) || performance.now() > deadline) throw translateStorageError(error);
                }
                if (!announced) waiters?.waiting();
                announced = true;
                await new Promise((resolve) => setTimeout(resolve, wait * (0.5 + Math.random())));
              }
            } finally {
              if (announced) waiters?.done();
            }
          }
        : value;
  }
  return wrapped as T;
}
