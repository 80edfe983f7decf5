import { LEGACY_AGENT_NAME_PATTERN } from '../domain/agent-name.js';
import { enumValues, FindingKind, ImprovementStatus } from '../domain/enums.js';
import { badRequest } from '../errors.js';

/**
 * Parsers for the query inputs every edge shares (REST strings and GraphQL values alike),
 * so a bad `hours` reads the same over curl and over GraphQL.
 */
export const MAX_HOURS = 8760;
export const DEFAULT_HOURS = 24;

/** A plain decimal number, as query strings carry it: no hex, binary, exponents, blanks or signs. */
const DECIMAL = /^\d+(?:\.\d+)?$/;
const numeric = (value: unknown) => (typeof value === 'string' ? (DECIMAL.test(value) ? Number(value) : NaN) : value);

export function parseHours(value: unknown, fallback = DEFAULT_HOURS): number {
  if (value === undefined || value === null) return fallback;
  const n = numeric(value);
  if (typeof n !== 'number' || !Number.isFinite(n) || n <= 0 || n > MAX_HOURS) {
    throw badRequest(`hours must be a number greater than 0 and at most ${MAX_HOURS} (got ${show(value)})`);
  }
  return n;
}

export function parseLimit(value: unknown, max: number): number {
  if (value === undefined || value === null) return max;
  const n = numeric(value);
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > max) {
    throw badRequest(`limit must be a whole number from 1 to ${max} (got ${show(value)})`);
  }
  return n;
}

export const RESOLUTIONS = ['auto', 'raw', '5m', '1h'] as const;
export type Resolution = (typeof RESOLUTIONS)[number];

export function parseResolution(value: unknown): Resolution {
  return parseEnum('resolution', value, RESOLUTIONS) ?? 'auto';
}

export function parseImprovementStatus(value: unknown): ImprovementStatus | undefined {
  return parseEnum('status', value, enumValues(ImprovementStatus));
}

export function parseFindingKind(value: unknown): FindingKind | undefined {
  return parseEnum('kind', value, enumValues(FindingKind));
}

export function parseAgentNameFilter(value: unknown, field = 'agent_name'): string | undefined {
  if (value === undefined || value === null) return undefined;
  // Lenient on purpose: an agent named before the dots-only rule can still be found and removed.
  if (typeof value !== 'string' || !LEGACY_AGENT_NAME_PATTERN.test(value)) {
    throw badRequest(`${field} must be 1 to 64 characters of A-Z, a-z, 0-9, "_", "." or "-" (got ${show(value)})`);
  }
  return value;
}

export function parseMetricFilter(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || !/^[a-z_]{1,64}$/.test(value)) {
    throw badRequest(`metric must be a metric name such as response_time (got ${show(value)})`);
  }
  return value;
}

export function parseReason(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') throw badRequest(`reason must be a string (got ${typeof value})`);
  const reason = checkText('reason', value.trim(), 2000);
  return reason === '' ? null : reason;
}

/** Free text a person will read: bounded, well-formed Unicode, no control characters but tab and newline. */
export function checkText(field: string, value: string, max: number): string {
  if (value.length > max) throw badRequest(`${field} must be at most ${max} characters (got ${value.length})`);
  if (!value.isWellFormed() || /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(value)) {
    throw badRequest(`${field} must be text without control characters or broken Unicode`);
  }
  return value;
}

/** A value quoted in an error message, cut to a readable length. */
export function quoted(value: string, max = 80): string {
  const printable = value.replace(/[^\x20-\x7e]/g, '?');
  return `'${printable.length > max ? `${printable.slice(0, max)}…` : printable}'`;
}

function parseEnum<T extends string>(field: string, value: unknown, allowed: readonly T[]): T | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw badRequest(`${field} must be one of ${allowed.join(', ')} (got ${show(value)})`);
  }
  return value as T;
}

function show(value: unknown): string {
  const text = typeof value === 'string' ? `"${value}"` : String(value);
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
}
