import { AppError, badRequest, ErrorCode } from '../errors.js';

/**
 * The parts of an OTLP metrics export the receiver uses, read from the plain object either
 * decoding gives (proto.ts, or JSON.parse of the OTLP JSON mapping). A body whose structure is
 * not an ExportMetricsServiceRequest is refused whole (400), naming the path of what is wrong;
 * fields the receiver does not use are not read.
 */

/** Attribute values flattened to what matching needs: arrays and maps become their JSON. */
export type AttributeValue = string | number | boolean;

/**
 * A set of attributes, and its identity: the same whatever the order they were sent in. Equal
 * sets within one request are one object (the points of a stream share theirs).
 */
export interface Attributes {
  readonly id: string;
  readonly values: ReadonlyMap<string, AttributeValue>;
}

export const Temporality = { unspecified: 0, delta: 1, cumulative: 2 } as const;
export type Temporality = (typeof Temporality)[keyof typeof Temporality];

export interface NumberPoint {
  attributes: Attributes;
  /** Nanoseconds since the epoch; 0n when not set. */
  startNs: bigint;
  timeNs: bigint;
  /** timeNs in whole milliseconds. */
  timeMs: number;
  value: number;
}

/** A histogram, exponential histogram or summary point: what the receiver reads of each is count and sum. */
export interface HistogramPoint {
  attributes: Attributes;
  startNs: bigint;
  timeNs: bigint;
  timeMs: number;
  count: number;
  /** Absent when the producer did not record it (e.g. negative measurements). */
  sum: number | undefined;
}

export type OtlpMetric =
  | { name: string; kind: 'gauge'; points: NumberPoint[] }
  | { name: string; kind: 'sum'; monotonic: boolean; temporality: Temporality; points: NumberPoint[] }
  | { name: string; kind: 'histogram'; temporality: Temporality; points: HistogramPoint[] };

export interface OtlpScope {
  name: string;
  version: string;
  metrics: OtlpMetric[];
}

export interface OtlpResource {
  attributes: Attributes;
  scopes: OtlpScope[];
}

type Obj = Record<string, unknown>;

/**
 * Where a value sits in the request, rendered only for an error message: a request holds
 * thousands of points, and building each one's path up front would cost more than reading it.
 */
type Where = () => string;
const at = (where: Where, key: string | number): Where => () => (typeof key === 'number' ? `${where()}[${key}]` : `${where()}.${key}`);
const REQUEST: Where = () => 'request';

/**
 * A field's value if it was sent. A decoded protobuf message keeps unset fields' defaults on its
 * prototype (and a oneof's unset members read as zeros), JSON has no such thing: own properties
 * are what was sent in both.
 */
const field = (container: Obj, key: string): unknown => (Object.hasOwn(container, key) ? container[key] : undefined);

/** Reads an ExportMetricsServiceRequest; throws a 400 AppError naming the first malformed field. */
export function readExportRequest(body: unknown): OtlpResource[] {
  trie = {};
  pointsRead = 0;
  const request = object(body, REQUEST);
  return list(request, 'resourceMetrics', REQUEST).map((raw, i) => {
    const where = at(at(REQUEST, 'resourceMetrics'), i);
    const resourceMetrics = object(raw, where);
    const resource = optionalObject(resourceMetrics, 'resource', where);
    return {
      attributes: readAttributes(resource ?? {}, at(where, 'resource')),
      scopes: list(resourceMetrics, 'scopeMetrics', where).map((rawScope, j) => readScope(rawScope, at(at(where, 'scopeMetrics'), j))),
    };
  });
}

function readScope(raw: unknown, where: Where): OtlpScope {
  const scopeMetrics = object(raw, where);
  const scope = optionalObject(scopeMetrics, 'scope', where) ?? {};
  return {
    name: text(scope, 'name', at(where, 'scope')),
    version: text(scope, 'version', at(where, 'scope')),
    metrics: list(scopeMetrics, 'metrics', where).map((m, k) => readMetric(m, at(at(where, 'metrics'), k))),
  };
}

