import type { StreamAdvance, StreamMark } from '../domain/otlp-stream.js';
import type { AgentSample, SampleLimits } from '../domain/sample.js';
import { badRequest } from '../errors.js';
import { parseJson } from '../inputs/json.js';
import { collect, Tally, type Observation } from './collect.js';
import { readExportRequest } from './model.js';
import { decodeExportRequest } from './proto.js';
import { toSamples } from './to-samples.js';

export type Encoding = 'json' | 'protobuf';

/** An export read into observations, kept until its samples are stored (they may be computed again). */
export interface Collected {
  observations: Observation[];
  tally: Tally;
  /** The cumulative streams whose marks the samples are computed from. */
  keys: string[];
}

/** What an export makes against the streams' marks: the samples, how the marks move, and what was refused. */
export interface Mapped {
  samples: AgentSample[];
  advances: StreamAdvance[];
  rejected: number;
  ignored: number;
  errorMessage: string;
  /** Points that went into samples (or moved a mark). */
  stored: number;
}

/** Decodes an (uncompressed) export body and reads its points; a 400 AppError for a body that is no export. */
export function collectExport(bytes: Uint8Array, encoding: Encoding, limits: SampleLimits): Collected {
  const tally = new Tally();
  const observations = collect(readExportRequest(decode(bytes, encoding)), limits, tally);
  const keys = [...new Set(observations.filter((o) => o.reading === 'cumulative').map((o) => o.key))];
  return { observations, tally, keys };
}

export function mapExport({ observations, tally: collectTally }: Collected, marks: ReadonlyMap<string, StreamMark>): Mapped {
  const tally = collectTally.clone();
  const { samples, advances } = toSamples(observations, marks, tally);
  const refusedHere = tally.rejected - collectTally.rejected;
  return { samples, advances, rejected: tally.rejected, ignored: tally.ignored, errorMessage: tally.message(), stored: observations.length - refusedHere };
}

function decode(bytes: Uint8Array, encoding: Encoding): unknown {
  if (encoding === 'json') {
    if (bytes.length === 0) throw badRequest('The body is empty: an OTLP JSON export is an object such as {"resourceMetrics": [...]}');
    return parseJson(bytes, 'The body');
  }
  try {
    return decodeExportRequest(bytes);
  } catch (error) {
    throw badRequest(`The body is not a protobuf ExportMetricsServiceRequest: ${(error as Error).message}`);
  }
}

/** A collected export: its handle, its streams, and its samples if the marks this process last stored for them were enough. */
export interface CollectResult {
  handle: number;
  keys: string[];
  /** Mapped against the marks this process itself stored last: the store still holds them unless another replica moved them (then the write says so). */
  mapped?: Mapped;
}

/**
 * Where exports are decoded and mapped: on the main thread (tests, small setups) or on a thread
 * of its own (pipeline-thread.ts), so a large export never holds the event loop. The collected
 * observations stay where they were read, under a handle, until released.
 */
export interface OtlpPipeline {
  collect(bytes: Uint8Array, encoding: Encoding, limits: SampleLimits): Promise<CollectResult>;
  /** Maps a collected export against the stored marks of its streams. */
  map(handle: number, marks: ReadonlyMap<string, StreamMark>): Promise<Mapped>;
  /** Forgets a collected export; `stored`: its last mapping was stored, so its marks are the streams' marks now. */
  release(handle: number, stored: boolean): void;
  close(): Promise<void>;
}

/** The pipeline in this thread. */
export function createInlinePipeline(): OtlpPipeline {
  return collectedBy(new Map());
}

/** How many streams' marks a pipeline remembers; past that it forgets them all and reads them from the store again. */
const MAX_REMEMBERED_MARKS = 200_000;

/**
 * The pipeline over a table of collected exports: what both the inline pipeline and the thread
 * run. It remembers the marks of the exports it mapped and were stored, so an SDK's next export
 * is mapped at once, without asking the store; a mark another replica moved since makes the
 * write fail, and the export is mapped again against the store's marks.
 */
export function collectedBy(held: Map<number, Collected & { last?: Mapped }>) {
  let next = 0;
  const remembered = new Map<string, StreamMark>();
  const collectAs = (handle: number, bytes: Uint8Array, encoding: Encoding, limits: SampleLimits): Omit<CollectResult, 'handle'> => {
    const collected: Collected & { last?: Mapped } = collectExport(bytes, encoding, limits);
    held.set(handle, collected);
    if (!collected.keys.every((key) => remembered.has(key))) return { keys: collected.keys };
    collected.last = mapExport(collected, remembered);
    return { keys: collected.keys, mapped: collected.last };
  };
  const pipeline = {
    collectAs,
    async collect(bytes: Uint8Array, encoding: Encoding, limits: SampleLimits): Promise<CollectResult> {
      const handle = (next += 1);
      return { handle, ...collectAs(handle, bytes, encoding, limits) };
    },
    async map(handle: number, marks: ReadonlyMap<string, StreamMark>): Promise<Mapped> {
      const collected = held.get(handle);
      if (!collected) throw new Error(`no collected export ${handle}`);
      return (collected.last = mapExport(collected, marks));
    },
    release(handle: number, stored: boolean): void {
      const collected = held.get(handle);
      held.delete(handle);
      if (!stored || !collected?.last) return;
      if (remembered.size + collected.last.advances.length > MAX_REMEMBERED_MARKS) remembered.clear();
      for (const { key, next: mark } of collected.last.advances) remembered.set(key, mark);
    },
    async close(): Promise<void> {
      held.clear();
      remembered.clear();
    },
  };
  return pipeline satisfies OtlpPipeline;
}
