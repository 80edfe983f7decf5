import { describe, expect, it } from 'vitest';
import { readExportRequest } from '../../src/otlp/model.js';
import { difference, STALE, streamKeys } from '../../src/otlp/streams.js';
import { exportOf, gauge, type Attrs } from '../helpers/otlp.js';

const S = 1_000_000_000n;
const point = (start: bigint, time: bigint, count: number, sum = count) => ({ startNs: start * S, timeNs: time * S, count, sum });
const mark = (start: bigint, time: bigint, count: number, sum = count) => ({ startNs: start * S, timeNs: time * S, count, sum });

describe('differencing a cumulative stream', () => {
  it('counts a new stream from its start time; without one, its first point is only a baseline', () => {
    expect(difference(undefined, point(100n, 160n, 12))).toEqual({ count: 12, sum: 12, seconds: 60 });
    expect(difference(undefined, point(0n, 160n, 12))).toBeNull();
  });

  it('adds what grew since the mark, over the time since the mark', () => {
    expect(difference(mark(100n, 160n, 12, 30), point(100n, 190n, 20, 46))).toEqual({ count: 8, sum: 16, seconds: 30 });
  });

  it('ignores a point no newer than the mark (a retried or reordered export), leaving the mark', () => {
    expect(difference(mark(100n, 160n, 12), point(100n, 160n, 12))).toBe(STALE);
    expect(difference(mark(100n, 160n, 12), point(100n, 130n, 5))).toBe(STALE);
  });

  it('reads a new start time, or a total below the mark, as a reset', () => {
    expect(difference(mark(100n, 160n, 12), point(170n, 200n, 3))).toEqual({ count: 3, sum: 3, seconds: 30 });
    // Same start, lower total (a producer that does not move its start time): all of it is new, since the mark.
    expect(difference(mark(100n, 160n, 12), point(100n, 200n, 4))).toEqual({ count: 4, sum: 4, seconds: 40 });
  });
});

describe('a stream key', () => {
  /** The stream key of the one point of an export with these resource and point attributes. */
  function keyOf(resource: Attrs, attrs: Attrs, metric = 'm', scope = 's'): string {
    const body = exportOf([{ attrs: resource, metrics: [gauge(metric, [{ attrs, timeMs: 1, value: 1 }])] }]);
    body.resourceMetrics[0]!.scopeMetrics[0]!.scope.name = scope;
    const [read] = readExportRequest(body);
    const [readScope] = read!.scopes;
    const [readMetric] = readScope!.metrics;
    return streamKeys({ resource: read!.attributes, scope: readScope!.name, scopeVersion: readScope!.version, metric: readMetric!.name })(readMetric!.points[0]!.attributes, 0n);
  }

  it('does not depend on attribute order, and differs by metric, scope, attributes and their types', () => {
    const base = keyOf({ 'service.name': 'a', 'host.name': 'h' }, { x: 1, y: 'z' });
    expect(keyOf({ 'host.name': 'h', 'service.name': 'a' }, { y: 'z', x: 1 })).toBe(base);
    expect(keyOf({ 'service.name': 'a', 'host.name': 'h' }, { x: 1, y: 'z' }, 'n')).not.toBe(base);
    expect(keyOf({ 'service.name': 'a', 'host.name': 'h' }, { x: 1, y: 'z' }, 'm', 't')).not.toBe(base);
    expect(keyOf({ 'service.name': 'a', 'host.name': 'h' }, { x: 2, y: 'z' })).not.toBe(base);
    expect(keyOf({ 'service.name': 'b', 'host.name': 'h' }, { x: 1, y: 'z' })).not.toBe(base);
    // A string that reads like another type's value is another value.
    expect(keyOf({ 'service.name': 'a', 'host.name': 'h' }, { x: '1', y: 'z' })).not.toBe(base);
  });
});