function readMetric(raw: unknown, where: Where): OtlpMetric {
  const metric = object(raw, where);
  const name = text(metric, 'name', where);
  const gauge = optionalObject(metric, 'gauge', where);
  if (gauge) return { name, kind: 'gauge', points: numberPoints(gauge, at(where, 'gauge')) };
  const sum = optionalObject(metric, 'sum', where);
  if (sum) {
    const inSum = at(where, 'sum');
    return { name, kind: 'sum', monotonic: flag(sum, 'isMonotonic', inSum), temporality: temporality(sum, inSum), points: numberPoints(sum, inSum) };
  }
  for (const key of ['histogram', 'exponentialHistogram'] as const) {
    const histogram = optionalObject(metric, key, where);
    if (histogram) return { name, kind: 'histogram', temporality: temporality(histogram, at(where, key)), points: histogramPoints(histogram, at(where, key)) };
  }
  // A summary is cumulative by definition.
  const summary = optionalObject(metric, 'summary', where);
  // Its sum is a plain double, left off the wire when 0 (a histogram's is optional: absent means unknown).
  if (summary) return { name, kind: 'histogram', temporality: Temporality.cumulative, points: histogramPoints(summary, at(where, 'summary'), 0) };
  // No data, or a kind a later protocol version added: nothing to read.
  return { name, kind: 'gauge', points: [] };
}

/** Data points one export may hold, counted as they are read (an 8 MB body of empty points would be four million). */
export const MAX_POINTS = 200_000;
let pointsRead = 0;

/** A metric's data points, counted against MAX_POINTS. */
function dataPoints(container: Obj, where: Where): unknown[] {
  const points = list(container, 'dataPoints', where);
  pointsRead += points.length;
  if (pointsRead > MAX_POINTS) throw new AppError(ErrorCode.payloadTooLarge, `The export holds more than ${MAX_POINTS} data points; send smaller exports`);
  return points;
}

function numberPoints(container: Obj, where: Where): NumberPoint[] {
  const inPoints = at(where, 'dataPoints');
  return dataPoints(container, where).map((raw, i) => {
    const here = at(inPoints, i);
    const point = object(raw, here);
    const asDouble = field(point, 'asDouble');
    const asInt = field(point, 'asInt');
    let value: number;
    if (typeof asDouble === 'number') value = asDouble;
    else if (asDouble !== undefined && asDouble !== null) value = double(asDouble, at(here, 'asDouble'));
    else if (asInt !== undefined && asInt !== null) value = Number(int64(asInt, at(here, 'asInt'), true));
    else value = 0; // proto3 leaves a zero value out of the wire
    const timeNs = time(point, 'timeUnixNano', here);
    return { attributes: readAttributes(point, here), startNs: time(point, 'startTimeUnixNano', here), timeNs, timeMs: millis(field(point, 'timeUnixNano'), timeNs), value };
  });
}

function histogramPoints(container: Obj, where: Where, absentSum?: number): HistogramPoint[] {
  const inPoints = at(where, 'dataPoints');
  return dataPoints(container, where).map((raw, i) => {
    const here = at(inPoints, i);
    const point = object(raw, here);
    const rawCount = field(point, 'count');
    const rawSum = field(point, 'sum');
    const timeNs = time(point, 'timeUnixNano', here);
    return {
      attributes: readAttributes(point, here),
      startNs: time(point, 'startTimeUnixNano', here),
      timeNs,
      timeMs: millis(field(point, 'timeUnixNano'), timeNs),
      count: rawCount === undefined || rawCount === null ? 0 : isLong(rawCount) && rawCount.unsigned ? Number(fromLong(rawCount)) : Number(int64(rawCount, at(here, 'count'))),
      sum: rawSum === undefined || rawSum === null ? absentSum : typeof rawSum === 'number' ? rawSum : double(rawSum, at(here, 'sum')),
    };
  });
}

function time(point: Obj, key: string, where: Where): bigint {
  const value = field(point, key);
  if (value === undefined || value === null) return 0n;
  // The common case without building a path: a Long or a decimal string.
  if (isLong(value) && value.unsigned) return fromLong(value);
  return int64(value, at(where, key));
}

const NS_PER_MS = 1_000_000n;
const MS_PER_HIGH_WORD = 4294; // 2^32 ns = 4294 ms + 967,296 ns

/**
 * A time in whole milliseconds. From a decoded Long without BigInt arithmetic (a division per
 * point showed in profiles): ns = high·2^32 + low = high·4294·10^6 + (high·967296 + low), whose
 * second term stays below 2^53, so the division is exact in doubles.
 */
function millis(raw: unknown, ns: bigint): number {
  if (isLong(raw) && raw.unsigned) {
    const rest = (raw.high >>> 0) * 967_296 + (raw.low >>> 0);
    let q = Math.floor(rest / 1e6);
    if (q * 1e6 > rest) q -= 1;
    return (raw.high >>> 0) * MS_PER_HIGH_WORD + q;
  }
  return Number(ns / NS_PER_MS);
}

