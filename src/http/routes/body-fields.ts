import { badRequest } from '../../errors.js';

/** A JSON body that must be an object with only these keys (an absent body is {}). */
export async function bodyFields(body: () => Promise<unknown>, allowed: readonly string[]): Promise<Record<string, unknown>> {
  const parsed = await body();
  if (parsed === undefined) return {};
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw badRequest(`Body must be a JSON object with ${allowed.map((k) => `"${k}"`).join(', ')}`);
  }
  const unknown = Object.keys(parsed).filter((key) => !allowed.includes(key));
  if (unknown.length > 0) {
    throw badRequest(`Unknown body field(s): ${unknown.slice(0, 5).map((k) => k.slice(0, 64)).join(', ')}; accepted: ${allowed.join(', ')}`);
  }
  return parsed as Record<string, unknown>;
}
