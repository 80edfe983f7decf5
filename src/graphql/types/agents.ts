import type { AgentStatus, WindowMetrics } from '../../domain/agent.js';
import { agentName } from '../../inputs/query.js';
import { builder } from '../builder.js';
import { AgentHealthEnum } from '../enums.js';

const WindowMetricsRef = builder.objectRef<WindowMetrics>('WindowMetrics').implement({
  description: "Means and totals of an agent's samples over the health window; null where nothing was reported.",
  fields: (t) => ({
    samples: t.exposeInt('samples'),
    responseTime: t.exposeFloat('response_time', { nullable: true, description: 'Mean seconds.' }),
    successRate: t.exposeFloat('success_rate', { nullable: true }),
    errorCount: t.exposeFloat('error_count', { nullable: true, description: 'Sum over the window.' }),
    requests: t.exposeFloat('requests', { nullable: true }),
    errorRate: t.exposeFloat('error_rate', { nullable: true, description: 'errors / requests, else 1 − success rate.' }),
    insightsGenerated: t.exposeFloat('insights_generated', { nullable: true }),
    researchCycles: t.exposeFloat('research_cycles', { nullable: true }),
    cpuUsage: t.exposeFloat('cpu_usage', { nullable: true, description: 'Mean percent of one core.' }),
    memoryUsage: t.exposeFloat('memory_usage', { nullable: true, description: 'Mean MB resident.' }),
    inputTokens: t.exposeFloat('input_tokens', { nullable: true, description: 'LLM input tokens, sum over the window.' }),
    outputTokens: t.exposeFloat('output_tokens', { nullable: true, description: 'LLM output tokens, sum over the window.' }),
  }),
});

export const AgentRef = builder.objectRef<AgentStatus>('Agent').implement({
  fields: (t) => ({
    name: t.exposeString('name'),
    health: t.expose('health', { type: AgentHealthEnum }),
    healthReason: t.exposeString('health_reason'),
    watchError: t.exposeString('watch_error', { nullable: true, description: 'What fails when the meta agent checks the agent itself (its health URL or process); null when nothing.' }),
    firstSeen: t.expose('first_seen', { type: 'DateTime' }),
    lastSeen: t.expose('last_seen', { type: 'DateTime' }),
    registeredAt: t.expose('registered_at', { type: 'DateTime' }),
    sampleCount: t.exposeInt('sample_count'),
    inputTokensTotal: t.exposeFloat('input_tokens_total', { description: 'LLM input tokens reported since the agent registered.' }),
    outputTokensTotal: t.exposeFloat('output_tokens_total', { description: 'LLM output tokens reported since the agent registered.' }),
    metrics: t.expose('metrics', { type: WindowMetricsRef }),
  }),
});

builder.queryFields((t) => ({
  agents: t.field({
    authScopes: { read: true },
    type: [AgentRef],
    description: 'Every agent that has reported, with its current health.',
    resolve: (_, __, { services }) => services.agents.statuses(),
  }),
  agent: t.field({
    authScopes: { read: true },
    type: AgentRef,
    args: { name: t.arg.string({ required: true }) },
    resolve: (_, { name }, { services }) => services.agents.status(agentName.parse(name)),
  }),
}));

builder.mutationField('forgetAgent', (t) =>
  t.field({
    authScopes: { operate: true },
    type: 'String',
    description: 'Removes a retired agent from the registry (it is no longer reported silent); its history stays until retention.',
    args: { name: t.arg.string({ required: true }) },
    resolve: async (_, { name }, { services, actor }) => (await services.agents.forget(agentName.parse(name), actor)).name,
  }),
);