function temporality(container: Obj, where: Where): Temporality {
  const value = field(container, 'aggregationTemporality');
  if (value === undefined || value === null) return Temporality.unspecified;
  // Proto3 JSON allows an enum's name as well as its number.
  if (value === 1 || value === 'AGGREGATION_TEMPORALITY_DELTA') return Temporality.delta;
  if (value === 2 || value === 'AGGREGATION_TEMPORALITY_CUMULATIVE') return Temporality.cumulative;
  if (value === 0 || value === 'AGGREGATION_TEMPORALITY_UNSPECIFIED') return Temporality.unspecified;
  throw badRequest(`${where()}.aggregationTemporality must be 1 (delta) or 2 (cumulative), got ${kind(value)}`);
}

const NO_ATTRIBUTES: Attributes = { id: '', values: new Map() };

/** Reused for every attribute set read (the reader runs to completion before the next request). */
const scratchKeys: string[] = [];
const scratchValues: AttributeValue[] = [];

/** More attributes on one resource or point than any instrumentation sends: refused, so sorting them stays cheap. */
export const MAX_ATTRIBUTES = 128;

function readAttributes(container: Obj, where: Where): Attributes {
  const pairs = list(container, 'attributes', where);
  if (pairs.length === 0) return NO_ATTRIBUTES;
  if (pairs.length > MAX_ATTRIBUTES) throw badRequest(`${where()}.attributes holds ${pairs.length} attributes; at most ${MAX_ATTRIBUTES} are taken`);
  const keys = scratchKeys;
  const values = scratchValues;
  keys.length = 0;
  values.length = 0;
  for (let i = 0; i < pairs.length; i += 1) {
    const pair = pairs[i];
    // Paths are built only for an error: a request may hold tens of thousands of attributes.
    if (pair === null || typeof pair !== 'object' || Array.isArray(pair)) throw badRequest(`${where()}.attributes[${i}] must be an object, got ${kind(pair)}`);
    const key = field(pair as Obj, 'key') ?? '';
    if (typeof key !== 'string') throw badRequest(`${where()}.attributes[${i}].key must be a string, got ${kind(key)}`);
    const value = anyValue(field(pair as Obj, 'value'), where, i);
    if (value === undefined) continue;
    // Insertion sort by key: a point has a handful of attributes (at most MAX_ATTRIBUTES).
    let at = keys.length;
    while (at > 0 && keys[at - 1]! > key) at -= 1;
    keys.splice(at, 0, key);
    values.splice(at, 0, value);
  }
  return intern(keys, values);
}

/** A node of the attribute-set trie: sorted keys, then values, lead to the set. */
interface TrieNode {
  set?: Attributes;
  next?: Map<string, Map<AttributeValue, TrieNode>>;
}
let trie: TrieNode = {};

/**
 * The one Attributes object for these sorted pairs in this request: looked up by walking the
 * trie, so a set seen before costs a few map lookups and no string building.
 */
function intern(keys: readonly string[], values: readonly AttributeValue[]): Attributes {
  let node = trie;
  for (let i = 0; i < keys.length; i += 1) {
    node.next ??= new Map();
    let byValue = node.next.get(keys[i]!);
    if (!byValue) node.next.set(keys[i]!, (byValue = new Map()));
    let child = byValue.get(values[i]!);
    if (!child) byValue.set(values[i]!, (child = {}));
    node = child;
  }
  if (!node.set) {
    // Length-prefixed and typed, so no key or value can pass for another.
    let id = '';
    for (let i = 0; i < keys.length; i += 1) {
      const value = values[i]!;
      const text = `${typeof value === 'string' ? 's' : typeof value === 'number' ? 'n' : 'b'}${String(value)}`;
      id += `${keys[i]!.length}:${keys[i]}${text.length}:${text}`;
    }
    node.set = { id, values: new Map(keys.map((key, i) => [key, values[i]!])) };
  }
  return node.set;
}

