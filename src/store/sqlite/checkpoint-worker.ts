import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';

export interface CheckpointWorkerInit {
  file: string;
  intervalMs: number;
}

/**
 * Copies the WAL back into the database file from its own thread and connection, so no
 * request or job on the main thread ever pays for it. PASSIVE never blocks writers or readers:
 * it copies what it can and the next round takes the rest.
 */
const { file, intervalMs } = workerData as CheckpointWorkerInit;
const db = new Database(file, { fileMustExist: true });
db.pragma('busy_timeout = 1000');
db.pragma('wal_autocheckpoint = 0');
const timer = setInterval(() => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch (error) {
    parentPort!.postMessage({ error: (error as Error).message });
  }
}, intervalMs);
parentPort!.on('message', (message: unknown) => {
  if (message !== 'stop') return;
  clearInterval(timer);
  db.close();
  parentPort!.close();
});
