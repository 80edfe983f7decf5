import Database from 'better-sqlite3';
import { statSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { CatchUp } from './wal-catch-up.js';

export interface CheckpointWorkerInit {
  file: string;
  intervalMs: number;
  /** Tables whose rows are counted every `countIntervalMs` (and at start). */
  countTables: readonly string[];
  countIntervalMs: number;
  /** Shared with the sample writer: asks it to finish a checkpoint between two groups (wal-catch-up.ts). */
  catchUp?: Int32Array;
  /** A WAL file larger than this is truncated once writes pause. */
  walKeepBytes: number;
}

export type CheckpointWorkerMessage = { error: string } | { counts: Record<string, number>; at: string };

/**
 * Copies the WAL back into the database file from its own thread and connection, so no
 * request or job on the main thread ever pays for it. PASSIVE never blocks writers or readers:
 * it copies what it can and the next round takes the rest. Counts the rows of the main tables
 * too: a COUNT reads a whole index, seconds for a large database.
 */
const { file, intervalMs, countTables, countIntervalMs, catchUp, walKeepBytes } = workerData as CheckpointWorkerInit;
/** A WAL this long (16 MB of 4 KB pages) is caught up with (wal-catch-up.ts)... */
const CATCH_UP_FRAMES = 4096;
/**
 * ...by passes back to back until one copies fewer frames than this (4 MB), when the writer is
 * asked for the rest. Its share is what arrived during the last pass, copied with the write lock
 * held (about 20 ms for a batch from 1,000 agents here, most of it the two fsyncs), so the pass
 * before a hand-over must be a short one, never the first after a pause...
 */
const HAND_OVER_FRAMES = 1024;
/** ...or after this many passes in a row (a steady load adds a batch or so during each)... */
const MAX_PASSES_IN_A_ROW = 4;
/** ...or after the second pass past this length (64 MB): the writer adds frames faster than the passes copy them. */
const MUST_HAND_OVER_FRAMES = 4 * CATCH_UP_FRAMES;
/** A writer that has not answered in this long is not waited for (the thread checkpoints as if there were none). */
const HAND_OVER_TIMEOUT_MS = 2000;
const post = (message: CheckpointWorkerMessage) => parentPort!.postMessage(message);
const db = new Database(file, { fileMustExist: true });
db.pragma('busy_timeout = 1000');
db.pragma('wal_autocheckpoint = 0');
let timer: NodeJS.Timeout;
/**
 * After a burst the WAL file keeps its largest size. When a pass finds nothing new since the pass
 * before, a TRUNCATE checkpoint empties it; it gives up at once rather than wait for a writer or a reader.
 */
function trimWhenQuiet(): void {
  if (walBytes() <= walKeepBytes) return;
  db.pragma('busy_timeout = 0');
  try {
    db.pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    db.pragma('busy_timeout = 1000');
  }
}

function walBytes(): number {
  try {
    return statSync(`${file}-wal`).size;
  } catch {
    return 0;
  }
}
let askedAt = 0;
let lastPassLog = 0;
let passesInARow = 0;

function pass(): void {
  timer = setTimeout(pass, checkpoint());
}

/** One pass, or none while the writer is asked to catch up; answers when the next should run. */
function checkpoint(): number {
  if (catchUp && Atomics.load(catchUp, 0) !== CatchUp.IDLE) {
    if (Date.now() - askedAt < HAND_OVER_TIMEOUT_MS) return 10;
    Atomics.store(catchUp, 0, CatchUp.IDLE);
  }
  try {
    const [result] = db.pragma('wal_checkpoint(PASSIVE)') as Array<{ busy: number; log: number; checkpointed: number }>;
    if (!result) return intervalMs;
    // `log` counts the frames there were when the pass began: what this pass copied is what came since the last one.
    const copied = result.log >= lastPassLog ? result.log - lastPassLog : result.log;
    lastPassLog = result.log;
    if (copied === 0) trimWhenQuiet();
    else if (catchUp && result.log >= CATCH_UP_FRAMES) {
      // The first pass takes what came in since the last round (up to a second of writes); each
      // next one what came in during the one before, until what is left is a few milliseconds of writes.
      passesInARow += 1;
      const again = copied > HAND_OVER_FRAMES && passesInARow < MAX_PASSES_IN_A_ROW && (passesInARow === 1 || result.log < MUST_HAND_OVER_FRAMES);
      if (again) return 0;
      passesInARow = 0;
      Atomics.store(catchUp, 0, CatchUp.REQUESTED);
      askedAt = Date.now();
      return 10;
    }
  } catch (error) {
    post({ error: (error as Error).message });
  }
  passesInARow = 0;
  return intervalMs;
}
timer = setTimeout(pass, intervalMs);
const count = () => {
  try {
    const counts = Object.fromEntries(countTables.map((table) => [table, db.prepare(`SELECT COUNT(*) FROM ${table}`).pluck().get() as number]));
    post({ counts, at: new Date().toISOString() });
  } catch (error) {
    post({ error: `counting rows failed: ${(error as Error).message}` });
  }
};
setImmediate(count);
const counter = setInterval(count, countIntervalMs);
parentPort!.on('message', (message: unknown) => {
  if (message === 'count') return count();
  if (message !== 'stop') return;
  clearTimeout(timer);
  clearInterval(counter);
  db.close();
  parentPort!.close();
});