function anyValue(raw: unknown, inList: Where, index: number): AttributeValue | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw === 'object' && !Array.isArray(raw)) {
    const string = field(raw as Obj, 'stringValue');
    if (typeof string === 'string') return string;
  }
  const where = () => `${inList()}.attributes[${index}].value`;
  const value = object(raw, where);
  const string = field(value, 'stringValue');
  if (string !== undefined) return text(value, 'stringValue', where);
  if (field(value, 'boolValue') !== undefined) return flag(value, 'boolValue', where);
  if (field(value, 'intValue') !== undefined) return Number(int64(value.intValue, at(where, 'intValue'), true));
  if (field(value, 'doubleValue') !== undefined) return double(value.doubleValue, at(where, 'doubleValue'));
  // Arrays, maps and bytes identify a stream by their JSON; nothing matches on them.
  for (const key of ['arrayValue', 'kvlistValue', 'bytesValue']) {
    const other = field(value, key);
    if (other === undefined) continue;
    try {
      return JSON.stringify(other);
    } catch {
      // JSON.parse takes nesting that JSON.stringify cannot walk back (a RangeError): not an attribute anyone sends.
      throw badRequest(`${where()}.${key} is nested too deeply`);
    }
  }
  return undefined;
}

function object(value: unknown, where: Where): Obj {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) return value as Obj;
  throw badRequest(`${where()} must be an object, got ${kind(value)}`);
}

function optionalObject(container: Obj, key: string, where: Where): Obj | undefined {
  const value = field(container, key);
  return value === undefined || value === null ? undefined : object(value, at(where, key));
}

function list(container: Obj, key: string, where: Where): unknown[] {
  const value = field(container, key);
  if (value === undefined || value === null) return [];
  if (Array.isArray(value)) return value;
  throw badRequest(`${where()}.${key} must be an array, got ${kind(value)}`);
}

function text(container: Obj, key: string, where: Where): string {
  const value = field(container, key);
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  throw badRequest(`${where()}.${key} must be a string, got ${kind(value)}`);
}

function flag(container: Obj, key: string, where: Where): boolean {
  const value = field(container, key);
  if (value === undefined || value === null) return false;
  if (typeof value === 'boolean') return value;
  throw badRequest(`${where()}.${key} must be true or false, got ${kind(value)}`);
}

const INT64 = /^-?\d{1,20}$/;
const TWO_TO_32 = 0x1_0000_0000n;

/** A decoded protobuf 64-bit integer (protobufjs' Long: two 32-bit halves). */
interface Long {
  low: number;
  high: number;
  unsigned: boolean;
}
const isLong = (value: unknown): value is Long =>
  typeof value === 'object' && value !== null && typeof (value as Long).low === 'number' && typeof (value as Long).high === 'number';

/** The last Long converted: the points of one collection share their times, so most conversions repeat it. */
let lastLong = { low: 0, high: 0, unsigned: true, value: 0n };

function fromLong({ low, high, unsigned }: Long): bigint {
  if (low === lastLong.low && high === lastLong.high && unsigned === lastLong.unsigned) return lastLong.value;
  const value = (unsigned ? BigInt(high >>> 0) : BigInt(high | 0)) * TWO_TO_32 + BigInt(low >>> 0);
  lastLong = { low, high, unsigned, value };
  return value;
}

/** A 64-bit integer as decoded protobuf has it, or as the JSON mapping allows it: a decimal string or a whole number. */
function int64(value: unknown, where: Where, signed = false): bigint {
  let parsed: bigint | undefined;
  if (isLong(value)) parsed = fromLong(value);
  else if (typeof value === 'string' && INT64.test(value)) parsed = BigInt(value);
  else if (typeof value === 'number' && Number.isSafeInteger(value)) parsed = BigInt(value);
  if (parsed === undefined) throw badRequest(`${where()} must be a 64-bit integer (a decimal string or a whole number), got ${kind(value)}`);
  if (!signed && parsed < 0n) throw badRequest(`${where()} must not be negative, got ${parsed}`);
  if (parsed > (signed ? 0x7fffffffffffffffn : 0xffffffffffffffffn) || parsed < -0x8000000000000000n) throw badRequest(`${where()} is outside the 64-bit range`);
  return parsed;
}

/** A double as the JSON mapping allows it: a number, or "NaN", "Infinity", "-Infinity" or a numeric string. */
function double(value: unknown, where: Where): number {
  if (typeof value === 'number') return value;
  if (value === 'NaN') return NaN;
  if (value === 'Infinity') return Infinity;
  if (value === '-Infinity') return -Infinity;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  throw badRequest(`${where()} must be a number, got ${kind(value)}`);
}

function kind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value).slice(0, 40)}`;
}
