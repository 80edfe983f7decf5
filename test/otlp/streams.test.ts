import { describe, expect, it } from 'vitest';
import { difference, streamKey } from '../../src/otlp/streams.js';

const S = 1_000_000_000n;
const point = (start: bigint, time: bigint, count: number, sum = count) => ({ startNs: start * S, timeNs: time * S, count, sum });
const mark = (start: bigint, time: bigint, count: number, sum = count) => ({ startNs: String(start * S), timeNs: String(time * S), count, sum });

describe('differencing a cumulative stream', () => {
  it('counts a new stream from its start time; without one, its first point is only a baseline', () => {
    expect(difference(undefined, point(100n, 160n, 12))).toEqual({ increment: { count: 12, sum: 12, seconds: 60 }, next: mark(100n, 160n, 12) });
    expect(difference(undefined, point(0n, 160n, 12)).increment).toBeNull();
    expect(difference(undefined, point(0n, 160n, 12)).next).toEqual(mark(0n, 160n, 12));
  });

  it('adds what grew since the mark, over the time since the mark', () => {
    expect(difference(mark(100n, 160n, 12, 30), point(100n, 190n, 20, 46))).toEqual({ increment: { count: 8, sum: 16, seconds: 30 }, next: mark(100n, 190n, 20, 46) });
  });

  it('ignores a point no newer than the mark (a retried or reordered export), leaving the mark', () => {
    expect(difference(mark(100n, 160n, 12), point(100n, 160n, 12))).toEqual({ increment: null, next: null });
    expect(difference(mark(100n, 160n, 12), point(100n, 130n, 5))).toEqual({ increment: null, next: null });
  });

  it('reads a new start time, or a total below the mark, as a reset', () => {
    expect(difference(mark(100n, 160n, 12), point(170n, 200n, 3)).increment).toEqual({ count: 3, sum: 3, seconds: 30 });
    // Same start, lower total (a producer that does not move its start time): all of it is new, since the mark.
    expect(difference(mark(100n, 160n, 12), point(100n, 200n, 4)).increment).toEqual({ count: 4, sum: 4, seconds: 40 });
  });
});

describe('a stream key', () => {
  it('does not depend on attribute order, and differs by metric, scope and attributes', () => {
    const base = { resource: new Map([['service.name', 'a'], ['host.name', 'h']]), scope: 's', scopeVersion: '1', metric: 'm', attributes: new Map<string, string | number>([['x', 1], ['y', 'z']]) };
    const reordered = { ...base, resource: new Map([['host.name', 'h'], ['service.name', 'a']]), attributes: new Map<string, string | number>([['y', 'z'], ['x', 1]]) };
    expect(streamKey(reordered)).toBe(streamKey(base));
    expect(streamKey({ ...base, metric: 'n' })).not.toBe(streamKey(base));
    expect(streamKey({ ...base, scope: 't' })).not.toBe(streamKey(base));
    expect(streamKey({ ...base, attributes: new Map([['x', 2]]) })).not.toBe(streamKey(base));
  });
});
