import { parentPort } from 'node:worker_threads';
import type { StreamMark } from '../domain/otlp-stream.js';
import type { SampleLimits } from '../domain/sample.js';
import { isAppError } from '../errors.js';
import { collectedBy, type Collected, type Encoding, type Mapped } from './pipeline.js';

/** main → thread: read an export (its bytes transferred), map a collected one against marks, or forget one. */
export type PipelineRequest =
  | { id: number; op: 'collect'; handle: number; bytes: Uint8Array; encoding: Encoding; limits: SampleLimits }
  | { id: number; op: 'map'; handle: number; marks: Map<string, StreamMark> }
  | { op: 'release'; handle: number; stored: boolean };

/** thread → main: the answer to a numbered request; an AppError keeps its code. */
export type PipelineReply = { id: number; collected: { keys: string[]; mapped?: Mapped } } | { id: number; mapped: Mapped } | { id: number; error: { message: string; code?: string } };

/** The thread that decodes and maps OTLP exports (pipeline-thread.ts starts it). */
const pipeline = collectedBy(new Map<number, Collected>());

parentPort!.on('message', (request: PipelineRequest) => {
  if (request.op === 'release') return pipeline.release(request.handle, request.stored);
  const reply = (answer: PipelineReply) => parentPort!.postMessage(answer);
  try {
    if (request.op === 'collect') reply({ id: request.id, collected: pipeline.collectAs(request.handle, request.bytes, request.encoding, request.limits) });
    else void pipeline.map(request.handle, request.marks).then((mapped) => reply({ id: request.id, mapped }), (error: Error) => reply({ id: request.id, error: { message: error.message } }));
  } catch (error) {
    reply({ id: request.id, error: { message: (error as Error).message, ...(isAppError(error) ? { code: error.code } : {}) } });
  }
});
