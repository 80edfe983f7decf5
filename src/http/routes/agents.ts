import { Permission } from '../../auth/roles.js';
import { agentName, agentNameFilter, hours, limit } from '../../inputs/query.js';
import { parseBatch } from '../../inputs/samples.js';
import type { Route } from '../router.js';

export const agentRoutes: Route[] = [
  {
    method: 'GET',
    path: '/api/agents/status',
    permission: Permission.read,
    summary: 'Every agent that has reported, with its health, last seen time and latest windowed metrics.',
    returns: 'data: [{name, health, health_reason, first_seen, last_seen, registered_at, sample_count, metrics}], count',
    async handle({ services }) {
      const agents = await services.agents.statuses();
      return { data: agents, count: agents.length };
    },
  },
  {
    method: 'DELETE',
    path: '/api/agents/{name}',
    permission: Permission.operate,
    summary:
      'Forget an agent that was retired: it leaves the registry (so it is no longer reported silent); its history stays until retention. A new report registers it again.',
    returns: 'message, data: {name, samples_kept}',
    async handle({ services, params, actor }) {
      const removed = await services.agents.forget(agentName.parse(params.name), actor);
      return { message: `Agent '${removed.name}' removed from the registry`, data: { name: removed.name, samples_kept: removed.sample_count } };
    },
  },
  {
    method: 'POST',
    path: '/api/agents/{name}/events',
    // It silences the agent for a while: an operator's (or a deploy pipeline's operator token's) call, not any agent's.
    permission: Permission.operate,
    summary:
      "Record a deploy or restart of the agent (operator role). For an agent the registry knows, it opens a quiet period (notifications.deployQuietMinutes, default 10): a silence, or the agent's current one moved later. A deploy's version joins the versions shifts are blamed on.",
    body: { required: true, description: '{kind: "deploy" | "restart", version?, at? (ISO-8601, default now)}', example: { kind: 'deploy', version: '2.4.0' } },
    returns: 'data: {event, silence}',
    async handle({ services, params, body, actor }) {
      const name = agentName.parse(params.name);
      return { data: await services.agentEvents.record(name, await body(), actor) };
    },
  },
  {
    method: 'GET',
    path: '/api/agents/events',
    permission: Permission.read,
    summary: 'Deploy and restart events of the last `hours`, newest first, of one agent or all.',
    query: [agentNameFilter, hours, limit],
    returns: 'data: [{id, agent_name, kind, version, at, recorded_at, actor, silence_id}], count',
    async handle({ services, query, maxRows }) {
      const rows = await services.agentEvents.list({ agentName: agentNameFilter.parse(query.agent_name), hours: hours.parse(query.hours), limit: limit.parse(query.limit, maxRows) });
      return { data: rows, count: rows.length };
    },
  },
  {
    method: 'POST',
    path: '/api/agents/metrics',
    permission: Permission.report,
    summary:
      'Report a batch of 1..5000 samples. All or nothing: one bad sample rejects the batch with 400 and an errors list naming index, field and problem.',
    body: {
      required: true,
      description: '{"samples": [sample, …]}; see the README for fields and units.',
      example: {
        samples: [
          { agent_name: 'alpha_hunter', response_time: 2.4, success_rate: 0.97, error_count: 1, requests: 40, memory_usage: 512, cpu_usage: 35.5 },
        ],
      },
    },
    returns: 'data: {accepted, agents}',
    async handle({ services, body, principal }) {
      const samples = parseBatch(await body(), services.ingest.limits());
      return { data: await services.ingest.ingest(samples, { role: principal.role }) };
    },
  },
];
