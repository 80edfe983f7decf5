import { parentPort, workerData } from 'node:worker_threads';
import { openDb, type OpenDbOptions } from './open-db.js';
import { createRollupFold } from './rollup-fold.js';
import { createSampleInsert, SMALL_WRITE_SAMPLES, type SampleWrite, type WriteOutcome } from './sample-insert.js';
import { isBusy } from './storage-errors.js';
import { catchUpIfAsked } from './wal-catch-up.js';
import { sharedCell } from './shared-cell.js';

export interface SampleWriterInit {
  file: string;
  synchronous?: OpenDbOptions['synchronous'];
  /** [0]: how many callers on the main connection wait for the write lock. */
  waiters: Int32Array;
  /** Set by the checkpoint thread when only a checkpoint between two groups can finish copying the WAL (wal-catch-up.ts). */
  catchUp: Int32Array;
  /** Shared with the main connection's inserter: tells each that the other wrote (version-log.ts). */
  versionGeneration: Int32Array;
}

/** main → writer: one request's samples, numbered and stamped with when they were sent (Date.now()); a fold of the rollups; or 'stop' once everything sent is answered. */
export type WriterRequest = { seq: number; write: SampleWrite; sentAt: number } | { seq: number; fold: true } | 'stop';
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
const { file, synchronous, waiters, catchUp, versionGeneration } = workerData as SampleWriterInit;
// The main connection opened the database first and applied the migrations: nothing is left to apply here.
const db = openDb(file, { synchronous });
db.pragma('wal_autocheckpoint = 0');
// SQLite's own busy handler sleeps 1, 2, 5, 10 … 100 ms between tries: the thread would sleep long
// after a short write on the main connection let go. It tries again every millisecond instead.
db.pragma('busy_timeout = 0');
const insert = createSampleInsert(db, versionGeneration);
/** Fold steps waiting for the queues to empty: samples go first. */
const idleWaiters: Array<() => void> = [];
/** ...but a fold step waits no longer than this, so a writer that is never idle still folds. */
const MAX_FOLD_WAIT_MS = 100;
function whenIdle(): Promise<void> {
  if (pending() === 0) return new Promise((resolve) => setImmediate(resolve));
  return new Promise((resolve) => {
    const go = () => {
      clearTimeout(timer);
      const at = idleWaiters.indexOf(go);
      if (at >= 0) idleWaiters.splice(at, 1);
      resolve();
    };
    const timer = setTimeout(go, MAX_FOLD_WAIT_MS);
    idleWaiters.push(go);
  });
}
const rollups = createRollupFold(db, whenIdle);
/**
 * A group of batches holds this many samples at most (one larger request goes alone): the write
 * lock is held for a few tens of milliseconds, and a small request waits for one such group at most.
 */
const MAX_GROUP_SAMPLES = 2000;
type Queued = { seq: number; write: SampleWrite; sentAt: number };
/** Two lanes (small writes: SMALL_WRITE_SAMPLES): a single sample must not wait behind every batch that arrived before it. */
const small: Queued[] = [];
const large: Queued[] = [];
let scheduled = false;
let folding: Promise<unknown> = Promise.resolve();

/** While the main connection waits for the write lock, the next group waits this long at a time (it retries within milliseconds). */
const GIVE_WAY_MS = 2;
/** ...but no longer than this in all, so a stuck waiter cannot stop ingestion. */
const MAX_GIVE_WAY_MS = 200;
let givingWaySince = 0;

const pending = () => small.length + large.length;
const schedule = (delayMs = 0) => {
  if (scheduled) return;
  scheduled = true;
  if (delayMs > 0) setTimeout(flush, delayMs);
  else setImmediate(flush);
};

/** Up to MAX_GROUP_SAMPLES from the head of a lane (one larger request goes alone). */
function take(lane: Queued[]): Queued[] {
  let size = 0;
  let n = 0;
  while (n < lane.length && (n === 0 || size + lane[n]!.write.samples.length <= MAX_GROUP_SAMPLES)) size += lane[n++]!.write.samples.length;
  return lane.splice(0, n);
}

/** A small write may go ahead of batches that arrived up to this long before it, and no further. */
const OVERTAKE_MS = 100;

/**
 * The next group: small requests first, unless the oldest batch arrived more than OVERTAKE_MS
 * before the oldest small one, so a steady stream of single samples cannot hold batches back.
 */
function nextGroup(): Queued[] {
  const smallFirst = small.length > 0 && (large.length === 0 || small[0]!.sentAt - large[0]!.sentAt < OVERTAKE_MS);
  return take(smallFirst ? small : large);
}

/** How long a group waits in all for a lock held by another connection before its writes fail. */
const MAX_LOCK_WAIT_MS = 5000;
let lockedSince = 0;
const pause = sharedCell();

/** Writes the group and answers for it; false when another connection holds the lock (the group goes back to the head of its lane). */
function commit(group: Queued[]): boolean {
  let outcomes: WriteOutcome[];
  try {
    outcomes = insert.write(group.map((g) => g.write));
    lockedSince = 0;
  } catch (error) {
    if (isBusy(error)) {
      lockedSince ||= Date.now();
      if (Date.now() - lockedSince < MAX_LOCK_WAIT_MS) {
        (group[0]!.write.samples.length <= SMALL_WRITE_SAMPLES ? small : large).unshift(...group);
        return false;
      }
    }
    lockedSince = 0;
    const { message, code } = error as { message: string; code?: unknown };
    outcomes = group.map(() => ({ error: { message, ...(typeof code === 'string' ? { code } : {}) } }));
  }
  const reply: WriterReply = { outcomes: group.map((g, i) => ({ seq: g.seq, outcome: outcomes[i]! })) };
  parentPort!.postMessage(reply);
  return true;
}

/** Between two groups no frame is added: the checkpoint thread's request to finish copying the WAL is taken then (wal-catch-up.ts). */
function catchUpCheckpoint(): void {
  catchUpIfAsked(catchUp, () => {
    try {
      db.pragma('wal_checkpoint(PASSIVE)');
    } catch {
      // The checkpoint thread asks again after its next pass; the samples are safe in the WAL.
    }
  });
}

/** Whether the last group committed was of small writes (they have had their turn before a catch-up). */
let lastGroupSmall = false;

function flush(closing = false): void {
  scheduled = false;
  if (!closing && pending() > 0 && Atomics.load(waiters, 0) > 0) {
    givingWaySince ||= Date.now();
    if (Date.now() - givingWaySince < MAX_GIVE_WAY_MS) return schedule(GIVE_WAY_MS);
  }
  givingWaySince = 0;
  // A catch-up holds the write lock for tens of milliseconds: the small writes that arrived
  // during the last group (delivered before this flush ran) are committed first.
  if (!closing && (small.length === 0 || lastGroupSmall)) catchUpCheckpoint();
  const group = nextGroup();
  if (group.length > 0 && !commit(group)) {
    // Locked by another connection: closing, the caller's loop tries again a millisecond later.
    if (closing) return void Atomics.wait(pause, 0, 0, 1);
    return schedule(1);
  }
  lastGroupSmall = group.length > 0 && group[0]!.write.samples.length <= SMALL_WRITE_SAMPLES;
  if (pending() > 0) return schedule();
  if (!closing) catchUpCheckpoint();
  for (const resume of idleWaiters.splice(0)) setImmediate(resume);
}

parentPort!.on('message', (message: WriterRequest) => {
  if (message === 'stop') {
    while (pending() > 0) flush(true);
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
  (message.write.samples.length <= SMALL_WRITE_SAMPLES ? small : large).push(message);
  schedule();
});
