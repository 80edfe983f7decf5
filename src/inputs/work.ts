import { SpecialistRole } from '../domain/enums.js';
import type { WorkResult } from '../domain/improvement.js';
import { badRequest } from '../errors.js';
import type { Input } from './input.js';
import { checkJsonStrings, checkText } from './text.js';

/** What a worker sends: its id, its result or why it failed, the role it serves. */
const WORKER_ID = /^[A-Za-z0-9_.:@-]{1,128}$/;
const MAX_RESULT_BYTES = 256 * 1024;
const ROLES = Object.values(SpecialistRole) as string[];

/** A worker's self-chosen id, recorded as the lease owner. */
export const worker: Input<string> = {
  name: 'worker',
  type: 'string',
  description: 'Your worker id: 1 to 128 characters of A-Z, a-z, 0-9, "_", ".", ":", "@" or "-".',
  parse(value) {
    if (typeof value !== 'string' || !WORKER_ID.test(value)) {
      throw badRequest('worker must be 1 to 128 characters of A-Z, a-z, 0-9, "_", ".", ":", "@" or "-"');
    }
    return value;
  },
};

/** What was done (`summary`, required) and the changes made (an array of objects). */
export const workResult: Input<WorkResult, [changes: unknown]> = {
  name: 'summary',
  type: 'string',
  description: 'What was done (at most 10,000 characters), with `changes`: an array of objects such as {"file", "description"}.',
  parse(summary, changes) {
    if (typeof summary !== 'string' || summary.trim() === '') throw badRequest('summary is required: what was done');
    checkText('summary', summary, 10_000);
    const list = changes ?? [];
    if (!Array.isArray(list) || list.some((c) => c === null || typeof c !== 'object' || Array.isArray(c))) {
      throw badRequest('changes must be an array of objects, e.g. [{"file": "agents/alpha.py", "description": "…"}]');
    }
    if (list.length > 500) throw badRequest(`changes must list at most 500 entries (got ${list.length})`);
    checkJsonStrings('changes', list);
    const result = { summary: summary.trim(), changes: list as Array<Record<string, unknown>> };
    if (Buffer.byteLength(JSON.stringify(result)) > MAX_RESULT_BYTES) throw badRequest('the result must be at most 256 KiB of JSON');
    return result;
  },
};

export const failureReason: Input<string> = {
  name: 'reason',
  type: 'string',
  description: 'Why the work failed (required, at most 2000 characters).',
  parse(value) {
    if (typeof value !== 'string' || value.trim() === '') throw badRequest('reason is required: why the work failed');
    return checkText('reason', value.trim(), 2000);
  },
};

export const specialistRole: Input<SpecialistRole> = {
  name: 'role',
  type: 'string',
  enum: ROLES,
  description: 'The specialist role whose work to receive.',
  parse(value) {
    if (typeof value !== 'string' || !ROLES.includes(value)) throw badRequest(`role must be one of ${ROLES.join(', ')}`);
    return value as SpecialistRole;
  },
};
