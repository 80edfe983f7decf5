import type { WorkResult } from '../domain/improvement.js';
import { badRequest } from '../errors.js';
import { checkText } from './inputs.js';

const WORKER_ID = /^[A-Za-z0-9_.:@-]{1,128}$/;
const MAX_RESULT_BYTES = 256 * 1024;

/** A worker's self-chosen id, recorded as the lease owner. */
export function parseWorkerId(value: unknown): string {
  if (typeof value !== 'string' || !WORKER_ID.test(value)) {
    throw badRequest('worker must be 1 to 128 characters of A-Z, a-z, 0-9, "_", ".", ":", "@" or "-"');
  }
  return value;
}

export function parseWorkResult(summary: unknown, changes: unknown): WorkResult {
  if (typeof summary !== 'string' || summary.trim() === '') throw badRequest('summary is required: what was done');
  checkText('summary', summary, 10_000);
  const list = changes ?? [];
  if (!Array.isArray(list) || list.some((c) => c === null || typeof c !== 'object' || Array.isArray(c))) {
    throw badRequest('changes must be an array of objects, e.g. [{"file": "agents/alpha.py", "description": "…"}]');
  }
  if (list.length > 500) throw badRequest(`changes must list at most 500 entries (got ${list.length})`);
  const result = { summary: summary.trim(), changes: list as Array<Record<string, unknown>> };
  if (Buffer.byteLength(JSON.stringify(result)) > MAX_RESULT_BYTES) throw badRequest('the result must be at most 256 KiB of JSON');
  return result;
}

export function parseRequiredReason(value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '') throw badRequest('reason is required: why the work failed');
  return checkText('reason', value.trim(), 2000);
}
