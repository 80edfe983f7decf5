import type { MaintenanceWindowView } from '../../services/maintenance-windows.js';
import * as input from '../../inputs/query.js';
import { builder } from '../builder.js';
import { MatcherInput, MatcherRef, SilenceEventRef, withoutNulls } from './silences.js';

const ActiveOccurrenceRef = builder.objectRef<NonNullable<MaintenanceWindowView['active']>>('MaintenanceOccurrence').implement({
  fields: (t) => ({
    silenceId: t.exposeString('silence_id', { description: 'The id it has among the silences.' }),
    until: t.expose('until', { type: 'DateTime' }),
  }),
});

const MaintenanceWindowRef = builder.objectRef<MaintenanceWindowView>('MaintenanceWindow').implement({
  description: 'A recurring quiet time: each occurrence acts as a silence of its matchers.',
  fields: (t) => ({
    id: t.exposeID('id'),
    name: t.exposeString('name'),
    cron: t.string({ nullable: true, resolve: (w) => ('cron' in w.schedule ? w.schedule.cron : null) }),
    weekdays: t.stringList({ nullable: true, resolve: (w) => ('weekdays' in w.schedule ? w.schedule.weekdays : null) }),
    time: t.string({ nullable: true, resolve: (w) => ('time' in w.schedule ? w.schedule.time : null) }),
    durationMinutes: t.exposeInt('durationMinutes'),
    timeZone: t.exposeString('timeZone'),
    matchers: t.field({ type: [MatcherRef], resolve: (w) => w.matchers }),
    comment: t.exposeString('comment'),
    createdBy: t.exposeString('createdBy'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
    nextStart: t.expose('next_start', { type: 'DateTime' }),
    active: t.expose('active', { type: ActiveOccurrenceRef, nullable: true, description: 'The occurrence going on now.' }),
    history: t.field({ type: [SilenceEventRef], resolve: (w, _, { services }) => services.maintenanceWindows.history(w.id) }),
  }),
});

const MaintenanceWindowInput = builder.inputType('MaintenanceWindowInput', {
  fields: (t) => ({
    name: t.string({ required: true }),
    cron: t.string({ description: 'Five fields, e.g. "0 2 * * *"; or give weekdays and time.' }),
    weekdays: t.stringList({ description: 'sun, mon, tue, wed, thu, fri, sat.' }),
    time: t.string({ description: 'HH:MM.' }),
    durationMinutes: t.int({ required: true }),
    timeZone: t.string({ required: true, description: 'IANA, e.g. Europe/London.' }),
    matchers: t.field({ type: [MatcherInput], required: true }),
    comment: t.string({ required: true }),
    createdBy: t.string(),
  }),
});

builder.queryField('maintenanceWindows', (t) =>
  t.field({
    authScopes: { read: true },
    type: [MaintenanceWindowRef],
    resolve: (_, __, { services }) => services.maintenanceWindows.list(),
  }),
);

builder.mutationFields((t) => ({
  createMaintenanceWindow: t.field({
    authScopes: { operate: true },
    type: MaintenanceWindowRef,
    args: { input: t.arg({ type: MaintenanceWindowInput, required: true }) },
    resolve: (_, args, { services, actor }) => services.maintenanceWindows.create(withoutNulls(args.input), actor),
  }),
  updateMaintenanceWindow: t.field({
    authScopes: { operate: true },
    type: MaintenanceWindowRef,
    args: { id: t.arg.id({ required: true }), input: t.arg({ type: MaintenanceWindowInput, required: true }) },
    resolve: (_, args, { services, actor }) => services.maintenanceWindows.update(String(args.id), withoutNulls(args.input), actor),
  }),
  deleteMaintenanceWindow: t.field({
    authScopes: { operate: true },
    type: MaintenanceWindowRef,
    args: { id: t.arg.id({ required: true }), reason: t.arg.string() },
    resolve: (_, { id, reason }, { services, actor }) => services.maintenanceWindows.delete(String(id), actor, input.reason.parse(reason)),
  }),
}));
