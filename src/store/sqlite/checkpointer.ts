import { once } from 'node:events';
import type { Worker } from 'node:worker_threads';
import { spawnWorker } from '../../worker-thread.js';
import type { CheckpointWorkerInit, CheckpointWorkerMessage } from './checkpoint-worker.js';
import type { Db } from './open-db.js';

/** SQLite's own default: a commit that finds this many pages in the WAL checkpoints it. */
const DEFAULT_AUTOCHECKPOINT_PAGES = 1000;
/** How often the thread counts rows for the health report, and how old a count may be before a report asks for a new one. */
const COUNT_INTERVAL_MS = 30_000;
const RECOUNT_AFTER_MS = 2000;
/** A WAL grown past this under a burst is truncated once writes pause. */
const WAL_KEEP_BYTES = 64 * 1024 * 1024;

export interface CheckpointerOptions {
  intervalMs?: number;
  onError?: (message: string) => void;
  countTables?: readonly string[];
  catchUp?: Int32Array;
  walKeepBytes?: number;
}

/**
 * Moves WAL checkpoints off the main thread: the main connection stops checkpointing on
 * commit (which stalled it for tens of milliseconds whenever the WAL was large, e.g. while a
 * backfill is folded into the rollups) and a worker thread checkpoints every `intervalMs`.
 * If the worker fails, the main connection checkpoints on commit again, as SQLite does by default.
 */
export function startCheckpointer(
  db: Db,
  file: string,
  { intervalMs = 1000, onError = () => {}, countTables = [], catchUp, walKeepBytes = WAL_KEEP_BYTES }: CheckpointerOptions,
) {
  const init: CheckpointWorkerInit = { file, intervalMs, countTables, countIntervalMs: COUNT_INTERVAL_MS, catchUp, walKeepBytes };
  let counted: { rows: Record<string, number>; at: string } | undefined;
  let asked = 0;
  let worker: Worker | undefined = spawnWorker(new URL('./checkpoint-worker.js', import.meta.url), init);
  db.pragma('wal_autocheckpoint = 0');
  const fallBack = (why: string) => {
    if (!worker) return;
    worker = undefined;
    db.pragma(`wal_autocheckpoint = ${DEFAULT_AUTOCHECKPOINT_PAGES}`);
    onError(why);
  };
  worker.on('message', (message: CheckpointWorkerMessage) => {
    if ('counts' in message) counted = { rows: message.counts, at: message.at };
    else onError(`background checkpoint failed: ${message.error}`);
  });
  worker.on('error', (error) => fallBack(`the checkpoint thread failed (${error.message}); checkpointing on commit again`));
  worker.on('exit', (code) => fallBack(`the checkpoint thread exited (${code}); checkpointing on commit again`));
  worker.unref();
  return {
    /** The latest row counts, if any have been made yet; one older than a few seconds asks for a new count. */
    counts() {
      if (worker && (!counted || Date.now() - Date.parse(counted.at) > RECOUNT_AFTER_MS) && Date.now() - asked > RECOUNT_AFTER_MS) {
        asked = Date.now();
        worker.postMessage('count');
      }
      return counted;
    },
    async stop(): Promise<void> {
      const w = worker;
      if (!w) return;
      worker = undefined;
      db.pragma(`wal_autocheckpoint = ${DEFAULT_AUTOCHECKPOINT_PAGES}`);
      const exited = once(w, 'exit');
      w.postMessage('stop');
      // Referenced while it finishes: the thread is unref'd, and a shutdown with nothing else
      // left open would otherwise end the process before the closing steps after this one.
      w.ref();
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([exited, new Promise((resolve) => (timer = setTimeout(resolve, 2000)))]);
      clearTimeout(timer);
      await w.terminate();
    },
  };
}
