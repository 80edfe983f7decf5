import { once } from 'node:events';
import type { Worker } from 'node:worker_threads';
import { spawnWorker } from '../../worker-thread.js';
import type { CheckpointWorkerInit } from './checkpoint-worker.js';
import type { Db } from './open-db.js';

/** SQLite's own default: a commit that finds this many pages in the WAL checkpoints it. */
const DEFAULT_AUTOCHECKPOINT_PAGES = 1000;

/**
 * Moves WAL checkpoints off the main thread: the main connection stops checkpointing on
 * commit (which stalled it for tens of milliseconds whenever the WAL was large, e.g. while a
 * backfill is folded into the rollups) and a worker thread checkpoints every `intervalMs`.
 * If the worker fails, the main connection checkpoints on commit again, as SQLite does by default.
 */
export function startCheckpointer(db: Db, file: string, intervalMs = 1000, onError: (message: string) => void = () => {}) {
  const init: CheckpointWorkerInit = { file, intervalMs };
  let worker: Worker | undefined = spawnWorker(new URL('./checkpoint-worker.js', import.meta.url), init);
  db.pragma('wal_autocheckpoint = 0');
  const fallBack = (why: string) => {
    if (!worker) return;
    worker = undefined;
    db.pragma(`wal_autocheckpoint = ${DEFAULT_AUTOCHECKPOINT_PAGES}`);
    onError(why);
  };
  worker.on('message', (message: { error?: string }) => message.error && onError(`background checkpoint failed: ${message.error}`));
  worker.on('error', (error) => fallBack(`the checkpoint thread failed (${error.message}); checkpointing on commit again`));
  worker.on('exit', (code) => fallBack(`the checkpoint thread exited (${code}); checkpointing on commit again`));
  worker.unref();
  return {
    async stop(): Promise<void> {
      const w = worker;
      if (!w) return;
      worker = undefined;
      db.pragma(`wal_autocheckpoint = ${DEFAULT_AUTOCHECKPOINT_PAGES}`);
      const exited = once(w, 'exit');
      w.postMessage('stop');
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 2000).unref())]);
      await w.terminate();
    },
  };
}
