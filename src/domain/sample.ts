import { AGENT_NAME_PATTERN, AGENT_NAME_RULE } from './agent-name.js';
import type { SampleSource } from './enums.js';
import type { FieldError } from '../errors.js';

/** One report from one agent about one interval, as stored and served. */
export interface AgentSample {
  agent_name: string;
  timestamp: string;
  response_time: number | null;
  success_rate: number | null;
  error_count: number | null;
  insights_generated: number | null;
  memory_usage: number | null;
  cpu_usage: number | null;
  requests: number | null;
  research_cycles: number | null;
  /** LLM tokens in the interval: prompt (input) and completion (output). */
  input_tokens: number | null;
  output_tokens: number | null;
  /** The agent's software version when it took the sample (e.g. "1.5.0"): changes are marked and blamed. */
  version: string | null;
  source: SampleSource;
}

export type MetricField = Exclude<keyof AgentSample, 'agent_name' | 'timestamp' | 'source' | 'version'>;

interface MetricRule {
  /** A count in the interval (a whole number, summed in a rollup bucket); else a level (averaged). */
  integer: boolean;
  min: number;
  max: number;
  unit: string;
  /** The extreme a rollup bucket keeps besides the mean: the bad end of a level. */
  extreme?: 'max' | 'min';
  /** How GraphQL describes the field, where it says more than its name. */
  description?: string;
}

/**
 * Every metric of a sample, with its units and bounds (DESIGN.md, "Agent sample"): the store's
 * columns, the rollups, validation and the GraphQL fields all follow this table. Adding a metric
 * is a row here, a migration adding its columns in each store (src/store/sqlite/migrations/,
 * src/store/postgres/schema.ts), the README's field table and a test; to have it in the health
 * window or the analysis too, a column in store/window-sums.ts (PostgreSQL keeps window_buckets
 * columns for each: a test compares them) or domain/analysis-rows.ts.
 */
export const METRIC_RULES: Record<MetricField, MetricRule> = {
  response_time: { integer: false, min: 0, max: 86_400, unit: 'seconds', extreme: 'max', description: 'Seconds, mean over the interval.' },
  success_rate: { integer: false, min: 0, max: 1, unit: 'fraction 0..1', extreme: 'min', description: '0..1.' },
  error_count: { integer: true, min: 0, max: 1e12, unit: 'errors in the interval' },
  insights_generated: { integer: true, min: 0, max: 1e12, unit: 'insights in the interval' },
  memory_usage: { integer: false, min: 0, max: 1e8, unit: 'MB resident', extreme: 'max', description: 'MB resident.' },
  cpu_usage: { integer: false, min: 0, max: 100_000, unit: 'percent of one core', extreme: 'max', description: 'Percent of one core.' },
  requests: { integer: true, min: 0, max: 1e12, unit: 'operations in the interval' },
  research_cycles: { integer: true, min: 0, max: 1e12, unit: 'cycles in the interval' },
  input_tokens: { integer: true, min: 0, max: 1e12, unit: 'input (prompt) tokens in the interval', description: 'LLM input (prompt) tokens used in the interval.' },
  output_tokens: { integer: true, min: 0, max: 1e12, unit: 'output (completion) tokens in the interval', description: 'LLM output (completion) tokens produced in the interval.' },
};

export const METRIC_FIELDS = Object.keys(METRIC_RULES) as MetricField[];
/** The metrics that are counts in the interval: summed, not averaged, in a rollup bucket. */
export const COUNT_FIELDS = METRIC_FIELDS.filter((field) => METRIC_RULES[field].integer);

/** A sample with every metric missing (null, never 0), to fill in. */
export function emptySample(agentName: string, timestamp: string, source: SampleSource): AgentSample {
  const sample = { agent_name: agentName, timestamp, version: null, source } as AgentSample;
  for (const field of METRIC_FIELDS) sample[field] = null;
  return sample;
}

/** A metric's name in GraphQL (response_time → responseTime). */
export const graphqlName = (field: string) => field.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
const KNOWN_FIELDS = new Set<string>(['agent_name', 'timestamp', ...METRIC_FIELDS, 'version']);

export const MAX_VERSION_LENGTH = 64;
/** A version is any label an agent gives itself ("1.5.0", "v2-rc.1", a commit hash): printable, no spaces at its ends. */
const VERSION_PATTERN = /^[^\s\p{Cc}\p{Cs}](?:[^\p{Cc}\p{Cs}]*[^\s\p{Cc}\p{Cs}])?$/u;

/** Undefined when the version is acceptable, else what is wrong with it. */
export function versionProblem(value: unknown): string | undefined {
  if (typeof value !== 'string') return `must be a string such as "1.5.0", got ${describe(value)}`;
  if (value.length === 0 || value.length > MAX_VERSION_LENGTH) return `must be 1 to ${MAX_VERSION_LENGTH} characters (got ${value.length})`;
  if (!VERSION_PATTERN.test(value)) return 'must be printable text without control characters or spaces at its ends';
  return undefined;
}

