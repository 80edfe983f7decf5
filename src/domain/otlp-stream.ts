/**
 * The stored state of cumulative OpenTelemetry streams (src/otlp/streams.ts): what the next
 * export of a stream is differenced against. Stored with the samples it produced, in one
 * transaction, so a restart or another replica never counts the same calls twice.
 */

/** The last point a stream was counted at: the start of its counting, its time, and its totals then. */
export interface StreamMark {
  /** Nanoseconds since the epoch, as decimal strings (they exceed 2^53). */
  startNs: string;
  timeNs: string;
  /** A counter's value, or a histogram's count. */
  count: number;
  /** A histogram's sum (a counter's value again). */
  sum: number;
}

/** A stored mark as both stores' rows hold it. */
export interface StreamMarkRow {
  start_ns: string;
  time_ns: string;
  count: number;
  sum: number;
}

export const markOfRow = (row: StreamMarkRow): StreamMark => ({ startNs: row.start_ns, timeNs: row.time_ns, count: row.count, sum: row.sum });

/** A stream's stored mark, moved from `expected` (null: not stored yet) to `next` only if it still is `expected`. */
export interface StreamAdvance {
  key: string;
  agent: string;
  metric: string;
  expected: StreamMark | null;
  next: StreamMark;
}

/** The code of the error a write raises when a stream moved since it was read: nothing was stored; read and compute again. */
export const STREAM_MOVED = 'META_AGENT_STREAM_MOVED';

export function streamMoved(key: string): Error {
  return Object.assign(new Error(`stream ${key} was advanced by another export since it was read`), { code: STREAM_MOVED });
}

/** Whether a stored stream (null: none) is still at the mark an advance was computed from. */
export function stillAt(stored: { start_ns: string; time_ns: string } | null | undefined, expected: StreamMark | null): boolean {
  if (!expected) return !stored;
  return !!stored && stored.start_ns === expected.startNs && stored.time_ns === expected.timeNs;
}
