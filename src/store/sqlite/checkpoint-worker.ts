import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';

export interface CheckpointWorkerInit {
  file: string;
  intervalMs: number;
  /** Tables whose rows are counted every `countIntervalMs` (and at start). */
  countTables: readonly string[];
  countIntervalMs: number;
  /** Shared with the sample writer: [0] set to 1 asks it for a checkpoint between two groups. */
  catchUp?: Int32Array;
}

export type CheckpointWorkerMessage = { error: string } | { counts: Record<string, number>; at: string };

/**
 * Copies the WAL back into the database file from its own thread and connection, so no
 * request or job on the main thread ever pays for it. PASSIVE never blocks writers or readers:
 * it copies what it can and the next round takes the rest. Counts the rows of the main tables
 * too: a COUNT reads a whole index, seconds for a large database.
 */
const { file, intervalMs, countTables, countIntervalMs, catchUp } = workerData as CheckpointWorkerInit;
/** A WAL this long (16 MB of 4 KB pages) after a pass: the writer is asked to finish the checkpoint. */
const CATCH_UP_FRAMES = 4096;
const post = (message: CheckpointWorkerMessage) => parentPort!.postMessage(message);
const db = new Database(file, { fileMustExist: true });
db.pragma('busy_timeout = 1000');
db.pragma('wal_autocheckpoint = 0');
const timer = setInterval(() => {
  try {
    const [result] = db.pragma('wal_checkpoint(PASSIVE)') as Array<{ busy: number; log: number; checkpointed: number }>;
    // Under a steady load a pass never reaches the end of the WAL, and only a fully copied WAL is
    // started again from its beginning. (`checkpointed` equals `log` after most passes: both count
    // the frames there were when the pass began, not those the writer added meanwhile.)
    if (catchUp && result && result.log >= CATCH_UP_FRAMES) Atomics.store(catchUp, 0, 1);
  } catch (error) {
    post({ error: (error as Error).message });
  }
}, intervalMs);
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
  clearInterval(timer);
  clearInterval(counter);
  db.close();
  parentPort!.close();
});
