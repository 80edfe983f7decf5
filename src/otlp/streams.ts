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

export interface CumulativePoint {
  startNs: bigint;
  timeNs: bigint;
  count: number;
  sum: number;
}

const NS_PER_SECOND = 1e9;
const seconds = (from: bigint, to: bigint) => (to > from ? Number(to - from) / NS_PER_SECOND : null);

/**
 * What a cumulative point adds to its stream, and the stream's new mark (null: the point is
 * older than the mark, a retried or reordered export, and counts for nothing).
 *
 * - A stream seen for the first time counts everything since its start time; without one, there
 *   is no telling what was counted before, and the point is only a baseline.
 * - A changed start time, or totals lower than the mark's, is a reset (the process restarted):
 *   everything since the new start counts.
 */
export function difference(mark: StreamMark | undefined, point: CumulativePoint): { increment: Increment | null; next: StreamMark | null } {
  const next: StreamMark = { startNs: String(point.startNs), timeNs: String(point.timeNs), count: point.count, sum: point.sum };
  const sinceStart = (): Increment | null =>
    point.startNs > 0n && point.startNs <= point.timeNs ? { count: point.count, sum: point.sum, seconds: seconds(point.startNs, point.timeNs) } : null;
  if (!mark) return { increment: sinceStart(), next };
  const markTime = BigInt(mark.timeNs);
  if (point.timeNs <= markTime) return { increment: null, next: null };
  const sinceMark = seconds(markTime, point.timeNs);
  if (String(point.startNs) !== mark.startNs) return { increment: sinceStart() ?? { count: point.count, sum: point.sum, seconds: sinceMark }, next };
  // Lower totals under the same start time: reset at some point since the mark.
  if (point.count < mark.count) return { increment: { count: point.count, sum: point.sum, seconds: sinceMark }, next };
  return { increment: { count: point.count - mark.count, sum: point.sum - mark.sum, seconds: sinceMark }, next };
}

/** A stream's identity as a short stable key: attribute order does not change it. */
export function streamKey(parts: { resource: Attributes; scope: string; scopeVersion: string; metric: string; attributes: Attributes }): string {
  const sorted = (attributes: Attributes) => [...attributes].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const identity = JSON.stringify([sorted(parts.resource), parts.scope, parts.scopeVersion, parts.metric, sorted(parts.attributes)]);
  return createHash('sha256').update(identity).digest('base64url');
}
