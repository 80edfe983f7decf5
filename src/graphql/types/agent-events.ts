import type { AgentEvent } from '../../domain/agent-event.js';
import type { SilenceView } from '../../domain/silence.js';
import * as input from '../../inputs/query.js';
import { builder } from '../builder.js';
import { SilenceRef } from './silences.js';
import { AgentEventKindEnum } from '../enums.js';

const AgentEventRef = builder.objectRef<AgentEvent>('AgentEvent').implement({
  description: 'A deploy or restart of an agent, as reported.',
  fields: (t) => ({
    id: t.exposeInt('id'),
    agentName: t.exposeString('agent_name'),
    kind: t.expose('kind', { type: AgentEventKindEnum }),
    version: t.exposeString('version', { nullable: true }),
    at: t.expose('at', { type: 'DateTime' }),
    recordedAt: t.expose('recorded_at', { type: 'DateTime' }),
    actor: t.exposeString('actor'),
    silenceId: t.exposeString('silence_id', { nullable: true, description: 'The quiet period it opened.' }),
  }),
});

const RecordedEventRef = builder.objectRef<{ event: AgentEvent; silence: SilenceView | null }>('RecordedAgentEvent').implement({
  fields: (t) => ({
    event: t.expose('event', { type: AgentEventRef }),
    silence: t.expose('silence', { type: SilenceRef, nullable: true, description: 'The quiet period: a silence of the agent, or null when it is over already or turned off.' }),
  }),
});

builder.queryField('agentEvents', (t) =>
  t.field({
    authScopes: { read: true },
    type: [AgentEventRef],
    description: 'Deploy and restart events of the last `hours`, newest first.',
    args: { agentName: t.arg.string(), hours: t.arg.float({ defaultValue: 24 }), limit: t.arg.int() },
    resolve: (_, args, { services, maxRows }) =>
      services.agentEvents.list({ agentName: input.agentNameFilter.parse(args.agentName ?? undefined), hours: input.hours.parse(args.hours), limit: input.limit.parse(args.limit, maxRows) }),
  }),
);

builder.mutationField('recordAgentEvent', (t) =>
  t.field({
    authScopes: { operate: true },
    type: RecordedEventRef,
    description: "Records a deploy or restart; it opens the agent's quiet period (notifications.deployQuietMinutes).",
    args: {
      agentName: t.arg.string({ required: true }),
      kind: t.arg({ type: AgentEventKindEnum, required: true }),
      version: t.arg.string(),
      at: t.arg.string({ description: 'ISO-8601; now when omitted.' }),
    },
    resolve: (_, { agentName, kind, version, at }, { services, actor }) =>
      services.agentEvents.record(input.agentName.parse(agentName), { kind, ...(version != null ? { version } : {}), ...(at != null ? { at } : {}) }, actor),
  }),
);
