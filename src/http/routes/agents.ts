import { Permission } from '../../auth/roles.js';
import { agentName } from '../../inputs/query.js';
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