export const MAX_FUTURE_SKEW_MS = 5 * 60_000;
const MAX_LISTED_ERRORS = 100;

/**
 * ISO-8601 date-time. A missing zone is read as UTC because Python's
 * `datetime.isoformat()`, which our users' agents call, omits it.
 */
const ISO_TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:\d{2})?$/i;
/** Offsets in use on Earth run from -12:00 to +14:00. */
const MAX_OFFSET_MINUTES = 14 * 60;

export interface SampleLimits {
  now: number;
  maxSamples: number;
  /** Samples older than this would be pruned at once; reject them instead. */
  oldestAllowedMs: number;
}

export type BatchParse =
  | { ok: true; samples: AgentSample[] }
  | { ok: false; message: string; errors: FieldError[] };

/** Validates a whole batch; one bad sample rejects it, with every problem listed. */
export function parseSampleBatch(body: unknown, limits: SampleLimits, source: SampleSource = 'push'): BatchParse {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    return fail('Body must be a JSON object of the form {"samples": [...]}', [
      { field: 'samples', message: 'missing: expected {"samples": [...]}' },
    ]);
  }
  const extra = Object.keys(body).filter((key) => key !== 'samples');
  const samples = (body as { samples?: unknown }).samples;
  const shapeErrors: FieldError[] = extra.map((key) => ({ field: key, message: 'unknown field' }));
  if (!Array.isArray(samples)) {
    shapeErrors.push({ field: 'samples', message: samples === undefined ? 'missing' : 'must be an array' });
  } else if (samples.length === 0 || samples.length > limits.maxSamples) {
    shapeErrors.push({
      field: 'samples',
      message: `must hold 1 to ${limits.maxSamples} samples (got ${samples.length})`,
    });
  }
  if (shapeErrors.length > 0) return fail('Invalid batch', shapeErrors);

  const errors: FieldError[] = [];
  const parsed: AgentSample[] = [];
  (samples as unknown[]).forEach((raw, index) => {
    const sample = parseSample(raw, index, limits, source, errors);
    if (sample) parsed.push(sample);
  });
  if (errors.length > 0) {
    const bad = new Set(errors.map((e) => e.index)).size;
    const listed = errors.slice(0, MAX_LISTED_ERRORS);
    const more = errors.length > listed.length ? `; the first ${listed.length} are listed` : '';
    return fail(`${errors.length} problem(s) in ${bad} of ${(samples as unknown[]).length} sample(s); nothing was stored${more}`, listed);
  }
  return { ok: true, samples: parsed };
}

function parseSample(
  raw: unknown,
  index: number,
  limits: SampleLimits,
  source: SampleSource,
  errors: FieldError[],
): AgentSample | undefined {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    errors.push({ index, field: '(sample)', message: 'must be a JSON object' });
    return undefined;
  }
  const input = raw as Record<string, unknown>;
  const before = errors.length;
  for (const key of Object.keys(input)) {
    if (!KNOWN_FIELDS.has(key)) errors.push({ index, field: key, message: `unknown field; known fields: ${[...KNOWN_FIELDS].join(', ')}` });
  }

  const name = input.agent_name;
  if (typeof name !== 'string' || !AGENT_NAME_PATTERN.test(name)) {
    const message =
      name === undefined || name === null
        ? 'required'
        : typeof name !== 'string'
          ? `must be a string (got ${describe(name)})`
          : `must be ${AGENT_NAME_RULE} (got ${describe(name)})`;
    errors.push({ index, field: 'agent_name', message });
  }

  const timestamp = parseTimestamp(input.timestamp, limits, (message) => errors.push({ index, field: 'timestamp', message }));

  const sample = { agent_name: name as string, timestamp: '', version: null, source } as AgentSample;
  if (input.version !== undefined && input.version !== null) {
    const problem = versionProblem(input.version);
    if (problem) errors.push({ index, field: 'version', message: problem });
    else sample.version = input.version as string;
  }
  for (const field of METRIC_FIELDS) {
    const value = input[field];
    if (value === undefined || value === null) {
      sample[field] = null;
      continue;
    }
    const problem = checkMetric(value, METRIC_RULES[field]);
    if (problem) errors.push({ index, field, message: problem });
    else sample[field] = value as number;
  }
  if (sample.requests !== null && sample.error_count !== null && sample.error_count > sample.requests) {
    errors.push({ index, field: 'error_count', message: `cannot exceed requests (${sample.requests})` });
  }
  if (errors.length > before || timestamp === undefined) return undefined;
  // Already canonical (and so already checked): keep the string instead of formatting it again.
  sample.timestamp = typeof input.timestamp === 'string' && input.timestamp.length === 24 && input.timestamp.endsWith('Z') && parseCanonical(input.timestamp) === timestamp
    ? input.timestamp
    : new Date(timestamp).toISOString();
  return sample;
}

