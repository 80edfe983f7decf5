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

/** The same repository, with storage failures translated on every method. */
export function withStorageErrors<T extends object>(repo: T): T {
  const wrapped = {} as Record<string, unknown>;
  for (const [name, value] of Object.entries(repo)) {
    wrapped[name] =
      typeof value === 'function'
        ? async (...args: unknown[]) => {
            try {
              return await (value as (...a: unknown[]) => unknown).apply(repo, args);
            } catch (error) {
              throw translateStorageError(error);
            }
          }
        : value;
  }
  return wrapped as T;
}
