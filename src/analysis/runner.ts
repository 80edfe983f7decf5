import type { Worker } from 'node:worker_threads';
import { spawnWorker } from '../worker-thread.js';
import type { Logger } from '../logger.js';
import type { DetectorGroup } from './context.js';
import type { WorkerInit, WorkerReply, WorkerRequest } from './worker.js';

type RunResult = Extract<WorkerReply, { ok: true }>['result'];

export interface AnalysisRunner {
  run(now: number, groups: readonly DetectorGroup[]): Promise<RunResult>;
  /** Whether the running worker has built its state (a fresh one seeds it from the rollups). */
  readonly warm: boolean;
  stop(): Promise<void>;
}

/**
 * The main thread's handle on the analysis worker: started on first use, restarted
 * after a crash (a fresh worker rebuilds its state from the store).
 */
export function createAnalysisRunner(init: WorkerInit, logger: Logger): AnalysisRunner {
  const log = logger.child({ module: 'analysis-worker' });
  const pending = new Map<number, { resolve: (r: RunResult) => void; reject: (e: Error) => void }>();
  let worker: Worker | undefined;
  let warmWorker: Worker | undefined;
  let nextId = 1;

  function failAll(error: Error) {
    for (const { reject } of pending.values()) reject(error);
    pending.clear();
  }

  function start(): Worker {
    const w = spawnWorker(new URL('./worker.js', import.meta.url), init);
    w.on('message', (reply: WorkerReply) => {
      const waiter = pending.get(reply.id);
      if (!waiter) return;
      pending.delete(reply.id);
      if (reply.ok) {
        warmWorker = w;
        waiter.resolve(reply.result);
      }
      else waiter.reject(new Error(`analysis failed: ${reply.error}`));
    });
    w.on('error', (error) => {
      log.error({ err: error }, 'analysis worker crashed');
      failAll(error);
      worker = undefined;
    });
    w.on('exit', (code) => {
      if (worker === w) worker = undefined;
      if (pending.size > 0) failAll(new Error(`analysis worker exited with code ${code}`));
    });
    return w;
  }

  return {
    get warm() {
      return worker !== undefined && worker === warmWorker;
    },
    run(now, groups) {
      worker ??= start();
      const id = nextId++;
      const request: WorkerRequest = { id, now, groups: [...groups] };
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        worker!.postMessage(request);
      });
    },
    async stop() {
      const w = worker;
      worker = undefined;
      if (w) await w.terminate();
    },
  };
}
