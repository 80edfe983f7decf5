import { createHash } from 'node:crypto';
import type { StreamMark } from '../domain/otlp-stream.js';
import type { Attributes } from './model.js';

export type { StreamAdvance, StreamMark } from '../domain/otlp-stream.js';

/**
 * Cumulative OTLP streams, differenced. OpenTelemetry SDKs send counts and sums since a start
 * time by default; a sample holds what happened in its interval. So each cumulative stream
 * (resource, scope, metric, point attributes) keeps its last point, stored with the samples so a
 * restart, or another replica, takes the next export up where this one left it.
 */

/** What a stream added between two points; `seconds` is the interval's length, null when unknown. */
export interface Increment {
  count: number;
  sum: number;
  seconds: number | null;
}


const NS_PER_SECOND = 1e9;
const seconds = (from: bigint, to: bigint) => (to > from ? Number(to - from) / NS_PER_SECOND : null);

/** A stream's mark while an export is worked through: its times as numbers to compare. */
export interface LiveMark {
  startNs: bigint;
  timeNs: bigint;
  count: number;
  sum: number;
}

export const toLive = (mark: StreamMark): LiveMark => ({ startNs: BigInt(mark.startNs), timeNs: BigInt(mark.timeNs), count: mark.count, sum: mark.sum });
export const toStored = (mark: LiveMark): StreamMark => ({ startNs: String(mark.startNs), timeNs: String(mark.timeNs), count: mark.count, sum: mark.sum });

/** What difference() answers for a point no newer than its stream's mark. */
export const STALE = 'stale';

/**
 * What a cumulative point adds to its stream since the mark: an increment, null for a baseline
 * (counted from here on), or STALE for a point no newer than the mark (a retried or reordered
 * export), which counts for nothing and leaves the mark. Unless stale, the point is the new mark.
 *
 * - A stream seen for the first time counts everything since its start time; without one, there
 *   is no telling what was counted before, and the point is only a baseline.
 * - A changed start time, or totals lower than the mark's, is a reset (the process restarted):
 *   everything since the new start counts.
 */
export function difference(mark: LiveMark | undefined, point: LiveMark): Increment | null | typeof STALE {
  const sinceStart = (): Increment | null =>
    point.startNs > 0n && point.startNs <= point.timeNs ? { count: point.count, sum: point.sum, seconds: seconds(point.startNs, point.timeNs) } : null;
  if (!mark) return sinceStart();
  if (point.timeNs <= mark.timeNs) return STALE;
  const sinceMark = seconds(mark.timeNs, point.timeNs);
  if (point.startNs !== mark.startNs) return sinceStart() ?? { count: point.count, sum: point.sum, seconds: sinceMark };
  // Lower totals under the same start time: reset at some point since the mark.
  if (point.count < mark.count) return { count: point.count, sum: point.sum, seconds: sinceMark };
  return { count: point.count - mark.count, sum: point.sum - mark.sum, seconds: sinceMark };
}

/**
 * Keys of one metric's streams: a short stable hash of the stream's identity (resource, scope,
 * metric, point attributes; attribute order does not change it) and its start time. With the
 * start time in it, a restarted process is a new stream, counted from its start, and two
 * processes that report under identical resource attributes (no service.instance.id) are two
 * streams instead of one that would seem to reset at every export and be counted again each time.
 * Points of one stream share their key, computed once.
 */
export function streamKeys(parts: { resource: Attributes; scope: string; scopeVersion: string; metric: string }): (attributes: Attributes, startNs: bigint) => string {
  const prefix = JSON.stringify([parts.resource.id, parts.scope, parts.scopeVersion, parts.metric]);
  const keys = new Map<Attributes, Map<bigint, string>>();
  return (attributes, startNs) => {
    let byStart = keys.get(attributes);
    if (!byStart) keys.set(attributes, (byStart = new Map()));
    let key = byStart.get(startNs);
    if (key === undefined) {
      key = createHash('sha256').update(prefix).update(attributes.id).update(`\u0000${startNs}`).digest('base64url');
      byStart.set(startNs, key);
    }
    return key;
  };
}
