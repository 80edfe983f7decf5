import { badRequest } from '../errors.js';

/**
 * The parts of an OTLP metrics export the receiver uses, read from the plain object either
 * decoding gives (proto.ts, or JSON.parse of the OTLP JSON mapping). A body whose structure is
 * not an ExportMetricsServiceRequest is refused whole (400), naming the path of what is wrong;
 * fields the receiver does not use are not read.
 */

/** Attribute values flattened to what matching needs: arrays and maps become their JSON. */
export type AttributeValue = string | number | boolean;
export type Attributes = ReadonlyMap<string, AttributeValue>;

export const Temporality = { unspecified: 0, delta: 1, cumulative: 2 } as const;
export type Temporality = (typeof Temporality)[keyof typeof Temporality];

export interface NumberPoint {
  attributes: Attributes;
  /** Nanoseconds since the epoch; 0n when not set. */
  startNs: bigint;
  timeNs: bigint;
  value: number;
}

/** A histogram, exponential histogram or summary point: what the receiver reads of each is count and sum. */
export interface HistogramPoint {
  attributes: Attributes;
  startNs: bigint;
  timeNs: bigint;
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

/** Reads an ExportMetricsServiceRequest; throws a 400 AppError naming the first malformed field. */
export function readExportRequest(body: unknown): OtlpResource[] {
  const request = object(body, 'request');
  return list(request, 'resourceMetrics', 'request').map((raw, i) => {
    const path = `resourceMetrics[${i}]`;
    const resourceMetrics = object(raw, path);
    const resource = optionalObject(resourceMetrics, 'resource', path);
    return {
      attributes: readAttributes(resource ?? {}, `${path}.resource`),
      scopes: list(resourceMetrics, 'scopeMetrics', path).map((rawScope, j) => readScope(rawScope, `${path}.scopeMetrics[${j}]`)),
    };
  });
}

function readScope(raw: unknown, path: string): OtlpScope {
  const scopeMetrics = object(raw, path);
  const scope = optionalObject(scopeMetrics, 'scope', path) ?? {};
  return {
    name: text(scope, 'name', `${path}.scope`),
    version: text(scope, 'version', `${path}.scope`),
    metrics: list(scopeMetrics, 'metrics', path).map((m, k) => readMetric(m, `${path}.metrics[${k}]`)),
  };
}

function readMetric(raw: unknown, path: string): OtlpMetric {
  const metric = object(raw, path);
  const name = text(metric, 'name', path);
  const gauge = optionalObject(metric, 'gauge', path);
  if (gauge) return { name, kind: 'gauge', points: numberPoints(gauge, `${path}.gauge`) };
  const sum = optionalObject(metric, 'sum', path);
  if (sum) {
    return {
      name,
      kind: 'sum',
      monotonic: flag(sum, 'isMonotonic', `${path}.sum`),
      temporality: temporality(sum, `${path}.sum`),
      points: numberPoints(sum, `${path}.sum`),
    };
  }
  for (const key of ['histogram', 'exponentialHistogram'] as const) {
    const histogram = optionalObject(metric, key, path);
    if (histogram) return { name, kind: 'histogram', temporality: temporality(histogram, `${path}.${key}`), points: histogramPoints(histogram, `${path}.${key}`) };
  }
  // A summary is cumulative by definition.
  const summary = optionalObject(metric, 'summary', path);
  if (summary) return { name, kind: 'histogram', temporality: Temporality.cumulative, points: histogramPoints(summary, `${path}.summary`) };
  // No data, or a kind a later protocol version added: nothing to read.
  return { name, kind: 'gauge', points: [] };
}

function numberPoints(container: Obj, path: string): NumberPoint[] {
  return list(container, 'dataPoints', path).map((raw, i) => {
    const at = `${path}.dataPoints[${i}]`;
    const point = object(raw, at);
    const asDouble = point.asDouble;
    const asInt = point.asInt;
    let value: number;
    if (asDouble !== undefined && asDouble !== null) value = double(asDouble, `${at}.asDouble`);
    else if (asInt !== undefined && asInt !== null) value = Number(int64(asInt, `${at}.asInt`, true));
    else value = 0; // proto3 leaves a zero value out of the wire
    return { ...times(point, at), attributes: readAttributes(point, at), value };
  });
}

function histogramPoints(container: Obj, path: string): HistogramPoint[] {
  return list(container, 'dataPoints', path).map((raw, i) => {
    const at = `${path}.dataPoints[${i}]`;
    const point = object(raw, at);
    const count = point.count === undefined || point.count === null ? 0 : Number(int64(point.count, `${at}.count`));
    const sum = point.sum === undefined || point.sum === null ? undefined : double(point.sum, `${at}.sum`);
    return { ...times(point, at), attributes: readAttributes(point, at), count, sum };
  });
}

function times(point: Obj, path: string): { startNs: bigint; timeNs: bigint } {
  const read = (key: string) => (point[key] === undefined || point[key] === null ? 0n : int64(point[key], `${path}.${key}`));
  return { startNs: read('startTimeUnixNano'), timeNs: read('timeUnixNano') };
}

function temporality(container: Obj, path: string): Temporality {
  const value = container.aggregationTemporality;
  if (value === undefined || value === null) return Temporality.unspecified;
  // Proto3 JSON allows an enum's name as well as its number.
  if (value === 1 || value === 'AGGREGATION_TEMPORALITY_DELTA') return Temporality.delta;
  if (value === 2 || value === 'AGGREGATION_TEMPORALITY_CUMULATIVE') return Temporality.cumulative;
  if (value === 0 || value === 'AGGREGATION_TEMPORALITY_UNSPECIFIED') return Temporality.unspecified;
  throw badRequest(`${path}.aggregationTemporality must be 1 (delta) or 2 (cumulative), got ${JSON.stringify(value).slice(0, 40)}`);
}

function readAttributes(container: Obj, path: string): Attributes {
  const attributes = new Map<string, AttributeValue>();
  list(container, 'attributes', path).forEach((raw, i) => {
    const at = `${path}.attributes[${i}]`;
    const pair = object(raw, at);
    const key = text(pair, 'key', at);
    const value = anyValue(pair.value, `${at}.value`);
    if (value !== undefined) attributes.set(key, value);
  });
  return attributes;
}

function anyValue(raw: unknown, path: string): AttributeValue | undefined {
  if (raw === undefined || raw === null) return undefined;
  const value = object(raw, path);
  if (value.stringValue !== undefined) return text(value, 'stringValue', path);
  if (value.boolValue !== undefined) return flag(value, 'boolValue', path);
  if (value.intValue !== undefined) return Number(int64(value.intValue, `${path}.intValue`, true));
  if (value.doubleValue !== undefined) return double(value.doubleValue, `${path}.doubleValue`);
  // Arrays, maps and bytes identify a stream by their JSON; nothing matches on them.
  for (const key of ['arrayValue', 'kvlistValue', 'bytesValue']) if (value[key] !== undefined) return JSON.stringify(value[key]);
  return undefined;
}

function object(value: unknown, path: string): Obj {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) return value as Obj;
  throw badRequest(`${path} must be an object, got ${kind(value)}`);
}

