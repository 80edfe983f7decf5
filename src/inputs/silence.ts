import { parseIsoTimestamp } from '../domain/sample.js';
import { compileMatcherRegex, MATCHER_NAMES, type Matcher, type MatcherName, type SilenceDraft } from '../domain/silence.js';
import { show } from './text.js';
import { objectInput } from './object-input.js';

export const MAX_MATCHERS = 32;
const MAX_VALUE = 256;
const MAX_COMMENT = 2000;
const MAX_CREATED_BY = 128;
const FIELDS = ['matchers', 'startsAt', 'endsAt', 'createdBy', 'comment'];
const MAX_AHEAD_MS = 366 * 24 * 3_600_000;
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

/**
 * A silence as POST /api/meta-agent/silences and createSilence take it, Alertmanager's v2
 * shape: every problem is reported at once, each naming its field (matchers[1].value, endsAt).
 * startsAt defaults to now; createdBy to the caller's identity.
 */
export function parseSilenceDraft(body: unknown, now: number, caller: string): SilenceDraft {
  const { input, fail, refuseIfAny } = objectInput(body, 'a silence', FIELDS);
  const matchers = parseMatchers(input.matchers, 'matchers', fail);
  const startsAt = input.startsAt === undefined || input.startsAt === null ? now : parseTime(input.startsAt, 'startsAt', fail);
  const endsAt = parseTime(input.endsAt, 'endsAt', fail);
  if (startsAt !== undefined && endsAt !== undefined) {
    if (endsAt <= startsAt) fail('endsAt', `must be after startsAt (${new Date(startsAt).toISOString()})`);
    else if (endsAt <= now) fail('endsAt', 'is in the past: the silence would never be active');
    else if (endsAt > now + MAX_AHEAD_MS) fail('endsAt', 'is more than a year ahead; silence for at most a year and renew it');
  }
  const comment = parseText(input.comment, 'comment', MAX_COMMENT, true, fail);
  const createdBy = parseText(input.createdBy, 'createdBy', MAX_CREATED_BY, false, fail) ?? caller;
  refuseIfAny();
  // Each part that is missing was reported, so past refuseIfAny every one is here.
  return { matchers: matchers!, startsAt: new Date(startsAt!).toISOString(), endsAt: new Date(endsAt!).toISOString(), createdBy, comment: comment! };
}

/** A list of matchers (1 to 32); undefined when any is wrong, each problem reported through `fail`. */
export function parseMatchers(value: unknown, field: string, fail: (field: string, message: string) => void): Matcher[] | undefined {
  if (!Array.isArray(value) || value.length === 0) {
    fail(field, `must be a non-empty list of {name, value, isRegex, isEqual}, got ${show(value)}`);
    return undefined;
  }
  if (value.length > MAX_MATCHERS) {
    fail(field, `holds ${value.length} matchers; at most ${MAX_MATCHERS}`);
    return undefined;
  }
  const matchers = value.map((item, i) => parseMatcher(item, `${field}[${i}]`, fail));
  return matchers.every((m) => m !== undefined) ? matchers : undefined;
}

function parseMatcher(item: unknown, field: string, report: (field: string, message: string) => void): Matcher | undefined {
  let failed = false;
  const fail = (f: string, message: string) => {
    failed = true;
    report(f, message);
  };
  if (item === null || typeof item !== 'object' || Array.isArray(item)) {
    fail(field, `must be an object {name, value, isRegex, isEqual}, got ${show(item)}`);
    return undefined;
  }
  const m = item as Record<string, unknown>;
  for (const key of Object.keys(m)) if (!['name', 'value', 'isRegex', 'isEqual'].includes(key)) fail(`${field}.${key.slice(0, 64)}`, 'is not a field of a matcher; accepted: name, value, isRegex, isEqual');
  if (typeof m.name !== 'string' || !(MATCHER_NAMES as readonly string[]).includes(m.name)) {
    fail(`${field}.name`, `must be one of ${MATCHER_NAMES.join(', ')} (got ${show(m.name)})`);
  }
  for (const flag of ['isRegex', 'isEqual'] as const) {
    if (m[flag] !== undefined && typeof m[flag] !== 'boolean') fail(`${field}.${flag}`, `must be true or false (got ${show(m[flag])})`);
  }
  const isRegex = m.isRegex === true;
  if (typeof m.value !== 'string') fail(`${field}.value`, `must be a string (got ${show(m.value)})`);
  else if (m.value.length > MAX_VALUE) fail(`${field}.value`, `must be at most ${MAX_VALUE} characters (got ${m.value.length})`);
  else if (!m.value.isWellFormed() || CONTROL.test(m.value)) fail(`${field}.value`, 'must be text without control characters or broken Unicode');
  else if (isRegex) {
    const problem = regexProblem(m.value);
    if (problem) fail(`${field}.value`, problem);
  }
  if (failed) return undefined;
  return { name: m.name as MatcherName, value: m.value as string, isRegex, isEqual: m.isEqual !== false };
}

/** Why a matcher's regular expression is refused (RE2 cannot parse it), or undefined. */
export function regexProblem(value: string): string | undefined {
  try {
    compileMatcherRegex(value);
    return undefined;
  } catch (error) {
    return `is not a valid regular expression in RE2 syntax, as Alertmanager's (no lookaround or backreferences): ${(error as Error).message}`;
  }
}

function parseTime(value: unknown, field: string, fail: (field: string, message: string) => void): number | undefined {
  if (value === undefined || value === null) {
    fail(field, 'is required: an ISO-8601 date-time such as "2026-12-01T12:00:00Z"');
    return undefined;
  }
  const ms = typeof value === 'string' ? parseIsoTimestamp(value) : undefined;
  if (ms === undefined) fail(field, `must be an ISO-8601 date-time such as "2026-12-01T12:00:00Z" (got ${show(value)})`);
  return ms;
}

/** Free text of at most `max` characters; undefined when absent (reported when required) or bad. */
export function parseText(
  value: unknown,
  field: string,
  max: number,
  required: boolean,
  fail: (field: string, message: string) => void,
  missing = 'is required: say why (it is kept in the audit trail)',
): string | undefined {
  if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) {
    if (required) fail(field, missing);
    return undefined;
  }
  if (typeof value !== 'string') fail(field, `must be a string (got ${show(value)})`);
  else if (value.length > max) fail(field, `must be at most ${max} characters (got ${value.length})`);
  else if (!value.isWellFormed() || CONTROL.test(value.replace(/[\t\n]/g, ''))) fail(field, 'must be text without control characters or broken Unicode');
  else return value;
  return undefined;
}