/** Undefined when the value is acceptable for the metric, else what is wrong with it. */
export const metricProblem = (field: MetricField, value: unknown) => checkMetric(value, METRIC_RULES[field]);

function checkMetric(value: unknown, rule: MetricRule): string | undefined {
  if (typeof value !== 'number') return `must be a number (${rule.unit}), got ${describe(value)}`;
  if (!Number.isFinite(value)) return 'must be a finite number';
  if (rule.integer && !Number.isInteger(value)) return `must be a whole number (${rule.unit}), got ${value}`;
  if (value < rule.min || value > rule.max) return `must be between ${rule.min} and ${rule.max} (${rule.unit}), got ${value}`;
  return undefined;
}

function parseTimestamp(value: unknown, limits: SampleLimits, report: (message: string) => void): number | undefined {
  if (value === undefined || value === null) return limits.now;
  if (typeof value !== 'string') {
    report(`must be an ISO-8601 string such as "2024-12-01T12:00:00Z", got ${describe(value)}`);
    return undefined;
  }
  const ms = parseIsoTimestamp(value);
  if (ms === undefined) {
    report(`"${truncate(value)}" is not an ISO-8601 date-time such as "2024-12-01T12:00:00Z" (the zone, if any, is Z or ±hh:mm between -14:00 and +14:00)`);
    return undefined;
  }
  if (ms > limits.now + MAX_FUTURE_SKEW_MS) {
    report(`${value} is more than 5 minutes in the future`);
    return undefined;
  }
  if (ms < limits.oldestAllowedMs) {
    report(`${value} is older than the raw-sample retention (${new Date(limits.oldestAllowedMs).toISOString()}) and would be pruned`);
    return undefined;
  }
  return ms;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const digit = (value: string, i: number) => value.charCodeAt(i) - 48;
const two = (value: string, i: number) => digit(value, i) * 10 + digit(value, i + 1);

/**
 * The canonical form agents usually send (and we store), "2026-11-25T12:00:00.000Z", parsed
 * without a regular expression: the hot path of ingestion. Undefined when not in that form.
 */
function parseCanonical(value: string): number | undefined {
  if (value.length !== 24 || value[4] !== '-' || value[7] !== '-' || value[10] !== 'T' || value[13] !== ':' || value[16] !== ':' || value[19] !== '.' || value[23] !== 'Z') {
    return undefined;
  }
  for (const i of [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18, 20, 21, 22]) {
    const d = digit(value, i);
    if (d < 0 || d > 9) return undefined;
  }
  const year = two(value, 0) * 100 + two(value, 2);
  const month = two(value, 5);
  const day = two(value, 8);
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const days = month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1];
  if (days === undefined || day < 1 || day > days || two(value, 11) > 23 || two(value, 14) > 59 || two(value, 17) > 59) return undefined;
  return Date.UTC(year, month - 1, day, two(value, 11), two(value, 14), two(value, 17), digit(value, 20) * 100 + two(value, 21));
}

/** Parses a strict ISO-8601 date-time to epoch ms; undefined when malformed or impossible (e.g. Feb 30). */
export function parseIsoTimestamp(value: string): number | undefined {
  const canonical = parseCanonical(value);
  if (canonical !== undefined) return canonical;
  const m = ISO_TIMESTAMP.exec(value);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s = '0', frac = '', zone = 'Z'] = m;
  const year = Number(y), month = Number(mo), day = Number(d);
  const hour = Number(h), minute = Number(mi), second = Number(s);
  if (month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59) return undefined;
  const base = Date.UTC(year, month - 1, day, hour, minute, second, Number(frac.padEnd(3, '0').slice(0, 3)));
  if (new Date(base).getUTCDate() !== day) return undefined;
  if (zone.toUpperCase() === 'Z') return base;
  const sign = zone.startsWith('-') ? -1 : 1;
  const offsetHours = Number(zone.slice(1, 3));
  const offsetMinutesPart = Number(zone.slice(4, 6));
  if (offsetMinutesPart > 59) return undefined;
  const offsetMinutes = offsetHours * 60 + offsetMinutesPart;
  if (offsetMinutes > MAX_OFFSET_MINUTES) return undefined;
  return base - sign * offsetMinutes * 60_000;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `the string "${truncate(value)}"`;
  return typeof value === 'object' ? 'an object' : `${typeof value} ${String(value)}`;
}

function truncate(value: string): string {
  return value.length > 40 ? `${value.slice(0, 40)}…` : value;
}

function fail(message: string, errors: FieldError[]): BatchParse {
  return { ok: false, message, errors };
}
