import type { Matcher, SilenceEvent, SilenceView } from '../../domain/silence.js';
import type { SilenceChange } from '../../events/topics.js';
import * as input from '../../inputs/query.js';
import { builder } from '../builder.js';
import { MatcherNameEnum, SilenceOriginEnum, SilenceStateEnum } from '../enums.js';

export const MatcherRef = builder.objectRef<Matcher>('Matcher').implement({
  description: 'One label test: name = value (isEqual false: not equal); isRegex: value is a regular expression matching the whole label.',
  fields: (t) => ({
    name: t.expose('name', { type: MatcherNameEnum }),
    value: t.exposeString('value'),
    isRegex: t.exposeBoolean('isRegex'),
    isEqual: t.exposeBoolean('isEqual'),
  }),
});

export const SilenceEventRef = builder.objectRef<SilenceEvent>('SilenceHistoryEntry').implement({
  description: 'One change of a silence: who, when, what and why.',
  fields: (t) => ({
    action: t.exposeString('action', { description: 'created, extended or expired.' }),
    at: t.expose('at', { type: 'DateTime' }),
    actor: t.exposeString('actor'),
    reason: t.exposeString('reason', { nullable: true }),
  }),
});

export const SilenceRef = builder.objectRef<SilenceView>('Silence').implement({
  description: "Mutes what its matchers match while active: findings are still recorded (silencedBy), but nobody is notified and no suggestion is raised.",
  fields: (t) => ({
    id: t.exposeID('id'),
    state: t.field({ type: SilenceStateEnum, resolve: (s) => s.status.state }),
    matchers: t.field({ type: [MatcherRef], resolve: (s) => s.matchers }),
    startsAt: t.expose('startsAt', { type: 'DateTime' }),
    endsAt: t.expose('endsAt', { type: 'DateTime' }),
    createdBy: t.exposeString('createdBy'),
    comment: t.exposeString('comment'),
    origin: t.expose('origin', { type: SilenceOriginEnum }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
    history: t.field({ type: [SilenceEventRef], resolve: (s, _, { services }) => services.silences.history(s.id) }),
  }),
});

export const MatcherInput = builder.inputType('MatcherInput', {
  fields: (t) => ({
    name: t.field({ type: MatcherNameEnum, required: true }),
    value: t.string({ required: true }),
    isRegex: t.boolean({ defaultValue: false }),
    isEqual: t.boolean({ defaultValue: true }),
  }),
});

const SilenceInput = builder.inputType('SilenceInput', {
  fields: (t) => ({
    matchers: t.field({ type: [MatcherInput], required: true }),
    startsAt: t.string({ description: 'ISO-8601; now when omitted.' }),
    endsAt: t.string({ required: true, description: 'ISO-8601, after startsAt.' }),
    createdBy: t.string({ description: 'Who asked; the caller when omitted.' }),
    comment: t.string({ required: true, description: 'Why; kept in the audit trail.' }),
  }),
});

const SilenceChangeRef = builder.objectRef<SilenceChange>('SilenceEvent').implement({
  fields: (t) => ({
    kind: t.exposeString('kind', { description: 'created, extended or expired.' }),
    at: t.expose('at', { type: 'DateTime' }),
    actor: t.exposeString('actor'),
    silence: t.expose('silence', { type: SilenceRef }),
  }),
});

builder.queryFields((t) => ({
  silences: t.field({
    authScopes: { read: true },
    type: [SilenceRef],
    description: 'Silences with their state now: current ones by end, then the latest 1000 ended.',
    args: { state: t.arg({ type: SilenceStateEnum }) },
    resolve: (_, { state }, { services }) => services.silences.list(input.silenceState.parse(state ?? undefined)),
  }),
  silence: t.field({
    authScopes: { read: true },
    type: SilenceRef,
    args: { id: t.arg.id({ required: true }) },
    resolve: (_, { id }, { services }) => services.silences.get(String(id)),
  }),
}));

builder.mutationFields((t) => ({
  createSilence: t.field({
    authScopes: { operate: true },
    type: SilenceRef,
    description: 'Creates a silence; VALIDATION_FAILED naming each bad field.',
    args: { input: t.arg({ type: SilenceInput, required: true }) },
    resolve: (_, args, { services, actor }) => services.silences.createFromInput(withoutNulls(args.input), actor),
  }),
  expireSilence: t.field({
    authScopes: { operate: true },
    type: SilenceRef,
    description: 'Ends a silence now (a pending one never starts); the record stays. CONFLICT when it has already ended.',
    args: { id: t.arg.id({ required: true }), reason: t.arg.string() },
    resolve: (_, { id, reason }, { services, actor }) => services.silences.expire(String(id), actor, input.reason.parse(reason)),
  }),
}));

builder.subscriptionField('silenceEvents', (t) =>
  t.field({
    authScopes: { read: true },
    type: SilenceChangeRef,
    description: 'Silences created, extended and expired, as it happens.',
    subscribe: (_, __, { services }) => services.events.silenceChanges(),
    resolve: (change) => change,
  }),
);

/** GraphQL gives absent optional fields as null; the input rules read absent as undefined. */
export function withoutNulls(value: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null && v !== undefined));
}
