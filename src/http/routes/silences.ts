import { Permission } from '../../auth/roles.js';
import * as input from '../../inputs/query.js';
import type { Route } from '../router.js';

const EXAMPLE = {
  matchers: [{ name: 'agent', value: 'trade_executor', isRegex: false, isEqual: true }],
  startsAt: '2026-12-03T14:00:00Z',
  endsAt: '2026-12-03T14:30:00Z',
  createdBy: 'alice',
  comment: 'Deploying trade_executor 2.4',
};

/** Silences, in Alertmanager's v2 shape (domain/silence.ts). */
export const silenceRoutes: Route[] = [
  {
    method: 'POST',
    path: '/api/meta-agent/silences',
    permission: Permission.operate,
    summary:
      'Create a silence: while active, findings it matches are recorded with silenced_by, notify nobody and raise no suggestion. Matchers name agent, metric, kind, severity or type; startsAt defaults to now, createdBy to the caller. 400 VALIDATION_FAILED naming each bad field.',
    body: { required: true, description: '{matchers: [{name, value, isRegex, isEqual}], startsAt?, endsAt, createdBy?, comment}', example: EXAMPLE },
    returns: 'silenceID, data: silence',
    async handle({ services, actor, body }) {
      const silence = await services.silences.createFromInput(await body(), actor);
      return { silenceID: silence.id, data: silence };
    },
  },
  {
    method: 'GET',
    path: '/api/meta-agent/silences',
    permission: Permission.read,
    summary: 'Silences with their state now (active, pending, expired): current ones by end, then the latest 1000 ended; maintenance-window occurrences while active.',
    query: [input.silenceState],
    returns: 'data: [silence], count',
    async handle({ services, query }) {
      const silences = await services.silences.list(input.silenceState.parse(query.state));
      return { data: silences, count: silences.length };
    },
  },
  {
    method: 'GET',
    path: '/api/meta-agent/silences/{id}',
    permission: Permission.read,
    summary: 'One silence with its audit trail (who created, extended or expired it, when and why).',
    returns: 'data: silence with history',
    async handle({ services, params }) {
      const silence = await services.silences.get(params.id!);
      return { data: { ...silence, history: await services.silences.history(silence.id) } };
    },
  },
  {
    method: 'DELETE',
    path: '/api/meta-agent/silences/{id}',
    permission: Permission.operate,
    summary: 'Expire a silence now (a pending one never starts); the record is kept. 409 when it has already ended.',
    query: [input.reason],
    returns: 'message, data: silence',
    async handle({ services, params, actor, query }) {
      const silence = await services.silences.expire(params.id!, actor, input.reason.parse(query.reason));
      return { message: `Silence ${silence.id} expired`, data: silence };
    },
  },
];

const WINDOW_EXAMPLE = {
  name: 'nightly-batch-restart',
  weekdays: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'],
  time: '02:00',
  durationMinutes: 20,
  timeZone: 'Europe/London',
  matchers: [{ name: 'agent', value: 'batch_.*', isRegex: true, isEqual: true }],
  comment: 'batch agents restart every night',
};
const WINDOW_BODY = {
  required: true,
  description: '{name, cron ("0 2 * * *") | weekdays (sun..sat) + time ("02:00"), durationMinutes (1..10080), timeZone (IANA), matchers, comment, createdBy?}',
  example: WINDOW_EXAMPLE,
};

/** Recurring maintenance windows: each occurrence acts as a silence. */
export const maintenanceWindowRoutes: Route[] = [
  {
    method: 'POST',
    path: '/api/meta-agent/maintenance-windows',
    permission: Permission.operate,
    summary: 'Create a recurring maintenance window: while an occurrence goes on it acts as a silence of its matchers, and is listed among the silences.',
    body: WINDOW_BODY,
    returns: 'data: window with next_start and active',
    async handle({ services, actor, body }) {
      return { data: await services.maintenanceWindows.create(await body(), actor) };
    },
  },
  {
    method: 'GET',
    path: '/api/meta-agent/maintenance-windows',
    permission: Permission.read,
    summary: 'Maintenance windows by name, each with its next start and the occurrence going on now (active: {silence_id, until} or null).',
    returns: 'data: [window], count',
    async handle({ services }) {
      const windows = await services.maintenanceWindows.list();
      return { data: windows, count: windows.length };
    },
  },
  {
    method: 'GET',
    path: '/api/meta-agent/maintenance-windows/{id}',
    permission: Permission.read,
    summary: 'One maintenance window with its audit trail.',
    returns: 'data: window with history',
    async handle({ services, params }) {
      const window = await services.maintenanceWindows.get(params.id!);
      return { data: { ...window, history: await services.maintenanceWindows.history(window.id) } };
    },
  },
  {
    method: 'PUT',
    path: '/api/meta-agent/maintenance-windows/{id}',
    permission: Permission.operate,
    summary: 'Replace a maintenance window (the same body as to create it); audited.',
    body: WINDOW_BODY,
    returns: 'data: window',
    async handle({ services, params, actor, body }) {
      return { data: await services.maintenanceWindows.update(params.id!, await body(), actor) };
    },
  },
  {
    method: 'DELETE',
    path: '/api/meta-agent/maintenance-windows/{id}',
    permission: Permission.operate,
    summary: 'Delete a maintenance window (an occurrence going on ends with it); its audit trail stays.',
    query: [input.reason],
    returns: 'message, data: window',
    async handle({ services, params, actor, query }) {
      const window = await services.maintenanceWindows.delete(params.id!, actor, input.reason.parse(query.reason));
      return { message: `Maintenance window ${window.name} deleted`, data: window };
    },
  },
];
