import { badRequest } from '../errors.js';

/** Free text a person will read: bounded, well-formed Unicode, no control characters but tab and newline. */
export function checkText(field: string, value: string, max: number): string {
  if (value.length > max) throw badRequest(`${field} must be at most ${max} characters (got ${value.length})`);
  if (!value.isWellFormed() || /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(value)) {
    throw badRequest(`${field} must be text without control characters or broken Unicode`);
  }
  return value;
}

/**
 * Every key and string of a JSON value stored as is (a worker's `changes`): well-formed Unicode
 * without NUL, which neither PostgreSQL's jsonb nor a reader of the audit trail can take.
 */
export function checkJsonStrings(field: string, value: unknown, depth = 0): void {
  if (depth > 32) throw badRequest(`${field} is nested more than 32 levels deep`);
  const bad = (text: string) => !text.isWellFormed() || text.includes('\u0000');
  if (typeof value === 'string') {
    if (bad(value)) throw badRequest(`${field} must hold text without NUL characters or broken Unicode`);
  } else if (Array.isArray(value)) {
    value.forEach((item, i) => checkJsonStrings(`${field}[${i}]`, item, depth + 1));
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      if (bad(key)) throw badRequest(`${field} has a key with NUL characters or broken Unicode`);
      checkJsonStrings(`${field}.${key}`, item, depth + 1);
    }
  }
}

/** A value as an error message shows it: strings quoted, cut to a readable length. */
export function show(value: unknown): string {
  const text = typeof value === 'string' ? `"${value}"` : String(value);
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
}

export function parseEnum<T extends string>(field: string, value: unknown, allowed: readonly T[]): T | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw badRequest(`${field} must be one of ${allowed.join(', ')} (got ${show(value)})`);
  }
  return value as T;
}
