import { validationFailed, type FieldError } from '../errors.js';
import { show } from './text.js';

/**
 * An input object read field by field, every problem collected (each naming its field) and
 * refused together at the end: `fail` reports one, `refuseIfAny` throws them all.
 */
export function objectInput(body: unknown, what: string, accepted: readonly string[]) {
  const errors: FieldError[] = [];
  const fail = (field: string, message: string) => void errors.push({ field, message });
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw validationFailed(`${what[0]!.toUpperCase()}${what.slice(1)} is a JSON object with ${accepted.join(', ')}`, [{ field: 'body', message: `must be an object, got ${show(body)}` }]);
  }
  const input = body as Record<string, unknown>;
  for (const key of Object.keys(input)) if (!accepted.includes(key)) fail(key.slice(0, 64), `is not a field of ${what}; accepted: ${accepted.join(', ')}`);
  return {
    input,
    fail,
    failed: () => errors.length > 0,
    refuseIfAny(): void {
      if (errors.length > 0) throw validationFailed(`${what[0]!.toUpperCase()}${what.slice(1)} is not valid: ${errors.map((e) => `${e.field} ${e.message}`).join('; ')}`, errors);
    },
  };
}
