import { AGENT_NAME_PATTERN } from '../domain/agent-name.js';
import { enumValues, FindingKind, ImprovementStatus } from '../domain/enums.js';
import { badRequest } from '../errors.js';

/**
 * Parsers for the query inputs every edge shares (REST strings and GraphQL values alike),
 * so a bad `hours` reads the same over curl and over GraphQL.
 */
export const MAX_HOURS = 8760;
export const DEFAULT_HOURS = 24;

export function parseHours(value: unknown, fallback = DEFAULT_HOURS): number {
  if (value === undefined || value === null) return fallback;
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isFinite(n) || n <= 0 || n > MAX_HOURS) {
    throw badRequest(`hours must be a number greater than 0 and at most ${MAX_HOURS} (got ${show(value)})`);
  }
  return n;
}

export function parseLimit(value: unknown, max: number): number {
  if (value === undefined || value === null) return max;
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
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
  if (typeof value !== 'string' || !AGENT_NAME_PATTERN.test(value)) {
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
  const reason = value.trim();
  if (reason.length > 2000) throw badRequest(`reason must be at most 2000 characters (got ${reason.length})`);
  return reason === '' ? null : reason;
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
