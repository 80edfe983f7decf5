import type { Worker } from 'node:worker_threads';
import { AppError, ErrorCode, type ErrorCode as Code } from '../errors.js';
import { spawnWorker } from '../worker-thread.js';
import type { OtlpPipeline } from './pipeline.js';
import type { PipelineReply, PipelineRequest } from './pipeline-worker.js';

/**
 * Decoding and mapping allocate a few objects a point, and they live until the export is stored:
 * on the main thread's young generation they would be promoted and collected by full GCs. The
 * thread gets a young generation sized for exports of thousands of points.
 */
const YOUNG_GENERATION_MB = 128;

/**
 * The OTLP pipeline on a thread of its own: the main thread hands over an export's bytes and gets
 * back its stream keys, then its samples. If the thread fails, the exports it held are refused
 * with 503 (nothing of them was stored) and the next export starts a new thread.
 */
/** A request the thread has not answered by then is taken as a hung thread: it is stopped, and what it held refused. */
const REQUEST_DEADLINE_MS = 30_000;

export function startPipelineThread(onError: (message: string) => void = () => {}): OtlpPipeline {
  let worker: Worker | undefined;
  /** Which thread holds each collected export: one collected by a thread since gone cannot be mapped. */
  const holders = new Map<number, Worker>();
  const waiting = new Map<number, { resolve: (reply: PipelineReply) => void; reject: (error: unknown) => void; timer: NodeJS.Timeout }>();
  let ids = 0;
  let handles = 0;
  let closed = false;

  const gone = () => new AppError(ErrorCode.unavailable, 'The OTLP decoder stopped while reading this export; nothing was stored. Send it again', { retryAfterSeconds: 1 });
  const failAll = (why: string) => {
    const failed = worker;
    worker = undefined;
    onError(why);
    for (const [handle, holder] of holders) if (holder === failed) holders.delete(handle);
    for (const pending of waiting.values()) {
      clearTimeout(pending.timer);
      pending.reject(gone());
    }
    waiting.clear();
    void failed?.terminate();
  };
  const thread = (): Worker => {
    if (closed) throw new AppError(ErrorCode.unavailable, 'The server is shutting down; nothing was stored', { retryAfterSeconds: 1 });
    if (worker) return worker;
    const started = spawnWorker(new URL('./pipeline-worker.js', import.meta.url), undefined, { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB });
    started.on('message', (reply: PipelineReply) => {
      const pending = waiting.get(reply.id);
      waiting.delete(reply.id);
      if (!pending) return;
      clearTimeout(pending.timer);
      if ('error' in reply) pending.reject(reply.error.code ? new AppError(reply.error.code as Code, reply.error.message) : new Error(reply.error.message));
      else pending.resolve(reply);
    });
    started.on('error', (error) => worker === started && failAll(`the OTLP decoder thread failed (${error.message}); a new one starts with the next export`));
    started.on('exit', (code) => worker === started && failAll(`the OTLP decoder thread exited (${code}); a new one starts with the next export`));
    started.unref();
    return (worker = started);
  };
  const ask = (to: Worker, request: Exclude<PipelineRequest, { op: 'release' }>, transfer: ArrayBuffer[] = []) =>
    new Promise<PipelineReply>((resolve, reject) => {
      const timer = setTimeout(() => worker === to && failAll(`the OTLP decoder thread did not answer within ${REQUEST_DEADLINE_MS / 1000} s; it was stopped`), REQUEST_DEADLINE_MS);
      timer.unref();
      waiting.set(request.id, { resolve, reject, timer });
      to.postMessage(request, transfer);
    });

  return {
    async collect(bytes, encoding, limits) {
      const to = thread();
      const handle = (handles += 1);
      holders.set(handle, to);
      // The bytes move to the thread (no copy): a view of a larger buffer is copied out first.
      const own = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice();
      const reply = await ask(to, { id: (ids += 1), op: 'collect', handle, bytes: own, encoding, limits }, [own.buffer as ArrayBuffer]);
      return { handle, ...(reply as Extract<PipelineReply, { collected: unknown }>).collected };
    },
    async map(handle, marks) {
      const holder = holders.get(handle);
      if (!holder || holder !== worker) throw gone();
      const reply = await ask(holder, { id: (ids += 1), op: 'map', handle, marks: new Map(marks) });
      return (reply as Extract<PipelineReply, { mapped: unknown }>).mapped;
    },
    release(handle, stored) {
      const holder = holders.get(handle);
      holders.delete(handle);
      if (holder && holder === worker) holder.postMessage({ op: 'release', handle, stored } satisfies PipelineRequest);
    },
    async close() {
      closed = true;
      const w = worker;
      worker = undefined;
      for (const pending of waiting.values()) {
        clearTimeout(pending.timer);
        pending.reject(new AppError(ErrorCode.unavailable, 'The server is shutting down; nothing was stored', { retryAfterSeconds: 1 }));
      }
      waiting.clear();
      holders.clear();
      await w?.terminate();
    },
  };
}