function optionalObject(container: Obj, key: string, path: string): Obj | undefined {
  const value = container[key];
  return value === undefined || value === null ? undefined : object(value, `${path}.${key}`);
}

function list(container: Obj, key: string, path: string): unknown[] {
  const value = container[key];
  if (value === undefined || value === null) return [];
  if (Array.isArray(value)) return value;
  throw badRequest(`${path}.${key} must be an array, got ${kind(value)}`);
}

function text(container: Obj, key: string, path: string): string {
  const value = container[key];
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  throw badRequest(`${path}.${key} must be a string, got ${kind(value)}`);
}

function flag(container: Obj, key: string, path: string): boolean {
  const value = container[key];
  if (value === undefined || value === null) return false;
  if (typeof value === 'boolean') return value;
  throw badRequest(`${path}.${key} must be true or false, got ${kind(value)}`);
}

const INT64 = /^-?\d{1,20}$/;

/** A 64-bit integer as the JSON mapping allows it: a decimal string or a whole number. */
function int64(value: unknown, path: string, signed = false): bigint {
  let parsed: bigint | undefined;
  if (typeof value === 'string' && INT64.test(value)) parsed = BigInt(value);
  else if (typeof value === 'number' && Number.isSafeInteger(value)) parsed = BigInt(value);
  if (parsed === undefined) throw badRequest(`${path} must be a 64-bit integer (a decimal string or a whole number), got ${kind(value)}`);
  if (!signed && parsed < 0n) throw badRequest(`${path} must not be negative, got ${parsed}`);
  if (parsed > 0xffffffffffffffffn || parsed < -0x8000000000000000n) throw badRequest(`${path} is outside the 64-bit range`);
  return parsed;
}

/** A double as the JSON mapping allows it: a number, or "NaN", "Infinity", "-Infinity" or a numeric string. */
function double(value: unknown, path: string): number {
  if (typeof value === 'number') return value;
  if (value === 'NaN') return NaN;
  if (value === 'Infinity') return Infinity;
  if (value === '-Infinity') return -Infinity;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  throw badRequest(`${path} must be a number, got ${kind(value)}`);
}

function kind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value).slice(0, 40)}`;
}
