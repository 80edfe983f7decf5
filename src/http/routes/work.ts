import { Permission } from '../../auth/roles.js';
import type { Route } from '../router.js';
import { bodyFields } from './body-fields.js';
import { hours, limit } from '../../inputs/query.js';
import * as work from '../../inputs/work.js';

const WORKER = { worker: 'worker-1' };

export const workRoutes: Route[] = [
  {
    method: 'POST',
    path: '/api/meta-agent/improvements/{id}/claim',
    permission: Permission.work,
    summary: 'Take approved work under a lease (status in_progress). Of concurrent claimers exactly one wins; the others get 409.',
    body: { required: true, description: '{"worker": "<your worker id>"}', example: WORKER },
    returns: 'message, improvement_id, lease_expires_at, data: improvement',
    async handle({ services, params, body, actor }) {
      const { worker } = await bodyFields(body, ['worker']);
      const improvement = await services.work.claim(params.id!, work.worker.parse(worker), actor);
      return { message: `Improvement '${improvement.title}' claimed by ${improvement.lease_owner}`, improvement_id: improvement.id, lease_expires_at: improvement.lease_expires_at, data: improvement };
    },
  },
  {
    method: 'POST',
    path: '/api/meta-agent/improvements/{id}/renew',
    permission: Permission.work,
    summary: 'Extend the lease (coordination.leaseSeconds); only its holder can.',
    body: { required: true, description: '{"worker": "<the lease holder>"}', example: WORKER },
    returns: 'message, improvement_id, lease_expires_at, data: improvement',
    async handle({ services, params, body }) {
      const { worker } = await bodyFields(body, ['worker']);
      const improvement = await services.work.renew(params.id!, work.worker.parse(worker));
      return { message: `Lease renewed until ${improvement.lease_expires_at}`, improvement_id: improvement.id, lease_expires_at: improvement.lease_expires_at, data: improvement };
    },
  },
  {
    method: 'POST',
    path: '/api/meta-agent/improvements/{id}/complete',
    permission: Permission.work,
    summary: 'Report the work done (summary and changes); the outcome is verified from the metrics afterwards.',
    body: {
      required: true,
      description: '{"worker", "summary", "changes": [{…}]}',
      example: { worker: 'worker-1', summary: 'Added a cache for quote lookups', changes: [{ file: 'agents/alpha_hunter.py', description: 'LRU cache, 5 min TTL' }] },
    },
    returns: 'message, improvement_id, data: improvement',
    async handle({ services, params, body, actor }) {
      const { worker, summary, changes } = await bodyFields(body, ['worker', 'summary', 'changes']);
      const improvement = await services.work.complete(params.id!, work.worker.parse(worker), work.workResult.parse(summary, changes), actor);
      return { message: `Improvement '${improvement.title}' completed`, improvement_id: improvement.id, data: improvement };
    },
  },
  {
    method: 'POST',
    path: '/api/meta-agent/improvements/{id}/fail',
    permission: Permission.work,
    summary: 'Report that the work could not be done, and why.',
    body: { required: true, description: '{"worker", "reason"}', example: { worker: 'worker-1', reason: 'cannot reproduce' } },
    returns: 'message, improvement_id, data: improvement',
    async handle({ services, params, body, actor }) {
      const { worker, reason } = await bodyFields(body, ['worker', 'reason']);
      const improvement = await services.work.fail(params.id!, work.worker.parse(worker), work.failureReason.parse(reason), actor);
      return { message: `Improvement '${improvement.title}' failed: ${improvement.failure_reason}`, improvement_id: improvement.id, data: improvement };
    },
  },
  {
    method: 'GET',
    path: '/api/meta-agent/audit',
    permission: Permission.read,
    summary: 'The audit trail: every status change of every improvement (who, when, from, to, why), newest first.',
    query: [hours, limit],
    returns: 'data: [{id, improvement_id, at, actor, from_status, to_status, reason}], count',
    async handle({ services, query, maxRows }) {
      const events = await services.improvements.auditTrail({ hours: hours.parse(query.hours), limit: limit.parse(query.limit, maxRows) });
      return { data: events, count: events.length };
    },
  },
  {
    method: 'GET',
    path: '/api/meta-agent/deliveries',
    permission: Permission.read,
    summary: 'The delivery log of assignment webhooks and notifications (every attempt), newest first.',
    query: [hours, limit],
    returns: 'data: [{kind, target, subject, attempt, at, ok, status_code, error, duration_ms}], count',
    async handle({ services, query, maxRows }) {
      const rows = await services.status.deliveries({ hours: hours.parse(query.hours), limit: limit.parse(query.limit, maxRows) });
      return { data: rows, count: rows.length };
    },
  },
];
