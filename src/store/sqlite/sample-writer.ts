import { once } from 'node:events';
import type { Worker } from 'node:worker_threads';
import { AppError, ErrorCode } from '../../errors.js';
import { spawnWorker } from '../../worker-thread.js';
import { isBusy, type LockWaiters } from './storage-errors.js';
import type { Db, OpenDbOptions } from './open-db.js';
import { createRollupFold, type RollupFold } from './rollup-fold.js';
import { createSampleInsert, SMALL_WRITE_SAMPLES, type SampleWrite, type WriteOutcome } from './sample-insert.js';
import type { SampleWriterInit, WriterReply, WriterRequest } from './sample-writer-worker.js';
import { sharedCell } from './shared-cell.js';

export interface SampleWriter extends RollupFold {
  /** Resolves with the id of the write's last row once it is committed; rejects with why it was not. */
  write(write: SampleWrite): Promise<number>;
  /** Callers on the main connection waiting for the write lock: the writer thread lets them in first. */
  lockWaiters?: LockWaiters;
  close(): Promise<void>;
}

/** A refused write as the error SQLite raised, code included, so storage failures read the same from either path. */
function toResult(outcome: WriteOutcome): number {
  if ('lastId' in outcome) return outcome.lastId;
  throw Object.assign(new Error(outcome.error.message), outcome.error.code ? { code: outcome.error.code } : {});
}

/** Writes on the main connection, one request per transaction: for tests and in-memory stores. */
export function createInlineSampleWriter(db: Db, versionGeneration?: Int32Array): SampleWriter {
  const insert = createSampleInsert(db, versionGeneration);
  const rollups = createRollupFold(db);
  return {
    async write(write) {
      return toResult(insert.write([write])[0]!);
    },
    update: () => rollups.update(),
    async close() {},
  };
}

/**
 * Writes samples on their own thread and connection (sample-writer-worker.ts), with group
 * commits: the main thread only hands the rows over and is told when they are durable. If the
 * thread fails, writes go to the main connection from then on, and the writes it held are
 * refused (whether they committed is unknown, so the sender is told to try again).
 */
export function startSampleWriter(
  db: Db,
  file: string,
  { synchronous, onError = () => {}, catchUp = sharedCell() }: Pick<OpenDbOptions, 'synchronous'> & { onError?: (message: string) => void; catchUp?: Int32Array } = {},
): SampleWriter {
  // How many callers on the main connection wait for the write lock, shared with the thread.
  const waiters = sharedCell();
  const versionGeneration = sharedCell();
  const init: SampleWriterInit = { file, synchronous, waiters, catchUp, versionGeneration };
  let worker: Worker | undefined = spawnWorker(new URL('./sample-writer-worker.js', import.meta.url), init);
  const inline = createInlineSampleWriter(db, versionGeneration);
  const waiting = new Map<number, { resolve: (result: never) => void; reject: (error: unknown) => void }>();
  const ask = <T>(request: Exclude<WriterRequest, 'stop'>) =>
    new Promise<T>((resolve, reject) => {
      waiting.set(request.seq, { resolve: resolve as (result: never) => void, reject });
      worker!.postMessage(request);
    });
  let seq = 0;

  const fallBack = (why: string) => {
    if (!worker) return;
    worker = undefined;
    onError(why);
    // Not SQLITE_BUSY: a busy write is retried at once, and this one may have been committed.
    const error = new AppError(ErrorCode.unavailable, 'The sample writer stopped before confirming this write; it may or may not be stored. Send it again', {
      retryAfterSeconds: 1,
    });
    for (const pending of waiting.values()) pending.reject(error);
    waiting.clear();
  };
  worker.on('message', (reply: WriterReply) => {
    if (!('outcomes' in reply)) {
      const pending = waiting.get(reply.seq);
      waiting.delete(reply.seq);
      if ('folded' in reply) pending?.resolve(reply.folded as never);
      else pending?.reject(new Error(`folding the rollups failed: ${reply.foldError}`));
      return;
    }
    for (const { seq: n, outcome } of reply.outcomes) {
      const pending = waiting.get(n);
      if (!pending) continue;
      waiting.delete(n);
      try {
        pending.resolve(toResult(outcome) as never);
      } catch (error) {
        pending.reject(error);
      }
    }
  });
  worker.on('error', (error) => fallBack(`the sample writer thread failed (${error.message}); writing on the main thread again`));
  worker.on('exit', (code) => fallBack(`the sample writer thread exited (${code}); writing on the main thread again`));
  worker.unref();

  return {
    lockWaiters: {
      waiting: () => void Atomics.add(waiters, 0, 1),
      done: () => void Atomics.sub(waiters, 0, 1),
    },
    write(write) {
      if (!worker) return inline.write(write);
      // A trickle (the thread idle, a few samples) is written here: handing it to the thread and
      // back costs two thread wake-ups, more than the write. If the thread holds the lock, it goes there.
      const handOver = () => ask<number>({ seq: (seq += 1), write, sentAt: Date.now() });
      if (waiting.size === 0 && write.samples.length <= SMALL_WRITE_SAMPLES) {
        return inline.write(write).catch((error: unknown) => {
          if (worker && isBusy(error)) return handOver();
          throw error;
        });
      }
      return handOver();
    },
    update() {
      return worker ? ask<{ samples: number; snapshots: number }>({ seq: (seq += 1), fold: true }) : inline.update();
    },
    /** Waits for every write handed over, then stops the thread. */
    async close() {
      const w = worker;
      if (!w) return;
      worker = undefined;
      const exited = once(w, 'exit');
      w.postMessage('stop' satisfies WriterRequest);
      // Referenced while it finishes: the thread is unref'd, and a shutdown with nothing else
      // left open would otherwise end the process before the closing steps after this one.
      w.ref();
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([exited, new Promise((resolve) => (timer = setTimeout(resolve, 5000)))]);
      clearTimeout(timer);
      await w.terminate();
      for (const pending of waiting.values()) pending.reject(new AppError(ErrorCode.unavailable, 'The store closed before this write was confirmed; it may or may not be stored'));
      waiting.clear();
    },
  };
}
