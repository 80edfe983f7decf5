import { parentPort, workerData } from 'node:worker_threads';
import { openDb, type OpenDbOptions } from './open-db.js';
import { createRollupFold } from './rollup-repo.js';
import { createSampleInsert, type SampleWrite, type WriteOutcome } from './sample-insert.js';

export interface SampleWriterInit {
  file: string;
  synchronous?: OpenDbOptions['synchronous'];
  /** [0]: how many callers on the main connection wait for the write lock. */
  waiters: Int32Array;
}

/** main → writer: one request's samples, numbered; a fold of the rollups; or 'stop' once everything sent is answered. */
export type WriterRequest = { seq: number; write: SampleWrite } | { seq: number; fold: true } | 'stop';
/** writer → main: the outcome of each numbered write, after its group committed (or failed as a whole); a fold's result. */
export type WriterReply =
  | { outcomes: Array<{ seq: number; outcome: WriteOutcome }> }
  | { seq: number; folded: { samples: number; snapshots: number } }
  | { seq: number; foldError: string };

/**
 * The thread that writes samples and folds them into the rollups. Requests that arrive while a
 * group is committing wait, and the next group takes all of them: one commit for every request
 * that arrived meanwhile, and none of the B-tree and WAL work on the main thread. The fold runs
 * in steps between groups, on the same connection, so the two never wait for each other's lock.
 */
const { file, synchronous, waiters } = workerData as SampleWriterInit;
// The main connection opened the database first and applied the migrations: nothing is left to apply here.
const db = openDb(file, { synchronous });
db.pragma('wal_autocheckpoint = 0');
const insert = createSampleInsert(db);
const rollups = createRollupFold(db);
const MAX_GROUP_SAMPLES = 2000;
let queue: Array<{ seq: number; write: SampleWrite }> = [];
let scheduled = false;
let folding: Promise<unknown> = Promise.resolve();

/** While the main connection waits for the write lock, the next group waits this long at a time (it retries within milliseconds). */
const GIVE_WAY_MS = 2;
/** ...but no longer than this in all, so a stuck waiter cannot stop ingestion. */
const MAX_GIVE_WAY_MS = 200;
let givingWaySince = 0;

function flush(closing = false): void {
  scheduled = false;
  if (!closing && queue.length > 0 && Atomics.load(waiters, 0) > 0) {
    givingWaySince ||= Date.now();
    if (Date.now() - givingWaySince < MAX_GIVE_WAY_MS) {
      scheduled = true;
      setTimeout(() => flush(), GIVE_WAY_MS);
      return;
    }
  }
  givingWaySince = 0;
  // Bounded groups: the write lock is held for tens of milliseconds at most, so the main
  // thread's own writes (snapshots, findings) never wait long for it.
  let size = 0;
  let n = 0;
  while (n < queue.length && (n === 0 || size + queue[n]!.write.samples.length <= MAX_GROUP_SAMPLES)) size += queue[n++]!.write.samples.length;
  const group = queue.slice(0, n);
  queue = queue.slice(n);
  if (queue.length > 0 && !scheduled) {
    scheduled = true;
    setImmediate(() => flush());
  }
  if (group.length === 0) return;
  let outcomes: WriteOutcome[];
  try {
    outcomes = insert.write(group.map((g) => g.write));
  } catch (error) {
    const { message, code } = error as { message: string; code?: unknown };
    outcomes = group.map(() => ({ error: { message, ...(typeof code === 'string' ? { code } : {}) } }));
  }
  const reply: WriterReply = { outcomes: group.map((g, i) => ({ seq: g.seq, outcome: outcomes[i]! })) };
  parentPort!.postMessage(reply);
}

parentPort!.on('message', (message: WriterRequest) => {
  if (message === 'stop') {
    while (queue.length > 0) flush(true);
    void folding.finally(() => {
      db.close();
      parentPort!.close();
    });
    return;
  }
  if ('fold' in message) {
    const { seq } = message;
    const fold = rollups.update();
    folding = fold.catch(() => {});
    fold.then(
      (folded) => parentPort!.postMessage({ seq, folded } satisfies WriterReply),
      (error: Error) => parentPort!.postMessage({ seq, foldError: error.message } satisfies WriterReply),
    );
    return;
  }
  queue.push(message);
  if (!scheduled) {
    scheduled = true;
    setImmediate(flush);
  }
});
