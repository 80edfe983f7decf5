import type { Finding } from '../../domain/finding.js';
import type { FindingEvent } from '../../events/topics.js';
import * as input from '../../inputs/query.js';
import { builder } from '../builder.js';
import { FindingKindEnum, SeverityEnum } from '../enums.js';

export const FindingRef = builder.objectRef<Finding>('Finding').implement({
  description: 'One thing the analysis noticed, with the values that prove it.',
  fields: (t) => ({
    id: t.exposeInt('id'),
    kind: t.expose('kind', { type: FindingKindEnum }),
    agentName: t.exposeString('agent_name', { nullable: true, description: 'Null when fleet-wide.' }),
    metric: t.exposeString('metric'),
    severity: t.expose('severity', { type: SeverityEnum }),
    score: t.exposeFloat('score'),
    startedAt: t.expose('started_at', { type: 'DateTime' }),
    endedAt: t.expose('ended_at', { type: 'DateTime' }),
    value: t.exposeFloat('value', { nullable: true }),
    expected: t.exposeFloat('expected', { nullable: true }),
    message: t.exposeString('message'),
    details: t.expose('details', { type: 'JSONObject' }),
    silencedBy: t.exposeStringList('silenced_by', { description: 'The silences that covered it while the analysis saw it: it notified nobody and raised no suggestion then.' }),
    createdAt: t.expose('created_at', { type: 'DateTime' }),
  }),
});

builder.queryField('findings', (t) =>
  t.field({
    authScopes: { read: true },
    type: [FindingRef],
    description: 'Findings whose span ended in the last `hours`, newest first.',
    args: {
      kind: t.arg({ type: FindingKindEnum }),
      agentName: t.arg.string(),
      metric: t.arg.string(),
      hours: t.arg.float({ defaultValue: 24 }),
      limit: t.arg.int(),
    },
    resolve: (_, args, { services, maxRows }) =>
      services.findings.list({
        kind: args.kind ?? undefined,
        agentName: input.agentNameFilter.parse(args.agentName),
        metric: input.metricFilter.parse(args.metric),
        hours: input.hours.parse(args.hours),
        limit: input.limit.parse(args.limit, maxRows),
      }),
  }),
);

const FindingEventRef = builder.objectRef<FindingEvent>('FindingEvent').implement({
  fields: (t) => ({
    kind: t.exposeString('kind', { description: 'new, or updated (its span, value or severity moved).' }),
    at: t.expose('at', { type: 'DateTime' }),
    finding: t.expose('finding', { type: FindingRef }),
  }),
});

builder.subscriptionField('findingEvents', (t) =>
  t.field({
    authScopes: { read: true },
    type: FindingEventRef,
    description: 'Findings as each analysis run records them: new episodes and ones that changed.',
    args: { agentName: t.arg.string(), kind: t.arg({ type: FindingKindEnum }) },
    subscribe: (_, { agentName, kind }, { services }) => services.events.findings(agentName ?? undefined, kind ?? undefined),
    resolve: (event) => event,
  }),
);
